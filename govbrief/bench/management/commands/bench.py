"""``govbrief bench NAME [options]``: run one benchmark, print its figures, end with one JSON line.

Thin on purpose: the name is looked up in ``govbrief.bench.registry`` and the benchmark parses its own
options, so each benchmark documents its own (``govbrief bench pages --help``)."""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govbrief.bench.harness import Console, json_line, require_postgresql
from govbrief.bench.registry import BENCHMARKS, benchmark_get


class Command(BaseCommand):
    help = ("运行一项性能基准测试：必要时先生成数据（以后复用），打印可读的结果，最后一行是 JSON。"
            "可用：" + "；".join(f"{b.name} — {b.summary}" for b in BENCHMARKS.values()) + "。"
            "各项的选项见 govbrief bench NAME --help。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", metavar="NAME", help="基准测试名称：" + "、".join(BENCHMARKS))
        # Everything after NAME belongs to the benchmark (Django's own options go before NAME).
        parser.add_argument("arguments", nargs=argparse.REMAINDER, help="该基准测试的选项")

    def handle(self, *args, name: str, arguments: list[str], **options) -> None:
        benchmark = benchmark_get(name)
        module = benchmark.load()
        parser = CommandParser(
            prog=f"govbrief bench {name}", description=benchmark.summary,
            called_from_command_line=self._called_from_command_line,
        )
        parser.add_argument("--allow-sqlite", action="store_true",
                            help="允许在 SQLite 上运行（结果不代表生产环境的 PostgreSQL）。")
        module.add_arguments(parser)
        bench_options = vars(parser.parse_args(arguments))
        require_postgresql(allow_sqlite=bench_options["allow_sqlite"])
        console = Console(self.stdout, self.style)
        try:
            figures = module.run(options=bench_options, console=console)
        except KeyboardInterrupt:
            raise CommandError("基准测试被中断，服务器已停止。", returncode=130) from None
        # The last line, always: scripts read the figures with ``tail -n 1``.
        console.say(json_line(figures))
