"""The emergency clock, on a frozen clock (SPEC §5; seeds 000 §二(四) and 002 §五(一)): both deadline
rules and which wins, lateness at the exact second of submission, reminders sent once at their set
points, and the phone-report path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govbrief.core.models import Reminder
from govbrief.emergencies import services
from govbrief.emergencies.choices import ArrivalKind, ClockState, RecordKind, Rule
from govbrief.emergencies.models import Clock, DutyRules, ReportingRecord
from govbrief.notifications.models import Notification

from .conftest import T0

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
S = dt.timedelta(seconds=1)


def request(duty, incident, unit, at):
    with duty.at(at):
        return services.request_create(user=duty.duty, incident=incident, units=[unit])[0]


def test_a_report_nobody_asked_for_is_due_three_hours_after_the_incident(duty, side_effects):
    incident = duty.incident()
    with side_effects():
        duty.send(duty.draft(incident), at=T0 + 2 * H)
    clock = Clock.objects.get()
    assert (clock.rule, clock.deadline, clock.state) == (Rule.INCIDENT, T0 + 3 * H, ClockState.ON_TIME)


def test_a_request_starts_a_two_hour_clock_for_a_unit_where_it_did_not_happen(duty):
    incident = duty.incident()
    req = request(duty, incident, duty.world.county2, T0 + 4 * H)
    clock = Clock.objects.get(request=req)
    assert (clock.rule, clock.deadline, clock.incident_deadline) == (Rule.REQUEST, T0 + 6 * H, None)


def test_when_both_rules_apply_the_incident_rule_wins_if_earlier(duty):
    incident = duty.incident()
    req = request(duty, incident, duty.world.county, T0 + 90 * M)  # request +2 h = 13:30, incident +3 h = 13:00
    clock = Clock.objects.get(request=req)
    assert (clock.rule, clock.deadline) == (Rule.INCIDENT, T0 + 3 * H)
    assert clock.request_deadline == T0 + 210 * M


def test_when_both_rules_apply_the_request_rule_wins_if_earlier(duty):
    incident = duty.incident()
    req = request(duty, incident, duty.world.county, T0 + 30 * M)  # request +2 h = 12:30, incident +3 h = 13:00
    clock = Clock.objects.get(request=req)
    assert (clock.rule, clock.deadline) == (Rule.REQUEST, T0 + 150 * M)
    assert clock.incident_deadline == T0 + 3 * H


def test_an_office_sets_its_own_clocks(duty):
    DutyRules.objects.create(office=duty.world.city, incident_minutes=60, request_minutes=30)
    incident = duty.incident()
    req = request(duty, incident, duty.world.county2, T0 + 10 * M)
    assert Clock.objects.get(request=req).deadline == T0 + 40 * M


def test_a_report_in_the_deadlines_own_second_is_on_time(duty, side_effects):
    incident = duty.incident()
    with side_effects():
        duty.send(duty.draft(incident), at=T0 + 3 * H + dt.timedelta(milliseconds=999))
    clock = Clock.objects.get()
    assert clock.state == ClockState.ON_TIME
    assert not ReportingRecord.objects.exists()


def test_a_report_one_second_after_the_deadline_is_recorded_late(duty, side_effects):
    incident = duty.incident()
    with side_effects():
        report = duty.draft(incident)
        duty.send(report, at=T0 + 3 * H + S)
    clock = Clock.objects.get()
    record = ReportingRecord.objects.get()
    assert clock.state == ClockState.LATE and clock.arrived_at == T0 + 3 * H + S
    assert (record.kind, record.late_seconds, record.report_id, record.marked_by) == (RecordKind.LATE, 1, report.pk, None)
    # the unit is told, urgently
    assert Notification.objects.filter(recipient=duty.world.county_informant, verb="emergency_record").exists()


def test_lateness_is_judged_by_the_submission_time_not_when_the_worker_ran(duty, run_tasks):
    incident = duty.incident()
    report = duty.draft(incident)
    duty.send(report, at=T0 + 2 * H)
    run_tasks()  # the arrival's background task runs now, months after the deadline
    assert Clock.objects.get().state == ClockState.ON_TIME


def test_a_late_clock_is_recorded_once_when_its_task_runs_twice(duty, side_effects):
    incident = duty.incident()
    with side_effects():
        subs = duty.send(duty.draft(incident), at=T0 + 4 * H)
    services.written_report_arrived(submission_id=subs[0].pk)
    assert ReportingRecord.objects.filter(kind=RecordKind.LATE).count() == 1


def test_reminders_go_out_once_at_each_set_point_before_the_deadline_and_when_it_passes(duty, run_tasks):
    incident = duty.incident()
    req = request(duty, incident, duty.world.county2, T0 + 4 * H)  # due T0+6h
    clock = Clock.objects.get(request=req)
    assert sorted(Reminder.objects.filter(target_id=str(clock.pk)).values_list("stage", flat=True)) == \
        ["before_15", "before_60", "overdue"]
    informant = duty.world.county2_informant

    def sent(verb):
        return Notification.objects.filter(recipient=informant, verb=verb).count()

    with duty.at(T0 + 4 * H + M):
        run_tasks()
    assert sent("emergency_requested") == 1 and sent("emergency_due_soon") == 0
    with duty.at(T0 + 5 * H + S):  # 59 minutes left
        run_tasks()
        run_tasks()
    assert sent("emergency_due_soon") == 1
    with duty.at(T0 + 5 * H + 46 * M):  # 14 minutes left
        run_tasks()
    assert sent("emergency_due_soon") == 2
    with duty.at(T0 + 6 * H + S):
        run_tasks()
        run_tasks()
    assert sent("emergency_overdue") == 1 and sent("emergency_due_soon") == 2
    # the duty desk hears of it when it passes
    assert Notification.objects.filter(recipient=duty.duty, verb="emergency_overdue").count() == 1


def test_no_reminder_once_the_report_arrived(duty, run_tasks, side_effects):
    incident = duty.incident()
    request(duty, incident, duty.world.county, T0 + 30 * M)
    with side_effects():
        duty.send(duty.draft(incident), at=T0 + 40 * M)
    with duty.at(T0 + 7 * H):
        run_tasks()
    assert not Notification.objects.filter(verb__in=["emergency_due_soon", "emergency_overdue"]).exists()


def test_urgent_emergency_notices_cannot_be_switched_off(duty):
    from govbrief.notifications.services import preferences_save

    with pytest.raises(ValidationError):
        preferences_save(user=duty.world.county_informant,
                         choices=[{"verb": "emergency_requested", "email": False, "sms": False}])


def test_a_phone_report_stops_the_clock_and_the_written_report_is_still_awaited(duty, side_effects):
    incident = duty.incident()
    request(duty, incident, duty.world.county, T0 + 30 * M)  # due 12:30
    with duty.at(T0 + 2 * H):
        services.phone_report_log(user=duty.duty, incident=incident, unit=duty.world.county, caller="李四",
                                  called_at=T0 + 2 * H - 5 * M, summary="园区爆炸，1人死亡。")
    clock = Clock.objects.get()
    assert (clock.state, clock.arrived_by, clock.arrived_at) == (ClockState.ON_TIME, ArrivalKind.PHONE, T0 + 115 * M)
    assert clock.awaits_writing
    with side_effects():
        subs = duty.send(duty.draft(incident), at=T0 + 5 * H)  # after the deadline, but the call came first
    clock.refresh_from_db()
    assert clock.state == ClockState.ON_TIME and not clock.awaits_writing
    assert clock.submission_id == subs[0].pk and clock.written_at == T0 + 5 * H
    assert not ReportingRecord.objects.exists()


def test_a_late_phone_report_is_late(duty):
    incident = duty.incident()
    request(duty, incident, duty.world.county2, T0 + 30 * M)  # due 12:30
    with duty.at(T0 + 3 * H):
        services.phone_report_log(user=duty.duty, incident=incident, unit=duty.world.county2, caller="王五",
                                  called_at=T0 + 150 * M + S, summary="已到场处置。")
    assert Clock.objects.get().state == ClockState.LATE
    assert ReportingRecord.objects.get().late_seconds == 1


def test_a_phone_call_cannot_be_logged_before_the_incident_or_in_the_future(duty):
    incident = duty.incident()
    with duty.at(T0 + H):
        for when in (T0 - M, T0 + 2 * H):
            with pytest.raises(ValidationError) as err:
                services.phone_report_log(user=duty.duty, incident=incident, unit=duty.world.county, caller="李四",
                                          called_at=when, summary="…")
            assert "called_at" in err.value.message_dict
