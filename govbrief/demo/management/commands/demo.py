"""``govbrief demo``: migrate, load the demo province 江东省, print the demo logins, and serve."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from govbrief.core.management.commands.serve import serve, start_worker_thread
from govbrief.demo.loader import DEFAULT_REPORTS, DEMO_PASSWORD, demo_summary, desk_counts, load_demo
from govbrief.demo.province import WELL_KNOWN, build_layout
from govbrief.orgs.models import Unit, User

ROLE_NAMES = {
    "informant": "信息员", "signer": "签发人", "principal": "单位负责人", "editor": "编辑", "chief_editor": "主编",
    "leader": "领导", "sysadmin": "系统管理员", "secadmin": "安全管理员", "auditor": "审计管理员",
}
STATE_NAMES = {"draft": "草稿", "pending": "待签发", "signed": "已签发未报送", "submitted": "已报送"}
QUEUE_NAMES = {"new": "新收", "mine": "分派给我", "unassigned": "未分派", "waiting": "待单位修改", "overdue": "逾期"}
SUBMISSION_NAMES = {"submitted": "待处理", "adopted": "已采用", "archived": "存档备查", "returned": "已退稿",
                    "forwarded": "其中转报"}
UNIT_NAMES = {
    ("office", "national"): "国务院办公厅", ("office", "province"): "省政府办公厅", ("office", "city"): "市政府办公室",
    ("office", "county"): "县（区）政府办公室", ("office", "township"): "乡镇人民政府",
    ("department", "province"): "省级部门", ("department", "city"): "市级部门", ("liaison", "province"): "驻外办事处",
    ("special", "province"): "特约信息员",
}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(str(cell)) for cell in column) for column in zip(headers, *rows)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def render(cells: list[str]) -> str:
        return "| " + " | ".join(_pad(str(c), w) for c, w in zip(cells, widths)) + " |"

    return "\n".join([line, render(headers), line, *(render(r) for r in rows), line])


# What the demo's server is, and where the production way is described (README, docs/guide).
DEV_SERVER_NOTE = (
    "提示：演示服务在本机单进程运行（SQLite 数据库、进程内的后台任务与实时推送），仅供本机试用。\n"
    "生产部署请用 PostgreSQL、Redis 和多个服务进程与 govbrief worker，见 README 的“Deploying”一节和 docs/guide/admin-guide.md。"
)


class Command(BaseCommand):
    help = ("加载演示省份（江东省）：各类单位、人员和处于各种状态的报告，打印演示账号并启动演示服务。"
            "演示数据逐条经过业务流程生成，适合几百到几千条报告；基准测试所需的大数据量（数万条及以上）"
            "请用批量生成器 govbrief generate --reports N。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="服务端口（监听 127.0.0.1），默认 8000。")
        parser.add_argument("--no-serve", action="store_true", help="只加载数据并打印演示账号，不启动服务。")
        parser.add_argument("--reports", type=int, default=DEFAULT_REPORTS,
                            help=f"计划生成的演示报告条数，默认 {DEFAULT_REPORTS}。每条都走完整业务流程，"
                                 f"几千条需要几分钟；数万条及以上（基准测试用）请用 govbrief generate --reports N。")

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]
        port = options["port"]
        self.refuse_a_database_from_before_the_migration_reset()
        self.stdout.write("准备数据库 (migrate) …")
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1), stdout=self.stdout)
        self.stdout.write(f"加载演示省份（{options['reports']} 条报告）…")
        progress = (lambda message: self.stdout.write("  " + message)) if verbosity >= 2 else None
        result = load_demo(reports=options["reports"], progress=progress)
        self.stdout.write(
            f"完成，用时 {result.seconds:.1f} 秒：新建单位 {result.units_created} 个、账号 {result.people_created} 个、"
            f"报告 {result.reports_created} 条（已存在 {result.reports_skipped} 条，未重复创建）、"
            f"刊物期次 {result.issues_created} 期、突发事件 {result.incidents_created} 起。"
        )
        self.stdout.write("")
        self.print_accounts()
        self.print_summary()
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"演示地址：{url}   （所有演示账号的密码均为 {DEMO_PASSWORD}）"))
        database = settings.DATABASES["default"]
        if database["ENGINE"].endswith("sqlite3"):
            self.stdout.write(f"数据库：{database['NAME']}")
        if options["no_serve"]:
            return
        self.stdout.write(self.style.WARNING(DEV_SERVER_NOTE))
        self.start_worker()
        self.stdout.write("按 Ctrl-C 停止服务和后台任务。")
        self.stdout.flush()
        serve(host="127.0.0.1", port=port)

    def start_worker(self) -> None:
        """One background worker beside the web server, in this process (a thread that ends with it:
        Ctrl-C stops both); its wake-ups and the live push stay in the process (core.background,
        core.live). Production runs `govbrief worker` processes of their own."""
        start_worker_thread(worker_id="demo")
        self.stdout.write("后台任务：已在本进程中启动 1 个工作线程（生产环境请另行运行 govbrief worker）；"
                          f"通知邮件写入 {settings.EMAIL_FILE_PATH}。")

    def refuse_a_database_from_before_the_migration_reset(self) -> None:
        """The reports migrations were reset to one clean initial migration before the first release;
        a demo database made by an earlier development version cannot be migrated and is refused with
        a way out, rather than failing later with a database error."""
        from django.db import connection
        from django.db.migrations.loader import MigrationLoader

        loader = MigrationLoader(connection, ignore_no_migrations=True)
        stale = sorted(f"{app}.{name}" for app, name in loader.applied_migrations
                       if app.startswith("reports") and (app, name) not in loader.disk_migrations)
        if stale:
            where = settings.DATABASES["default"]["NAME"]
            raise CommandError(f"数据库 {where} 由早期开发版本创建（已应用的迁移 {', '.join(stale)} 已不存在），无法升级。"
                               f"演示数据可以重新生成：删除该文件（或换一个 GOVBRIEF_DATA_DIR）后再运行 govbrief demo。")

    def print_accounts(self) -> None:
        layout = build_layout()
        names = {u.code: u.name for u in Unit.objects.filter(code__in=[s.code for s in layout.units])}
        people = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in WELL_KNOWN])}
        rows = []
        for username, label, unit_code in WELL_KNOWN:
            person = people.get(username)
            rows.append([label, names.get(unit_code, unit_code), username, DEMO_PASSWORD,
                         person.get_full_name() if person else ""])
        self.stdout.write("演示账号：")
        self.stdout.write(format_table(["角色", "单位", "用户名", "密码", "姓名"], rows))
        self.stdout.write(
            "其余账号的用户名为“单位代码-角色缩写”，如 baima-xxy（白马县信息员）、dongling-bj（东陵市编辑）、"
            "jd-jyt-qf（省教育厅签发人）；缩写：xxy 信息员、qf 签发人、fzr 单位负责人、bj 编辑、zb 主编、ld 领导、"
            "xtgl 系统管理员。密码相同。"
        )

    def print_summary(self) -> None:
        summary = demo_summary()
        units = "，".join(f"{label} {summary['units'][key]}" for key, label in UNIT_NAMES.items() if summary["units"][key])
        roles = "，".join(f"{ROLE_NAMES.get(r, r)} {summary['roles'][r]}" for r in ROLE_NAMES if summary["roles"][r])
        states = "，".join(f"{STATE_NAMES[s]} {summary['report_states'][s]}" for s in STATE_NAMES)
        subs = "，".join(f"{SUBMISSION_NAMES[s]} {summary['submission_states'][s]}" for s in SUBMISSION_NAMES)
        self.stdout.write(f"单位：{units}；其中信息直报点 {summary['direct_points']['direct']} 个")
        self.stdout.write(f"角色：{roles}")
        self.stdout.write(f"报告：{states}")
        self.stdout.write(f"报送：{subs}")
        comments = summary["comments"]
        self.stdout.write(f"批注与留言：内部批注 {comments['internal']} 条，与报送单位往来留言 {comments['unit']} 条")
        counts = desk_counts("bianji")
        if counts is not None:
            queues = "，".join(f"{label} {counts[q]}" for q, label in QUEUE_NAMES.items())
            self.stdout.write(f"编辑 bianji 的工作台：{queues}")
