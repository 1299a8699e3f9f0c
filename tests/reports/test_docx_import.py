"""Reading a Word document into a draft (SPEC §3.1; limits of issue 13): document order, the title
rule, Word's spacing, and the body limits enforced while reading."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from govbrief.core.limits import BODY_MAX_CHARS, BODY_MAX_PARAGRAPHS, KEYWORDS_MAX_CHARS, TITLE_MAX_CHARS
from govbrief.reports.docx_import import clean_body, clean_paragraph, import_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="{document}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload(data: bytes, name: str = "draft.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=DOCX_TYPE)


def word_docx(*blocks, title: str = "", keywords: str = "") -> SimpleUploadedFile:
    """A .docx saved by python-docx; each block is a paragraph's text or a table as a list of rows."""
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.keywords = keywords
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
        else:
            table = document.add_table(rows=len(block), cols=len(block[0]))
            for r, row in enumerate(block):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
    buf = io.BytesIO()
    document.save(buf)
    return upload(buf.getvalue())


def raw_docx(body_xml: str, *, document: str = "word/document.xml", prolog: str = "") -> SimpleUploadedFile:
    """A minimal package around hand-written w:body content, for what python-docx cannot write."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS.format(document=document))
        z.writestr(document, f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
                             f'<w:document xmlns:w="{W}"><w:body>{body_xml}</w:body></w:document>')
    return upload(buf.getvalue())


def p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def refusal_code(uploaded) -> str:
    with pytest.raises(ValidationError) as exc:
        import_docx(uploaded)
    return exc.value.code


# ---------------------------------------------------------------- document order


def test_table_rows_stay_where_the_table_stands():
    draft = import_docx(word_docx("关于春耕生产情况的报告", "一、基本情况",
                                  [["地区", "面积", "同比"], ["甲县", "", "12%"]], "二、存在问题"))
    assert draft.body == "一、基本情况\n地区 | 面积 | 同比\n甲县 | 12%\n二、存在问题"


def test_nested_table_is_flattened_into_its_cell():
    document = docx.Document()
    document.add_paragraph("标题")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "外层"
    inner = table.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内一"
    inner.cell(0, 1).text = "内二"
    buf = io.BytesIO()
    document.save(buf)
    assert import_docx(upload(buf.getvalue())).body == "外层 | 内一 内二"


def test_line_break_starts_a_paragraph_and_tab_is_a_space():
    document = docx.Document()
    document.add_paragraph("标题")
    run = document.add_paragraph().add_run("一、")
    run.add_tab()
    run.add_text("基本情况")
    run.add_break()
    run.add_text("二、存在问题")
    buf = io.BytesIO()
    document.save(buf)
    assert import_docx(upload(buf.getvalue())).body == "一、 基本情况\n二、存在问题"


def test_tab_stops_and_text_boxes_are_layout_not_text():
    tab_stops = '<w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
    text_box = ('<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
                + p("文本框") + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
    body = p("标题") + f"<w:p>{tab_stops}<w:r><w:t>正文</w:t></w:r>{text_box}</w:p>"
    assert import_docx(raw_docx(body)).body == "正文"


def test_main_document_is_found_through_the_package_relationships():
    assert import_docx(raw_docx(p("标题") + p("正文"), document="word/document2.xml")).body == "正文"


# ---------------------------------------------------------------- title and keywords


def test_first_paragraph_is_the_title_when_the_document_has_none():
    draft = import_docx(word_docx("关于春耕生产情况的报告", "一、基本情况"))
    assert (draft.title, draft.body, draft.keywords) == ("关于春耕生产情况的报告", "一、基本情况", "")


def test_core_title_wins_and_a_first_paragraph_repeating_it_is_dropped():
    draft = import_docx(word_docx("关于春耕生产情况的报告", "一、基本情况", title="关于春耕生产情况的报告",
                                  keywords="春耕 农业"))
    assert (draft.title, draft.body, draft.keywords) == ("关于春耕生产情况的报告", "一、基本情况", "春耕 农业")


def test_core_title_keeps_a_different_first_paragraph_in_the_body():
    draft = import_docx(word_docx("甲县春耕情况", "一、基本情况", title="关于春耕生产情况的报告"))
    assert (draft.title, draft.body) == ("关于春耕生产情况的报告", "甲县春耕情况\n一、基本情况")


def test_title_and_keywords_are_cut_to_their_limits():
    draft = import_docx(word_docx("题" * (TITLE_MAX_CHARS + 50), "正文", keywords="词" * (KEYWORDS_MAX_CHARS + 50)))
    assert len(draft.title) == TITLE_MAX_CHARS and len(draft.keywords) == KEYWORDS_MAX_CHARS


# ---------------------------------------------------------------- Word's spacing


def test_word_full_width_and_layout_spaces_are_collapsed():
    draft = import_docx(word_docx("关于\u3000\u3000春耕的报告", "一、\u3000\u3000基本情况\xa0\xa0 \t甲县", "\u3000\u3000"))
    assert (draft.title, draft.body) == ("关于 春耕的报告", "一、 基本情况 甲县")


def test_clean_body_keeps_one_paragraph_per_line():
    assert clean_body("甲\r\n\r\n\u3000乙  丙\n") == "甲\n乙 丙"
    assert clean_paragraph("\u3000 甲\t\t乙 \r") == "甲 乙"


# ---------------------------------------------------------------- refusals


def test_document_without_text_is_refused_as_empty():
    assert refusal_code(word_docx("", "\u3000", [["", ""]])) == "docx_empty"


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 not really a zip", b"%PDF-1.4\n"])
def test_unreadable_file_is_refused_as_invalid(data):
    assert refusal_code(upload(data)) == "docx_invalid"


def test_zip_without_a_word_document_is_refused_as_invalid():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a document")
    assert refusal_code(upload(buf.getvalue())) == "docx_invalid"


def test_malformed_document_xml_is_refused_as_invalid():
    assert refusal_code(raw_docx("<w:p><w:r><w:t>未闭合")) == "docx_invalid"


def test_200000_paragraphs_are_refused_at_the_limit_without_reading_them_all():
    body = "".join(p(f"第{n}段") for n in range(200_000))
    uploaded = raw_docx(body)
    del body
    started = time.perf_counter()
    tracemalloc.start()
    try:
        assert refusal_code(uploaded) == "too_many_paragraphs"
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1.0
    assert peak < 4 * 1024 * 1024  # 200,000 paragraphs as strings would be well over 10 MB


def test_paragraph_limit_counts_body_paragraphs_not_the_title():
    draft = import_docx(raw_docx(p("标题") + p("段") * BODY_MAX_PARAGRAPHS))
    assert draft.body.count("\n") + 1 == BODY_MAX_PARAGRAPHS
    assert refusal_code(raw_docx(p("标题") + p("段") * (BODY_MAX_PARAGRAPHS + 1))) == "too_many_paragraphs"


def test_body_longer_than_a_report_may_be_is_refused():
    assert refusal_code(raw_docx(p("标题") + p("字" * 1_000) * (BODY_MAX_CHARS // 1_000 + 1))) == "too_long"


def test_one_endless_paragraph_is_refused_as_too_long():
    runs = "<w:r><w:t>字字字字字字字字字字</w:t></w:r>" * (BODY_MAX_CHARS // 10 + 1)
    assert refusal_code(raw_docx(p("标题") + f"<w:p>{runs}</w:p>")) == "too_long"


def test_long_table_is_refused_as_too_long():
    row = "<w:tr><w:tc>" + p("字" * 1_000) + "</w:tc></w:tr>"
    assert refusal_code(raw_docx(p("标题") + "<w:tbl>" + row * (BODY_MAX_CHARS // 1_000 + 1) + "</w:tbl>")) == "too_long"


def test_refusal_messages_name_the_limit():
    with pytest.raises(ValidationError) as exc:
        import_docx(raw_docx(p("标题") + p("段") * (BODY_MAX_PARAGRAPHS + 1)))
    assert f"{BODY_MAX_PARAGRAPHS:,}" in exc.value.messages[0]


def test_a_first_paragraph_too_long_for_a_title_is_kept_in_the_body():
    from govbrief.reports.docx_import import import_docx

    from ..factories import docx_file

    opening = "一" * 500
    draft = import_docx(docx_file(title=opening, paragraphs=("二、存在问题",)))
    assert len(draft.title) == 200 and draft.title.endswith("…")
    assert draft.body.split("\n") == [opening, "二、存在问题"]
