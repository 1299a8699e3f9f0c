"""A bulletin issue as PDF in the official layout (issue 16), rendered on the server by WeasyPrint
from HTML and CSS with the page geometry of bulletins.layout: mirrored A4 margins (@page :right /
:left), 22 lines of 3号 per page, the red masthead and rule, page numbers "— N —" 7 mm below the 版心
(odd pages right, even pages left, 空一字 from the edge), the 版记 rules. Fonts are embedded.

The faces must be installed (fontconfig): a missing one is an error that names it, never a silently
substituted face. The defaults are free fonts from Debian (fonts-noto-cjk); an office that licensed
仿宋_GB2312 or 方正小标宋 installs them and names them in GOVBRIEF_BULLETIN_PDF_FONTS.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from django.conf import settings
from django.utils.html import escape

from . import layout
from .layout import BulletinDoc, chinese_date

DEFAULT_PDF_FONTS = {"title": "Noto Serif CJK SC", "masthead": "Noto Serif CJK SC", "body": "Noto Serif CJK SC",
                     "heading": "Noto Sans CJK SC", "kai": "Noto Serif CJK SC", "page_number": "Noto Serif CJK SC"}


class RenderError(Exception):
    """The PDF cannot be made here (a font or the renderer is missing); the message says what to install."""


def pdf_fonts() -> dict[str, str]:
    chosen = dict(DEFAULT_PDF_FONTS)
    chosen.update(getattr(settings, "GOVBRIEF_BULLETIN_PDF_FONTS", {}) or {})
    return chosen


@lru_cache(maxsize=64)
def font_installed(family: str) -> bool:
    if shutil.which("fc-list") is None:
        raise RenderError("找不到 fontconfig（fc-list），无法确认字体：请安装 fontconfig。")
    listed = subprocess.run(["fc-list", f":family={family}", "family"], capture_output=True, text=True, timeout=20)
    return any(family in line.split(",") for line in listed.stdout.splitlines())


def require_fonts() -> dict[str, str]:
    faces = pdf_fonts()
    missing = sorted({face for face in faces.values() if not font_installed(face)})
    if missing:
        raise RenderError(f"生成 PDF 所需的字体未安装：{'、'.join(missing)}。免费字体可用 apt-get install fonts-noto-cjk 安装；"
                          f"使用其他字体请在 GOVBRIEF_BULLETIN_PDF_FONTS 中指定已安装的字体名。")
    return faces


def _css(faces: dict[str, str]) -> str:
    # The 版记 is a footnote-float of the last page, so it ends that page on the text block's bottom edge
    # (GB/T 9704 §7.4) however short the last item, and is never split from its rules.
    mm = "mm"
    number = (f'content: "— " counter(page) " —"; font: {layout.PAGE_NUMBER_PT}pt "{faces["page_number"]}"; '
              f"vertical-align: top; padding-top: {layout.PAGE_NUMBER_GAP_MM}{mm};")
    return f"""
@page {{ size: A4; margin: {layout.TOP_MM}{mm} {layout.OUTER_MM}{mm} {layout.BOTTOM_MM}{mm} {layout.BINDING_MM}{mm}; }}
@page :right {{ margin-left: {layout.BINDING_MM}{mm}; margin-right: {layout.OUTER_MM}{mm};
  @bottom-right {{ {number} padding-right: {layout.PAGE_NUMBER_PT}pt; }} }}
@page :left {{ margin-left: {layout.OUTER_MM}{mm}; margin-right: {layout.BINDING_MM}{mm};
  @bottom-left {{ {number} padding-left: {layout.PAGE_NUMBER_PT}pt; }} }}
html {{ font-family: "{faces["body"]}"; font-size: {layout.BODY_PT}pt; line-height: {layout.LINE_PITCH_PT:.3f}pt; }}
body {{ margin: 0; }}
p {{ margin: 0; text-indent: 2em; text-align: justify; }}
.classification {{ text-indent: 0; font-family: "{faces["heading"]}"; }}
.masthead {{ text-indent: 0; text-align: center; color: #{layout.RED}; font-family: "{faces["masthead"]}";
  font-size: {layout.MASTHEAD_PT}pt; font-weight: bold; line-height: {layout.MASTHEAD_PT * 1.25}pt;
  margin-top: {layout.LINE_PITCH_PT}pt; letter-spacing: 0.1em; }}
