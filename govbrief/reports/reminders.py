"""The screening deadline of an item an office received (SPEC §3.4: the office screens what reached
it within its screening days, 办理时限): on the morning of the due day, and the next morning if it is
still open, an event says so (report.due_today, report.overdue), and notifications tells whoever
works on it (and, when overdue, the office's chief editors, urgently). core.reminders schedules both:
set when the item arrives or comes back, moved with its deadline, dropped when it is screened."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from govbrief import events
from govbrief.core.calendar import due_date
from govbrief.core.reminders import ReminderKind, cancel, register, schedule
from govbrief.events import DomainEvent, subscribe

from .choices import SubmissionState
from .models import Submission

SCREENING = "reports.screening"
# An item is due by the end of its due day's office hours; the reminders go out at 09:00.
DAY_ENDS = dt.time(17, 30)
DUE_TODAY = ("due_today", -dt.timedelta(hours=8, minutes=30))  # 09:00 of the due day
OVERDUE = ("overdue", dt.timedelta(hours=15, minutes=30))  # 09:00 the day after


def screening_deadline(submission: Submission) -> dt.datetime:
    day = due_date(arrived=submission.submitted_at, days=submission.to_unit.screening_days)
    return timezone.make_aware(dt.datetime.combine(day, DAY_ENDS))


def _send(reminder) -> bool:
    """Record that the item is due today, or overdue, if it is still open: the event layer writes
    the audit entry and its subscribers (notifications) tell the people concerned."""
    sub = Submission.objects.filter(pk=reminder.target_id).first()
    if sub is None or sub.state != SubmissionState.SUBMITTED:
        return False  # screened meanwhile
    kind = "report.overdue" if reminder.stage == OVERDUE[0] else "report.due_today"
    events.record(kind, actor=None, target=sub, data={"deadline": reminder.deadline.isoformat()})
    return True


register(ReminderKind(SCREENING, stages=(DUE_TODAY, OVERDUE), send=_send))


@subscribe("report.submitted", "report.forwarded", "report.resubmitted", "report.adopted", "report.archived",
           "report.returned")
def keep_screening_reminders(event: DomainEvent) -> None:
    """An open item has its reminders; a screened one none."""
    if event.target_type != Submission._meta.label_lower:
        return
    sub = Submission.objects.select_related("to_unit").filter(pk=event.target_id).first()
    if sub is None:
        return
    if sub.state == SubmissionState.SUBMITTED:
        schedule(purpose=SCREENING, target=sub, deadline=screening_deadline(sub))
    else:
        cancel(purpose=SCREENING, target=sub)
