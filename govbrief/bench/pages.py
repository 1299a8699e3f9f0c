"""``govbrief bench pages``: how fast the pages an editor lives in answer on the production server,
for the busiest office of the generated province (issue 14).

Each page is fetched over HTTP from gunicorn (``harness.gunicorn``) by one client, then by C
concurrent clients, each with a session of its own, as C editors of the office would be; the
anonymous login page is the floor, what the framework and this server answer at best. Queries are
counted in-process with Django's test client for the same editor on the same database. The inbox is
also measured for an office with about 1,000 submissions: an inbox that slows down with the office's
backlog shows up as the ratio of the two.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from govbrief.demo.generator import GENERATED_PASSWORD, OfficeLoad, generate, generated_reports, office_loads
from govbrief.orgs.models import User
from govbrief.reports.choices import Queue, SubmissionState
from govbrief.reports.models import Submission

from .harness import (
    Console,
    LoadResult,
    Server,
    Session,
    asgi_deployment,
    default_workers,
    drive,
    format_table,
    free_port,
    gunicorn,
    login,
    logout,
    request,
)

DEFAULT_REPORTS = 100_000
DEFAULT_SECONDS = 5.0
DEFAULT_CLIENTS = 20
BIG_OFFICE_MIN = 10_000  # issue 14: the busiest office is measured at 10,000 submissions or more
SMALL_OFFICE_SIZE = 1_000  # issue 14: the inbox is compared with an office of about 1,000

# The targets of issue 14 (product choices, not rules of a seed).
P50_TARGET_MS = 15.0
QUERIES_TARGET = 12
INBOX_GROWTH_TARGET = 1.20  # the big office's inbox p50 at most 20 % above the small office's
RPS_RATIO_TARGET = 0.10

# The JSON line: the keys first, in its order, then this benchmark's additions.
REQUIRED_KEYS = ("reports", "office_submissions", "inbox_p50_ms", "pages_p50_ms_max", "pages_p95_ms_20",
                 "rps_ratio_min", "queries_max", "errors")
EXTRA_KEYS = ("small_office_submissions", "inbox_small_p50_ms", "inbox_growth", "floor_rps", "server", "workers",
              "clients", "seconds", "load_before", "cpus")
SERVERS = ("gunicorn", "uvicorn")

LOGIN_PATH = "/accounts/login/"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    anonymous: bool = False  # the floor: fetched without a session


@dataclass
class PageResult:
    page: Page
    single: LoadResult
    concurrent: LoadResult
    queries: int | None  # None for the floor: it is not one of the measured pages


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--reports", type=int, default=DEFAULT_REPORTS,
                        help=f"生成省份的报告数（已有的复用，不足时补足）。默认 {DEFAULT_REPORTS}。")
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS,
                        help=f"每个测量阶段的秒数（每个页面先 1 个客户端、再 C 个客户端）。默认 {DEFAULT_SECONDS:g}。")
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS,
                        help=f"并发客户端数 C，每个客户端有自己的登录会话。默认 {DEFAULT_CLIENTS}。")
    parser.add_argument("--server", choices=SERVERS, default="gunicorn",
                        help="gunicorn：README 部署中提供页面的同步工作进程；uvicorn：govbrief serve（ASGI，"
                             "提供实时通知连接），作对照。默认 gunicorn。")
    parser.add_argument("--workers", type=int, default=None,
                        help=f"服务进程数。默认 CPU 数的 2 倍（本机 {default_workers()}）。")
    parser.add_argument("--port", type=int, default=0, help="gunicorn 在 127.0.0.1 上监听的端口。默认自动选择空闲端口。")


# ---------------------------------------------------------------- the data


@dataclass(frozen=True)
class Dataset:
    reports: int
    offices: list[OfficeLoad]
    password: str


def prepare_data(*, reports: int, console: Console) -> Dataset:
    """The generated province, generated once and reused: the generator keeps the reports already
    there and adds only the missing ones (asking for fewer than there are changes nothing)."""
    console.say("准备数据库 (migrate) …")
    call_command("migrate", interactive=False, verbosity=0)
    have = generated_reports()
    if have >= reports:
        console.say(f"复用已生成的省份：{have} 条报告。")
    else:
        console.say(f"生成省份：已有 {have} 条报告，补足到 {reports} 条（只需一次，以后复用）…")
    try:
        result = generate(reports=reports, progress=True)
    except ValueError as error:  # e.g. a database generated with another seed
        raise CommandError(f"无法生成数据：{error}") from error
    if result.reports_created:
        console.say(f"生成了 {result.reports_created} 条报告，用时 {result.seconds:.0f} 秒。")
    return Dataset(reports=generated_reports(), offices=list(office_loads()), password=GENERATED_PASSWORD)


def choose_offices(offices: Sequence[OfficeLoad]) -> tuple[OfficeLoad, OfficeLoad | None]:
    """The busiest office, and the other office nearest to 1,000 submissions (nearest by ratio, so
    800 is as near as 1,250)."""
    staffed = [office for office in offices if office.editor_username and office.submissions > 0]
    if not staffed:
        raise CommandError("生成的数据里没有收到报送且有编辑的单位，无法测量。")
    big = max(staffed, key=lambda office: office.submissions)
    others = [office for office in staffed if office.unit_id != big.unit_id]
    small = min(others, key=lambda office: abs(math.log(office.submissions / SMALL_OFFICE_SIZE)), default=None)
    return big, small


def sample_submission(office_id: int) -> tuple[Submission, str]:
    """The submission whose page is measured: an item the office adopted and forwarded further up
    (its page shows the most: adoption, forwards, the path up the levels). The newest one, so the
    choice is the same on every run over the same data."""
    received = Submission.objects.filter(to_unit_id=office_id).order_by("-submitted_at", "-pk")
    adopted = received.filter(state=SubmissionState.ADOPTED)
    forwarded = adopted.filter(Exists(Submission.objects.filter(parent=OuterRef("pk")))).first()
    if forwarded is not None:
        return forwarded, "已采用并转报"
    if (any_adopted := adopted.first()) is not None:
        return any_adopted, "已采用（该单位没有转报过的报送）"
    if (anything := received.first()) is not None:
        return anything, "该单位没有已采用的报送"
    raise CommandError("最忙的单位没有任何报送，无法测量报送页面。")


def pages_for(submission: Submission) -> list[Page]:
    return [
        Page("desk", "工作台", "/"),
        Page("inbox", "收件箱", "/reports/inbox/"),
        Page("queue_mine", "队列：分派给我", f"/reports/inbox/?queue={Queue.MINE.value}"),
        Page("queue_overdue", "队列：逾期", f"/reports/inbox/?queue={Queue.OVERDUE.value}"),
        Page("submission", "报送详情", f"/reports/submissions/{submission.pk}/"),
        Page("report", "报告与流转", f"/reports/{submission.report_id}/"),
        Page("api_inbox", "API 收件箱", "/api/submissions/inbox/"),
    ]


FLOOR = Page("floor", "基线：登录页（匿名）", LOGIN_PATH, anonymous=True)


# ---------------------------------------------------------------- queries


def count_queries(*, username: str, pages: Sequence[Page]) -> dict[str, int]:
    """Queries per page for this editor, in-process on the same database. Each page is requested
    once before it is counted, as a running worker has already filled its per-process caches."""
    user = User.objects.get(username=username)
    client = Client()
    counts: dict[str, int] = {}
    # The test client calls itself "testserver"; the deployment's ALLOWED_HOSTS need not list it.
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        client.force_login(user)
        try:
            for page in pages:
                try:
                    client.get(page.path)
                    with CaptureQueriesContext(connection) as captured:
                        response = client.get(page.path)
                except Exception as error:  # the page's own error, reported with the page it belongs to
                    raise CommandError(f"{page.label} {page.path} 在进程内请求时出错：{error!r}") from error
                if response.status_code != 200:
                    raise CommandError(f"{page.label} {page.path} 在进程内返回 HTTP {response.status_code}，"
                                       f"不是 200，无法计数查询。")
                counts[page.key] = len(captured)
        finally:
            client.logout()
    return counts


# ---------------------------------------------------------------- over HTTP


def check_page(port: int, page: Page, session: Session | None) -> None:
    """Each page must answer 200 before it is measured: a redirect (to the login page, to the
    password change) or an error page would be measured as a fast page."""
    answer = request(port, page.path, headers=session.headers() if session else {})
    if answer.status != 200:
        where = f"，转向 {answer.location}" if answer.location else ""
        raise CommandError(f"{page.label} {page.path} 返回 HTTP {answer.status}{where}，不是 200；"
                           f"{'匿名' if session is None else session.username} 无法测量这个页面。")
    if session is not None:
        session.remember(answer)


def measure(*, port: int, path: str, headers: Sequence[dict[str, str]], seconds: float) -> LoadResult:
    """A short warm-up at the same concurrency (discarded), then the measured phase."""
    drive(port=port, path=path, headers=headers, seconds=min(1.0, seconds / 5))
    return drive(port=port, path=path, headers=headers, seconds=seconds)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _phase_line(result: LoadResult) -> str:
    errors = f"，错误 {result.errors}（{_kinds(result.error_kinds)}）" if result.errors else ""
    return (f"{result.clients} 个客户端：{result.ok} 次，p50 {_ms(result.p(50))} ms，p95 {_ms(result.p(95))} ms，"
            f"{result.rps:.1f} 次/秒{errors}")


def _kinds(kinds: Counter[str]) -> str:
    return "；".join(f"{kind} ×{count}" for kind, count in kinds.most_common(3))


# ---------------------------------------------------------------- the figures


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def summarize(*, reports: int, big: OfficeLoad, small: OfficeLoad | None, results: Sequence[PageResult],
              floor: PageResult, small_inbox: LoadResult | None, workers: int, clients: int,
              seconds: float, load_before: float | None = None, server: str = "gunicorn") -> dict[str, Any]:
    """The JSON line's figures: REQUIRED_KEYS, then EXTRA_KEYS. "Pages" are the editor's pages, never
    the floor; ``errors`` counts every measured request of the run, the floor's included."""
    inbox = next(result for result in results if result.page.key == "inbox")
    p50s = [p for result in results if (p := result.single.p(50)) is not None]
    p95s = [p for result in results if (p := result.concurrent.p(95)) is not None]
    floor_rps = floor.concurrent.rps
    rps_ratio = min(result.concurrent.rps for result in results) / floor_rps if floor_rps > 0 else None
    queries = [result.queries for result in results if result.queries is not None]
    inbox_p50 = inbox.single.p(50)
    small_p50 = small_inbox.p(50) if small_inbox is not None else None
    growth = inbox_p50 / small_p50 if inbox_p50 is not None and small_p50 else None
    phases = [phase for result in [*results, floor] for phase in (result.single, result.concurrent)]
    if small_inbox is not None:
        phases.append(small_inbox)
    figures = {
        "reports": reports,
        "office_submissions": big.submissions,
        "inbox_p50_ms": _round(inbox_p50),
        "pages_p50_ms_max": _round(max(p50s, default=None)),
        "pages_p95_ms_20": _round(max(p95s, default=None)),
        "rps_ratio_min": _round(rps_ratio, 3),
        "queries_max": max(queries, default=None),
        "errors": sum(phase.errors for phase in phases),
        "small_office_submissions": small.submissions if small is not None else None,
        "inbox_small_p50_ms": _round(small_p50),
        "inbox_growth": _round(growth, 2),
        "floor_rps": _round(floor_rps),
        "server": server,
        "workers": workers,
        "clients": clients,
        "seconds": seconds,
        "load_before": _round(load_before, 2),
        "cpus": os.cpu_count(),
    }
    assert tuple(figures) == REQUIRED_KEYS + EXTRA_KEYS
    return figures


