"""What a bulletin issue looks like on paper (issue 16): the GB/T 9704-2012 page and the 简报
practice of a red masthead, numbered issue line, items and 版记 (../shared/reference/bulletin-layout.md).

Plain data and measurements only, so the Word writer (``docx_writer``) and the PDF renderer lay out
the same issue from the same numbers; the models hand a ``BulletinDoc`` to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

# GB/T 9704-2012 §5.2 (as quoted in the reference): A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm;
# the bottom and outer margins follow from the page (35 mm and 26 mm, as practice sets them).
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0
TOP_MM, BINDING_MM = 37.0, 28.0
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156.0, 225.0
BOTTOM_MM = PAGE_HEIGHT_MM - TOP_MM - TEXT_HEIGHT_MM  # 35
OUTER_MM = PAGE_WIDTH_MM - BINDING_MM - TEXT_WIDTH_MM  # 26
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
PAGE_NUMBER_PT = 14.0  # 4号
MASTHEAD_PT = 48.0  # the publication's name in the 报头: large, red (practice, no standard size)
LINE_PITCH_PT = TEXT_HEIGHT_MM / LINES_PER_PAGE / 25.4 * 72  # 28.99 pt: 22 lines fill the 版心
CHAR_PITCH_PT = TEXT_WIDTH_MM / CHARS_PER_LINE / 25.4 * 72  # 15.79 pt: 28 characters fill a line
PAGE_NUMBER_GAP_MM = 7.0  # the 一字线 of the page number sits 7 mm below the 版心
# Red ink Y80% M80% (reference: GB/T 9704 colour); as RGB for screens and PDF.
RED = "E60012"
# 版记 rules: the first and last 0.35 mm, those between 0.25 mm.
THICK_RULE_MM, THIN_RULE_MM = 0.35, 0.25


def fonts() -> dict[str, str]:
    """The faces by role. Offices that licensed 方正小标宋 or 仿宋_GB2312 name them in
    GOVBRIEF_BULLETIN_FONTS; a Word file names the faces every government PC has, so it opens right
    in WPS and Word."""
    chosen = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "heading": "黑体", "kai": "楷体_GB2312",
              "page_number": "宋体", "masthead": "方正小标宋简体"}
    chosen.update(getattr(settings, "GOVBRIEF_BULLETIN_FONTS", {}) or {})
    return chosen


@dataclass(frozen=True)
class BulletinItem:
    title: str
    paragraphs: list[str]
    source: str = ""  # the credited unit(s), printed under the item: （甲市政府办公室供稿）
    note: str = ""  # 编者按 of this item


@dataclass(frozen=True)
class Distribution:
    """One line of the 版记: 报 / 送 / 发 and whom."""

    label: str
    readers: str


@dataclass(frozen=True)
class BulletinDoc:
    publication: str  # 《政务信息》 without the brackets: 政务信息
    year: int
    number: int  # 第X期, per publication per year
    total_number: int | None  # 总第Y期
    editing_unit: str  # 编发单位, left under the issue line
    issued_on: date  # right under the issue line
    items: list[BulletinItem]
    classification: str = ""  # top left of the first page: 内部资料 注意保存 …
    distribution: list[Distribution] = field(default_factory=list)
    printed_by: str = ""  # 印发 unit in the 版记
    printed_on: date | None = None
    copies: int | None = None  # 印数
    editor_note: str = ""  # the issue's 编者按, before the contents

    @property
    def issue_line(self) -> str:
        total = f"（总第{self.total_number}期）" if self.total_number else ""
        return f"{self.year}年第{self.number}期{total}"

    @property
    def has_contents(self) -> bool:
        """A table of contents when the issue has several items."""
        return len(self.items) > 1


def chinese_date(value: date) -> str:
    """2026年12月7日: dates in a 公文 are written with Arabic numerals and 年月日, no leading zeros."""
    return f"{value.year}年{value.month}月{value.day}日"
