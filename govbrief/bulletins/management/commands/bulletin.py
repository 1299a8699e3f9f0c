"""``govbrief bulletin export ISSUE --format docx|pdf -o FILE``: an issue's file, for scripts."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govbrief.bulletins.models import Issue
from govbrief.bulletins.pdf_writer import RenderError
from govbrief.bulletins.rendering import file_stem, render_docx, render_pdf


class Command(BaseCommand):
    help = "刊物工具。export：把一期刊物导出为 Word（.docx）或 PDF 文件（供脚本使用）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="导出一期刊物的 .docx 或 .pdf 文件。")
        export.add_argument("issue", type=int, help="期次的 id（页面地址 /bulletins/issues/<id>/ 中的数字）。")
        export.add_argument("--format", choices=("docx", "pdf"), default="pdf", help="文件格式，默认 pdf。")
        export.add_argument("-o", "--output", help="输出文件；默认按“刊物-年份-第X期”命名，写在当前目录。")

    def handle(self, *args, **options) -> None:
        issue = Issue.objects.select_related("publication", "publication__office").filter(pk=options["issue"]).first()
        if issue is None:
            raise CommandError(f"没有 id 为 {options['issue']} 的期次。")
        fmt = options["format"]
        # A published issue's stored file is the one its readers received; a draft is rendered as a preview.
        stored = issue.docx_file if fmt == "docx" else issue.pdf_file
        if stored and issue.state == "published":
            with stored.open("rb") as f:
                content = f.read()
        elif fmt == "docx":
            content = render_docx(issue)
        else:
            try:
                content, _pages = render_pdf(issue)
            except RenderError as exc:
                raise CommandError(str(exc)) from exc
        target = Path(options["output"] or f"{file_stem(issue)}.{fmt}")
        try:
            target.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入 {target}：{exc.strerror}") from exc
        self.stdout.write(f"{target}（{len(content):,} 字节）")
