"""The benchmarks ``govbrief bench NAME`` knows. A benchmark is a module with

    add_arguments(parser: CommandParser) -> None      # its own options
    run(*, options: dict[str, Any], console: Console) -> dict[str, Any]   # the figures for the JSON line

Later issues add theirs (search, scoring …) with one line here. Modules are imported only when
chosen, so one benchmark's imports never slow down or break another."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from django.core.management.base import CommandError


@dataclass(frozen=True)
class Benchmark:
    name: str
    module: str
    summary: str

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)


BENCHMARKS: dict[str, Benchmark] = {
    benchmark.name: benchmark
    for benchmark in [
        Benchmark("pages", "govbrief.bench.pages",
                  "编辑常用页面（工作台、收件箱、队列、报送与报告详情、API 收件箱）在生产服务器上的响应时间、吞吐量与查询数"),
        Benchmark("export", "govbrief.bench.export",
                  "刊物导出：一期 20 条的 .docx 与 .pdf（公文格式）的生成时间"),
        Benchmark("push", "govbrief.bench.push",
                  "实时通知：经 API 产生的通知到达 20 个已打开页面的时间，以及后台任务从排入到开始的延迟"),
        Benchmark("emergency", "govbrief.bench.emergency",
                  "突发事件报送：200 个县级单位之一经 API 报送已签发的突发事件报告，到 20 个已打开的值班台都显示其已报的时间"),
    ]
}


class UnknownBenchmark(CommandError):
    pass


def benchmark_get(name: str) -> Benchmark:
    try:
        return BENCHMARKS[name]
    except KeyError:
        known = "、".join(sorted(BENCHMARKS)) or "（无）"
        raise UnknownBenchmark(
            f"没有名为“{name}”的基准测试。可用的有：{known}。 / Unknown benchmark {name!r}; known: "
            f"{', '.join(sorted(BENCHMARKS))}."
        ) from None