.issue-line {{ text-indent: 0; text-align: center; margin-top: {layout.LINE_PITCH_PT / 2:.2f}pt; }}
.editing {{ text-indent: 0; display: flex; justify-content: space-between;
  border-bottom: 1mm solid #{layout.RED}; margin-bottom: {layout.LINE_PITCH_PT:.2f}pt; }}
.contents-head {{ text-indent: 0; text-align: center; font-family: "{faces["heading"]}"; }}
.contents {{ margin-bottom: {layout.LINE_PITCH_PT:.2f}pt; }}
h1 {{ font-family: "{faces["title"]}"; font-size: {layout.TITLE_PT}pt; font-weight: bold; text-align: center;
  line-height: {layout.LINE_PITCH_PT * 1.25:.2f}pt; margin: 0 0 {layout.LINE_PITCH_PT / 2:.2f}pt; }}
.item + .item {{ margin-top: {layout.LINE_PITCH_PT:.2f}pt; }}
.issue-note {{ margin-bottom: {layout.LINE_PITCH_PT / 2:.2f}pt; }}
.note .label {{ font-family: "{faces["heading"]}"; }}
.note .text {{ font-family: "{faces["kai"]}"; }}
.source {{ text-align: right; text-indent: 0; font-family: "{faces["kai"]}"; }}
.colophon {{ font-size: {layout.PAGE_NUMBER_PT}pt; page-break-inside: avoid;
  float: footnote; footnote-display: block; margin-top: {layout.LINE_PITCH_PT:.2f}pt; }}
.colophon::footnote-call, .colophon::footnote-marker {{ content: none; }}
@page {{ @footnote {{ border-top: none; padding-top: 0; margin-top: 0; }} }}
.colophon p {{ text-indent: 0; padding: 0 {layout.PAGE_NUMBER_PT}pt; border-top: {layout.THIN_RULE_MM}mm solid #000;
  position: relative; text-align: left; }}
.colophon .right {{ position: absolute; right: {layout.PAGE_NUMBER_PT}pt; top: 0; }}
.colophon p:first-child {{ border-top-width: {layout.THICK_RULE_MM}mm; }}
.colophon p:last-child {{ border-bottom: {layout.THICK_RULE_MM}mm solid #000; }}
"""


def html_of(doc: BulletinDoc, faces: dict[str, str]) -> str:
    e = escape
    parts = ['<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
             f"<title>{e(doc.publication)} {e(doc.issue_line)}</title><style>{_css(faces)}</style></head><body>"]
    if doc.classification:
        parts.append(f'<p class="classification">{e(doc.classification)}</p>')
    parts.append(f'<p class="masthead">{e(doc.publication)}</p><p class="issue-line">{e(doc.issue_line)}</p>')
    parts.append(f'<p class="editing"><span>{e(doc.editing_unit)}</span><span>{e(chinese_date(doc.issued_on))}</span></p>')
    if doc.editor_note:
        parts.append(f'<p class="note issue-note"><span class="label">编者按：</span>'
                     f'<span class="text">{e(doc.editor_note)}</span></p>')
    if doc.has_contents:
        parts.append('<p class="contents-head">本期要目</p><div class="contents">')
        parts.extend(f"<p>{i}. {e(item.title)}</p>" for i, item in enumerate(doc.items, 1))
        parts.append("</div>")
    for item in doc.items:
        parts.append(f'<section class="item"><h1>{e(item.title)}</h1>')
        if item.note:
            parts.append(f'<p class="note"><span class="label">编者按：</span><span class="text">{e(item.note)}</span></p>')
        parts.extend(f"<p>{e(text)}</p>" for text in item.paragraphs)
        if item.source:
            parts.append(f'<p class="source">（{e(item.source)}）</p>')
        parts.append("</section>")
    rows = [f"<span>{e(d.label)}：{e(d.readers)}</span>" for d in doc.distribution]
    if doc.printed_by or doc.printed_on:
        printed = chinese_date(doc.printed_on) + "印发" if doc.printed_on else ""
        if doc.copies:
            printed += f"（共印{doc.copies}份）"
        rows.append(f'<span>{e(doc.printed_by)}</span><span class="right">{e(printed)}</span>')
    if rows:
        parts.append('<div class="colophon">' + "".join(f"<p>{row}</p>" for row in rows) + "</div>")
    parts.append("</body></html>")
    return "".join(parts)


def write_pdf(doc: BulletinDoc) -> bytes:
    """The issue as PDF, its fonts embedded."""
    return render_pdf(doc)[0]


def render_pdf(doc: BulletinDoc) -> tuple[bytes, int]:
    """The issue as PDF and its number of pages."""
    faces = require_fonts()
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # OSError: the Pango library is missing
        raise RenderError(f"PDF 渲染器 WeasyPrint 不可用（{error}）：请安装 weasyprint 及系统的 Pango 库"
                          f"（apt-get install libpango-1.0-0 libpangoft2-1.0-0）。") from error
    rendered = HTML(string=html_of(doc, faces)).render()
    return rendered.write_pdf(), len(rendered.pages)
