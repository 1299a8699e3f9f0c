"""core.widgets.PlainSelect writes the markup Django's own Select writes, without a template per option."""

from __future__ import annotations

import pytest
from django import forms

from govbrief.core.widgets import PlainSelect

CHOICES = [("", "全部单位"), (3, "甲县<政府>办公室"), (7, "乙县"), ("分组", [(8, "丙镇"), (9, "丁镇")])]


@pytest.mark.parametrize("value", [None, "", 7, "9", 42])
def test_plain_select_renders_what_djangos_select_renders(value):
    attrs = {"id": "id_unit", "class": "wide"}
    ours = PlainSelect(choices=CHOICES).render("unit", value, attrs)
    django = forms.Select(choices=CHOICES).render("unit", value, attrs)
    assert _normalised(ours) == _normalised(django)


def test_labels_are_escaped_and_the_chosen_option_is_selected():
    html = PlainSelect(choices=CHOICES).render("unit", 3)
    assert "甲县&lt;政府&gt;办公室" in html
    assert '<option value="3" selected>' in html and html.count("selected") == 1


def _normalised(html: str) -> str:
    return "".join(line.strip() for line in html.splitlines())
