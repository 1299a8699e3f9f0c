"""Issue 16: a bulletin issue's Word file is laid out as GB/T 9704-2012 and 简报 practice want it,
read back with python-docx: A4 with the 37/35/28/26 mm margins mirrored for double-sided printing, a
grid of 22 lines × 28 characters, the red masthead and issue line, the items in 仿宋 3号, page numbers
"— N —" right on odd pages and left on even ones, and the 版记 between thick and thin rules."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from govbrief.bulletins import layout
from govbrief.bulletins.docx_writer import write_docx
from govbrief.bulletins.layout import BulletinDoc, BulletinItem, Distribution

ITEMS = [
    BulletinItem("乙县推进冬季供暖保障", ["今年以来，乙县扎实推进冬季供暖工作。", "供暖面积比上年增长12%。"],
                 source="乙县政府办公室供稿", note="供暖关系群众冷暖，各地可参考。"),
    BulletinItem("丙县开展安全生产大检查", ["丙县组织开展安全生产大检查。"], source="丙县政府办公室供稿"),
]


def issue(**changes) -> BulletinDoc:
    values = dict(publication="政务信息", year=2026, number=49, total_number=312, editing_unit="甲市人民政府办公室",
                  issued_on=date(2026, 12, 7), items=ITEMS, classification="内部资料 注意保存",
                  distribution=[Distribution("报", "省政府办公厅"), Distribution("送", "市委办公室，市人大常委会办公室"),
                                Distribution("发", "各县（区）人民政府办公室")],
                  printed_by="甲市人民政府办公室", printed_on=date(2026, 12, 7), copies=120)
    values.update(changes)
    return BulletinDoc(**values)


@pytest.fixture
def document():
    return Document(io.BytesIO(write_docx(issue())))


def near(length, mm: float) -> bool:
    return abs(length - Mm(mm)) <= Mm(0.1)


def test_the_page_is_a4_with_the_standard_margins_mirrored(document):
    section = document.sections[0]
    assert near(section.page_width, 210) and near(section.page_height, 297)
    assert near(section.top_margin, 37) and near(section.bottom_margin, 35)
    assert near(section.left_margin, 28) and near(section.right_margin, 26)
    assert near(section.page_width - section.left_margin - section.right_margin, 156)
    assert near(section.page_height - section.top_margin - section.bottom_margin, 225)
    settings = document.settings.element
    assert settings.find(qn("w:mirrorMargins")) is not None  # double-sided, bound on the left


def test_the_grid_holds_22_lines_of_28_characters(document):
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch_pt = int(grid.get(qn("w:linePitch"))) / 20
    assert abs(line_pitch_pt * 22 / 72 * 25.4 - 225) < 0.5
    char_pitch_pt = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert abs(char_pitch_pt * 28 / 72 * 25.4 - 156) < 0.5


def test_the_masthead_is_red_with_the_issue_line_and_a_red_rule(document):
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "内部资料 注意保存"
    name = document.paragraphs[1]
    assert name.text == "政务信息" and name.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert str(name.runs[0].font.color.rgb) == layout.RED and name.runs[0].font.size == Pt(layout.MASTHEAD_PT)
    assert texts[2] == "2026年第49期（总第312期）"
    line = document.paragraphs[3]
    assert line.text == "甲市人民政府办公室\t2026年12月7日"
    rule = line._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == layout.RED


def test_several_items_get_a_table_of_contents(document):
    texts = [p.text for p in document.paragraphs]
    contents = texts.index("本期要目")
    assert texts[contents + 1:contents + 3] == ["1. 乙县推进冬季供暖保障", "2. 丙县开展安全生产大检查"]
    single = Document(io.BytesIO(write_docx(issue(items=ITEMS[:1]))))
    assert "本期要目" not in [p.text for p in single.paragraphs]


def test_items_are_in_fangsong_3hao_with_titles_in_xiaobiaosong_2hao(document):
    paragraphs = {p.text: p for p in document.paragraphs}
    title = paragraphs["乙县推进冬季供暖保障"]
    assert title.runs[0].font.size == Pt(22) and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = paragraphs["今年以来，乙县扎实推进冬季供暖工作。"]
    assert body.runs[0].font.size == Pt(16)
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.paragraph_format.first_line_indent == Pt(32)  # 首行缩进二字
    assert abs(body.paragraph_format.line_spacing.pt - layout.LINE_PITCH_PT) < 0.05
    assert "编者按：供暖关系群众冷暖，各地可参考。" in paragraphs
    assert "（乙县政府办公室供稿）" in paragraphs


def test_an_office_names_its_licensed_fonts_in_settings(settings):
    settings.GOVBRIEF_BULLETIN_FONTS = {"body": "FandolFang"}
    document = Document(io.BytesIO(write_docx(issue())))
    body = next(p for p in document.paragraphs if p.text.startswith("今年以来"))
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "FandolFang"


def test_page_numbers_are_dashed_right_on_odd_pages_and_left_on_even_ones(document):
    section = document.sections[0]
    assert document.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for footer in (odd, even):
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert " PAGE " in [t.text for t in footer._p.iter(qn("w:instrText"))]
        assert footer.runs[0].font.size == Pt(14)  # 4号
    # The number's line begins 7 mm below the 版心.
    number_height = Mm(14 / 72 * 25.4)
    assert near(section.bottom_margin - section.footer_distance - number_height, 7)


def test_the_colophon_lists_the_readers_between_thick_and_thin_rules(document):
    table = document.tables[-1]
    rows = [row.cells[0].text for row in table.rows]
    assert rows == ["报：省政府办公厅", "送：市委办公室，市人大常委会办公室", "发：各县（区）人民政府办公室",
                    "甲市人民政府办公室\t2026年12月7日印发（共印120份）"]

    def rule(row: int, side: str) -> float | None:
        edge = table.rows[row].cells[0]._tc.tcPr.find(qn("w:tcBorders")).find(qn(f"w:{side}"))
        return int(edge.get(qn("w:sz"))) / 8 / 72 * 25.4  # eighths of a point → mm

    assert abs(rule(0, "top") - 0.35) < 0.05 and abs(rule(len(rows) - 1, "bottom") - 0.35) < 0.05
    assert abs(rule(1, "top") - 0.25) < 0.05


def test_the_colophon_is_kept_on_one_page(document):
    """Its lines keep together: a 版记 split over two pages is a misprint."""
    rows = [row.cells[0].paragraphs[0] for row in document.tables[-1].rows]
    assert [p.paragraph_format.keep_with_next for p in rows] == [True] * (len(rows) - 1) + [False]
