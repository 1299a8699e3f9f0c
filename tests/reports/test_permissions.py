"""Permission matrix (SPEC §9): every role × unit × transition, through the pages.

Each cell POSTs the action as that user inside a savepoint that is rolled back, so every user
meets the object in the same state; the cell passes when the change happened exactly for the
users expected."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from govbrief.reports import services
from govbrief.reports.models import Report, Submission

from ..factories import draft_report, signed_report, submitted_report


class Rollback(Exception):
    pass


def who_can(world, url, data, changed) -> set[str]:
    allowed = set()
    for key, user in world.users.items():
        client = Client()
        client.force_login(user)
        try:
            with transaction.atomic():
                response = client.post(url, data)
                assert response.status_code in (302, 403, 404), (key, response.status_code)  # done, refused, unseen
                if changed():
                    allowed.add(key)
                raise Rollback
        except Rollback:
            pass
    return allowed


COUNTY_DRAFTERS = {"county_informant"}
COUNTY_SIGNERS = {"county_signer", "county_principal"}
CITY_SCREENERS = {"city_editor", "city_chief"}


def changed_from(obj, before):
    return lambda: type(obj).objects.get(pk=obj.pk).state != before


@pytest.mark.parametrize("action,prepare,expected", [
    ("request_signoff", "draft", COUNTY_DRAFTERS | {"county_signer"}),
    ("sign_off", "pending", COUNTY_SIGNERS),
    ("send_back", "pending", COUNTY_SIGNERS),
    ("new_version", "signed", COUNTY_DRAFTERS | COUNTY_SIGNERS),
])
def test_report_transitions_matrix(world, action, prepare, expected):
    report = draft_report(world.county_informant)
    if prepare in ("pending", "signed"):
        services.report_request_signoff(report=report, user=world.county_informant)
    if prepare == "signed":
        services.report_sign_off(report=report, signer=world.county_signer)
    report.refresh_from_db()
    url = reverse("reports:action", args=[report.pk, action])
    allowed = who_can(world, url, {"comment": "请修改"}, changed_from(report, report.state))
    assert allowed == expected


def test_submit_matrix(world):
    report = signed_report(world.county_informant, world.county_signer)
    url = reverse("reports:submit", args=[report.pk])
    allowed = who_can(world, url, {"targets": [world.city.pk]}, lambda: Submission.objects.filter(report=report).exists())
    assert allowed == COUNTY_DRAFTERS | COUNTY_SIGNERS


@pytest.mark.parametrize("action,data", [
    ("adopt", {"publication": "general", "mode": "as_is"}),
    ("archive", {}),
    ("return", {"reason": "请补充数据"}),
])
def test_screening_matrix(world, action, data):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    url = reverse("reports:submission-action", args=[sub.pk, action])
    assert who_can(world, url, data, changed_from(sub, sub.state)) == CITY_SCREENERS


def test_forward_matrix(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_adopt(submission=sub, editor=world.city_editor)
    url = reverse("reports:forward", args=[sub.pk])
    data = {"targets": [world.province.pk], "title": sub.version.title, "body": sub.version.body}
    allowed = who_can(world, url, data, lambda: Submission.objects.filter(parent=sub).exists())
    assert allowed == CITY_SCREENERS


def test_resubmit_matrix(world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_return(submission=sub, editor=world.city_editor, reason="请补充")
    services.report_new_version(report=report, user=world.county_informant)
    services.report_sign_off(report=Report.objects.get(pk=report.pk), signer=world.county_signer)
    sub.refresh_from_db()
    url = reverse("reports:submission-action", args=[sub.pk, "resubmit"])
    assert who_can(world, url, {}, changed_from(sub, sub.state)) == COUNTY_DRAFTERS | COUNTY_SIGNERS


def test_visibility_matrix(world):
    """A unit sees its own reports and what was submitted to it or forwarded through it; nobody else."""
    report, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    services.submission_forward(submission=sub, editor=world.county_editor, targets=[world.city])
    seeing = set()
    for key, user in world.users.items():
        client = Client()
        client.force_login(user)
        status = client.get(reverse("reports:detail", args=[report.pk])).status_code
        assert status in (200, 404)
        if status == 200:
            seeing.add(key)
    expected_units = {"township", "county", "city"}
    assert seeing == {k for k, u in world.users.items() if u.unit.code in {world.units[x].code for x in expected_units}}
