"""A bulletin issue as a Word file in the official layout (issue 16; bulletins.layout has the
numbers): A4 with mirrored margins for double-sided printing, 22 lines of 28 characters of 仿宋
3号 on a document grid, the red masthead with the issue line and a red rule, a table of contents for
several items, page numbers "— N —" right on odd pages and left on even ones, and the 版记 between
thick and thin rules. python-docx writes what it models; the rest (grid, mirrored margins, borders,
the PAGE field, East Asian font names) is set on the OOXML elements it leaves open.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from . import layout
from .layout import BulletinDoc, chinese_date

EIGHTHS_PER_POINT = 8  # border widths in OOXML are in eighths of a point


def _mm_to_eighths(mm: float) -> int:
    return round(mm / 25.4 * 72 * EIGHTHS_PER_POINT)


def _font(run, face: str, size_pt: float, *, bold: bool = False, colour: str | None = None) -> None:
    run.font.name = face
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    # Word picks the face of Chinese characters from eastAsia, not from the ASCII name.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), face)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)


def _spacing(paragraph, *, exact_pt: float = layout.LINE_PITCH_PT, before: float = 0, after: float = 0) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(exact_pt)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)


def _edge(side: str, *, width_mm: float | None, colour: str = "000000"):
    """One side of a paragraph's or a cell's border; ``width_mm=None`` for none."""
    edge = OxmlElement(f"w:{side}")
    if width_mm is None:
        edge.set(qn("w:val"), "nil")
        return edge
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(_mm_to_eighths(width_mm)))
    edge.set(qn("w:color"), colour)
    return edge


def _border(paragraph, side: str, *, width_mm: float, colour: str = "000000") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    edge = _edge(side, width_mm=width_mm, colour=colour)
    edge.set(qn("w:space"), "1")
    borders.append(edge)


def _page_field(paragraph, face: str) -> None:
    """"— N —" with N the PAGE field, so Word numbers the pages as it lays them out."""
    def text(value: str) -> None:
        _font(paragraph.add_run(value), face, layout.PAGE_NUMBER_PT)

    text("— ")
    for kind, instruction in (("begin", None), (None, " PAGE "), ("end", None)):
        run = paragraph.add_run()
        _font(run, face, layout.PAGE_NUMBER_PT)
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instruction
        run._r.append(element)
    text(" —")


def _setup_page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(layout.PAGE_WIDTH_MM), Mm(layout.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(layout.TOP_MM), Mm(layout.BOTTOM_MM)
    # Mirrored: the binding margin is on the left of odd pages and the right of even ones.
    section.left_margin, section.right_margin = Mm(layout.BINDING_MM), Mm(layout.OUTER_MM)
    # The footer's number sits 7 mm below the 版心: its line's top at bottom margin − 7 mm.
    section.footer_distance = Mm(layout.BOTTOM_MM - layout.PAGE_NUMBER_GAP_MM - layout.PAGE_NUMBER_PT / 72 * 25.4)
    section.header_distance = Mm(15)
    settings = document.settings.element
    for name in ("w:mirrorMargins", "w:evenAndOddHeaders"):
        if settings.find(qn(name)) is None:
            settings.append(OxmlElement(name))
    # The document grid: 22 lines of 28 characters fill the 版心 exactly.
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(layout.LINE_PITCH_PT * 20)))  # twentieths of a point
    grid.set(qn("w:charSpace"), str(round((layout.CHAR_PITCH_PT - layout.BODY_PT) * 4096)))
    faces = layout.fonts()
    normal = document.styles["Normal"]
    normal.font.name = faces["body"]
    normal.font.size = Pt(layout.BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), faces["body"])
    # Page numbers: odd pages on the right, even pages on the left, each 空一字 from the edge.
    section.footer.is_linked_to_previous = False
    for footer, alignment in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = alignment
        indent = Pt(layout.PAGE_NUMBER_PT)
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = indent
        else:
            paragraph.paragraph_format.left_indent = indent
        _page_field(paragraph, faces["page_number"])


def _masthead(document, doc: BulletinDoc) -> None:
    faces = layout.fonts()
    if doc.classification:
        mark = document.add_paragraph()
        _spacing(mark)
        _font(mark.add_run(doc.classification), faces["heading"], layout.BODY_PT)
    name = document.add_paragraph()
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(name, exact_pt=layout.MASTHEAD_PT * 1.25, before=layout.LINE_PITCH_PT)
    _font(name.add_run(doc.publication), faces["masthead"], layout.MASTHEAD_PT, colour=layout.RED)
    number = document.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(number, before=layout.LINE_PITCH_PT / 2)
    _font(number.add_run(doc.issue_line), faces["body"], layout.BODY_PT)
    # 编发单位 on the left, the date on the right, on one line ending in the red rule.
    line = document.add_paragraph()
    _spacing(line, after=layout.LINE_PITCH_PT)
    line.paragraph_format.tab_stops.add_tab_stop(Mm(layout.TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    _font(line.add_run(f"{doc.editing_unit}\t{chinese_date(doc.issued_on)}"), faces["body"], layout.BODY_PT)
    _border(line, "bottom", width_mm=1.0, colour=layout.RED)


def _editor_note(document, doc: BulletinDoc) -> None:
    faces = layout.fonts()
    note = document.add_paragraph()
    _spacing(note, after=layout.LINE_PITCH_PT / 2)
    note.paragraph_format.first_line_indent = Pt(layout.BODY_PT * 2)
    _font(note.add_run("编者按："), faces["heading"], layout.BODY_PT)
    _font(note.add_run(doc.editor_note), faces["kai"], layout.BODY_PT)


def _contents(document, doc: BulletinDoc) -> None:
    faces = layout.fonts()
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(heading)
    _font(heading.add_run("本期要目"), faces["heading"], layout.BODY_PT)
    for index, item in enumerate(doc.items, 1):
        entry = document.add_paragraph()
        _spacing(entry)
        entry.paragraph_format.first_line_indent = Pt(layout.BODY_PT * 2)
        _font(entry.add_run(f"{index}. {item.title}"), faces["body"], layout.BODY_PT)
    _spacing(document.add_paragraph())


def _items(document, doc: BulletinDoc) -> None:
    faces = layout.fonts()
    for index, item in enumerate(doc.items):
        if index:
            _spacing(document.add_paragraph())
        title = document.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _spacing(title, exact_pt=layout.LINE_PITCH_PT * 1.25, after=layout.LINE_PITCH_PT / 2)
        _font(title.add_run(item.title), faces["title"], layout.TITLE_PT)
        if item.note:
            note = document.add_paragraph()
            _spacing(note)
            note.paragraph_format.first_line_indent = Pt(layout.BODY_PT * 2)
            _font(note.add_run("编者按："), faces["heading"], layout.BODY_PT)
            _font(note.add_run(item.note), faces["kai"], layout.BODY_PT)
        for text in item.paragraphs:
            paragraph = document.add_paragraph()
            _spacing(paragraph)
            paragraph.paragraph_format.first_line_indent = Pt(layout.BODY_PT * 2)  # 首行缩进二字
            _font(paragraph.add_run(text), faces["body"], layout.BODY_PT)
        if item.source:
            source = document.add_paragraph()
            source.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _spacing(source)
            _font(source.add_run(f"（{item.source}）"), faces["kai"], layout.BODY_PT)


def _colophon(document, doc: BulletinDoc) -> None:
    """The 版记: a table as wide as the 版心, a thick rule above its first line and below its last,
    thin ones between."""
    faces = layout.fonts()
    lines = [f"{d.label}：{d.readers}" for d in doc.distribution]
    printed = chinese_date(doc.printed_on) + "印发" if doc.printed_on else ""
    last = f"{doc.printed_by}\t{printed}" if doc.printed_by else printed
    if doc.copies:
        last += f"（共印{doc.copies}份）"
    rows = [*lines, last]
    table = document.add_table(rows=len(rows), cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for index, text in enumerate(rows):
        cell = table.rows[index].cells[0]
        cell.width = Mm(layout.TEXT_WIDTH_MM)
        paragraph = cell.paragraphs[0]
        _spacing(paragraph)
        # The 版记 is never split across two pages: each line keeps with the next, as Word and WPS move it.
        paragraph.paragraph_format.keep_with_next = index < len(rows) - 1
        paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(layout.TEXT_WIDTH_MM - 4), WD_TAB_ALIGNMENT.RIGHT)
        paragraph.paragraph_format.left_indent = Pt(layout.PAGE_NUMBER_PT)  # 左右各空一字
        _font(paragraph.add_run(text), faces["body"], layout.PAGE_NUMBER_PT)
        borders = OxmlElement("w:tcBorders")
        for side, thick in (("top", index == 0), ("bottom", index == len(rows) - 1)):
            borders.append(_edge(side, width_mm=layout.THICK_RULE_MM if thick else layout.THIN_RULE_MM))
        for side in ("left", "right"):
            borders.append(_edge(side, width_mm=None))
        cell._tc.get_or_add_tcPr().append(borders)


def write_docx(doc: BulletinDoc) -> bytes:
    """The issue as a .docx file."""
    document = Document()
    _setup_page(document)
    document.core_properties.title = f"{doc.publication} {doc.issue_line}"
    document.core_properties.author = doc.editing_unit
    _masthead(document, doc)
    if doc.editor_note:
        _editor_note(document, doc)
    if doc.has_contents:
        _contents(document, doc)
    _items(document, doc)
    if doc.distribution or doc.printed_by:
        # The 版记 begins on a line of its own after the last item (a blank line, then the rules).
        _spacing(document.add_paragraph())
        _colophon(document, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
