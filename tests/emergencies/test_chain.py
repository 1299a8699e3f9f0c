"""The chain of reports on an incident, what the office does with each item, and the records of
late, missed, false and concealed reporting (SPEC §5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govbrief.core.errors import ActionNotAllowed, TransitionError
from govbrief.emergencies import selectors, services
from govbrief.emergencies.choices import ClockState, DispositionKind, IncidentState, RecordKind, RecordState, Stage
from govbrief.emergencies.models import Clock, Disposition, EmergencyReport, Incident, ReportingRecord, Request
from govbrief.notifications.models import Notification
from govbrief.reports.choices import ReportKind, SubmissionState, Urgency
from govbrief.reports.models import Submission

from .conftest import T0

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def test_an_emergency_report_is_an_extra_urgent_report_of_kind_emergency(duty):
    report = duty.draft(duty.incident())
    version = report.current_version
    assert (version.kind, version.urgency) == (ReportKind.EMERGENCY, Urgency.EXTRA_URGENT)
    assert report.emergency.stage == Stage.INITIAL


@pytest.mark.parametrize("element", ["place", "source", "nature", "scope", "trend", "measures", "occurred_at"])
def test_a_missing_element_is_named(duty, element):
    incident = duty.incident()
    with pytest.raises(ValidationError) as err:
        duty.draft(incident, **{element: ""})
    assert list(err.value.message_dict) == [element]
    assert not EmergencyReport.objects.exists()


def test_the_chain_runs_initial_follow_ups_and_final_and_nothing_after(duty, side_effects):
    incident = duty.incident()
    with side_effects():
        duty.send(duty.draft(incident, deaths=1, injuries=3), at=T0 + H)
        for minutes, deaths in ((90, 2), (150, 3)):
            duty.send(duty.draft(incident, stage=Stage.FOLLOW_UP, deaths=deaths, injuries=5,
                                 when=T0 + (minutes - 5) * M), at=T0 + minutes * M)
        duty.send(duty.draft(incident, stage=Stage.FINAL, deaths=3, injuries=4, when=T0 + 5 * H), at=T0 + 5 * H + M)
    with pytest.raises(ValidationError) as err:
        duty.draft(incident, stage=Stage.FOLLOW_UP)
    assert "stage" in err.value.message_dict
    steps = selectors.chain(user=duty.duty, incident=incident)
    assert [s["record"].stage for s in steps] == ["initial", "follow_up", "follow_up", "final"]
    series = selectors.casualty_series(steps)
    assert [r["deaths"] for r in series] == [1, 2, 3, 3]
    assert selectors.casualty_chart(series)["series"][0]["key"] == "deaths"
    # only the first report stopped the clock; the follow-ups arrive without a clock of their own
    assert Clock.objects.count() == 1 and Clock.objects.get().state == ClockState.ON_TIME


def test_the_first_report_is_the_initial_one_and_there_is_only_one(duty):
    incident = duty.incident()
    with pytest.raises(ValidationError):
        duty.draft(incident, stage=Stage.FOLLOW_UP)
    duty.draft(incident)
    with pytest.raises(ValidationError):
        duty.draft(incident, stage=Stage.INITIAL)
    assert duty.draft(incident).emergency.stage == Stage.FOLLOW_UP  # the default after the first


def test_no_report_on_a_closed_incident(duty):
    incident = duty.incident()
    with duty.at(T0 + H):
        services.request_create(user=duty.duty, incident=incident, units=[duty.world.county])
        services.incident_close(user=duty.duty, incident=incident)
    with pytest.raises(TransitionError):
        duty.draft(incident)
    assert Incident.objects.get().state == IncidentState.CLOSED


def test_the_request_reaches_the_units_people_at_once(duty, side_effects):
    incident = duty.incident()
    with duty.at(T0 + H), side_effects():
        services.request_create(user=duty.duty, incident=incident, units=[duty.world.county2], message="请速报伤亡")
    notice = Notification.objects.get(recipient=duty.world.county2_informant)
    assert notice.verb == "emergency_requested" and "甲市政府办公室" in notice.message
    assert Notification.objects.filter(recipient=duty.world.county2_signer, verb="emergency_requested").exists()


def test_only_units_that_report_to_the_office_can_be_asked(duty):
    incident = duty.incident()
    with pytest.raises(ValidationError) as err, duty.at(T0 + H):
        services.request_create(user=duty.duty, incident=incident, units=[duty.world.county2, duty.world.county_b])
    assert list(err.value.message_dict) == ["units[1]"]
    assert not Request.objects.exists()


def test_only_a_duty_desk_requests(duty):
    incident = duty.incident()
    with pytest.raises(ActionNotAllowed):
        services.request_create(user=duty.world.county_signer, incident=incident, units=[duty.world.county2])


def _arrived(duty):
    """An initial report that reached the city office, its arrival handled (the clock stopped)."""
    from govbrief.core.background import run_due_tasks

    incident = duty.incident()
    subs = duty.send(duty.draft(incident), at=T0 + H)
    with duty.at(T0 + H + M):
        run_due_tasks()
    return incident, Submission.objects.get(pk=subs[0].pk)


def test_special_adopts_into_the_special_report_and_forwards_it_up(duty, side_effects):
    incident, sub = _arrived(duty)
    with duty.at(T0 + 2 * H), side_effects():
        # adopting and forwarding are screening: the office's editors do it
        services.disposition_record(user=duty.world.city_editor, submission=sub, kind=DispositionKind.SPECIAL,
                                    note="报省")
    sub.refresh_from_db()
    assert sub.state == SubmissionState.ADOPTED and sub.adoption.publication.code == "special"
    forward = Submission.objects.get(parent=sub)
    assert forward.to_unit == duty.world.province
    # the province holds the city to the incident's clock
    assert Clock.objects.filter(office=duty.world.province, unit=duty.world.city).exists()


def test_for_reading_tells_the_leaders_and_puts_it_on_top_of_their_desk(duty, side_effects):
    incident, sub = _arrived(duty)
    with side_effects():
        services.disposition_record(user=duty.duty, submission=sub, kind=DispositionKind.FOR_READING)
    assert Notification.objects.filter(recipient=duty.leader, verb="emergency_for_reading").exists()
    assert [d.submission_id for d in selectors.for_reading(user=duty.leader)] == [sub.pk]


def test_filed_keeps_an_open_item_for_reference(duty):
    incident, sub = _arrived(duty)
    services.disposition_record(user=duty.world.city_editor, submission=sub, kind=DispositionKind.FILED)
    sub.refresh_from_db()
    assert sub.state == SubmissionState.ARCHIVED


def test_asking_for_more_is_a_request_with_its_own_clock(duty):
    incident, sub = _arrived(duty)
    with duty.at(T0 + 2 * H):
        disposition = services.disposition_record(user=duty.duty, submission=sub, kind=DispositionKind.MORE,
                                                  message="请续报伤亡人员身份")
    clock = Clock.objects.get(request=disposition.request)
    assert clock.state == ClockState.WAITING and clock.deadline == T0 + 4 * H  # the request rule only
    assert clock.request.submission_id == sub.pk


def test_a_disposition_is_recorded_once_and_only_by_the_receiving_desk(duty):
    incident, sub = _arrived(duty)
    services.disposition_record(user=duty.duty, submission=sub, kind=DispositionKind.DUTY_BULLETIN)
    with pytest.raises(TransitionError):
        services.disposition_record(user=duty.duty, submission=sub, kind=DispositionKind.DUTY_BULLETIN)
    with pytest.raises(ActionNotAllowed):
        services.disposition_record(user=duty.world.province_editor, submission=sub, kind=DispositionKind.FILED)
    assert Disposition.objects.count() == 1


@pytest.mark.parametrize("kind", [RecordKind.MISSED, RecordKind.FALSE, RecordKind.CONCEALED])
def test_the_desk_records_missed_false_and_concealed_reporting_and_the_unit_answers(duty, side_effects, kind):
    incident = duty.incident()
    with side_effects():
        record = services.record_mark(user=duty.duty, incident=incident, unit=duty.world.county, kind=kind,
                                      reason="未按规定报告")
    assert Notification.objects.filter(recipient=duty.world.county_signer, verb="emergency_record").exists()
    assert list(selectors.record_list(user=duty.world.county_signer)) == [record]
    with side_effects():
        services.record_answer(user=duty.world.county_signer, record=record, answer="当时通信中断，已补报")
    record.refresh_from_db()
    assert record.answer and record.answered_by == duty.world.county_signer
    assert Notification.objects.filter(recipient=duty.duty, verb="emergency_answered").exists()
    services.record_withdraw(user=duty.duty, record=record, reason="情况属实，撤销")
    record.refresh_from_db()
    assert record.state == RecordState.WITHDRAWN


def test_late_is_recorded_by_the_clock_not_marked_by_hand(duty):
    with pytest.raises(ValidationError):
        services.record_mark(user=duty.duty, incident=duty.incident(), unit=duty.world.county, kind=RecordKind.LATE,
                             reason="迟报")


def test_another_unit_cannot_answer_or_see_a_record(duty):
    record = services.record_mark(user=duty.duty, incident=duty.incident(), unit=duty.world.county,
                                  kind=RecordKind.MISSED, reason="漏报")
    with pytest.raises(ActionNotAllowed):
        services.record_answer(user=duty.world.county2_signer, record=record, answer="…")
    assert not selectors.record_list(user=duty.world.county2_signer).exists()
    assert not ReportingRecord.objects.restrict(duty.world.county_b_informant).exists()


def test_the_escalation_decision_is_kept_with_its_reason(duty):
    incident, sub = _arrived(duty)
    decision = services.escalation_decide(user=duty.duty, incident=incident, to_state_council=True,
                                          reason="3人死亡，属较大事故")
    assert decision.to_state_council and decision.office == duty.world.city
    with pytest.raises(ValidationError):
        services.escalation_decide(user=duty.duty, incident=incident, to_state_council=False, reason="")


@pytest.mark.parametrize("who, sees", [
    ("county_informant", True), ("county_signer", True), ("city_duty", True), ("city_leader", True),
    ("county2_informant", False), ("county_b_informant", False), ("province_editor", False),
])
def test_who_sees_an_incident(duty, who, sees):
    incident, _sub = _arrived(duty)
    user = duty.duty if who == "city_duty" else getattr(duty.world, who)
    assert Incident.objects.restrict(user).filter(pk=incident.pk).exists() is sees


def test_a_requested_unit_sees_the_incident_and_its_own_clock_only(duty):
    incident, _sub = _arrived(duty)
    with duty.at(T0 + H):
        services.request_create(user=duty.duty, incident=incident, units=[duty.world.county2])
    viewer = duty.world.county2_informant
    assert Incident.objects.restrict(viewer).filter(pk=incident.pk).exists()
    assert set(Clock.objects.restrict(viewer).values_list("unit_id", flat=True)) == {duty.world.county2.pk}


def test_an_emergency_item_leads_the_inbox_above_any_extra_urgent_item(duty):
    from govbrief.reports.selectors import inbox_for
    from tests.factories import submitted_report

    incident, emergency = _arrived(duty)
    w = duty.world
    _, (urgent,) = submitted_report(w.county2_informant, w.county2_signer, [w.city], urgency=Urgency.EXTRA_URGENT,
                                    title="丙县特急信息")
    assert urgent.submitted_at > emergency.submitted_at
    order = list(inbox_for(user=w.city_editor).values_list("pk", flat=True))
    assert order[:2] == [emergency.pk, urgent.pk]


def test_a_unit_reads_only_its_own_part_of_the_history(duty):
    incident, _sub = _arrived(duty)
    with duty.at(T0 + 2 * H):
        services.request_create(user=duty.duty, incident=incident, units=[duty.world.county2])
        services.escalation_decide(user=duty.duty, incident=incident, to_state_council=False, reason="影响有限")

    def actions(user):
        detail = selectors.incident_detail(user=user, incident=incident)
        return [e.action for e in detail["timeline"]]

    assert {"requested", "escalation", "arrived"} <= set(actions(duty.duty))
    county = actions(duty.world.county_informant)
    assert "arrived" in county and "requested" not in county and "escalation" not in county
    assert actions(duty.world.county2_informant).count("requested") == 1
