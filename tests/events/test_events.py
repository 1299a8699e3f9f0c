"""The domain-event layer: one record writes the timeline row, the audit entry and a background task
per subscriber in the caller's transaction; the subscribers run only once that transaction commits."""

from __future__ import annotations

import pytest
from django.db import transaction

from django_tasks_db.models import DBTaskResult

from govbrief import events
from govbrief.audit.models import AuditEntry
from govbrief.events.registry import _subscribers
from govbrief.reports.models import ReportEvent

from ..factories import draft_report


@pytest.fixture
def received():
    """Subscribe a recorder to every report event for one test."""
    seen: list[events.DomainEvent] = []

    def on_event(event):
        seen.append(event)

    events.subscribe("report.*")(on_event)
    yield seen
    _subscribers[:] = [(p, fn) for p, fn in _subscribers if fn is not on_event]


def test_recording_writes_the_timeline_row_and_the_audit_entry(world):
    report = draft_report(world.county_informant)
    event = events.record("report.edited", actor=world.county_informant, target=report, data={"fields": ["title"]})
    row = ReportEvent.objects.get(pk=event.timeline_id)
    assert (row.report, row.action, row.actor, row.actor_unit, row.data) == (
        report, "edited", world.county_informant, world.county, {"fields": ["title"]})
    entry = AuditEntry.objects.get(pk=event.audit_id)
    assert (entry.action, entry.object_type, entry.object_id) == ("report.edited", "reports.report", str(report.pk))


def test_subscribers_run_as_background_tasks_queued_with_the_event(world, received, run_tasks):
    report = draft_report(world.county_informant)
    run_tasks()
    received.clear()
    before = DBTaskResult.objects.count()
    events.record("report.signoff_requested", actor=world.county_informant, target=report)
    assert received == []  # nothing runs in the request
    queued = DBTaskResult.objects.order_by("enqueued_at")[before:]
    assert [t.task_path for t in queued if t.args_kwargs["args"][0].endswith("on_event")] == \
        ["govbrief.events.delivery.deliver"]
    run_tasks()
    assert [e.kind for e in received] == ["report.signoff_requested"]
    assert (received[0].target_type, received[0].target_id, received[0].actor_id) == (
        "reports.report", report.pk, world.county_informant.pk)
    assert received[0].occurred_at is not None and received[0].audit_id is not None


def test_a_rolled_back_change_records_nothing_and_queues_nothing(world, received, run_tasks):
    report = draft_report(world.county_informant)
    run_tasks()
    received.clear()
    before = (ReportEvent.objects.count(), AuditEntry.objects.count(), DBTaskResult.objects.count())
    with pytest.raises(RuntimeError), transaction.atomic():
        events.record("report.signoff_requested", actor=world.county_informant, target=report)
        assert DBTaskResult.objects.count() > before[2]  # queued in the change's own transaction
        raise RuntimeError("the transition failed after recording")
    assert (ReportEvent.objects.count(), AuditEntry.objects.count(), DBTaskResult.objects.count()) == before
    run_tasks()
    assert received == []


def test_in_process_subscribers_run_right_after_the_commit(world, django_capture_on_commit_callbacks):
    seen = []

    def on_event(event):
        seen.append(event.kind)

    events.subscribe("report.signoff_requested", in_process=True)(on_event)
    try:
        report = draft_report(world.county_informant)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            events.record("report.signoff_requested", actor=world.county_informant, target=report)
        assert seen == []
        for callback in callbacks:
            callback()
        assert seen == ["report.signoff_requested"]
    finally:
        _subscribers[:] = [(p, fn) for p, fn in _subscribers if fn is not on_event]


def test_an_undeclared_kind_is_refused(world):
    report = draft_report(world.county_informant)
    with pytest.raises(LookupError):
        events.record("report.teleported", actor=world.county_informant, target=report)


def test_event_data_holds_ids_not_objects_or_names(world):
    report = draft_report(world.county_informant)
    with pytest.raises(TypeError):
        events.record("report.submitted", actor=world.county_informant, target=report,
                      data={"to": world.city, "version": 1})


def test_event_data_must_match_the_declared_keys(world):
    report = draft_report(world.county_informant)
    with pytest.raises(ValueError):
        events.record("report.submitted", actor=world.county_informant, target=report, data={"version": 1})
    with pytest.raises(ValueError):
        events.record("report.edited", actor=world.county_informant, target=report,
                      data={"fields": ["title"], "unit_name": "乙县"})


def test_a_failing_subscriber_does_not_keep_the_others_from_running(world, received, run_tasks):
    def broken(event):
        raise RuntimeError("a subscriber crashed")

    events.subscribe("report.signoff_requested")(broken)
    _subscribers.insert(0, _subscribers.pop())  # queued first
    try:
        report = draft_report(world.county_informant)
        run_tasks()
        received.clear()
        DBTaskResult.objects.all().delete()
        events.record("report.signoff_requested", actor=world.county_informant, target=report)
        run_tasks()
    finally:
        _subscribers[:] = [(p, fn) for p, fn in _subscribers if fn is not broken]
    assert [e.kind for e in received] == ["report.signoff_requested"]
    failed = DBTaskResult.objects.failed().get()
    assert failed.args_kwargs["args"][0].endswith("broken") and "a subscriber crashed" in failed.traceback


def test_every_report_transition_records_a_declared_kind_with_ids_only(world, received, run_tasks):
    from ..factories import submitted_report
    from govbrief.reports import services

    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_adopt(submission=sub, editor=world.city_editor)
    services.submission_forward(submission=sub, editor=world.city_editor, targets=[world.province])
    run_tasks()
    kinds = [e.kind for e in received]
    assert kinds == ["report.created", "report.signoff_requested", "report.signed", "report.submitted",
                     "report.adopted", "report.forwarded"]
    forwarded = received[-1].data
    assert forwarded["from"] == world.city.pk and forwarded["to"] == world.province.pk
    assert forwarded["routes"] == [world.province.pk]
    # No unit or person is named in any event: ids only, so scoring can rely on them.
    names = {u.name for u in world.units.values()} | {u.name for u in world.users.values()}
    assert not any(str(value) in names for e in received for value in e.data.values())
