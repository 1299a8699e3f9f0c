"""What a hostile tester tries first (issue 13), on every database: NUL bytes, nested and oversized
bodies, long names, foreign ids on the lock endpoints, comments by roles that only read, digits of
other scripts and fields the endpoint does not take. Each answer is a clear 4xx in the product's
format — JSON with a field path for the API, the error page in the layout for people — never a 500."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from govbrief.core import limits
from govbrief.locks.services import lock_acquire
from govbrief.reports import services
from govbrief.reports.choices import CommentAudience
from govbrief.reports.models import Attachment, Comment, Report, Submission

from ..factories import draft_report, pdf_file, submitted_report

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def error_fields(response) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    return {e["field"]: e["code"] for e in body["errors"]}


def assert_error_page(response, status: int):
    assert response.status_code == status, response.content[:300]
    html = response.content.decode()
    assert 'class="layout"' in html  # the product's layout, with the sidebar, not Django's bare page
    assert "Bad Request" not in html and "Not Found" not in html


# ---------------------------------------------------------------- NUL bytes


@pytest.mark.parametrize("url", ["/reports/?q=%00", "/reports/inbox/?q=a%00b", "/units/?q=%00",
                                 "/reports/inbox/?unit=1%00"])
def test_a_nul_byte_in_a_page_query_is_refused_in_the_layout(world, url):
    response = page(world.city_editor).get(url)
    assert_error_page(response, 400)
    assert "NUL" in response.content.decode()


@pytest.mark.parametrize("url,data", [
    ("/locks/heartbeat/", {"type": "reports.report", "id": "1\x00"}),
    ("/locks/release/", {"type": "reports.report\x00", "id": "1"}),
    ("/reports/inbox/filters/", {"name": "我的\x00筛选", "query": "q=x"}),
])
def test_a_nul_byte_in_a_posted_form_is_refused(world, url, data):
    response = page(world.city_editor).post(url, data)
    assert response.status_code == 400


def test_a_nul_byte_in_an_api_query_is_a_json_error_naming_the_parameter(world):
    response = api(world.city_editor).get("/api/reports/?q=%00")
    assert response.status_code == 400
    assert error_fields(response) == {"q": "null_characters_not_allowed"}


# ---------------------------------------------------------------- bodies


def test_deeply_nested_json_is_a_400_not_a_recursion_error(world):
    body = "[" * 10_000 + "]" * 10_000
    response = api(world.county_informant).post("/api/reports/", body, content_type="application/json")
    assert response.status_code == 400
    assert error_fields(response) == {"": "parse_error"}


def test_moderately_nested_json_is_refused_beyond_the_documented_depth(world):
    body = '{"title": ' + "[" * 30 + "]" * 30 + "}"
    response = api(world.county_informant).post("/api/reports/", body, content_type="application/json")
    assert response.status_code == 400
    assert error_fields(response) == {"": "parse_error"}


def test_a_body_over_the_request_limit_is_refused_as_json_for_the_api(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    body = '{"title": "x", "body": "' + "字" * 40_000 + '"}'
    response = api(world.county_informant).post("/api/reports/", body, content_type="application/json")
    assert response.status_code == 413
    assert error_fields(response) == {"": "too_large"}
    assert not Report.objects.exists()


def test_a_form_over_the_request_limit_gets_the_error_page(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    response = page(world.county_informant).post("/reports/new/", {"title": "x", "body": "字" * 40_000})
    assert_error_page(response, 413)


def test_too_many_form_fields_are_refused_with_a_message(world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    response = page(world.city_editor).post("/reports/inbox/bulk/", {"ids": [str(i) for i in range(100)]})
    assert response.status_code == 400


# ---------------------------------------------------------------- text limits, in every service


def test_a_body_over_the_limit_is_refused_by_the_service(world):
    with pytest.raises(ValidationError) as exc:
        services.report_create(author=world.county_informant, title="标题", body="字" * (limits.BODY_MAX_CHARS + 1),
                               kind="news")
    assert "body" in exc.value.message_dict
    assert not Report.objects.exists()


def test_a_body_over_the_limit_is_a_400_on_the_api_and_says_the_limit(world):
    response = api(world.county_informant).post(
        "/api/reports/", {"title": "标题", "body": "字" * (limits.BODY_MAX_CHARS + 1), "kind": "news"}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == {"body": "max_length"}
    assert "50000" in response.json()["detail"] or "50,000" in response.json()["detail"]


def test_too_many_paragraphs_are_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.report_create(author=world.county_informant, title="标题",
                               body="\n".join(["段"] * (limits.BODY_MAX_PARAGRAPHS + 1)), kind="news")
    assert "body" in exc.value.message_dict


def test_a_comment_over_the_limit_is_refused_by_the_service_and_the_api(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    too_long = "评" * (limits.COMMENT_MAX_CHARS + 1)
    with pytest.raises(ValidationError):
        services.comment_add(submission=sub, author=world.city_editor, body=too_long)
    response = api(world.city_editor).post(f"/api/submissions/{sub.pk}/comments/",
                                           {"audience": "internal", "body": too_long}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == {"body": "max_length"}
    assert not Comment.objects.exists()


def test_a_return_reason_over_the_limit_is_refused(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    with pytest.raises(ValidationError):
        services.submission_return(submission=sub, editor=world.city_editor, reason="因" * (limits.REASON_MAX_CHARS + 1))
    sub.refresh_from_db()
    assert sub.state == "submitted"


# ---------------------------------------------------------------- attachment names


def test_a_long_attachment_name_is_shortened_keeping_its_extension(world):
    report = draft_report(world.county_informant)
    uploaded = SimpleUploadedFile("很长的附件名" * 60 + ".pdf", b"%PDF-1.4 test", content_type="application/pdf")
    attachment = services.attachment_add(report=report, user=world.county_informant, uploaded=uploaded)
    attachment.refresh_from_db()
    assert attachment.name.endswith(".pdf")
    assert len(attachment.name) <= limits.ATTACHMENT_NAME_MAX_CHARS
    assert attachment.file.storage.exists(attachment.file.name)


def test_a_failed_attachment_leaves_no_file_behind(world, settings, monkeypatch):
    report = draft_report(world.county_informant)

    def fail(*args, **kwargs):
        raise RuntimeError("the row could not be written")

    monkeypatch.setattr(Attachment, "save", fail)
    with pytest.raises(RuntimeError):
        services.attachment_add(report=report, user=world.county_informant, uploaded=pdf_file())
    stored = [p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == []


# ---------------------------------------------------------------- lock endpoints


def test_lock_endpoints_answer_404_for_what_the_person_cannot_see(world):
    report = draft_report(world.county_informant)
    lock_acquire(target=report, user=world.county_informant)
    stranger = page(world.county_b_informant)
    for url in ("/locks/heartbeat/", "/locks/release/"):
        response = stranger.post(url, {"type": "reports.report", "id": str(report.pk)})
        assert response.status_code == 404
        assert "county_informant" not in response.content.decode()
        assert str(world.county_informant) not in response.content.decode()
    # and the lock still stands
    from govbrief.locks.models import EditLock

    assert EditLock.objects.for_target(report).exists()


def test_lock_endpoints_refuse_models_without_a_visibility_rule(world):
    response = page(world.city_editor).post("/locks/heartbeat/", {"type": "orgs.user", "id": str(world.city_editor.pk)})
    assert response.status_code == 404


def test_an_office_is_not_told_who_in_the_unit_holds_a_lock(world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_return(submission=sub, editor=world.city_editor, reason="补充")
    services.report_new_version(report=report, user=world.county_informant)
    unlocked, _ = submitted_report(world.county_informant, world.county_signer, [world.city])
    lock_acquire(target=report, user=world.county_informant)
    editor = page(world.city_editor)
    response = editor.post("/locks/heartbeat/", {"type": "reports.report", "id": str(report.pk)})
    assert response.status_code == 409
    assert str(world.county_informant) not in response.content.decode()
    # exactly the answer for a report nobody is editing: the office cannot tell the difference
    baseline = editor.post("/locks/heartbeat/", {"type": "reports.report", "id": str(unlocked.pk)})
    assert response.json() == baseline.json()


def test_a_swapped_model_on_the_lock_endpoints_is_404_not_500(world):
    response = page(world.city_editor).post("/locks/heartbeat/", {"type": "auth.user", "id": "1"})
    assert response.status_code == 404


# ---------------------------------------------------------------- who writes on a submission


@pytest.mark.parametrize("key,may", [
    ("city_editor", True), ("city_chief", True),
    ("city_leader", False), ("city_sysadmin", False), ("city_informant", False), ("city_signer", False),
])
@pytest.mark.parametrize("audience", [CommentAudience.INTERNAL, CommentAudience.UNIT])
def test_only_the_screening_roles_of_the_office_write_comments(world, key, may, audience):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    response = api(world.users[key]).post(f"/api/submissions/{sub.pk}/comments/",
                                          {"audience": audience, "body": "请核实数据"}, format="json")
    assert response.status_code == (201 if may else 403), response.content
    assert Comment.objects.exists() is may


def test_the_sending_units_drafters_answer_with_messages(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    response = api(world.county_signer).post(f"/api/submissions/{sub.pk}/comments/",
                                             {"audience": "unit", "body": "已核实"}, format="json")
    assert response.status_code == 201
    response = api(world.county_principal).post(f"/api/submissions/{sub.pk}/comments/",
                                                {"audience": "internal", "body": "内部"}, format="json")
    assert response.status_code in (403, 404)


@pytest.mark.parametrize("key,clears", [("city_editor", True), ("city_leader", False), ("city_sysadmin", False)])
def test_only_a_screening_roles_opening_clears_new(world, key, clears):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    response = page(world.users[key]).get(reverse("reports:submission", args=[sub.pk]))
    assert response.status_code == 200
    sub.refresh_from_db()
    assert (sub.first_opened_at is not None) is clears


# ---------------------------------------------------------------- loose input


def test_arabic_indic_digits_are_not_an_id(world):
    report = draft_report(world.county_informant)
    services.report_sign_off(report=report, signer=world.county_signer)
    digits = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in str(world.city.pk))
    response = api(world.county_informant).post(f"/api/reports/{report.pk}/submit/", {"targets": [digits]},
                                                format="json")
    assert response.status_code == 400
    assert error_fields(response) == {"targets[0]": "invalid"}
    assert not Submission.objects.exists()


def test_arabic_indic_digits_are_refused_in_id_filters(world):
    response = api(world.city_editor).get("/api/submissions/?from_unit=٣")
    assert response.status_code == 400


@pytest.mark.parametrize("value", [12345, True, ["标题"], {"a": 1}])
def test_a_title_must_be_text(world, value):
    response = api(world.county_informant).post("/api/reports/", {"title": value, "body": "正文", "kind": "news"},
                                                format="json")
    assert response.status_code == 400
    assert "title" in error_fields(response)


def test_unknown_fields_in_a_patch_are_refused_by_name(world):
    report = draft_report(world.county_informant)
    response = api(world.county_informant).patch(f"/api/reports/{report.pk}/",
                                                 {"state": "submitted", "unit": 1, "title": "新标题"}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == {"state": "unknown_field", "unit": "unknown_field"}
    report.refresh_from_db()
    assert report.current_version.title != "新标题"


def test_a_non_integer_id_in_an_api_path_is_a_json_404(world):
    response = api(world.city_editor).get("/api/reports/0.5/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert error_fields(response) == {"": "not_found"}


def test_a_forwarding_offices_editors_answer_messages_on_what_they_forwarded(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    (up,) = services.submission_forward(submission=sub, editor=world.county_editor, targets=[world.city])
    for key, status in (("county_editor", 201), ("county_principal", 403)):
        response = api(world.users[key]).post(f"/api/submissions/{up.pk}/comments/",
                                              {"audience": "unit", "body": "已核实"}, format="json")
        assert response.status_code == status, (key, response.content)


def test_a_limit_broken_past_the_serializer_is_named_too_long(world):
    # A body of 2,001 short lines passes the character limit; the service's paragraph rule refuses it.
    response = api(world.county_informant).post(
        "/api/reports/", {"title": "标题", "body": "\n".join(["段"] * (limits.BODY_MAX_PARAGRAPHS + 1)), "kind": "news"},
        format="json")
    assert response.status_code == 400
    assert error_fields(response) == {"body": "too_many_paragraphs"}


def test_a_body_over_the_limit_on_the_draft_page_is_refused_and_kept(world):
    client = page(world.county_informant)
    too_long = "字" * (limits.BODY_MAX_CHARS + 1)
    response = client.post("/reports/new/", {"title": "标题", "body": too_long, "kind": "news", "urgency": "routine",
                                             "distribution": "internal", "contact_name": "张三",
                                             "contact_phone": "123"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "50,000" in html and too_long in html  # the limit said, nothing lost
    assert 'maxlength="50000"' not in html
    assert not Report.objects.exists()


@pytest.mark.parametrize("raw", ["١٠", "１０", "1_0", "+1", "%201"])
def test_an_api_path_id_is_ascii_digits_only(world, raw):
    report = draft_report(world.county_informant)
    path_id = raw.replace("10", str(report.pk)) if raw in ("1_0",) else raw
    for url in (f"/api/reports/{path_id}/", f"/api/units/{path_id}/", f"/api/reports/{report.pk}/attachments/{raw}/"):
        response = api(world.county_informant).get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")


def test_a_limit_message_names_the_field_in_chinese(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    with pytest.raises(ValidationError) as exc:
        services.submission_return(submission=sub, editor=world.city_editor, reason="因" * (limits.REASON_MAX_CHARS + 1))
    message = exc.value.message_dict["reason"][0]
    assert "reason" not in message and "退稿理由" in message or "退回" in message, message


def test_a_form_without_its_csrf_token_gets_the_layout_403(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.county_informant)
    response = client.post("/reports/new/", {"title": "x"})
    assert_error_page(response, 403)
    response = client.post("/api/reports/", {"title": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF Failed" not in response.json()["detail"]


def test_a_null_json_body_is_refused_in_chinese(world):
    response = api(world.county_informant).post("/api/reports/", "null", content_type="application/json")
    assert response.status_code == 400
    assert "No data provided" not in response.json()["detail"]


def test_the_token_endpoint_holds_to_the_same_input_rules(world):
    client = APIClient()
    deep = '{"username": ' + "[" * 10_000 + "]" * 10_000 + ', "password": "x"}'
    assert client.post("/api/auth/token/", deep, content_type="application/json").status_code == 400
    response = client.post("/api/auth/token/", {"username": 123, "password": "x", "x": 1}, format="json")
    assert response.status_code == 400
    assert error_fields(response) == {"username": "not_a_string", "x": "unknown_field"} or \
        error_fields(response) == {"x": "unknown_field"}


def test_a_nul_inside_json_text_is_named_as_such(world):
    response = api(world.county_informant).post("/api/reports/", {"title": "a\x00b", "body": "正文", "kind": "news"},
                                                format="json")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("query", ["date_from=2026-02-30", "state=xx", "unit=١٢"])
def test_an_unreadable_inbox_filter_lists_nothing_and_says_why(world, query):
    submitted_report(world.county_informant, world.county_signer, [world.city])
    response = page(world.city_editor).get(f"/reports/inbox/?{query}")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert 'class="errorlist"' in response.content.decode()


def test_a_saved_filter_too_long_is_refused_not_cut(world):
    with pytest.raises(ValidationError):
        services.saved_filter_save(user=world.city_editor, name="名" * 41, query="q=x")
    with pytest.raises(ValidationError):
        services.saved_filter_save(user=world.city_editor, name="我的", query="q=" + "x" * 600)
    from govbrief.reports.models import SavedFilter

    assert not SavedFilter.objects.exists()
