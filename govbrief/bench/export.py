"""``govbrief bench export``: how long a 20-item bulletin issue takes to write as .docx and to render
as .pdf in the official layout (issue 16; bulletins.docx_writer and pdf_writer).

The issue is made of the demo province's report texts (its topics' sentences), about 800 characters
an item, with a masthead, a table of contents and a 版记: the size of a busy office's weekly issue.
The first PDF of the process is timed apart (``pdf_cold_s``: loading the renderer and its fonts);
the figures are the medians of ``--runs`` runs after it. With ``--out DIR`` the last .docx and .pdf
are left there to be looked at.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from govbrief.bulletins.layout import BulletinDoc, BulletinItem, Distribution

from .harness import Console, format_table

DEFAULT_ITEMS = 20
DEFAULT_RUNS = 5
# The targets of issue 16 on a 2-core machine.
DOCX_TARGET_S = 0.2
PDF_TARGET_S = 1.0

PLACES = ["东溪市", "西岭县", "白马县", "青川区", "南湖镇", "北山县", "江口市", "石桥镇", "云台县", "柳河区"]


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--items", type=int, default=DEFAULT_ITEMS, help=f"每期条目数。默认 {DEFAULT_ITEMS}。")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"测量次数，取中位数。默认 {DEFAULT_RUNS}。")
    parser.add_argument("--out", default="", help="把最后一次生成的 .docx 和 .pdf 留在这个目录。")


class _Values(dict):
    """Fills a topic sentence's placeholders with plausible values."""

    def __init__(self, rng: random.Random, place: str) -> None:
        super().__init__(place=place, scope=f"全{place[-1]}", town="南湖镇", village="柳树村", company="江东公司")
        self.rng = rng

    def __missing__(self, key: str) -> str:
        return str(self.rng.randint(3, 98))


def sample_issue(items: int) -> BulletinDoc:
    """A deterministic issue of ``items`` items written from the demo topics' sentences."""
    from govbrief.demo.topics import TOPICS

    rng = random.Random(16)
    made = []
    for index in range(items):
        topic = TOPICS[index % len(TOPICS)]
        place = PLACES[index % len(PLACES)]
        values = _Values(rng, place)
        pool = [*topic.measures, *topic.results, *topic.suggestions]
        paragraphs, length = [], 0
        while length < 800 and pool:
            sentences = [rng.choice(pool).format_map(values) for _ in range(3)]
            text = "".join(s if s.endswith(("。", "！", "？")) else s + "。" for s in sentences)
            paragraphs.append(text)
            length += len(text)
        made.append(BulletinItem(title=f"{place}扎实推进{topic.work}", paragraphs=paragraphs,
                                 source=f"{place}人民政府办公室供稿", note="" if index else "请各地结合实际参考借鉴。"))
    return BulletinDoc(publication="政务信息", year=2026, number=49, total_number=312, editing_unit="江东省人民政府办公厅",
                       issued_on=date(2026, 12, 7), items=made, classification="内部资料 注意保存",
                       distribution=[Distribution("报", "国务院办公厅"), Distribution("送", "省委办公厅，省人大常委会办公厅"),
                                     Distribution("发", "各市人民政府办公室，省政府各部门")],
                       printed_by="江东省人民政府办公厅", printed_on=date(2026, 12, 7), copies=300)


def _timed(fn, *args) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - started, value


def run(*, options: dict[str, Any], console: Console) -> dict[str, Any]:
    from govbrief.bulletins.docx_writer import write_docx
    from govbrief.bulletins.pdf_writer import RenderError, render_pdf

    items, runs = options["items"], options["runs"]
    if items < 1 or runs < 1:
        raise CommandError("--items 和 --runs 须至少为 1。")
    doc = sample_issue(items)
    characters = sum(len(p) for item in doc.items for p in item.paragraphs)
    console.say(f"一期 {items} 条、正文 {characters} 字；先生成一次 PDF（冷启动），再各测 {runs} 次 …")
    try:
        pdf_cold, (pdf, pages) = _timed(render_pdf, doc)
    except RenderError as error:
        raise CommandError(str(error)) from None
    docx_times, pdf_times, docx = [], [], b""
    for _ in range(runs):
        elapsed, docx = _timed(write_docx, doc)
        docx_times.append(elapsed)
        elapsed, (pdf, pages) = _timed(render_pdf, doc)
        pdf_times.append(elapsed)
    docx_s, pdf_s = statistics.median(docx_times), statistics.median(pdf_times)
    console.say("")
    console.say(format_table(
        ["", "中位数", "最快", "最慢", "大小", "目标"],
        [[".docx", f"{docx_s:.3f} s", f"{min(docx_times):.3f} s", f"{max(docx_times):.3f} s",
          f"{len(docx) / 1024:,.0f} KB", f"< {DOCX_TARGET_S} s"],
         [f".pdf（{pages} 页）", f"{pdf_s:.3f} s", f"{min(pdf_times):.3f} s", f"{max(pdf_times):.3f} s",
          f"{len(pdf) / 1024:,.0f} KB", f"< {PDF_TARGET_S} s"],
         [".pdf 冷启动", f"{pdf_cold:.3f} s", "", "", "", ""]],
        right=[False, True, True, True, True, False]))
    met = docx_s < DOCX_TARGET_S and pdf_s < PDF_TARGET_S
    (console.good if met else console.warn)("达到目标。" if met else "未达到目标。")
    if options["out"]:
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        (out / "bulletin.docx").write_bytes(docx)
        (out / "bulletin.pdf").write_bytes(pdf)
        console.say(f"最后一次生成的文件：{out / 'bulletin.docx'}、{out / 'bulletin.pdf'}")
    return {"items": items, "docx_s": round(docx_s, 4), "pdf_s": round(pdf_s, 4), "pdf_cold_s": round(pdf_cold, 4),
            "pdf_pages": pages, "characters": characters, "runs": runs, "targets_met": met}
