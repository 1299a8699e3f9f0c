"""A resubmission after a return sends something new (issue 13): the unit's next signed version or
the forwarding office's revised text; the return reason moves into the history."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from govbrief.reports import services
from govbrief.reports.choices import EventAction, SubmissionState
from govbrief.reports.models import Report, ReportEvent

from ..factories import submitted_report

pytestmark = pytest.mark.django_db


def post(user, url, data=None):
    client = APIClient()
    client.force_authenticate(user=user)
    return client.post(url, data or {}, format="json")


def codes(response) -> dict[str, str]:
    return {e["field"]: e["code"] for e in response.json()["errors"]}


def returned(world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_return(submission=sub, editor=world.city_editor, reason="请补充数据")
    return report, sub


def test_resubmitting_the_returned_version_unchanged_is_refused(world):
    _, sub = returned(world)
    response = post(world.county_informant, f"/api/submissions/{sub.pk}/resubmit/")
    assert response.status_code == 409
    assert codes(response) == {"": "unchanged"}
    sub.refresh_from_db()
    assert sub.state == SubmissionState.RETURNED


def test_a_title_or_body_sent_by_the_originating_unit_is_refused_not_ignored(world):
    report, sub = returned(world)
    services.report_new_version(report=report, user=world.county_informant)
    services.report_sign_off(report=Report.objects.get(pk=report.pk), signer=world.county_signer)
    response = post(world.county_informant, f"/api/submissions/{sub.pk}/resubmit/", {"title": "另一个标题"})
    assert response.status_code == 400
    assert codes(response) == {"title": "not_accepted"}


def test_the_new_signed_version_is_resubmitted_and_the_reason_moves_to_the_history(world):
    report, sub = returned(world)
    services.report_new_version(report=report, user=world.county_informant)
    services.report_update(report=Report.objects.get(pk=report.pk), user=world.county_informant, body="补充了数据的正文。")
    services.report_sign_off(report=Report.objects.get(pk=report.pk), signer=world.county_signer)
    response = post(world.county_informant, f"/api/submissions/{sub.pk}/resubmit/")
    assert response.status_code == 200, response.content
    assert response.json()["version"]["number"] == 2
    assert response.json()["return_reason"] == ""
    returned_event = ReportEvent.objects.get(submission=sub, action=EventAction.RETURNED)
    assert returned_event.note == "请补充数据"


def test_the_resubmit_action_is_offered_only_with_a_new_signed_version(world):
    report, sub = returned(world)
    client = APIClient()
    client.force_authenticate(user=world.county_informant)
    assert client.get(f"/api/submissions/{sub.pk}/").json()["allowed_actions"]["resubmit"] is False
    services.report_new_version(report=report, user=world.county_informant)
    assert client.get(f"/api/submissions/{sub.pk}/").json()["allowed_actions"]["resubmit"] is False  # unsigned
    services.report_sign_off(report=Report.objects.get(pk=report.pk), signer=world.county_signer)
    assert client.get(f"/api/submissions/{sub.pk}/").json()["allowed_actions"]["resubmit"] is True


def test_a_forwarding_office_must_revise_its_text_before_resubmitting(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    (up,) = services.submission_forward(submission=sub, editor=world.county_editor, targets=[world.city])
    services.submission_return(submission=up, editor=world.city_editor, reason="请精简")
    response = post(world.county_editor, f"/api/submissions/{up.pk}/resubmit/")
    assert response.status_code == 400
    assert codes(response) == {"body": "unchanged"}
    response = post(world.county_editor, f"/api/submissions/{up.pk}/resubmit/", {"body": "精简后的正文。"})
    assert response.status_code == 200, response.content
    assert response.json()["return_reason"] == ""


def test_an_office_does_not_see_the_units_work_in_progress(world):
    report, sub = returned(world)
    services.report_new_version(report=report, user=world.county_informant)
    services.report_lock_take(report=Report.objects.get(pk=report.pk), user=world.county_informant)
    client = APIClient()
    client.force_authenticate(user=world.city_editor)
    detail = client.get(f"/api/reports/{report.pk}/").json()
    assert detail["state"] == "submitted"
    assert detail["edit_lock"] is None
    assert detail["revision"] == ""
    assert detail["current_version"]["number"] == 1
    listed = client.get("/api/reports/").json()["results"]
    assert [r["state"] for r in listed if r["id"] == report.pk] == ["submitted"]
    # the unit itself sees its draft and its lock
    client.force_authenticate(user=world.county_signer)
    own = client.get(f"/api/reports/{report.pk}/").json()
    assert own["state"] == "draft"
    assert own["edit_lock"]["holder"]["id"] == world.county_informant.pk


def test_an_office_cannot_find_the_units_drafts_by_filtering_on_state(world):
    report, sub = returned(world)
    services.report_new_version(report=report, user=world.county_informant)
    client = APIClient()
    client.force_authenticate(user=world.city_editor)
    assert client.get("/api/reports/?state=draft").json()["count"] == 0
    assert [r["id"] for r in client.get("/api/reports/?state=submitted").json()["results"]] == [report.pk]
    client.force_authenticate(user=world.county_informant)
    assert [r["id"] for r in client.get("/api/reports/?state=draft").json()["results"]] == [report.pk]


def test_the_report_page_shows_an_office_the_submitted_state(world):
    from django.test import Client

    report, sub = returned(world)
    services.report_new_version(report=report, user=world.county_informant)
    client = Client()
    client.force_login(world.city_editor)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'class="badge submitted"' in html and 'class="badge draft"' not in html


def test_a_forwarding_office_revises_and_resubmits_from_its_page(world):
    from django.test import Client

    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    (up,) = services.submission_forward(submission=sub, editor=world.county_editor, targets=[world.city])
    services.submission_return(submission=up, editor=world.city_editor, reason="请精简")
    client = Client()
    client.force_login(world.county_editor)
    page = client.get(f"/reports/submissions/{up.pk}/").content.decode()
    assert 'id="dlg-resubmit"' in page and 'name="body"' in page
    client.post(f"/reports/submissions/{up.pk}/action/resubmit/", {"title": up.version.title, "body": "精简后的正文。"})
    up.refresh_from_db()
    assert up.state == SubmissionState.SUBMITTED
    assert up.version.body == "精简后的正文。"


def test_an_office_cannot_tell_a_unit_is_revising_from_the_order_or_the_time(world):
    from datetime import timedelta

    from django.utils import timezone

    report, sub = returned(world)
    other, _ = submitted_report(world.county_informant, world.county_signer, [world.city])
    Report.objects.filter(pk=other.pk).update(state="signed")  # as a unit sees "signed": sorts before "submitted"
    services.report_new_version(report=report, user=world.county_informant)
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now() + timedelta(hours=1))
    client = APIClient()
    client.force_authenticate(user=world.city_editor)
    for ordering in ("state", "-state"):
        rows = client.get(f"/api/reports/?ordering={ordering},id").json()["results"]
        assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)  # every state the same for the office
    detail = client.get(f"/api/reports/{report.pk}/").json()
    listed = {r["id"]: r for r in client.get("/api/reports/").json()["results"]}
    sub.refresh_from_db()
    assert detail["updated_at"] == listed[report.pk]["updated_at"]
    assert detail["updated_at"].startswith(timezone.localtime(sub.submitted_at).strftime("%Y-%m-%dT%H:%M"))
