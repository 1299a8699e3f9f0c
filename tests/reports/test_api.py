"""The reports API: every transition, allowed and refused, through HTTP and JSON.

Refusals follow one rule: what the user may not see is 404; a role or unit that may not act is 403
(code ``permission_denied``); the wrong state is 409 (code ``illegal_transition``)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from govbrief.notifications.models import Notification
from govbrief.reports import services
from govbrief.reports.choices import EventAction, ReportState, SubmissionState
from govbrief.reports.models import Attachment, Report, ReportVersion, Submission

from ..factories import TEST_PASSWORD, docx_file, draft_report, pdf_file, signed_report, submitted_report

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def post(user, url, data=None, **kwargs):
    return api(user).post(url, data or {}, format=kwargs.pop("format", "json"), **kwargs)


def error_fields(response) -> dict[str, str]:
    """{field path: code} of an error response, after checking the shape core.api promises."""
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["errors"], body
    for error in body["errors"]:
        assert set(error) == {"field", "message", "code"}
        assert error["message"]
    return {e["field"]: e["code"] for e in body["errors"]}


def assert_illegal_transition(response):
    assert response.status_code == 409, response.content
    assert error_fields(response) == {"": "illegal_transition"}


def assert_forbidden(response):
    assert response.status_code == 403, response.content
    assert error_fields(response) == {"": "permission_denied"}


def assert_not_found(response):
    assert response.status_code == 404, response.content
    assert error_fields(response) == {"": "not_found"}


def report_url(report, action=""):
    return f"/api/reports/{report.pk}/" + (f"{action}/" if action else "")


def sub_url(sub, action=""):
    return f"/api/submissions/{sub.pk}/" + (f"{action}/" if action else "")


def new_report_data(**overrides):
    data = {
        "title": "我镇春耕生产有序推进",
        "body": "今年以来，我镇扎实推进春耕生产。\n已完成播种面积3万亩。",
        "kind": "news",
        "keywords": "春耕 农业",
        "contact_name": "张三",
        "contact_phone": "0510-7654321",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- authentication and error format


def test_anonymous_request_is_refused_with_json_error(world):
    response = api().get("/api/reports/")
    assert response.status_code == 401
    assert error_fields(response) == {"": "not_authenticated"}


def test_token_obtained_with_password_authenticates_api_calls(world):
    response = APIClient().post("/api/auth/token/", {"username": "township_informant", "password": TEST_PASSWORD},
                                format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(key=key).user == world.township_informant
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = client.get("/api/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "township_informant"


def test_wrong_password_gets_no_token(world):
    response = APIClient().post("/api/auth/token/", {"username": "township_informant", "password": "wrong"},
                                format="json")
    assert response.status_code == 400
    assert "" in error_fields(response)
    assert not Token.objects.exists()


# ---------------------------------------------------------------- drafting


def test_informant_drafts_report_through_api(world):
    response = post(world.township_informant, "/api/reports/", new_report_data())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == ReportState.DRAFT
    assert body["title"] == "我镇春耕生产有序推进"
    assert body["unit"]["id"] == world.township.pk
    assert body["current_version"]["number"] == 1
    assert body["current_version"]["body"].startswith("今年以来")
    assert body["current_version"]["signed_at"] is None
    assert [e["action"] for e in body["events"]] == [EventAction.CREATED]
    assert body["allowed_actions"]["request_signoff"] is True
    assert body["allowed_actions"]["submit"] is False
    report = Report.objects.get(pk=body["id"])
    assert report.author == world.township_informant


def test_draft_may_carry_attachments_in_multipart(world):
    data = new_report_data(attachments=[pdf_file("附件一.pdf"), pdf_file("附件二.pdf")])
    response = api(world.township_informant).post("/api/reports/", data, format="multipart")
    assert response.status_code == 201, response.content
    names = [a["name"] for a in response.json()["current_version"]["attachments"]]
    assert names == ["附件一.pdf", "附件二.pdf"]


def test_disallowed_attachment_type_is_refused_with_its_index(world):
    evil = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    data = new_report_data(attachments=[pdf_file(), evil])
    response = api(world.township_informant).post("/api/reports/", data, format="multipart")
    assert response.status_code == 400
    assert error_fields(response) == {"attachments[1]": "file_type"}
    assert not Report.objects.exists()


def test_attachment_that_is_not_a_file_is_refused_with_its_index(world):
    response = post(world.township_informant, "/api/reports/", new_report_data(attachments=["not a file"]),
                    format="multipart")
    assert response.status_code == 400
    assert error_fields(response) == {"attachments[0]": "invalid"}


def test_json_cannot_carry_attachments(world):
    response = post(world.township_informant, "/api/reports/", new_report_data(attachments=["not a file"]))
    assert response.status_code == 400
    assert error_fields(response) == {"attachments": "unknown_field"}


def test_editor_cannot_draft_reports(world):
    assert_forbidden(post(world.county_editor, "/api/reports/", new_report_data()))
    assert not Report.objects.exists()


def test_classified_report_is_refused_with_a_field_error(world):
    response = post(world.township_informant, "/api/reports/", new_report_data(distribution="secret"))
    assert response.status_code == 400
    assert error_fields(response) == {"distribution": "classified"}
    assert not Report.objects.exists()


def test_report_needs_title_and_known_kind(world):
    data = new_report_data(kind="gossip")
    del data["title"]
    response = post(world.township_informant, "/api/reports/", data)
    assert response.status_code == 400
    assert error_fields(response) == {"title": "required", "kind": "invalid_choice"}


def test_author_edits_the_unsigned_draft(world):
    report = draft_report(world.township_informant)
    response = api(world.township_informant).patch(report_url(report), {"title": "新标题", "urgency": "urgent"},
                                                  format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "新标题"
    assert response.json()["urgency"] == "urgent"
    assert response.json()["events"][-1]["action"] == EventAction.EDITED


def test_blank_title_in_edit_is_a_field_error(world):
    report = draft_report(world.township_informant)
    response = api(world.township_informant).patch(report_url(report), {"title": " "}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == {"title": "invalid"}


def test_signed_text_cannot_be_edited(world):
    report = signed_report(world.township_informant, world.township_signer)
    response = api(world.township_informant).patch(report_url(report), {"title": "改"}, format="json")
    assert_illegal_transition(response)


def test_put_is_not_offered(world):
    report = draft_report(world.township_informant)
    response = api(world.township_informant).put(report_url(report), new_report_data(), format="json")
    assert response.status_code == 405


def test_member_of_another_unit_cannot_edit_a_visible_report(world):
    report, _ = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.report_new_version(report=report, user=world.township_informant)
    response = api(world.county_editor).patch(report_url(report), {"title": "改"}, format="json")
    assert_forbidden(response)


# ---------------------------------------------------------------- visibility


def test_report_of_another_unit_is_not_found(world):
    report = draft_report(world.township_informant)
    bystander = api(world.county_b_informant)
    assert_not_found(bystander.get(report_url(report)))
    assert_not_found(bystander.patch(report_url(report), {"title": "x"}, format="json"))
    for action in ("request-signoff", "sign-off", "send-back", "new-version", "submit"):
        assert_not_found(bystander.post(report_url(report, action), {}, format="json"))


def test_unsubmitted_report_is_not_visible_to_the_office_above(world):
    report = signed_report(world.township_informant, world.township_signer)
    assert_not_found(api(world.county_editor).get(report_url(report)))
    assert_not_found(post(world.county_signer, report_url(report, "sign-off")))


def test_report_list_shows_only_visible_reports(world):
    own = draft_report(world.township_informant, title="本镇草稿")
    submitted, _ = submitted_report(world.county2_informant, world.county2_signer, [world.city], title="丙县报送")
    draft_report(world.county_b_informant, title="别市的")
    assert [r["id"] for r in api(world.township_informant).get("/api/reports/").json()["results"]] == [own.pk]
    assert [r["id"] for r in api(world.city_editor).get("/api/reports/").json()["results"]] == [submitted.pk]
    assert api(world.county_b_signer).get("/api/reports/").json()["count"] == 1


def test_report_list_filters_and_orders(world):
    a = draft_report(world.township_informant, title="春耕进展", kind="news")
    b = signed_report(world.township_informant, world.township_signer, title="防汛调研", kind="research")
    client = api(world.township_informant)

    def ids(query):
        response = client.get(f"/api/reports/?{query}")
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    assert ids("state=signed") == [b.pk]
    assert ids("kind=news") == [a.pk]
    assert ids("q=防汛") == [b.pk]
    assert ids(f"unit={world.township.pk}&ordering=created_at") == [a.pk, b.pk]
    assert ids("ordering=-created_at") == [b.pk, a.pk]
    assert ids(f"unit={world.county.pk}") == []
    response = client.get("/api/reports/?state=nonsense")
    assert response.status_code == 400
    assert "state" in error_fields(response)


# ---------------------------------------------------------------- import from Word


def test_docx_import_creates_an_imported_draft(world):
    response = api(world.township_informant).post(
        "/api/reports/import-docx/", {"file": docx_file(), "kind": "research"}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "关于春耕生产情况的报告"
    assert body["kind"] == "research"
    assert body["current_version"]["body"] == "一、基本情况\n二、存在问题"
    assert body["events"][0]["action"] == EventAction.IMPORTED


def test_only_docx_files_can_be_imported(world):
    response = api(world.township_informant).post("/api/reports/import-docx/", {"file": pdf_file()}, format="multipart")
    assert response.status_code == 400
    assert error_fields(response) == {"file": "file_type"}


def test_unreadable_docx_is_refused_on_the_file_field(world):
    broken = SimpleUploadedFile("broken.docx", b"PK\x03\x04 not really a zip", content_type="application/zip")
    response = api(world.township_informant).post("/api/reports/import-docx/", {"file": broken}, format="multipart")
    assert response.status_code == 400
    assert error_fields(response) == {"file": "docx_invalid"}
    assert not Report.objects.exists()


def test_editor_cannot_import_a_draft(world):
    response = api(world.county_editor).post("/api/reports/import-docx/", {"file": docx_file()}, format="multipart")
    assert_forbidden(response)


# ---------------------------------------------------------------- attachments


def test_author_adds_downloads_and_removes_an_attachment(world):
    report = draft_report(world.township_informant)
    client = api(world.township_informant)
    response = client.post(report_url(report, "attachments"), {"file": pdf_file("数据.pdf")}, format="multipart")
    assert response.status_code == 201, response.content
    attachment = response.json()
    assert attachment["name"] == "数据.pdf"
    download = client.get(attachment["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Type"] == "application/pdf"
    assert "attachment;" in download["Content-Disposition"]
    response = client.delete(attachment["download_url"])
    assert response.status_code == 204
    assert not Attachment.objects.exists()


def test_attachment_with_forged_content_is_refused(world):
    report = draft_report(world.township_informant)
    fake = SimpleUploadedFile("伪装.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = api(world.township_informant).post(report_url(report, "attachments"), {"file": fake}, format="multipart")
    assert response.status_code == 400
    assert error_fields(response) == {"file": "file_content"}


def test_signed_version_takes_no_attachments(world):
    report = signed_report(world.township_informant, world.township_signer)
    response = api(world.township_informant).post(report_url(report, "attachments"), {"file": pdf_file()},
                                                 format="multipart")
    assert_illegal_transition(response)


def test_attachment_of_signed_version_cannot_be_removed(world):
    report = signed_report(world.township_informant, world.township_signer, attachments=[pdf_file()])
    attachment = report.current_version.attachments.get()
    response = api(world.township_informant).delete(f"{report_url(report)}attachments/{attachment.pk}/")
    assert_illegal_transition(response)
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_receiving_office_downloads_a_submitted_attachment(world):
    report, _ = submitted_report(world.township_informant, world.township_signer, [world.county],
                                 attachments=[pdf_file()])
    attachment = report.current_version.attachments.get()
    response = api(world.county_editor).get(f"{report_url(report)}attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert_forbidden(api(world.county_editor).delete(f"{report_url(report)}attachments/{attachment.pk}/"))


def test_attachment_of_an_invisible_report_is_not_found(world):
    report = draft_report(world.township_informant, attachments=[pdf_file()])
    attachment = report.current_version.attachments.get()
    assert_not_found(api(world.county_b_informant).get(f"{report_url(report)}attachments/{attachment.pk}/"))
    # Nor can it be reached through a visible report of one's own.
    own = draft_report(world.county_b_informant)
    assert_not_found(api(world.county_b_informant).get(f"{report_url(own)}attachments/{attachment.pk}/"))


# ---------------------------------------------------------------- sign-off


def test_author_sends_draft_for_signoff(world):
    report = draft_report(world.township_informant)
    response = post(world.township_informant, report_url(report, "request-signoff"), {"note": "请审核"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == ReportState.PENDING_SIGNOFF
    assert response.json()["events"][-1]["note"] == "请审核"


def test_signed_report_cannot_be_sent_for_signoff_again(world):
    report = signed_report(world.township_informant, world.township_signer)
    assert_illegal_transition(post(world.township_informant, report_url(report, "request-signoff")))


def test_editor_of_the_unit_cannot_send_its_report_for_signoff(world):
    report = draft_report(world.county_informant)
    assert_forbidden(post(world.county_editor, report_url(report, "request-signoff")))


def test_signer_signs_off_and_the_hash_proves_the_signed_text(world):
    report = draft_report(world.township_informant)
    services.report_request_signoff(report=report, user=world.township_informant)
    response = post(world.township_signer, report_url(report, "sign-off"), {"comment": "同意报送"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == ReportState.SIGNED
    (version,) = body["versions"]
    assert version["signed_by"]["id"] == world.township_signer.pk
    assert version["signed_at"]
    assert version["content_hash"] == ReportVersion.objects.get(pk=version["id"]).compute_hash()
    assert version["hash_valid"] is True
    assert body["events"][-1]["note"] == "同意报送"


def test_informant_cannot_sign_off(world):
    report = draft_report(world.township_informant)
    assert_forbidden(post(world.township_informant, report_url(report, "sign-off")))


def test_signer_of_the_receiving_office_cannot_sign_off(world):
    report, _ = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.report_new_version(report=report, user=world.township_informant)
    assert_forbidden(post(world.county_signer, report_url(report, "sign-off")))


def test_signed_report_cannot_be_signed_again(world):
    report = signed_report(world.township_informant, world.township_signer)
    assert_illegal_transition(post(world.township_signer, report_url(report, "sign-off")))


def test_signer_sends_back_with_a_comment(world):
    report = draft_report(world.township_informant)
    services.report_request_signoff(report=report, user=world.township_informant)
    response = post(world.township_signer, report_url(report, "send-back"), {"comment": "数据需核实"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == ReportState.DRAFT
    assert response.json()["events"][-1]["action"] == EventAction.SENT_BACK


def test_sending_back_needs_a_comment(world):
    report = draft_report(world.township_informant)
    services.report_request_signoff(report=report, user=world.township_informant)
    response = post(world.township_signer, report_url(report, "send-back"), {"comment": ""})
    assert response.status_code == 400
    assert error_fields(response) == {"comment": "invalid"}


def test_informant_cannot_send_back(world):
    report = draft_report(world.township_informant)
    services.report_request_signoff(report=report, user=world.township_informant)
    assert_forbidden(post(world.township_informant, report_url(report, "send-back"), {"comment": "x"}))


def test_draft_not_awaiting_signoff_cannot_be_sent_back(world):
    report = draft_report(world.township_informant)
    assert_illegal_transition(post(world.township_signer, report_url(report, "send-back"), {"comment": "x"}))


# ---------------------------------------------------------------- new version


def test_new_version_of_signed_text_is_an_unsigned_draft(world):
    report = signed_report(world.township_informant, world.township_signer)
    response = post(world.township_informant, report_url(report, "new-version"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == ReportState.DRAFT
    assert body["current_version"]["number"] == 2
    assert body["current_version"]["signed_at"] is None
    assert [(v["number"], v["hash_valid"]) for v in body["versions"]] == [(1, True), (2, None)]


def test_draft_needs_no_new_version(world):
    report = draft_report(world.township_informant)
    assert_illegal_transition(post(world.township_informant, report_url(report, "new-version")))


def test_receiving_editor_cannot_start_a_new_version(world):
    report, _ = submitted_report(world.township_informant, world.township_signer, [world.county])
    assert_forbidden(post(world.county_editor, report_url(report, "new-version")))


# ---------------------------------------------------------------- submitting


def test_unsigned_report_cannot_be_submitted(world):
    report = draft_report(world.township_informant)
    response = post(world.township_informant, report_url(report, "submit"), {"targets": [world.county.pk]})
    assert_illegal_transition(response)
    assert not Submission.objects.exists()


def test_signed_report_is_submitted_to_the_office_above(world):
    report = signed_report(world.township_informant, world.township_signer)
    response = post(world.township_informant, report_url(report, "submit"), {"targets": [world.county.pk]})
    assert response.status_code == 201, response.content
    (sub,) = response.json()
    assert sub["to_unit"]["id"] == world.county.pk
    assert sub["state"] == SubmissionState.SUBMITTED
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_submitting_to_a_non_permitted_office_names_the_target(world):
    report = signed_report(world.township_informant, world.township_signer)
    response = post(world.township_informant, report_url(report, "submit"), {"targets": [world.province.pk]})
    assert response.status_code == 400
    assert error_fields(response) == {"targets[0]": "invalid"}
    response = post(world.township_informant, report_url(report, "submit"),
                    {"targets": [world.county.pk, world.city.pk]})
    assert error_fields(response) == {"targets[1]": "invalid"}
    assert not Submission.objects.exists()


def test_unknown_target_unit_is_a_field_error(world):
    report = signed_report(world.township_informant, world.township_signer)
    response = post(world.township_informant, report_url(report, "submit"), {"targets": [world.county.pk, 999999]})
    assert response.status_code == 400
    assert error_fields(response) == {"targets[1]": "does_not_exist"}
    response = post(world.township_informant, report_url(report, "submit"), {"targets": ["abc"]})
    assert error_fields(response) == {"targets[0]": "invalid"}


def test_submitting_needs_a_target(world):
    report = signed_report(world.township_informant, world.township_signer)
    response = post(world.township_informant, report_url(report, "submit"), {"targets": []})
    assert response.status_code == 400
    assert error_fields(response) == {"targets": "invalid"}
    response = post(world.township_informant, report_url(report, "submit"), {})
    assert error_fields(response) == {"targets": "required"}


def test_direct_reporting_point_may_submit_to_province(world):
    report = signed_report(world.direct_point_informant, world.direct_point_signer)
    response = post(world.direct_point_informant, report_url(report, "submit"),
                    {"targets": [world.city.pk, world.province.pk]})
    assert response.status_code == 201, response.content
    assert sorted(s["to_unit"]["id"] for s in response.json()) == sorted([world.city.pk, world.province.pk])
    assert api(world.province_editor).get("/api/submissions/inbox/").json()["count"] == 1


def test_ordinary_county_may_not_skip_to_province(world):
    report = signed_report(world.county2_informant, world.county2_signer)
    response = post(world.county2_informant, report_url(report, "submit"), {"targets": [world.province.pk]})
    assert error_fields(response) == {"targets[0]": "invalid"}


def test_double_submit_creates_one_submission(world):
    report = signed_report(world.township_informant, world.township_signer)
    url = report_url(report, "submit")
    first = post(world.township_informant, url, {"targets": [world.county.pk, world.county.pk]})
    assert first.status_code == 201
    assert len(first.json()) == 1
    second = post(world.township_informant, url, {"targets": [world.county.pk]})
    assert second.status_code == 400
    assert error_fields(second) == {"targets[0]": "invalid"}
    assert Submission.objects.filter(report=report).count() == 1


def test_receiving_editor_cannot_submit_the_report(world):
    report, _ = submitted_report(world.township_informant, world.township_signer, [world.county])
    assert_forbidden(post(world.county_editor, report_url(report, "submit"), {"targets": [world.city.pk]}))


# ---------------------------------------------------------------- submissions: lists and visibility


def test_submission_list_shows_only_visible_submissions(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    submitted_report(world.county_b_informant, world.county_b_signer, [world.city2])
    assert [s["id"] for s in api(world.county_editor).get("/api/submissions/").json()["results"]] == [sub.pk]
    assert [s["id"] for s in api(world.township_signer).get("/api/submissions/").json()["results"]] == [sub.pk]
    assert api(world.city_editor).get("/api/submissions/").json()["count"] == 0


def test_submission_of_another_office_is_not_found(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    client = api(world.city2_editor)
    assert_not_found(client.get(sub_url(sub)))
    for action in ("adopt", "archive", "return", "forward", "resubmit"):
        assert_not_found(client.post(sub_url(sub, action), {"reason": "x", "targets": [world.city2.pk]}, format="json"))


def test_submission_detail_shows_the_text_sent_and_what_the_user_may_do(world):
    report, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county],
                                      attachments=[pdf_file()])
    body = api(world.county_editor).get(sub_url(sub)).json()
    assert body["version"]["title"] == report.title
    assert body["version"]["content_hash"]
    assert len(body["version"]["attachments"]) == 1
    assert body["origin_unit"]["id"] == world.township.pk
    assert body["allowed_actions"] == {"adopt": True, "archive": True, "return": True, "forward": False,
                                       "resubmit": False, "take": True, "assign": False, "release": False,
                                       "note": True, "message": True}
    mine = api(world.township_informant).get(sub_url(sub)).json()
    assert {k for k, v in mine["allowed_actions"].items() if v} == {"message"}


def test_report_list_orders_by_urgency_most_urgent_first_not_alphabetically(world):
    made = {u: draft_report(world.township_informant, title=f"{u}稿", urgency=u) for u in ("routine", "urgent", "extra")}
    response = api(world.township_informant).get("/api/reports/?ordering=urgency")
    assert [r["id"] for r in response.json()["results"]] == [made["extra"].pk, made["urgent"].pk, made["routine"].pk]
    response = api(world.township_informant).get("/api/reports/?ordering=-urgency")
    assert [r["id"] for r in response.json()["results"]] == [made["routine"].pk, made["urgent"].pk, made["extra"].pk]


def test_inbox_lists_what_reached_the_office_with_filters(world):
    news, (news_sub,) = submitted_report(world.township_informant, world.township_signer, [world.county],
                                         title="春耕新闻", kind="news")
    research, (research_sub,) = submitted_report(world.township_informant, world.township_signer, [world.county],
                                                 title="防汛调研", kind="research", urgency="extra")
    services.submission_adopt(submission=research_sub, editor=world.county_editor)
    client = api(world.county_editor)

    def ids(query=""):
        response = client.get(f"/api/submissions/inbox/?{query}")
        assert response.status_code == 200, response.content
        return [s["id"] for s in response.json()["results"]]

    assert set(ids()) == {news_sub.pk, research_sub.pk}
    assert ids("kind=news") == [news_sub.pk]
    assert ids("state=adopted") == [research_sub.pk]
    assert ids("q=防汛") == [research_sub.pk]
    assert ids(f"unit={world.township.pk}&sort=submitted_at") == [news_sub.pk, research_sub.pk]
    # The desk's default: open items first, the most urgent of them on top.
    assert ids("sort=urgency") == [news_sub.pk, research_sub.pk]
    _, (urgent_sub,) = submitted_report(world.township_informant, world.township_signer, [world.county],
                                        title="紧急汛情", kind="news", urgency="extra")
    assert ids("sort=urgency") == [urgent_sub.pk, news_sub.pk, research_sub.pk]
    assert ids("date_from=2000-01-01&date_to=2000-12-31") == []
    assert ids(f"unit={world.county_b.pk}") == []
    # An informant has no inbox: the desk's endpoints refuse, they do not answer an empty list.
    assert api(world.township_informant).get("/api/submissions/inbox/").status_code == 403


def test_inbox_rejects_unknown_parameters_values_by_field(world):
    response = api(world.county_editor).get("/api/submissions/inbox/?sort=title&date_from=yesterday")
    assert response.status_code == 400
    assert set(error_fields(response)) == {"sort", "date_from"}


def test_inbox_flags_an_item_that_arrived_by_another_route(world):
    _, subs = submitted_report(world.direct_point_informant, world.direct_point_signer, [world.city, world.province])
    to_city = next(s for s in subs if s.to_unit_id == world.city.pk)
    services.submission_adopt(submission=to_city, editor=world.city_editor)
    services.submission_forward(submission=to_city, editor=world.city_editor, targets=[world.province])
    items = api(world.province_editor).get("/api/submissions/inbox/").json()["results"]
    assert len(items) == 2
    assert all(item["has_other_route"] for item in items)


# ---------------------------------------------------------------- screening: adopt


def test_receiving_editor_adopts(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    response = post(world.county_editor, sub_url(sub, "adopt"),
                    {"publication": "special", "mode": "edited", "note": "好"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == SubmissionState.ADOPTED
    assert body["adoption"]["publication"] == "special"
    assert body["adoption"]["office"]["id"] == world.county.pk
    assert body["allowed_actions"]["forward"] is True


def test_adoption_needs_a_known_publication(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    response = post(world.county_editor, sub_url(sub, "adopt"), {"publication": "weekly"})
    assert response.status_code == 400
    assert error_fields(response) == {"publication": "invalid_choice"}


def test_editor_of_other_office_cannot_adopt(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    (up,) = services.submission_forward(submission=sub, editor=world.county_editor, targets=[world.city])
    # The county sent it and sees it, but the city screens it.
    assert_forbidden(post(world.county_editor, sub_url(up, "adopt")))
    assert_not_found(post(world.city2_editor, sub_url(up, "adopt")))


def test_non_editor_of_the_receiving_office_cannot_adopt(world):
    _, (sub,) = submitted_report(world.county2_informant, world.county2_signer, [world.city])
    assert_forbidden(post(world.city_informant, sub_url(sub, "adopt")))
    assert_forbidden(post(world.county2_informant, sub_url(sub, "adopt")))


def test_adopted_submission_cannot_be_adopted_again(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    assert_illegal_transition(post(world.county_chief, sub_url(sub, "adopt")))


# ---------------------------------------------------------------- screening: archive and return


def test_receiving_editor_keeps_for_reference(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    response = post(world.county_chief, sub_url(sub, "archive"), {"note": "备查"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == SubmissionState.ARCHIVED


def test_sender_cannot_archive_its_own_submission(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    assert_forbidden(post(world.township_signer, sub_url(sub, "archive")))


def test_archived_submission_cannot_be_archived_again(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_archive(submission=sub, editor=world.county_editor)
    assert_illegal_transition(post(world.county_editor, sub_url(sub, "archive")))


def test_receiving_editor_returns_with_a_reason(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    response = post(world.county_editor, sub_url(sub, "return"), {"reason": "要素不全"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == SubmissionState.RETURNED
    assert response.json()["return_reason"] == "要素不全"
    sender_view = api(world.township_informant).get(sub_url(sub)).json()
    assert sender_view["return_reason"] == "要素不全"
    assert sender_view["allowed_actions"]["resubmit"] is False  # nothing new to send until a new version is signed


def test_return_needs_a_reason(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    response = post(world.county_editor, sub_url(sub, "return"), {"reason": "  "})
    assert response.status_code == 400
    assert error_fields(response) == {"reason": "invalid"}


def test_sender_cannot_return_its_own_submission(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    assert_forbidden(post(world.township_informant, sub_url(sub, "return"), {"reason": "撤回"}))


def test_adopted_submission_cannot_be_returned(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    assert_illegal_transition(post(world.county_editor, sub_url(sub, "return"), {"reason": "再想想"}))


# ---------------------------------------------------------------- resubmit


def test_originating_unit_resubmits_a_revised_signed_version(world):
    report, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_return(submission=sub, editor=world.county_editor, reason="补充数据")
    services.report_new_version(report=report, user=world.township_informant)
    services.report_update(report=report, user=world.township_informant, body="补充后的正文。")
    # Nothing leaves a unit unsigned.
    response = post(world.township_informant, sub_url(sub, "resubmit"))
    assert response.status_code == 409
    assert error_fields(response) == {"": "unsigned"}
    services.report_sign_off(report=report, signer=world.township_signer)
    response = post(world.township_informant, sub_url(sub, "resubmit"), {"note": "已补充"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == SubmissionState.SUBMITTED
    assert response.json()["version"]["number"] == 2


def test_forwarding_office_resubmits_its_own_edited_version(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    (up,) = services.submission_forward(submission=sub, editor=world.county_editor, targets=[world.city])
    services.submission_return(submission=up, editor=world.city_editor, reason="请精简")
    response = post(world.county_editor, sub_url(up, "resubmit"), {"title": "精简后的标题", "body": "精简后的正文。"})
    assert response.status_code == 200, response.content
    assert response.json()["version"]["title"] == "精简后的标题"
    assert response.json()["version"]["unit"]["id"] == world.county.pk


def test_receiving_editor_cannot_resubmit(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_return(submission=sub, editor=world.county_editor, reason="x")
    assert_forbidden(post(world.county_editor, sub_url(sub, "resubmit")))


def test_submission_not_returned_cannot_be_resubmitted(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    assert_illegal_transition(post(world.township_informant, sub_url(sub, "resubmit")))


# ---------------------------------------------------------------- forward


def test_editor_forwards_an_adopted_report_with_edits(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    response = post(world.county_editor, sub_url(sub, "forward"),
                    {"targets": [world.city.pk], "title": "县里改过的标题", "note": "建议采用"})
    assert response.status_code == 201, response.content
    (up,) = response.json()
    assert up["to_unit"]["id"] == world.city.pk
    assert up["parent"] == sub.pk
    assert up["title"] == "县里改过的标题"
    parent = api(world.county_editor).get(sub_url(sub)).json()
    assert (parent["state"], parent["forwarded"]) == (SubmissionState.ADOPTED, True)
    assert [f["id"] for f in parent["forwards"]] == [up["id"]]


def test_unadopted_submission_cannot_be_forwarded(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    assert_illegal_transition(post(world.county_editor, sub_url(sub, "forward"), {"targets": [world.city.pk]}))


def test_forwarding_to_a_non_permitted_office_names_the_target(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    response = post(world.county_editor, sub_url(sub, "forward"), {"targets": [world.province.pk]})
    assert response.status_code == 400
    assert error_fields(response) == {"targets[0]": "invalid"}


def test_forwarding_twice_to_one_office_creates_one_submission(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    assert post(world.county_editor, sub_url(sub, "forward"), {"targets": [world.city.pk]}).status_code == 201
    again = post(world.county_editor, sub_url(sub, "forward"), {"targets": [world.city.pk]})
    assert again.status_code == 400
    assert error_fields(again) == {"targets[0]": "invalid"}
    assert Submission.objects.filter(to_unit=world.city).count() == 1


def test_non_editor_cannot_forward(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    assert_forbidden(post(world.county_informant, sub_url(sub, "forward"), {"targets": [world.city.pk]}))
    assert_forbidden(post(world.township_informant, sub_url(sub, "forward"), {"targets": [world.city.pk]}))


def test_blank_forwarded_title_is_a_field_error(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    response = post(world.county_editor, sub_url(sub, "forward"), {"targets": [world.city.pk], "title": ""})
    assert response.status_code == 400
    assert error_fields(response) == {"title": "invalid"}


# ---------------------------------------------------------------- the whole way up


def test_township_report_is_adopted_up_to_province_and_the_township_sees_it(world, side_effects):
    informant, signer = world.township_informant, world.township_signer
    with side_effects():
        report_id = post(informant, "/api/reports/", new_report_data()).json()["id"]
        assert post(informant, f"/api/reports/{report_id}/request-signoff/").status_code == 200
        assert post(signer, f"/api/reports/{report_id}/sign-off/", {"comment": "同意"}).status_code == 200
        (sub,) = post(informant, f"/api/reports/{report_id}/submit/", {"targets": [world.county.pk]}).json()

        # County: adopt and forward to the city.
        inbox = api(world.county_editor).get("/api/submissions/inbox/").json()["results"]
        assert [s["id"] for s in inbox] == [sub["id"]]
        assert post(world.county_editor, f"/api/submissions/{sub['id']}/adopt/").status_code == 200
        (to_city,) = post(world.county_editor, f"/api/submissions/{sub['id']}/forward/",
                          {"targets": [world.city.pk]}).json()

        # City: adopt and forward to the province.
        inbox = api(world.city_editor).get("/api/submissions/inbox/").json()["results"]
        assert [s["id"] for s in inbox] == [to_city["id"]]
        assert post(world.city_editor, f"/api/submissions/{to_city['id']}/adopt/").status_code == 200
        (to_province,) = post(world.city_editor, f"/api/submissions/{to_city['id']}/forward/",
                              {"targets": [world.province.pk], "body": "市里综合后的正文。"}).json()

        # Province: adopt into its special report.
        response = post(world.province_editor, f"/api/submissions/{to_province['id']}/adopt/",
                        {"publication": "special"})
        assert response.status_code == 200, response.content

    # The originating township sees the province's adoption of its report.
    detail = api(informant).get(f"/api/reports/{report_id}/").json()
    by_office = {s["to_unit"]["id"]: s for s in detail["submissions"]}
    assert set(by_office) == {world.county.pk, world.city.pk, world.province.pk}
    province_sub = by_office[world.province.pk]
    assert province_sub["state"] == SubmissionState.ADOPTED
    assert province_sub["adoption"]["office"]["id"] == world.province.pk
    assert province_sub["adoption"]["publication"] == "special"
    assert (by_office[world.county.pk]["state"], by_office[world.county.pk]["forwarded"]) == (SubmissionState.ADOPTED, True)
    adopted_by = [e["actor_unit"]["id"] for e in detail["events"] if e["action"] == EventAction.ADOPTED]
    assert adopted_by == [world.county.pk, world.city.pk, world.province.pk]
    assert api(informant).get(f"/api/submissions/{to_province['id']}/").json()["state"] == SubmissionState.ADOPTED
    # Lineage: the province received the city's edit of the county's version of the township's text.
    city_version = ReportVersion.objects.get(submissions__pk=to_province["id"])
    assert city_version.unit == world.city
    assert city_version.derived_from.unit == world.county
    assert city_version.derived_from.derived_from.unit == world.township
    # And the township was told.
    messages = api(informant).get("/api/notifications/?unread=true").json()["results"]
    assert any(n["verb"] == "adopted" and world.province.name in n["message"] for n in messages)
    # A bystander sees none of it.
    assert_not_found(api(world.county_b_informant).get(f"/api/reports/{report_id}/"))


def test_every_api_transition_notifies_on_commit_only(world, side_effects):
    report = draft_report(world.township_informant)
    with side_effects():
        post(world.township_informant, report_url(report, "request-signoff"))
    assert Notification.objects.filter(recipient=world.township_signer, verb="signoff_requested").exists()
    # A refused transition tells nobody.
    before = Notification.objects.count()
    with side_effects():
        assert_forbidden(post(world.township_informant, report_url(report, "sign-off")))
    assert Notification.objects.count() == before


# ---------------------------------------------------------------- query budgets


def test_lists_cost_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(5):
        _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county],
                                     attachments=[pdf_file()])
        services.submission_adopt(submission=sub, editor=world.county_editor)
    client = api(world.county_editor)
    for url in ("/api/reports/", "/api/submissions/"):
        with django_assert_max_num_queries(3):
            assert client.get(url).json()["count"] == 5
    # The inbox reads the office, adoptions and adopters in small queries of their own rather than
    # as joins: PostgreSQL took longer to plan eight joined relations than to run them (issue 14).
    with django_assert_max_num_queries(5):
        assert client.get("/api/submissions/inbox/").json()["count"] == 5
    with django_assert_max_num_queries(14):  # includes who holds the edit lock
        assert client.get(f"/api/reports/{sub.report_id}/").status_code == 200
    with django_assert_max_num_queries(14):  # marking it read (two writes), the text this office may read (two)
        assert client.get(f"/api/submissions/{sub.pk}/").status_code == 200


def test_an_account_with_its_initial_password_cannot_use_the_api(world):
    from rest_framework.test import APIClient

    world.county_informant.must_change_password = True
    world.county_informant.save()
    client = APIClient()
    client.force_authenticate(world.county_informant)
    response = client.get("/api/reports/")
    assert response.status_code == 403 and response.json()["errors"][0]["code"] == "permission_denied"


def test_an_office_sees_what_reached_it_not_the_units_unsigned_revision_or_internal_comments(world):
    from rest_framework.test import APIClient

    from govbrief.reports import services as s
    from ..factories import submitted_report

    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    s.submission_return(submission=sub, editor=world.city_editor, reason="请补充")
    s.report_new_version(report=report, user=world.county_informant)
    s.report_update(report=report, user=world.county_informant, title="尚未签发的修改稿")
    client = APIClient()
    client.force_authenticate(world.city_editor)
    data = client.get(f"/api/reports/{report.pk}/").json()
    assert data["current_version"]["title"] != "尚未签发的修改稿"
    assert [v["number"] for v in data["versions"]] == [1]
    assert {e["action"] for e in data["events"]} == {"submitted", "returned"}


def test_ids_out_of_range_are_a_400_not_a_500(world):
    client = api(world.county_editor)
    big = 99999999999999999999999
    # The same answer on both databases (PostgreSQL could look it up, SQLite could not compare it).
    for url, field in ((f"/api/reports/?unit={big}", "unit"), (f"/api/submissions/inbox/?unit={big}", "unit"),
                       (f"/api/submissions/?report={big}", "report")):
        response = client.get(url)
        assert response.status_code == 400 and response.json()["errors"][0]["field"] == field, url
    response = client.post("/api/submissions/bulk/", {"action": "adopt", "ids": [big]}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "ids[0]"


def test_submission_filters_do_not_reveal_other_reports(world):
    report, _ = submitted_report(world.county_b_informant, world.county_b_signer, [world.city2])
    client = api(world.county_editor)
    assert client.get(f"/api/submissions/?report={report.pk}").json()["count"] == 0
    assert client.get("/api/submissions/?report=987654").status_code == 200
