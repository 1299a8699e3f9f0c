"""Issue 14: a list's rows come from the row cache (core.fragments) and always show what a fresh
rendering would: a row whose state, flags, names or text change is never served from an old entry."""

from __future__ import annotations

from unittest import mock

import pytest
from django.template.loader import get_template
from django.utils import translation

from govbrief.core.fragments import render_rows
from govbrief.reports import selectors, services

from ..factories import submitted_report

ROW = "reports/_submission_row.html"


def _inbox(editor):
    items = selectors.inbox_rows(list(selectors.inbox_for(user=editor)))
    selectors.annotate_due(submissions=items, office=editor.unit)
    return items


def _fresh(items, **options) -> str:
    template = get_template(ROW)
    return "".join(template.render({"s": s, **options}) for s in items)


def _assert_cached_equals_fresh(editor, **options):
    items = _inbox(editor)
    assert render_rows(ROW, items, **options) == _fresh(items, **options)
    again = _inbox(editor)  # a new request's rows, served from the cache
    assert render_rows(ROW, again, **options) == _fresh(again, **options)


def test_an_unchanged_row_is_not_rendered_again(world):
    submitted_report(world.county_informant, world.county_signer, [world.city])
    items = _inbox(world.city_editor)
    first = render_rows(ROW, items, selectable=True, compact=False)
    template = get_template(ROW)
    with mock.patch.object(type(template), "render", side_effect=AssertionError("rendered again")):
        assert render_rows(ROW, _inbox(world.city_editor), selectable=True, compact=False) == first


@pytest.mark.parametrize("options", [{"selectable": True, "compact": False}, {"selectable": False, "compact": True}])
def test_a_row_shows_every_change_of_what_it_shows(world, options):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city], title="春耕进度第一期")
    _, (other,) = submitted_report(world.county2_informant, world.county2_signer, [world.city], title="防汛值守情况")
    editor = world.city_editor
    _assert_cached_equals_fresh(editor, **options)
    services.submission_mark_opened(submission=sub, user=editor)  # read: no longer bold
    _assert_cached_equals_fresh(editor, **options)
    services.submission_assign(submission=sub, assignee=world.city_editor, by=world.city_chief)
    _assert_cached_equals_fresh(editor, **options)
    editor.name = "王编辑"
    editor.save()
    _assert_cached_equals_fresh(editor, **options)
    world.county.name = "乙县人民政府办公室"
    world.county.save()
    _assert_cached_equals_fresh(editor, **options)
    services.submission_adopt(submission=sub, editor=editor)
    _assert_cached_equals_fresh(editor, **options)
    services.submission_forward(submission=sub, editor=editor, targets=[world.province])
    _assert_cached_equals_fresh(editor, **options)
    _assert_cached_equals_fresh(world.province_editor, **options)  # a row whose origin is not its sender
    world.county.name = "乙县政府办"
    world.county.save()
    _assert_cached_equals_fresh(world.province_editor, **options)
    services.submission_return(submission=other, editor=editor, reason="请补充数据")
    _assert_cached_equals_fresh(editor, **options)


def test_a_row_is_kept_per_language(world):
    submitted_report(world.county_informant, world.county_signer, [world.city])
    items = _inbox(world.city_editor)
    with translation.override("zh-hans"):
        chinese = render_rows(ROW, items, selectable=False, compact=False)
    with translation.override("en"):
        english = render_rows(ROW, items, selectable=False, compact=False)
        assert english == _fresh(items, selectable=False, compact=False)
    assert english != chinese


def test_only_a_registered_row_template_is_cached(world):
    with pytest.raises(LookupError):
        render_rows("reports/inbox.html", [])
