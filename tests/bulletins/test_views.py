"""The bulletin pages and API: composing, approving, publishing, reading, and who may see what
(a reader outside the distribution gets 404, through pages and API alike)."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from govbrief.bulletins import services
from govbrief.bulletins.choices import IssueState
from govbrief.bulletins.models import Issue, ReadReceipt

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_an_editor_composes_approves_and_publishes_through_the_pages(client, desk, side_effects):
    w = desk.world
    login(client, w.city_editor)
    response = client.post(reverse("bulletins:new"), {"publication": desk.general.pk})
    issue = Issue.objects.get()
    assert response.status_code == 302 and response["Location"] == issue.get_absolute_url()
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "乙县推进农村人居环境整治" in page and "编者按" in page  # the candidates and the particulars form
    client.post(reverse("bulletins:items", args=[issue.pk]), {"adoptions": [a.pk for a in desk.adoptions[:2]]})
    assert issue.items.count() == 2
    merge = client.post(reverse("bulletins:items", args=[issue.pk]),
                        {"adoptions": [desk.adoptions[2].pk, desk.adoptions[1].pk], "merge": "1"})
    assert merge.status_code == 302 and "/merge/" in merge["Location"]
    client.post(merge["Location"].split("?")[0], {"a": [desk.adoptions[1].pk, desk.adoptions[2].pk],
                                                   "title": "各地人居环境整治综述", "body": "综合正文。", "note": ""})
    assert issue.items.filter(is_composite=True).count() == 1 and issue.items.count() == 2
    client.post(reverse("bulletins:update", args=[issue.pk]), {"editor_note": "请各地参阅。", "classification": "内部资料",
                                                               "line_bao": "省政府办公厅", "line_song": "", "line_fa": "各县",
                                                               "readers": [w.city_leader.pk]})
    issue.refresh_from_db()
    assert issue.editor_note == "请各地参阅。" and list(issue.readers.all()) == [w.city_leader]
    client.post(reverse("bulletins:action", args=[issue.pk, "send"]))
    login(client, w.city_chief)
    client.post(reverse("bulletins:action", args=[issue.pk, "approve"]))
    login(client, w.city_editor)
    with side_effects():
        client.post(reverse("bulletins:action", args=[issue.pk, "publish"]))
    issue.refresh_from_db()
    assert issue.state == IssueState.PUBLISHED and issue.number == 1
    login(client, w.city_leader)
    reading = client.get(issue.get_absolute_url()).content.decode()
    assert "各地人居环境整治综述" in reading and "本期要目" in reading and "第1期" in reading
    assert ReadReceipt.objects.filter(issue=issue, reader=w.city_leader).exists()


def test_a_reader_outside_the_distribution_gets_404_on_pages_and_api(client, desk):
    w = desk.world
    issue = desk.publish(desk.issue())
    for outsider in (w.city2_editor, w.county2_informant, w.province_editor):
        login(client, outsider)
        assert client.get(issue.get_absolute_url()).status_code == 404
        assert client.get(reverse("bulletins:download", args=[issue.pk, "docx"])).status_code == 404
        assert api(outsider).get(f"/api/issues/{issue.pk}/").status_code == 404
        assert issue.pk not in [i["id"] for i in api(outsider).get("/api/issues/").json()["results"]]
    # A unit the distribution names reads it (the county's head is told, and may open it).
    login(client, w.county_principal)
    assert client.get(issue.get_absolute_url()).status_code == 200
    assert api(w.county_principal).get(f"/api/issues/{issue.pk}/").status_code == 200


def test_readers_never_see_drafts_or_withdrawn_issues(client, desk):
    w = desk.world
    draft = desk.issue()
    withdrawn = desk.publish(desk.issue(desk.special))
    withdrawn.readers.add(w.city_leader)
    services.issue_withdraw(issue=withdrawn, chief=w.city_chief, reason="有误")
    login(client, w.city_leader)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(withdrawn.get_absolute_url()).status_code == 404


def test_the_credited_unit_sees_where_its_report_was_published_on_its_report(client, desk):
    issue = desk.publish(desk.issue(items=2))
    login(client, desk.world.county2_informant)
    page = client.get(desk.adoptions[1].submission.report.get_absolute_url()).content.decode()
    assert "《政务信息》" in page and "第1期" in page
    # The unit is credited but not in the distribution: the issue itself stays closed to it.
    assert client.get(issue.get_absolute_url()).status_code == 404


def test_the_api_walks_an_issue_through_approval_and_publication(desk):
    w = desk.world
    issue = desk.issue()
    assert api(w.city_editor).post(f"/api/issues/{issue.pk}/send/", {}, format="json").status_code == 200
    refused = api(w.city_editor).post(f"/api/issues/{issue.pk}/approve/", {}, format="json")
    assert refused.status_code == 403
    assert api(w.city_chief).post(f"/api/issues/{issue.pk}/approve/", {}, format="json").status_code == 200
    body = api(w.city_editor).post(f"/api/issues/{issue.pk}/publish/", format="json").json()
    assert body["state"] == "published" and body["number"] == 1 and body["items"][0]["credited_units"]
    no_reason = api(w.city_chief).post(f"/api/issues/{issue.pk}/withdraw/", {"reason": ""}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    unknown = api(w.city_chief).post(f"/api/issues/{issue.pk}/withdraw/", {"reason": "x", "extra": 1}, format="json")
    assert unknown.status_code == 400


def test_the_adoption_api_takes_a_publication_code_of_the_office_and_refuses_another(desk, world):
    from ..factories import submitted_report

    _report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city], title="新信息")
    refused = api(world.city_editor).post(f"/api/submissions/{sub.pk}/adopt/", {"publication": "weekly"}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "publication"
    ok = api(world.city_editor).post(f"/api/submissions/{sub.pk}/adopt/", {"publication": "special"}, format="json")
    assert ok.status_code == 200 and ok.json()["adoption"]["publication"] == "special"


def test_the_issue_list_costs_the_same_queries_for_many_issues(client, desk):
    w = desk.world
    desk.publish(desk.issue())
    login(client, w.city_editor)
    client.get(reverse("bulletins:issues"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("bulletins:issues"))
    for _ in range(4):
        desk.issue(items=0)
    client.get(reverse("bulletins:issues"))  # the sidebar's figures, dropped by the new issues, counted again
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("bulletins:issues"))
    assert len(many) <= len(few)


def test_the_word_file_of_an_issue_reads_back_with_its_masthead_numbers_items_and_lines(client, desk, tmp_path):
    issue = desk.publish(desk.issue(items=2))
    target = tmp_path / "issue.docx"
    call_command("bulletin", "export", str(issue.pk), "--format", "docx", "-o", str(target), stdout=io.StringIO())
    document = docx.Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "政务信息" in text and "第1期" in text
    assert "乙县推进农村人居环境整治" in text and "丙县推进农村人居环境整治" in text
    cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "印发" in cells
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37


def test_a_drafts_pdf_preview_renders_on_request(client, desk):
    issue = desk.issue(items=1)
    login(client, desk.world.city_editor)
    response = client.get(reverse("bulletins:download", args=[issue.pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_chief_editor_defines_a_publication_and_an_editor_may_not(client, desk):
    w = desk.world
    data = {"name": "调研专报", "code": "research", "masthead": "", "frequency": "monthly", "tier": "supplement",
            "classification": "", "line_bao": "", "line_song": "", "line_fa": "", "printed_by": "",
            "total_offset": "0", "sort_order": "9", "is_active": "on"}
    login(client, w.city_editor)
    assert client.post(reverse("bulletins:publication-new"), data).status_code == 403
    login(client, w.city_chief)
    assert client.post(reverse("bulletins:publication-new"), data).status_code == 302
    duplicate = client.post(reverse("bulletins:publication-new"), data)
    assert duplicate.status_code == 200 and "已有同代码的刊物" in duplicate.content.decode()


def test_adopted_items_ticked_in_the_inbox_go_into_a_new_issue_or_a_composite(client, desk):
    w = desk.world
    login(client, w.city_editor)
    ids = [a.submission_id for a in desk.adoptions]
    page = client.post(reverse("bulletins:from-inbox"), {"ids": ids})
    assert page.status_code == 200 and "乙县推进农村人居环境整治" in page.content.decode()
    done = client.post(reverse("bulletins:from-inbox"), {"ids": ids[:2], "target": f"new-{desk.general.pk}",
                                                         "confirm": "add"})
    issue = Issue.objects.get()
    assert done["Location"] == issue.get_absolute_url() and issue.items.count() == 2
    merge = client.post(reverse("bulletins:from-inbox"), {"ids": ids, "target": str(issue.pk), "confirm": "merge"})
    assert merge.status_code == 302 and f"/bulletins/issues/{issue.pk}/merge/?" in merge["Location"]
    assert merge["Location"].count("a=") == 3
    # Another office's editor reaches none of these items.
    login(client, w.city2_editor)
    assert "乙县" not in client.post(reverse("bulletins:from-inbox"), {"ids": ids}).content.decode()


def test_a_reader_reads_the_printed_text_but_not_the_reports_attachments(client, desk):
    from govbrief.reports import services as report_services
    from govbrief.reports.models import Attachment

    from ..factories import pdf_file, signed_report

    w = desk.world
    report = signed_report(w.county_informant, w.county_signer, title="带附件的信息")
    report_services.report_new_version(report=report, user=w.county_informant)
    report_services.attachment_add(report=report, user=w.county_informant, uploaded=pdf_file())
    report_services.report_sign_off(report=report, signer=w.county_signer)
    (sub,) = report_services.report_submit(report=report, user=w.county_informant, targets=[w.city])
    adoption = report_services.submission_adopt(submission=sub, editor=w.city_editor)
    issue = services.issue_create(publication=desk.general, editor=w.city_editor)
    services.item_add(issue=issue, editor=w.city_editor, adoptions=[adoption])
    desk.publish(issue)
    issue.reader_units.add(w.county2)
    attachment = Attachment.objects.get(version__report=report, version=sub.version)
    login(client, w.county2_informant)  # a reader in another unit than the office and the reporting unit
    assert client.get(issue.get_absolute_url()).status_code == 200
    assert client.get(reverse("reports:attachment", args=[attachment.pk])).status_code == 404


def test_a_reader_cannot_reach_the_composing_page_by_posting_to_it(client, desk):
    issue = desk.publish(desk.issue())
    login(client, desk.world.city_leader)
    response = client.post(reverse("bulletins:update", args=[issue.pk]), {"editor_note": "x"})
    assert response.status_code == 403


def test_an_adoption_already_in_a_composite_is_not_credited_twice(desk):
    w = desk.world
    issue = desk.issue(items=0)
    services.item_merge(issue=issue, editor=w.city_editor, adoptions=desk.adoptions[:2], title="综合一", body="正文")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.item_merge(issue=issue, editor=w.city_editor, adoptions=desk.adoptions[1:], title="综合二", body="正文")


def test_the_desk_shows_unread_issues_to_a_reader_and_pending_ones_to_the_chief_editor(client, desk):
    w = desk.world
    published = desk.publish(desk.issue())
    pending = desk.issue(items=0)
    services.item_add(issue=pending, editor=w.city_editor, adoptions=desk.adoptions[1:2])
    services.issue_send_for_approval(issue=pending, editor=w.city_editor)
    login(client, w.city_leader)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-card="bulletins"' in page and published.get_absolute_url() in page
    client.get(published.get_absolute_url())  # read: off the desk
    assert published.get_absolute_url() not in client.get(reverse("dashboard")).content.decode()
    login(client, w.city_chief)
    assert pending.get_absolute_url() in client.get(reverse("dashboard")).content.decode()
    login(client, w.county2_informant)  # nothing for this person: no card
    assert 'data-card="bulletins"' not in client.get(reverse("dashboard")).content.decode()
