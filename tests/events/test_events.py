"""The domain-event layer: one record writes the timeline row and the audit entry in the caller's
transaction and hands the event to its subscribers only once that transaction commits."""

from __future__ import annotations

import pytest
from django.db import transaction

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


def test_subscribers_run_only_after_the_commit(world, received, django_capture_on_commit_callbacks):
    report = draft_report(world.county_informant)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        events.record("report.signoff_requested", actor=world.county_informant, target=report)
    assert received == []
    for callback in callbacks:
        callback()
    assert [e.kind for e in received] == ["report.signoff_requested"]
    assert (received[0].target_type, received[0].target_id, received[0].actor_id) == (
        "reports.report", report.pk, world.county_informant.pk)


def test_a_rolled_back_change_records_nothing_and_tells_nobody(world, received, django_capture_on_commit_callbacks):
    report = draft_report(world.county_informant)
    before = (ReportEvent.objects.count(), AuditEntry.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            events.record("report.signoff_requested", actor=world.county_informant, target=report)
            raise RuntimeError("the transition failed after recording")
    assert (ReportEvent.objects.count(), AuditEntry.objects.count()) == before
    assert received == []


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


def test_a_failing_subscriber_does_not_keep_the_others_from_running(world, received, django_capture_on_commit_callbacks):
    def broken(event):
        raise RuntimeError("a subscriber crashed")

    events.subscribe("report.signoff_requested")(broken)
    _subscribers.insert(0, _subscribers.pop())  # run the broken one first
    try:
        report = draft_report(world.county_informant)
        with django_capture_on_commit_callbacks(execute=True):
            events.record("report.signoff_requested", actor=world.county_informant, target=report)
    finally:
        _subscribers[:] = [(p, fn) for p, fn in _subscribers if fn is not broken]
    assert [e.kind for e in received] == ["report.signoff_requested"]


def test_every_report_transition_records_a_declared_kind_with_ids_only(world, received, django_capture_on_commit_callbacks):
    from ..factories import submitted_report
    from govbrief.reports import services

    with django_capture_on_commit_callbacks(execute=True):
        report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
        services.submission_adopt(submission=sub, editor=world.city_editor)
        services.submission_forward(submission=sub, editor=world.city_editor, targets=[world.province])
    kinds = [e.kind for e in received]
    assert kinds == ["report.created", "report.signoff_requested", "report.signed", "report.submitted",
                     "report.adopted", "report.forwarded"]
    forwarded = received[-1].data
    assert forwarded["from"] == world.city.pk and forwarded["to"] == world.province.pk
    assert forwarded["routes"] == [world.province.pk]
    # No unit or person is named in any event: ids only, so scoring can rely on them.
    names = {u.name for u in world.units.values()} | {u.name for u in world.users.values()}
    assert not any(str(value) in names for e in received for value in e.data.values())
