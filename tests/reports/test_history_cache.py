"""Issue 14: a report's rendered history (where it went, its timeline) is read once per change and
per what the reader may see of it (selectors.report_history_stamp, reports/_history.html)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govbrief.reports import services
from govbrief.reports.choices import CommentAudience

from ..factories import submitted_report


def _get(client, url) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def _reads_history(sql: list[str]) -> bool:
    """The timeline's rows read (the stamp reads only the newest event's id)."""
    return any('"reports_reportevent"."note"' in q for q in sql)


def _item(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    return sub


def test_a_history_is_read_once_until_the_report_changes(client, world):
    sub = _item(world)
    url = reverse("reports:submission", args=[sub.pk])
    client.force_login(world.city_editor)
    _, first = _get(client, url)
    _, again = _get(client, url)
    assert _reads_history(first)
    assert not _reads_history(again), "an unchanged report's history is not read again"

    services.submission_return(submission=sub, editor=world.city_editor, reason="请补充春耕面积的具体数字")
    page, sql = _get(client, url)
    assert _reads_history(sql)
    assert "请补充春耕面积的具体数字" in page  # the new event's note is on the timeline at once


def test_a_new_comment_shows_at_once(client, world):
    sub = _item(world)
    url = reverse("reports:submission", args=[sub.pk])
    client.force_login(world.city_editor)
    client.get(url)
    services.comment_add(submission=sub, author=world.city_editor, body="先核实数据来源", audience=CommentAudience.INTERNAL)
    page, _ = _get(client, url)
    assert "先核实数据来源" in page


def test_an_office_internal_note_never_reaches_the_unit_through_the_cache(client, world):
    """Internal notes are the office's alone (SPEC §9); the office's rendered history is kept under
    its own unit, never served to the sending unit."""
    sub = _item(world)
    services.comment_add(submission=sub, author=world.city_editor, body="内部：该稿数据存疑", audience=CommentAudience.INTERNAL)
    report_url = reverse("reports:detail", args=[sub.report_id])
    client.force_login(world.city_editor)
    office_page, _ = _get(client, report_url)
    assert "内部：该稿数据存疑" in office_page
    client.force_login(world.county_informant)
    unit_page, _ = _get(client, report_url)
    assert "内部：该稿数据存疑" not in unit_page
    client.force_login(world.city_editor)
    assert "内部：该稿数据存疑" in _get(client, report_url)[0]


def test_each_language_has_its_own_history(client, world):
    sub = _item(world)
    url = reverse("reports:submission", args=[sub.pk])
    client.force_login(world.city_editor)
    assert "处理记录" in _get(client, url)[0]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page, _ = _get(client, url)
    assert "Timeline" in page and "处理记录" not in page
