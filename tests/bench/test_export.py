"""Issue 16: `govbrief bench export` times a bulletin issue to .docx and .pdf and reports the issue's
keys first, leaving the files where it is told."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management.base import CommandError, OutputWrapper
from django.core.management.color import no_style
from docx import Document

from govbrief.bench import export
from govbrief.bench.harness import Console
from govbrief.bulletins.pdf_writer import font_installed


def console() -> Console:
    return Console(OutputWrapper(StringIO()), no_style())


def test_the_sample_issue_is_made_of_real_sentences_and_is_the_same_every_time():
    first, again = export.sample_issue(20), export.sample_issue(20)
    assert first == again and len(first.items) == 20
    text = "".join(p for item in first.items for p in item.paragraphs)
    assert len(text) > 20 * 600 and "{" not in text and "}" not in text


def test_the_figures_have_the_issues_keys_and_the_files_are_left_in_out(tmp_path):
    if not font_installed("Noto Serif CJK SC"):
        pytest.skip("fonts-noto-cjk is not installed")
    figures = export.run(options={"items": 3, "runs": 1, "out": str(tmp_path)}, console=console())
    assert list(figures)[:4] == ["items", "docx_s", "pdf_s", "pdf_cold_s"] and figures["items"] == 3
    assert all(figures[key] > 0 for key in ("docx_s", "pdf_s", "pdf_cold_s"))
    document = Document(io.BytesIO((tmp_path / "bulletin.docx").read_bytes()))
    assert "政务信息" in [p.text for p in document.paragraphs]
    assert (tmp_path / "bulletin.pdf").read_bytes().startswith(b"%PDF") and figures["pdf_pages"] >= 1


def test_nonsense_options_are_refused():
    with pytest.raises(CommandError):
        export.run(options={"items": 0, "runs": 1, "out": ""}, console=console())
