"""The pages: they render for every role, speak Chinese, keep input on errors, and their
query counts do not grow with the data (SPEC §9, STYLE: guard query counts on list pages)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govbrief.notifications.models import Notification
from govbrief.orgs.choices import DRAFTING_ROLES, SCREENING_ROLES
from govbrief.reports import services
from govbrief.reports.models import Report, Submission

from ..factories import docx_file, pdf_file, submitted_report


def login(client, user):
    client.force_login(user)
    return client


def test_login_page_answers_in_chinese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_every_page_renders_for_its_roles_and_refuses_the_others(client, world):
    """A matrix of page × person: the pages everyone in the network has render for all; the pages
    of a role (the inbox for editors, drafting for informants and signers) are 403 for the rest."""
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    for_all = [reverse("dashboard"), reverse("reports:list"), reverse("orgs:directory"),
               reverse("orgs:detail", args=[world.county.pk]), reverse("orgs:registrations"),
               reverse("notifications:list")]
    by_role = {reverse("reports:inbox"): SCREENING_ROLES, reverse("reports:new"): DRAFTING_ROLES,
               reverse("reports:import"): DRAFTING_ROLES}
    seen = set()
    for user in world.users.values():
        login(client, user)
        for url in for_all:
            response = client.get(url)
            assert response.status_code == 200, (user.username, url, response.status_code)
        for url, roles in by_role.items():
            expected = 200 if user.has_role(*roles) else 403
            seen.add((url, expected))
            assert client.get(url).status_code == expected, (user.username, url)
    assert len(seen) == 2 * len(by_role)  # the world holds people on both sides of every page
    for user in (world.county_informant, world.county_signer, world.city_editor):
        login(client, user)
        assert client.get(report.get_absolute_url()).status_code == 200
        assert client.get(sub.get_absolute_url()).status_code == 200


def test_drafting_through_the_page_keeps_input_on_error_and_shows_chinese_messages(client, world):
    login(client, world.county_informant)
    response = client.post(reverse("reports:new"), {"title": "", "body": "正文内容", "kind": "news", "urgency": "routine",
                                                    "distribution": "internal", "contact_name": "张三", "contact_phone": "123"})
    html = response.content.decode()
    assert response.status_code == 200 and "该字段是必填项" in html and "正文内容" in html
    response = client.post(reverse("reports:new"), {"title": "标题", "body": "正文", "kind": "news", "urgency": "routine",
                                                    "distribution": "secret", "contact_name": "张三", "contact_phone": "123"})
    assert "涉密" in response.content.decode() or "保密" in response.content.decode()
    assert not Report.objects.exists()


def test_draft_with_attachment_then_sign_and_submit_through_pages(client, world):
    login(client, world.county_informant)
    response = client.post(reverse("reports:new"), {
        "title": "我县秋粮收购进展顺利", "body": "一、基本情况\n二、主要做法", "kind": "news", "urgency": "urgent",
        "distribution": "internal", "contact_name": "张三", "contact_phone": "0510-1", "attachments": [pdf_file()],
        "signoff": "1"})
    report = Report.objects.get()
    assert response.status_code == 302 and report.state == "pending"
    assert report.current_version.attachments.count() == 1
    login(client, world.county_signer)
    client.post(reverse("reports:action", args=[report.pk, "sign_off"]))
    login(client, world.county_informant)
    client.post(reverse("reports:submit", args=[report.pk]), {"targets": [world.city.pk]})
    client.post(reverse("reports:submit", args=[report.pk]), {"targets": [world.city.pk]})  # a double click
    assert Submission.objects.filter(report=report).count() == 1
    attachment = report.current_version.attachments.get()
    assert client.get(reverse("reports:attachment", args=[attachment.pk])).status_code == 200
    login(client, world.county2_informant)
    assert client.get(reverse("reports:attachment", args=[attachment.pk])).status_code == 404


def test_importing_a_word_document_creates_a_draft(client, world):
    login(client, world.county_informant)
    response = client.post(reverse("reports:import"), {"file": docx_file("关于防汛工作的报告", ["一、汛情", "二、措施"]), "kind": "news"})
    report = Report.objects.get()
    assert response.status_code == 302 and report.title == "关于防汛工作的报告"
    assert report.events.get().action == "imported"


def test_return_reason_reaches_the_unit_page(client, world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    login(client, world.city_editor)
    client.post(reverse("reports:submission-action", args=[sub.pk, "return"]), {"reason": "请补充具体数据"})
    login(client, world.county_informant)
    assert "请补充具体数据" in client.get(report.get_absolute_url()).content.decode()


def test_forwarding_through_the_page_records_the_edited_text(client, world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    login(client, world.city_editor)
    client.post(reverse("reports:submission-action", args=[sub.pk, "adopt"]), {"publication": "general", "mode": "edited"})
    response = client.post(reverse("reports:forward", args=[sub.pk]),
                           {"targets": [world.province.pk], "title": "市编辑后的标题", "body": "编辑后的正文"})
    assert response.status_code == 302
    child = Submission.objects.get(parent=sub)
    assert child.version.title == "市编辑后的标题" and child.version.derived_from == sub.version


def test_notifications_list_and_open_marks_read(client, world):
    n = Notification.objects.create(recipient=world.city_editor, verb="submitted", message="乙县报送了信息", url="/reports/")
    login(client, world.city_editor)
    assert "乙县报送了信息" in client.get(reverse("notifications:list")).content.decode()
    client.get(reverse("notifications:open", args=[n.pk]))
    n.refresh_from_db()
    assert n.read_at is not None


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def make_inbox(world, n):
    subs = []
    for i in range(n):
        author, signer = (world.county_informant, world.county_signer) if i % 2 else (world.county2_informant, world.county2_signer)
        _, (sub,) = submitted_report(author, signer, [world.city], title=f"第{i}条信息")
        subs.append(sub)
    return subs


def test_inbox_report_and_list_pages_query_counts_do_not_grow(client, world, django_assert_max_num_queries):
    subs = make_inbox(world, 10)
    login(client, world.city_editor)
    inbox_10 = queries_for(client, reverse("reports:inbox"))
    detail_10 = queries_for(client, subs[0].get_absolute_url())
    login(client, world.county_informant)
    list_10 = queries_for(client, reverse("reports:list"))
    report_10 = queries_for(client, subs[1].report.get_absolute_url())

    subs += make_inbox(world, 90)
    for sub in subs[:30]:
        services.submission_adopt(submission=sub, editor=world.city_editor)
    login(client, world.city_editor)
    with django_assert_max_num_queries(inbox_10):
        client.get(reverse("reports:inbox"))
    with django_assert_max_num_queries(inbox_10):
        client.get(reverse("reports:inbox") + "?state=adopted&sort=urgency")
    with django_assert_max_num_queries(detail_10):
        client.get(subs[0].get_absolute_url())
    login(client, world.county_informant)
    with django_assert_max_num_queries(list_10):
        client.get(reverse("reports:list"))
    with django_assert_max_num_queries(report_10):
        client.get(subs[1].report.get_absolute_url())


def test_an_office_cannot_download_attachments_of_the_units_unsigned_revision(client, world):
    from govbrief.reports.models import Attachment

    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city], attachments=[pdf_file()])
    services.report_new_version(report=report, user=world.county_informant)
    report.refresh_from_db()
    services.attachment_add(report=report, user=world.county_informant, uploaded=pdf_file("草稿附件.pdf"))
    sent = Attachment.objects.get(version=sub.version)
    draft_only = Attachment.objects.get(name="草稿附件.pdf")
    login(client, world.city_editor)
    assert client.get(reverse("reports:attachment", args=[sent.pk])).status_code == 200
    assert client.get(reverse("reports:attachment", args=[draft_only.pk])).status_code == 404


def test_forwarding_carries_the_attachments_up(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city], attachments=[pdf_file()])
    services.submission_adopt(submission=sub, editor=world.city_editor)
    (up,) = services.submission_forward(submission=sub, editor=world.city_editor, targets=[world.province])
    assert [a.sha256 for a in up.version.attachments.all()] == [a.sha256 for a in sub.version.attachments.all()]
    assert up.version.hash_matches()


def test_odd_ids_in_forms_get_a_message_not_a_crash(client, world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    login(client, world.county_informant)
    for value in ("²", "99999999999999999999999", "abc"):
        assert client.post(reverse("reports:submit", args=[report.pk]), {"targets": [value]}).status_code == 302
        assert client.post(reverse("notifications:read"), {"ids": [value]}).status_code == 302
    login(client, world.city_editor)
    for value in ("²", "99999999999999999999999"):
        assert client.post(reverse("reports:bulk"), {"ids": [value], "action": "adopt"}).status_code == 302
        assert client.post(reverse("reports:saved-filter"), {"delete": value}).status_code == 302
    services.submission_adopt(submission=sub, editor=world.city_editor)
    response = client.post(reverse("reports:forward", args=[sub.pk]),
                           {"targets": ["99999999999999999999999"], "title": "t", "body": "b"})
    assert response.status_code == 200


def test_a_bad_attachment_stops_the_whole_save(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = services.report_create(author=world.county_informant, title="原标题", body="正文", kind="news")
    login(client, world.county_informant)
    data = {"title": "新标题", "body": "正文", "kind": "news", "urgency": "routine", "distribution": "internal",
            "contact_name": "张三", "contact_phone": "1", "revision": services.report_revision(report),
            "attachments": [pdf_file(), SimpleUploadedFile("病毒.exe", b"MZ")]}
    response = client.post(reverse("reports:edit", args=[report.pk]), data)
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.title == "原标题" and report.current_version.attachments.count() == 0
