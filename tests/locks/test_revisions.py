"""Stale copies: a save on a copy someone else has changed since it was loaded is refused, never silently applied."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from govbrief.locks.revisions import StaleCopy, check_revision, revision_token
from govbrief.reports.models import Report

FIELDS = ("updated_at", "current_version_id")


def someone_saves(report, **changes):
    Report.objects.filter(pk=report.pk).update(**({"updated_at": timezone.now() + timedelta(seconds=1)} | changes))


def test_the_token_is_short_and_stable_for_an_unchanged_object(world, report):
    token = revision_token(report, *FIELDS)
    assert len(token) == 16
    assert revision_token(Report.objects.get(pk=report.pk), *FIELDS) == token


def test_the_token_changes_when_the_object_is_saved(world, report):
    token = revision_token(report, *FIELDS)
    someone_saves(report)
    assert revision_token(Report.objects.get(pk=report.pk), *FIELDS) != token


def test_the_token_changes_with_the_current_version(world, report):
    token = revision_token(report, "current_version_id")
    Report.objects.filter(pk=report.pk).update(current_version=None)
    assert revision_token(Report.objects.get(pk=report.pk), "current_version_id") != token


def test_the_token_does_not_depend_on_the_time_zone_a_time_was_read_in(world, report):
    token = revision_token(report, "updated_at")
    report.updated_at = timezone.localtime(report.updated_at)
    assert revision_token(report, "updated_at") == token


def test_the_token_differs_between_objects(world, report):
    from ..factories import draft_report

    other = draft_report(world.county_informant)
    Report.objects.filter(pk=other.pk).update(updated_at=report.updated_at)
    assert revision_token(Report.objects.get(pk=other.pk), "updated_at") != revision_token(report, "updated_at")


def test_a_current_token_passes(world, report):
    token = revision_token(report, *FIELDS)
    check_revision(obj=report, token=token, fields=FIELDS)
    with transaction.atomic():  # inside the save's transaction the row is locked while checked
        check_revision(obj=report, token=token, fields=FIELDS)


def test_a_save_on_a_stale_copy_is_refused_with_a_clear_message(world, report):
    token = revision_token(report, *FIELDS)
    someone_saves(report)
    with pytest.raises(StaleCopy) as caught:
        check_revision(obj=report, token=token, fields=FIELDS)  # the in-memory copy is the stale one
    exc = caught.value
    assert isinstance(exc, ValidationError)
    assert exc.code == "stale_copy"
    assert str(exc) == exc.messages[0]


def test_a_missing_token_or_a_deleted_object_counts_as_stale(world, report):
    with pytest.raises(StaleCopy):
        check_revision(obj=report, token="", fields=FIELDS)
    token = revision_token(report, *FIELDS)
    Report.objects.filter(pk=report.pk).delete()
    with pytest.raises(StaleCopy):
        check_revision(obj=report, token=token, fields=FIELDS)


def test_a_token_needs_fields():
    with pytest.raises(ValueError):
        revision_token(Report(pk=1))