@dataclass(frozen=True)
class Verdict:
    target: str
    met: bool | None  # None: could not be judged (e.g. no second office to compare the inbox with)
    detail: str


def verdicts(figures: dict[str, Any]) -> list[Verdict]:
    def judged(value: Any, ok: bool) -> bool | None:
        return None if value is None else ok

    p50, queries, growth = figures["pages_p50_ms_max"], figures["queries_max"], figures["inbox_growth"]
    ratio, errors = figures["rps_ratio_min"], figures["errors"]
    return [
        Verdict(f"每个页面 1 个客户端时 p50 ≤ {P50_TARGET_MS:g} ms", judged(p50, p50 is not None and p50 <= P50_TARGET_MS),
                f"最慢 {_ms(p50)} ms"),
        Verdict(f"每个页面查询数 ≤ {QUERIES_TARGET}", judged(queries, queries is not None and queries <= QUERIES_TARGET),
                f"最多 {queries if queries is not None else '—'} 次"),
        Verdict(f"收件箱不随积压变慢：{figures['office_submissions']} 条的单位比 "
                f"{figures['small_office_submissions'] or '—'} 条的单位慢不超过 "
                f"{round((INBOX_GROWTH_TARGET - 1) * 100)} %",
                judged(growth, growth is not None and growth <= INBOX_GROWTH_TARGET),
                f"{_ms(figures['inbox_p50_ms'])} ms / {_ms(figures['inbox_small_p50_ms'])} ms = "
                f"{'—' if growth is None else f'{growth:.2f}'}"),
        Verdict(f"{figures['clients']} 个客户端时最慢页面的吞吐量 ≥ 登录页的 {RPS_RATIO_TARGET:.0%}",
                judged(ratio, ratio is not None and ratio >= RPS_RATIO_TARGET),
                f"比值 {'—' if ratio is None else f'{ratio:.3f}'}（登录页 {_ms(figures['floor_rps'])} 次/秒）"),
        Verdict("0 个错误", errors == 0, f"{errors} 个"),
    ]


