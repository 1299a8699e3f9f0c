"""The demo's incidents (issue 17): every state a duty board shows, made through the services and
dated in the past like the rest of the demo, and made once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govbrief.core.models import Reminder
from govbrief.demo.emergencies import INCIDENTS, ensure_emergencies
from govbrief.demo.loader import load_demo
from govbrief.demo.province import DEMO_CITY_CODE, DEMO_COUNTY_CODE, PROVINCE_CODE
from govbrief.emergencies import selectors
from govbrief.emergencies.choices import (
    ArrivalKind,
    ClockState,
    DispositionKind,
    IncidentState,
    RecordKind,
    RequestKind,
    Stage,
)
from govbrief.emergencies.models import (
    Clock,
    Disposition,
    EmergencyReport,
    Escalation,
    Incident,
    IncidentEvent,
    PhoneReport,
    ReportingRecord,
    Request,
)
from govbrief.emergencies.reminders import CLOCK
from govbrief.notifications.models import Notification
from govbrief.orgs.models import User
from govbrief.reports.models import ReportEvent, Submission

COUNTED = (Incident, Clock, Request, PhoneReport, Disposition, Escalation, ReportingRecord, IncidentEvent,
           EmergencyReport, Submission, ReportEvent, Notification, Reminder)


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    """Units, people and the incidents (no planned reports: fast). The subscribers run as on a commit."""
    with django_capture_on_commit_callbacks(execute=True):
        result = load_demo(reports=0)
    return result


def test_incidents_in_every_state(demo):
    assert demo.incidents_created == len(INCIDENTS) == Incident.objects.count()
    # Held by the city office of the well-known editors (and, for what it sent on up, the province).
    assert set(Clock.objects.values_list("office__code", flat=True)) == {DEMO_CITY_CODE, PROVINCE_CODE}
    now = timezone.now()
    assert set(Incident.objects.values_list("state", flat=True)) == set(IncidentState.values)
    assert {ClockState.WAITING, ClockState.ON_TIME, ClockState.LATE} <= set(Clock.objects.values_list("state", flat=True))

    # Requested and waiting: one with its deadline ahead (a live countdown), one overdue, nobody reported.
    waiting = Clock.objects.filter(state=ClockState.WAITING, incident__state=IncidentState.OPEN)
    ahead = waiting.get(deadline__gt=now)
    assert timedelta(minutes=30) < ahead.deadline - now < timedelta(hours=2)
    assert ahead.request is not None and ahead.incident.clocks.filter(state=ClockState.ON_TIME).exists()
    overdue = waiting.get(deadline__lt=now)
    assert not overdue.incident.reports.exists()
    # The overdue reminder went out at the deadline; only the running clock ahead has reminders to come.
    assert Notification.objects.filter(verb="emergency_overdue", created_at=overdue.deadline).exists()
    pending = Reminder.objects.filter(purpose=CLOCK, sent_at__isnull=True)
    assert set(pending.values_list("target_id", flat=True)) == {str(ahead.pk)}
    assert all(r.remind_at > now for r in pending)

    # On time with follow-ups and a final report, casualties changing, then closed by the office.
    serious = Incident.objects.distinct().get(unit__code=DEMO_COUNTY_CODE, reports__stage=Stage.FINAL,
                                              dispositions__kind=DispositionKind.SPECIAL)
    stages = list(serious.reports.order_by("created_at").values_list("stage", "deaths"))
    assert [s for s, _d in stages] == [Stage.INITIAL, Stage.FOLLOW_UP, Stage.FOLLOW_UP, Stage.FINAL]
    assert [d for _s, d in stages] == [2, 3, 3, 4]
    assert serious.state == IncidentState.CLOSED and serious.closed_by.username == "zhubian"
    assert set(serious.dispositions.values_list("kind", flat=True)) == set(DispositionKind.values)
    assert serious.escalations.get().to_state_council
    first = serious.clocks.get(office__code=DEMO_CITY_CODE, rule="incident")
    assert first.state == ClockState.ON_TIME and first.arrived_at == first.submission.submitted_at
    # 约稿: its own request and clock, answered in time by the next follow-up.
    more = serious.dispositions.get(kind=DispositionKind.MORE)
    assert more.request.kind == RequestKind.MORE and more.request.requested_at == more.decided_at
    (clock,) = more.request.clocks.all()
    assert clock.state == ClockState.ON_TIME and clock.started_at == more.decided_at
    assert clock.submission.report.emergency.request == more.request
    reading = serious.dispositions.get(kind=DispositionKind.FOR_READING)
    assert reading.leaders.filter(unit=reading.office).exists()
    # 专报: sent on up, where the province's clock judged it too.
    assert serious.clocks.filter(office__level="province", state=ClockState.ON_TIME).exists()

    # Late: recorded by the clock itself, to the second, and answered by the unit.
    late = ReportingRecord.objects.get(kind=RecordKind.LATE)
    assert late.marked_by is None and late.clock.state == ClockState.LATE
    assert late.late_seconds == (late.clock.arrived_at - late.clock.deadline).total_seconds() > 0
    assert late.answer and late.answered_by.unit_id == late.unit_id

    # By phone first, in writing later; another unit's written report still awaited.
    phoned = Clock.objects.filter(arrived_by=ArrivalKind.PHONE)
    assert any(c.written_at > c.arrived_at for c in phoned.exclude(written_at=None))
    assert any(c.awaits_writing for c in phoned)

    # Missed, false and concealed, marked by the desk; one of them answered.
    marked = ReportingRecord.objects.exclude(kind=RecordKind.LATE)
    assert set(marked.values_list("kind", flat=True)) == {RecordKind.MISSED, RecordKind.FALSE, RecordKind.CONCEALED}
    assert all(r.marked_by.username == "bianji" for r in marked)
    assert marked.filter(kind__in=(RecordKind.FALSE, RecordKind.CONCEALED), answered_at__isnull=False).exists()
    assert marked.filter(kind=RecordKind.CONCEALED, report__isnull=False).exists()


def test_the_incidents_are_dated_seen_where_they_belong_and_made_once(demo, django_capture_on_commit_callbacks):
    recent = timezone.now() - timedelta(minutes=5)
    for model, name in ((Incident, "created_at"), (IncidentEvent, "created_at"), (Request, "requested_at"),
                        (PhoneReport, "logged_at"), (Disposition, "decided_at"), (Escalation, "decided_at"),
                        (ReportingRecord, "marked_at"), (EmergencyReport, "created_at"), (Submission, "submitted_at"),
                        (ReportEvent, "created_at"), (Notification, "created_at")):
        assert not model.objects.filter(**{f"{name}__gt": recent}).exists(), model.__name__
    for incident in Incident.objects.all():
        events = list(incident.events.order_by("created_at", "id"))
        assert events[0].action == "opened" and events[0].created_at == incident.created_at
        assert incident.learned_at >= incident.occurred_at and incident.created_at >= incident.learned_at
        if incident.closed_at:
            assert events[-1].action == "closed" and events[-1].created_at == incident.closed_at
    for record in EmergencyReport.objects.select_related("report", "report__current_version"):
        version = record.report.current_version
        assert version.signed_at <= Submission.objects.filter(report=record.report).earliest("submitted_at").submitted_at
    for clock in Clock.objects.exclude(arrived_at=None):
        assert clock.started_at <= clock.arrived_at

    # The city's editors see all of them on the board; the county and the province what concerns them.
    bianji, xinxiyuan, sheng = (User.objects.get(username=u) for u in ("bianji", "xinxiyuan", "sheng_bianji"))
    assert selectors.incidents_visible_to(user=bianji).count() == Incident.objects.count()
    assert {b.incident.pk for b in selectors.board(user=bianji)} == set(
        Incident.objects.filter(state=IncidentState.OPEN).values_list("pk", flat=True))
    assert selectors.board_figures(user=bianji) == {"waiting": 2, "overdue": 1}
    county = selectors.incidents_visible_to(user=xinxiyuan)
    assert county.exists() and set(county.values_list("unit__code", flat=True)) == {DEMO_COUNTY_CODE}
    assert selectors.incidents_visible_to(user=sheng).exists()
    leader = Disposition.objects.get(kind=DispositionKind.FOR_READING, incident__state=IncidentState.CLOSED).leaders.get()
    assert selectors.for_reading(user=leader).count() == 2
    assert Notification.objects.filter(verb="emergency_for_reading", recipient=leader).exists()

    # Made once: a second run finds every incident by its title.
    before = {model.__name__: model.objects.count() for model in COUNTED}
    with django_capture_on_commit_callbacks(execute=True):
        assert ensure_emergencies() == 0
    assert {model.__name__: model.objects.count() for model in COUNTED} == before
