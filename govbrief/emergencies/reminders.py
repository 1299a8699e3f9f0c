"""Reminders before an emergency clock runs out and when it passes (SPEC §5: the system escalates
before the deadline), scheduled with core.reminders: set when a clock starts or moves, dropped when
the first report arrives or the incident is closed. Each sends an event (emergency.due_soon,
emergency.overdue) whose subscriber tells the unit's people, urgently, and at the deadline the
office's duty desk too."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from govbrief import events
from govbrief.core.reminders import ReminderKind, cancel, register, schedule

CLOCK = "emergencies.clock"


def _stages() -> tuple[tuple[str, dt.timedelta], ...]:
    """The set points before the deadline (GOVBRIEF_EMERGENCY_REMINDER_MINUTES, 60 and 15 by default),
    then the deadline itself."""
    minutes = sorted({int(m) for m in getattr(settings, "GOVBRIEF_EMERGENCY_REMINDER_MINUTES", (60, 15)) if int(m) > 0},
                     reverse=True)
    return (*((f"before_{m}", -dt.timedelta(minutes=m)) for m in minutes), ("overdue", dt.timedelta(0)))


def _send(reminder) -> bool:
    from .choices import ClockState, IncidentState
    from .models import Clock

    clock = Clock.objects.select_related("incident").filter(pk=reminder.target_id).first()
    if clock is None or clock.state != ClockState.WAITING or clock.incident.state != IncidentState.OPEN:
        return False  # reported, withdrawn or closed meanwhile
    from govbrief.reports.models import Submission

    # A written report that arrived while its task waited for a worker stops the clock by the
    # submission's time: no reminder for what is already there.
    if Submission.objects.filter(report__emergency__incident_id=clock.incident_id, from_unit_id=clock.unit_id,
                                 to_unit_id=clock.office_id, submitted_at__gte=clock.started_at).exists():
        return False
    data = {"clock": clock.pk, "unit": clock.unit_id, "deadline": clock.deadline.isoformat()}
    if reminder.stage == "overdue":
        events.record("emergency.overdue", actor=None, target=clock, data=data)
    else:
        minutes = int(reminder.stage.removeprefix("before_"))
        events.record("emergency.due_soon", actor=None, target=clock, data={**data, "minutes": minutes})
    return True


register(ReminderKind(CLOCK, stages=_stages(), send=_send))


def schedule_reminders(clock) -> None:
    schedule(purpose=CLOCK, target=clock, deadline=clock.deadline)


def cancel_reminders(clock) -> None:
    cancel(purpose=CLOCK, target=clock)