def print_report(console: Console, *, figures: dict[str, Any], results: Sequence[PageResult], floor: PageResult,
                 small_inbox: LoadResult | None, big: OfficeLoad, small: OfficeLoad | None, clients: int) -> None:
    console.say("")
    console.say(f"报告 {figures['reports']} 条；{figures['server']} 服务进程 {figures['workers']} 个；"
                f"每阶段 {figures['seconds']:g} 秒；并发客户端 {clients} 个（各自登录）。")
    console.say(f"最忙的单位：{big.name}（{big.code}），{big.submissions} 条报送，编辑 {big.editor_username}")
    if small is not None:
        console.say(f"对照单位：{small.name}（{small.code}），{small.submissions} 条报送，编辑 {small.editor_username}")
    load, cpus = figures["load_before"], figures["cpus"]
    if load is not None:
        line = f"启动服务器前本机负载（1 分钟平均）{load:.2f}，CPU {cpus} 个。"
        if cpus and load >= cpus * 0.75:
            console.warn(line + "负载偏高（含本进程刚才生成数据、计数查询的工作），下面的数字可能偏慢、波动较大。")
        else:
            console.say(line)
    headers = ["页面", "路径", "p50", "p95", "p99", f"p50@{clients}", f"p95@{clients}", f"次/秒@{clients}",
               "查询", "错误"]
    rows = []
    for result in [*results, floor]:
        rows.append([
            result.page.label, result.page.path, _ms(result.single.p(50)), _ms(result.single.p(95)),
            _ms(result.single.p(99)), _ms(result.concurrent.p(50)), _ms(result.concurrent.p(95)),
            f"{result.concurrent.rps:.1f}", "—" if result.queries is None else str(result.queries),
            str(result.single.errors + result.concurrent.errors),
        ])
    if small_inbox is not None and small is not None:
        rows.append([f"收件箱（{small.submissions} 条的单位）", "/reports/inbox/", _ms(small_inbox.p(50)),
                     _ms(small_inbox.p(95)), _ms(small_inbox.p(99)), "", "", "", "", str(small_inbox.errors)])
    console.say("时间单位 ms；p50/p95/p99 为 1 个客户端，@N 为 N 个并发客户端；查询数在进程内以同一编辑身份计数。")
    console.say(format_table(headers, rows, right=[False, False] + [True] * 8))
    console.say("")
    console.say("目标：")
    for verdict in verdicts(figures):
        mark = {True: "达到", False: "未达到", None: "无法判断"}[verdict.met]
        line = f"  [{mark}] {verdict.target} — {verdict.detail}"
        {True: console.good, False: console.warn, None: console.say}[verdict.met](line)


