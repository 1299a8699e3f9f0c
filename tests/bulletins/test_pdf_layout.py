"""Issue 16: a bulletin issue's PDF, rendered on the server, read back with pdfplumber: A4, the text
block where GB/T 9704 puts it (binding margin 28 mm on the left of odd pages and the right of even
ones), the red masthead, page numbers "— N —" 7 mm below the 版心 on the outer side, the 版记, fonts
embedded; a missing font is a clear error. The first and last pages go to var/screenshots as PNG."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from govbrief.bulletins import layout
from govbrief.bulletins.layout import BulletinItem
from govbrief.bulletins.pdf_writer import RenderError, font_installed, write_pdf

from .test_docx_layout import ITEMS, issue

MM = 72 / 25.4  # points per millimetre
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="module")
def pdf() -> bytes:
    if not font_installed("Noto Serif CJK SC"):
        pytest.skip("fonts-noto-cjk is not installed")
    # Enough text for a second page, so both the odd and the even page are measured.
    long = [*ITEMS, BulletinItem("丁镇做好冬季农业生产", ["丁镇组织农户做好越冬作物管护，" * 6] * 12, source="丁镇人民政府供稿")]
    return write_pdf(issue(items=long))


def words(page) -> list[dict]:
    return page.extract_words(extra_attrs=["size", "fontname", "non_stroking_color"])


def mm(points: float) -> float:
    return points / MM


def test_the_pages_are_a4_and_the_text_block_is_where_the_standard_puts_it(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) >= 2
        for page in document.pages:
            assert abs(mm(page.width) - 210) < 0.5 and abs(mm(page.height) - 297) < 0.5
        for number, page in enumerate(document.pages[:2], 1):
            body = [w for w in words(page) if round(w["size"]) == layout.BODY_PT]
            left = min(w["x0"] for w in body)
            # Odd pages are bound on the left (28 mm), even pages on the right (26 mm on the left).
            expected_left = layout.BINDING_MM if number % 2 else layout.OUTER_MM
            assert abs(mm(left) - expected_left) < 1, (number, mm(left))
            # The first line's glyphs lie inside the first line of the grid, which starts at the top margin.
            top = min(w["top"] for w in words(page))
            assert layout.TOP_MM - 0.5 < mm(top) < layout.TOP_MM + mm(layout.LINE_PITCH_PT - layout.BODY_PT) + 0.5
            assert max(mm(w["x1"]) for w in body) <= expected_left + layout.TEXT_WIDTH_MM + 1
        # Body lines follow the grid (22 to a page): one line pitch apart, except around an item's title.
        lines = sorted({round(w["top"], 1) for w in words(document.pages[1]) if round(w["size"]) == layout.BODY_PT})
        steps = [b - a for a, b in zip(lines, lines[1:])]
        on_grid = [step for step in steps if abs(step - layout.LINE_PITCH_PT) < 0.3]
        assert len(steps) >= 10 and len(on_grid) >= len(steps) - 2, steps


def test_the_masthead_is_red_and_large_with_the_issue_line(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        first = words(document.pages[0])
        masthead = [w for w in first if round(w["size"]) == layout.MASTHEAD_PT]
        assert "".join(w["text"] for w in masthead) == "政务信息"
        red = tuple(int(layout.RED[i:i + 2], 16) / 255 for i in (0, 2, 4))
        assert all(max(abs(a - b) for a, b in zip(w["non_stroking_color"], red)) < 0.02 for w in masthead)
        text = " ".join(w["text"] for w in first)
        assert "2026年第49期（总第312期）" in text and "本期要目" in text


def test_page_numbers_sit_7mm_below_the_text_block_on_the_outer_side(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages[:2], 1):
            marks = [w for w in words(page) if round(w["size"]) == layout.PAGE_NUMBER_PT and w["text"] == str(number)]
            assert marks, number
            mark = marks[0]
            block_bottom = layout.TOP_MM + layout.TEXT_HEIGHT_MM
            assert block_bottom + layout.PAGE_NUMBER_GAP_MM - 0.5 < mm(mark["top"]) < block_bottom + 10, mm(mark["top"])
            line = [w for w in words(page) if abs(w["top"] - mark["top"]) < 2]
            if number % 2:  # odd: on the right, one character (14 pt) from the text block's edge
                right = max(w["x1"] for w in line)
                assert abs(mm(right) - (layout.BINDING_MM + layout.TEXT_WIDTH_MM - mm(layout.PAGE_NUMBER_PT))) < 1.5
            else:
                left = min(w["x0"] for w in line)
                assert abs(mm(left) - (layout.OUTER_MM + mm(layout.PAGE_NUMBER_PT))) < 1.5


def test_the_colophon_and_the_fonts_are_in_the_file(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        last = " ".join(w["text"] for w in words(document.pages[-1]))
        assert "报：省政府办公厅" in last and "2026年12月7日印发（共印120份）" in last
        fonts = {char["fontname"] for page in document.pages for char in page.chars}
        # A subset prefix ("ABCDEF+") is how a PDF names an embedded font subset.
        assert fonts and all("+" in name and len(name.split("+")[0]) == 6 for name in fonts)


def test_a_missing_font_is_an_error_that_names_it(settings):
    settings.GOVBRIEF_BULLETIN_PDF_FONTS = {"body": "仿宋_GB2312-未安装"}
    with pytest.raises(RenderError, match="仿宋_GB2312-未安装"):
        write_pdf(issue())


def test_the_first_and_last_pages_as_png(pdf, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    source = tmp_path / "issue.pdf"
    source.write_bytes(pdf)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        count = len(document.pages)
    for name, page in (("bulletin-pdf-first", 1), ("bulletin-pdf-last", count)):
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(page), "-l", str(page), str(source),
                        str(SCREENSHOTS / name)], check=True, timeout=60)
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 1000


def test_the_colophon_sits_at_the_foot_of_the_last_page(pdf):
    """GB/T 9704 §7.4 (简报 practice alike): the 版记 ends the last page, its last rule on the text block's
    bottom edge (297 − 35 mm), however short the last item is."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        last = document.pages[-1]
        rules = sorted((r for r in [*last.lines, *last.rects] if mm(r["width"]) > 100), key=lambda r: r["bottom"])
        assert rules, "no 版记 rules on the last page"
        bottom = mm(rules[-1]["bottom"])
        assert abs(bottom - (layout.PAGE_HEIGHT_MM - layout.BOTTOM_MM)) <= 1.0, bottom
