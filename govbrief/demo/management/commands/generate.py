"""``govbrief generate --reports N``: a province at benchmark scale (issue 14), see demo/generator.py."""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count
from django.db.migrations.executor import MigrationExecutor

from govbrief.demo.generator import (
    BATCH_REPORTS,
    DEFAULT_SEED,
    GENERATED_PASSWORD,
    GenerationResult,
    generate,
    office_loads,
)
from govbrief.demo.management.commands.demo import format_table
from govbrief.reports.models import Submission

STATE_NAMES = {"submitted": "待处理", "adopted": "已采用", "archived": "存档备查", "returned": "已退稿"}
BUSIEST_SHOWN = 8


class Command(BaseCommand):
    help = ("批量生成一个约 600 个单位的省份和 N 条报告（十年的报送、采用、转报、退稿、存档记录与审计日志），"
            "供性能测试使用。可重复运行：已有的报告保留，只补足缺少的部分。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reports", type=int, required=True, help="需要的报告总数（如 100000）。")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"随机种子，相同的种子生成相同的数据。默认 {DEFAULT_SEED}。")
        parser.add_argument("--batch-size", type=int, default=BATCH_REPORTS,
                            help=f"每个事务写入的报告数。默认 {BATCH_REPORTS}。")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条。")

    def handle(self, *args, **options) -> None:
        if options["reports"] < 0:
            raise CommandError("报告数不能为负数。")
        if options["batch_size"] < 1:
            raise CommandError("每批报告数至少为 1。")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("数据库尚未迁移到最新结构，请先运行 govbrief migrate。")
        try:
            result = generate(reports=options["reports"], seed=options["seed"],
                              progress=not options["no_progress"] and options["verbosity"] > 0,
                              batch_size=options["batch_size"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.print_summary(result, wanted=options["reports"])

    def print_summary(self, result: GenerationResult, *, wanted: int) -> None:
        if result.reused:
            self.stdout.write(f"数据库中已有 {result.reports_total:,} 条生成的报告（要求 {wanted:,} 条），沿用现有数据，未新建报告。")
        else:
            self.stdout.write(f"生成完成：报告共 {result.reports_total:,} 条，本次新建 {result.reports_created:,} 条。")
        self.stdout.write(f"单位 {result.units} 个（新建 {result.units_created}），新建账号 {result.people_created} 个。")
        states = Counter({row["state"]: row["n"] for row in
                          Submission.objects.order_by().values("state").annotate(n=Count("id"))})
        total = sum(states.values())
        detail = "，".join(f"{label} {states.get(code, 0):,}" for code, label in STATE_NAMES.items())
        self.stdout.write(f"报送：共 {total:,} 条（{detail}）。")
        loads = office_loads()
        if loads:
            rows = [[load.name, load.code, f"{load.submissions:,}", load.editor_username]
                    for load in loads[:BUSIEST_SHOWN]]
            self.stdout.write("收文最多的办公室：")
            self.stdout.write(format_table(["办公室", "代码", "收到报送", "编辑账号"], rows))
        rate = f"，每秒 {result.rows_per_second:,.0f} 行" if result.rows_written else ""
        self.stdout.write(f"用时 {result.seconds:.1f} 秒，写入 {result.rows_written:,} 行{rate}。")
        self.stdout.write(self.style.SUCCESS(f"生成的账号（用户名“单位代码-角色缩写”）密码均为 {GENERATED_PASSWORD}。"))