# ---------------------------------------------------------------- the run


@contextmanager
def serving(kind: str, *, port: int, workers: int) -> Iterator[Server]:
    """The production server of the pages: gunicorn's sync workers (README, Deploying), or uvicorn
    as `govbrief serve` runs it, for comparison."""
    if kind == "gunicorn":
        with gunicorn(port=port, workers=workers) as server:
            yield server
        return
    with asgi_deployment(port=port, web_processes=workers, task_workers=0) as deployment:
        yield deployment.web


def run(*, options: dict[str, Any], console: Console) -> dict[str, Any]:
    seconds, clients = options["seconds"], options["clients"]
    workers = options["workers"] or default_workers()
    if seconds <= 0 or clients < 1 or workers < 1 or options["reports"] < 1:
        raise CommandError("--seconds 须大于 0，--clients、--workers 和 --reports 须至少为 1。")
    port = options["port"] or free_port()

    data = prepare_data(reports=options["reports"], console=console)
    big, small = choose_offices(data.offices)
    if big.submissions < BIG_OFFICE_MIN:
        console.warn(f"注意：最忙的单位只有 {big.submissions} 条报送，不到 {BIG_OFFICE_MIN} 条；"
                     f"结果说明不了大单位的情况（可加大 --reports）。")
    if small is None:
        console.warn("注意：只有一个收件单位，无法比较收件箱随积压的变化。")
    submission, why = sample_submission(big.unit_id)
    pages = pages_for(submission)
    inbox = next(page for page in pages if page.key == "inbox")
    console.say(f"测量单位：{big.name}，{big.submissions} 条报送；报送详情用 #{submission.pk}（{why}）。")

    console.say("在进程内计数每个页面的查询 …")
    queries = count_queries(username=big.editor_username, pages=pages)

    # The machine's other work slows every figure; its 1-minute load average before the server starts
    # is printed with the results (it includes this process's own preparation in that minute).
    load_before = os.getloadavg()[0]
    console.say(f"启动 {options['server']}（{workers} 个服务进程，127.0.0.1:{port}）…")
    with serving(options["server"], port=port, workers=workers) as server:
        console.say(f"以 {big.editor_username} 登录 {clients} 次（每个并发客户端一个会话）"
                    + (f"，以 {small.editor_username} 登录 1 次" if small else "") + " …")
        sessions = [login(port, username=big.editor_username, password=data.password) for _ in range(clients)]
        small_session = login(port, username=small.editor_username, password=data.password) if small else None
        try:
            for page in pages:
                check_page(port, page, sessions[0])
            check_page(port, FLOOR, None)
            if small_session is not None:
                check_page(port, inbox, small_session)

            results: list[PageResult] = []
            floor_result: PageResult | None = None
            for page in [*pages, FLOOR]:
                console.say(f"{page.label} {page.path}")
                chosen = [{}] * clients if page.anonymous else [session.headers() for session in sessions]
                single = measure(port=port, path=page.path, headers=chosen[:1], seconds=seconds)
                console.say("  " + _phase_line(single))
                concurrent = measure(port=port, path=page.path, headers=chosen, seconds=seconds)
                console.say("  " + _phase_line(concurrent))
                result = PageResult(page, single, concurrent, None if page.anonymous else queries[page.key])
                if page.anonymous:
                    floor_result = result
                else:
                    results.append(result)
            assert floor_result is not None
            small_inbox = None
            if small_session is not None and small is not None:
                console.say(f"收件箱（{small.name}，{small.submissions} 条报送）{inbox.path}")
                small_inbox = measure(port=port, path=inbox.path, headers=[small_session.headers()], seconds=seconds)
                console.say("  " + _phase_line(small_inbox))
            phases = [phase for result in [*results, floor_result] for phase in (result.single, result.concurrent)]
            if any(phase.errors for phase in [*phases, *([small_inbox] if small_inbox else [])]):
                console.warn("服务器日志（最后几行）：\n" + server.log_tail())
        finally:
            for session in [*sessions, *([small_session] if small_session else [])]:
                logout(port, session)

    figures = summarize(reports=data.reports, big=big, small=small, results=results, floor=floor_result,
                        small_inbox=small_inbox, workers=workers, clients=clients, seconds=seconds,
                        load_before=load_before, server=options["server"])
    print_report(console, figures=figures, results=results, floor=floor_result, small_inbox=small_inbox,
                 big=big, small=small, clients=clients)
    return figures
