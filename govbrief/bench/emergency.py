"""``govbrief bench emergency``: how soon a signed emergency report, submitted through the API, shows
on every duty board of the office that is open (issue 17).

The deployment is ``govbrief bench push``'s, the README's: gunicorn serves the pages and the API,
``govbrief serve`` (uvicorn) the live streams, ``govbrief worker`` the background tasks, Redis carries
the pushes between them (``REDIS_URL``); without Redis, the demo's single process. A city office
with ``--units`` counties below it (200) has ``--listeners`` duty officers (20), each with the duty
board (值班台) open: its live stream (``/notifications/live/``) is read in a thread and, as the
page's script does, a ``refresh`` push about the incident shows the board it carries (the office's
desk all see one board, rendered once per change: emergencies.live), or, when a push carries none,
makes the page fetch the board again (``/emergencies/?fragment=board&state=open``) with the
officer's session.

Each event: a county's informant opens an incident and drafts its initial report, which the
county's signer signs (the services, in this process, before the clock starts). The informant then
submits it to the office through the API, as an office-automation system would, and the time from
sending that request until a listener has received a board fragment showing the county's clock
stopped on time is one sample: the request, the submission's background task (the clock stopped,
its event, the board rendered) run by a worker, the push through Redis and the stream, and, where
the push carried no board, the board's own request to gunicorn. A board that never shows it within ``EVENT_TIMEOUT`` counts as lost. ``--events`` reports
make a run; the figures are the medians of ``--runs`` runs' percentiles, after ``WARMUP_EVENTS``
reports that are not counted. The page's script waits 50 ms after a push before it fetches (it
gathers the pushes of one change into one request); the listeners here fetch at once.

The board keeps ``OPEN_ON_BOARD`` open incidents, the newest: older ones of the benchmark's counties
are marked closed before each event, so the board does not grow with the runs.
"""

from __future__ import annotations

import http.client
import json
import queue
import re
import statistics
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from govbrief.demo.generator import GENERATED_PASSWORD
from govbrief.orgs.choices import Role, UnitKind, UnitLevel
from govbrief.orgs.models import RoleAssignment, Unit, User

from .harness import (
    HOST,
    Console,
    asgi_deployment,
    format_table,
    free_port,
    gunicorn,
    login,
    logout,
    percentile,
    request,
)

DEFAULT_LISTENERS = 20
DEFAULT_UNITS = 200
DEFAULT_EVENTS = 20
DEFAULT_RUNS = 3
# Reports sent first and not counted: each server process's first requests load code and prepare
# queries, which a person never waits for twice.
WARMUP_EVENTS = 8
EVENT_TIMEOUT = 10.0  # seconds for the report to show on every board before the rest count as lost
PAUSE = 0.25  # seconds between events, so each finds the workers idle, as a real office's would
OPEN_ON_BOARD = 5  # open incidents on the office's board while a report is timed (the newest)

# The target of issue 17 on a 2-core machine.
VISIBLE_P95_TARGET_MS = 500.0

OFFICE_CODE = "bench-emergency-office"
BOARD_PATH = "/emergencies/?fragment=board&state=open"  # what the board page's live region fetches


def county_code(number: int) -> str:
    return f"bench-emergency-county-{number:03d}"


def duty_username(number: int) -> str:
    return f"bench-em-duty-{number:02d}"


def informant_username(number: int) -> str:
    return f"bench-em-{number:03d}-xxy"


def signer_username(number: int) -> str:
    return f"bench-em-{number:03d}-qf"


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--listeners", type=int, default=DEFAULT_LISTENERS,
                        help=f"同时打开值班台（实时通知连接）的人数，均为同一办公室的值班员。默认 {DEFAULT_LISTENERS}。")
    parser.add_argument("--units", type=int, default=DEFAULT_UNITS,
                        help=f"向该办公室报送的县级单位数，各有信息员和签发人。默认 {DEFAULT_UNITS}。")
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS,
                        help=f"每轮经 API 报送的突发事件报告数。默认 {DEFAULT_EVENTS}。")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"轮数，结果取各轮的中位数。默认 {DEFAULT_RUNS}。")
    parser.add_argument("--web-processes", type=int, default=2,
                        help="提供实时通知连接的 uvicorn 进程数（需 REDIS_URL）。默认 2。")
    parser.add_argument("--page-workers", type=int, default=4,
                        help="提供页面和接口的 gunicorn 同步工作进程数（需 REDIS_URL）。默认 4。")
    parser.add_argument("--task-workers", type=int, default=2, help="govbrief worker 进程数（需 REDIS_URL）。默认 2。")
    parser.add_argument("--port", type=int, default=0, help="服务监听的端口。默认自动选择空闲端口。")


# ---------------------------------------------------------------- the data


@dataclass(frozen=True)
class County:
    unit_id: int
    informant_id: int
    signer_id: int
    token: str  # the informant's API token


@dataclass(frozen=True)
class EmergencyData:
    office_id: int
    listeners: list[str]  # the duty officers' usernames
    counties: list[County]


def prepare_data(*, listeners: int, units: int, console: Console) -> EmergencyData:
    """A city office with ``listeners`` duty officers and ``units`` counties below it, each with an
    informant (who has an API token) and a signer; made once and reused (more are added when more
    are asked for). The password is hashed once and shared, as the generator does."""
    from rest_framework.authtoken.models import Token

    from govbrief.orgs.selectors import forget_units

    console.say("准备数据库 (migrate) …")
    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        office, _ = Unit.objects.get_or_create(code=OFFICE_CODE, defaults={
            "name": "基准测试突发事件市政府办公室", "kind": UnitKind.OFFICE, "level": UnitLevel.CITY})
        codes = [county_code(i) for i in range(1, units + 1)]
        existing = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))
        missing_units = [Unit(code=code, name=f"基准测试{i:03d}县政府办公室", kind=UnitKind.OFFICE,
                              level=UnitLevel.COUNTY, parent=office, sort_order=i)
                         for i, code in enumerate(codes, 1) if code not in existing]
        if missing_units:
            Unit.objects.bulk_create(missing_units)
            existing.update({u.code: u.pk for u in missing_units})
            forget_units()  # bulk_create sends no signal: the processes' unit maps reload

        # (username, name, unit id, roles)
        wanted = [(duty_username(i), f"值班员{i:02d}", office.pk, [Role.DUTY_OFFICER]) for i in range(1, listeners + 1)]
        for i, code in enumerate(codes, 1):
            wanted.append((informant_username(i), f"{i:03d}县信息员", existing[code], [Role.INFORMANT]))
            wanted.append((signer_username(i), f"{i:03d}县签发人", existing[code], [Role.SIGNER]))
        people = dict(User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", "pk"))
        missing_people = [w for w in wanted if w[0] not in people]
        if missing_people:
            encoded = make_password(GENERATED_PASSWORD)
            new = [User(username=username, name=name, unit_id=unit_id, password=encoded)
                   for username, name, unit_id, _roles in missing_people]
            User.objects.bulk_create(new)
            RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=role)
                                                for user, (*_, roles) in zip(new, missing_people) for role in roles])
            people.update({u.username: u.pk for u in new})

        informants = [people[informant_username(i)] for i in range(1, units + 1)]
        tokens = dict(Token.objects.filter(user_id__in=informants).values_list("user_id", "key"))
        new_tokens = [Token(user_id=pk, key=Token.generate_key()) for pk in informants if pk not in tokens]
        Token.objects.bulk_create(new_tokens)
        tokens.update({t.user_id: t.key for t in new_tokens})

    counties = [County(unit_id=existing[county_code(i)], informant_id=people[informant_username(i)],
                       signer_id=people[signer_username(i)], token=tokens[people[informant_username(i)]])
                for i in range(1, units + 1)]
    made = f"（本次新建 {len(missing_units)} 个单位、{len(missing_people)} 人）" if missing_units or missing_people else "（复用）"
    console.say(f"办公室 {office.name}：{listeners} 名值班员；下属 {units} 个县级单位，各有信息员和签发人{made}。")
    return EmergencyData(office_id=office.pk, listeners=[duty_username(i) for i in range(1, listeners + 1)],
                         counties=counties)


@dataclass(frozen=True)
class Prepared:
    incident_id: int
    report_id: int
    unit_id: int
    token: str


def prepare_report(county: County, *, label: str) -> Prepared:
    """A county's incident and its initial report, signed: what the informant then submits. Written
    with the services, as the pages would; their background tasks are left to the workers."""
    from govbrief.emergencies import services
    from govbrief.reports.services import report_sign_off

    informant = User.objects.select_related("unit").get(pk=county.informant_id)
    signer = User.objects.select_related("unit").get(pk=county.signer_id)
    now = timezone.now()
    occurred, learned = now - timedelta(minutes=10), now - timedelta(minutes=5)
    place = f"{informant.unit.name}工业园区"
    incident = services.incident_open(
        user=informant, kind="accident", title=f"基准测试事故 {label}", place=place, occurred_at=occurred,
        learned_at=learned, description="园区内一企业发生火灾，已组织扑救。")
    report = services.emergency_report_create(
        author=informant, incident=incident, title=f"关于基准测试事故 {label} 的初报",
        body="今日上午，园区内一企业厂房发生火灾，消防救援力量已到场处置，1人轻伤送医。",
        elements={"occurred_at": occurred, "place": place, "source": "县应急管理局", "nature": "生产安全事故（火灾）",
                  "scope": "一处厂房受损，周边企业暂停生产", "trend": "火势已得到控制，无扩大趋势",
                  "measures": "疏散周边人员，消防救援到场扑救，伤者送医"},
        casualties={"deaths": 0, "injuries": 1}, contact_name=informant.name, contact_phone="0510-1234567")
    report_sign_off(report=report, signer=signer)
    return Prepared(incident_id=incident.pk, report_id=report.pk, unit_id=county.unit_id, token=county.token)


def close_older_incidents(data: EmergencyData, *, keep: int) -> int:
    """Close the open incidents of the benchmark's counties but the newest ``keep``: the board holds
    what an office has open at once, not every run's reports. A plain update, without the close
    service's timeline: their clocks have stopped, nothing waits on them."""
    from govbrief.emergencies.models import Incident

    mine = Incident.objects.filter(unit_id__in=[c.unit_id for c in data.counties], state="open")
    newest = list(mine.order_by("-occurred_at", "-id").values_list("pk", flat=True)[:max(keep, 0)])
    return mine.exclude(pk__in=newest).update(state="closed", closed_at=timezone.now())


# ---------------------------------------------------------------- the boards


def board_shows(html: str, *, incident_id: int, unit_id: int) -> bool:
    """Whether the board fragment shows the incident with the unit's clock stopped on time (the
    written report arrived): the row ``data-unit`` inside the incident's card."""
    start = html.find(f'data-incident="{incident_id}"')
    if start < 0:
        return False
    end = html.find('data-incident="', start + 1)
    card = html[start:end if end >= 0 else len(html)]
    return re.search(rf'data-unit="{unit_id}"\s+data-clock-state="on_time"', card) is not None


@dataclass
class Board:
    """One open duty board: its live stream read in one thread; each ``refresh`` about the incident
    being timed makes a second thread fetch the board fragment, as the page's script does. For each
    incident it keeps when the push arrived and when a fragment showing the report was received."""

    username: str
    cookies: str
    stream_port: int
    page_port: int
    expect: tuple[int, int] | None = None  # (incident, unit) being timed, set by the driver
    pushed: dict[int, float] = field(default_factory=dict)  # incident -> first refresh push read
    shown: dict[int, float] = field(default_factory=dict)  # incident -> fragment showing it received
    fetch_ms: list[float] = field(default_factory=list)  # each fragment request alone
    stale: int = 0  # fragments fetched on a push that did not show the report yet
    from_push: int = 0  # reports shown from the board that came with the push, without a fetch
    ready: threading.Event = field(default_factory=threading.Event)
    error: str = ""
    stop: bool = False
    connection: http.client.HTTPConnection | None = None
    refreshes: queue.Queue = field(default_factory=queue.Queue)

    def run(self) -> None:
        """Read the stream until it ends or the board is closed."""
        try:
            self.connection = http.client.HTTPConnection(HOST, self.stream_port, timeout=60)
            self.connection.request("GET", "/notifications/live/", headers={
                "Cookie": self.cookies, "Accept": "text/event-stream"})
            response = self.connection.getresponse()
            if response.status != 200:
                raise CommandError(f"{self.username} 的实时通知连接返回 HTTP {response.status}")
            event, data = "", ""
            while not self.stop:
                line = response.readline()
                if not line:
                    break
                arrived = time.perf_counter()
                text = line.decode("utf-8").rstrip("\n")
                if text.startswith("event: "):
                    event = text[7:]
                elif text.startswith("data: "):
                    data = text[6:]
                elif text == "":
                    if event == "ready":
                        self.ready.set()
                    elif event == "refresh":
                        payload = json.loads(data)
                        if payload.get("scope") == "emergencies" and isinstance(payload.get("incident"), int):
                            incident = payload["incident"]
                            self.pushed.setdefault(incident, arrived)
                            expect = self.expect
                            # The office's board travels with the push (emergencies.live): the page
                            # shows it as it arrives, as here; a push without it makes the page fetch.
                            if (payload.get("html") and expect is not None and incident == expect[0]
                                    and incident not in self.shown
                                    and board_shows(payload["html"], incident_id=expect[0], unit_id=expect[1])):
                                self.shown[incident] = arrived
                                self.from_push += 1
                            else:
                                self.refreshes.put(incident)
                    event, data = "", ""
        except Exception as error:  # noqa: BLE001 - reported with the results
            if not self.stop:
                self.error = f"{type(error).__name__}: {error}"
        finally:
            self.ready.set()
            self.refreshes.put(None)

    def fetch_loop(self) -> None:
        """Fetch the board on each push about the incident being timed, until it shows the report."""
        while True:
            incident = self.refreshes.get()
            if incident is None or self.stop:
                return
            expect = self.expect
            if expect is None or incident != expect[0] or incident in self.shown:
                continue
            sent = time.perf_counter()
            try:
                answer = request(self.page_port, BOARD_PATH, headers={"Cookie": self.cookies, "Accept": "text/html"})
            except OSError as error:
                self.error = self.error or f"{type(error).__name__}: {error}"
                continue
            received = time.perf_counter()
            self.fetch_ms.append((received - sent) * 1000)
            if answer.status != 200:
                self.error = self.error or f"值班台片段返回 HTTP {answer.status}"
            elif board_shows(answer.body.decode("utf-8", "replace"), incident_id=expect[0], unit_id=expect[1]):
                self.shown[incident] = received
            else:
                self.stale += 1

    def close(self) -> None:
        self.stop = True
        self.refreshes.put(None)
        if self.connection is not None and self.connection.sock is not None:
            try:
                self.connection.sock.shutdown(2)
            except OSError:
                pass
            self.connection.close()


# ---------------------------------------------------------------- measurements


def _idle(deadline: float = 30.0) -> None:
    """Wait until no task is due (the workers are idle), as ``bench push`` does."""
    from django_tasks_db.models import DBTaskResult

    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"], run_after__lte=timezone.now()).exists() \
                and not DBTaskResult.objects.filter(status="RUNNING").exists():
            return
        time.sleep(0.1)


@dataclass
class RunResult:
    samples: list[float]  # ms from the API request until a board showed the report
    lost: int
    api: list[float] = field(default_factory=list)  # the API request alone, ms
    pushed: list[float] = field(default_factory=list)  # ms until the refresh push was read

    def p(self, q: float) -> float | None:
        return percentile(self.samples, q) if self.samples else None


class Rotation:
    """Which county reports next: round the counties, across runs."""

    def __init__(self) -> None:
        self.count = 0

    def next(self, data: EmergencyData) -> County:
        county = data.counties[self.count % len(data.counties)]
        self.count += 1
        return county


def emergency_run(*, port: int, office_id: int, data: EmergencyData, boards: list[Board], events: int, run: int,
                  sequence: Rotation) -> RunResult:
    """``events`` signed reports submitted through the API, each timed until every board shows it."""
    samples: list[float] = []
    api: list[float] = []
    pushed: list[float] = []
    lost = 0
    body = json.dumps({"targets": [office_id]}).encode()
    for i in range(events):
        close_older_incidents(data, keep=OPEN_ON_BOARD - 1)
        prepared = prepare_report(sequence.next(data), label=f"{run}-{i + 1}")
        _idle()
        time.sleep(PAUSE)
        for board in boards:
            board.expect = (prepared.incident_id, prepared.unit_id)
        headers = {"Authorization": f"Token {prepared.token}", "Content-Type": "application/json"}
        started = time.perf_counter()
        answer = request(port, f"/api/reports/{prepared.report_id}/submit/", method="POST", headers=headers, body=body)
        api.append((time.perf_counter() - started) * 1000)
        if answer.status != 201:
            raise CommandError(f"经 API 报送突发事件报告失败：HTTP {answer.status} {answer.body[:300]!r}")
        deadline = time.monotonic() + EVENT_TIMEOUT
        while time.monotonic() < deadline and any(prepared.incident_id not in b.shown for b in boards):
            time.sleep(0.002)
        for board in boards:
            board.expect = None
            if prepared.incident_id in board.shown:
                samples.append((board.shown[prepared.incident_id] - started) * 1000)
            else:
                lost += 1
            if prepared.incident_id in board.pushed:
                pushed.append((board.pushed[prepared.incident_id] - started) * 1000)
    return RunResult(samples=samples, lost=lost, api=api, pushed=pushed)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f} ms"


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def run(*, options: dict[str, Any], console: Console) -> dict[str, Any]:
    count, units, events, runs = options["listeners"], options["units"], options["events"], options["runs"]
    if count < 1 or units < 1 or events < 1 or runs < 1:
        raise CommandError("--listeners、--units、--events 和 --runs 须至少为 1。")
    data = prepare_data(listeners=count, units=units, console=console)
    redis = bool(settings.GOVBRIEF_LIVE_REDIS_URL)
    web_processes = options["web_processes"] if redis else 1
    task_workers = options["task_workers"] if redis else 0
    page_workers = options["page_workers"] if redis else 0
    port = options["port"] or free_port()
    topology = (f"gunicorn {page_workers} 个同步进程（页面与接口）+ {web_processes} 个 uvicorn 进程（实时通知连接）"
                f" + {task_workers} 个 govbrief worker 进程，经 Redis 推送" if redis
                else "未设置 REDIS_URL：演示用的单进程（服务与后台任务线程在同一进程，进程内推送）")
    console.say(f"启动：{topology} …")
    sequence = Rotation()
    with ExitStack() as running:
        live = running.enter_context(asgi_deployment(port=port, web_processes=web_processes,
                                                     task_workers=task_workers, in_process_worker=not redis))
        page_port = live.port
        if redis:
            page_port = running.enter_context(gunicorn(port=free_port(), workers=page_workers)).port
        console.say(f"{count} 名值班员登录并打开值班台（实时通知连接）…")
        sessions = [login(page_port, username=name, password=GENERATED_PASSWORD) for name in data.listeners]
        boards = [Board(s.username, s.headers()["Cookie"], live.port, page_port) for s in sessions]
        threads = [threading.Thread(target=target, daemon=True, name=f"{kind}-{board.username}")
                   for board in boards for kind, target in (("stream", board.run), ("fetch", board.fetch_loop))]
        for thread in threads:
            thread.start()
        try:
            for board in boards:
                board.ready.wait(30)
            broken = [f"{b.username}: {b.error}" for b in boards if b.error or not b.ready.is_set()]
            if broken:
                raise CommandError("实时通知连接失败：" + "；".join(broken[:3]))
            console.say(f"预热：先报送 {WARMUP_EVENTS} 份报告，不计入结果 …")
            emergency_run(port=page_port, office_id=data.office_id, data=data, boards=boards, events=WARMUP_EVENTS,
                          run=0, sequence=sequence)
            fetches_before = [len(b.fetch_ms) for b in boards]
            stale_before = sum(b.stale for b in boards)
            pushed_before = sum(b.from_push for b in boards)
            results = []
            for r in range(1, runs + 1):
                console.say(f"第 {r}/{runs} 轮：{events} 个县级单位各经 API 报送一份已签发的突发事件报告，"
                            f"计时至 {count} 个值班台都显示 …")
                results.append(emergency_run(port=page_port, office_id=data.office_id, data=data, boards=boards,
                                             events=events, run=r, sequence=sequence))
            fetch_ms = [ms for b, n in zip(boards, fetches_before) for ms in b.fetch_ms[n:]]
            stale = sum(b.stale for b in boards) - stale_before
            from_push = sum(b.from_push for b in boards) - pushed_before
            errors = [f"{b.username}: {b.error}" for b in boards if b.error]
        finally:
            for board in boards:
                board.close()
            for session in sessions:
                logout(page_port, session)
            close_older_incidents(data, keep=0)

    rows = [[f"第 {i} 轮", str(len(res.samples)), _ms(res.p(50)), _ms(res.p(95)), _ms(max(res.samples, default=None)),
             _ms(percentile(res.api, 50)), _ms(percentile(res.pushed, 50) if res.pushed else None), str(res.lost)]
            for i, res in enumerate(results, 1)]
    console.say("")
    console.say(format_table(["", "样本", "p50", "p95", "最大", "其中 API 请求 p50", "推送到达 p50", "丢失"], rows,
                             right=[False, True, True, True, True, True, True, True]))
    p50s = [res.p(50) for res in results if res.samples]
    p95s = [res.p(95) for res in results if res.samples]
    visible_p50, visible_p95 = _median(p50s), _median(p95s)
    pushed_p50 = _median([percentile(res.pushed, 50) for res in results if res.pushed])
    api_p50 = _median([percentile(res.api, 50) for res in results])
    lost = sum(res.lost for res in results)
    console.say(f"报告显示在值班台上（各轮中位数）：p50 {_ms(visible_p50)}，p95 {_ms(visible_p95)}"
                f"（目标 p95 < {VISIBLE_P95_TARGET_MS:.0f} ms）")
    fetch_p50 = round(percentile(fetch_ms, 50), 1) if fetch_ms else None
    console.say(f"其中：API 请求 p50 {_ms(api_p50)}，刷新推送到达值班台 p50 {_ms(pushed_p50)}；"
                f"值班台取片段 {len(fetch_ms)} 次（每次请求 p50 {_ms(fetch_p50)}，"
                f"p95 {_ms(percentile(fetch_ms, 95) if fetch_ms else None)}），其中尚未显示报告的 {stale} 次；"
                f"随推送送达、无需再取的 {from_push} 次。")
    met = visible_p95 is not None and visible_p95 < VISIBLE_P95_TARGET_MS and not lost and not errors
    (console.good if met else console.warn)("达到目标。" if met else "未达到目标（见上）。")
    if errors:
        console.warn("连接错误：" + "；".join(errors[:3]))
    return {
        "listeners": count,
        "visible_p50_ms": visible_p50,
        "visible_p95_ms": visible_p95,
        "units": units,
        "api_request_p50_ms": api_p50,
        "refresh_push_p50_ms": pushed_p50,
        "board_fetch_p50_ms": fetch_p50,
        "visible_p50_runs_ms": [round(v, 1) for v in p50s],
        "visible_p95_runs_ms": [round(v, 1) for v in p95s],
        "runs": runs,
        "events_per_run": events,
        "lost": lost,
        "stale_fetches": stale,
        "shown_from_push": from_push,
        "connection_errors": len(errors),
        "broker": "redis" if redis else "in-process",
        "page_workers": page_workers if redis else "in-process",
        "web_processes": web_processes,
        "task_workers": task_workers if redis else "in-process",
        "target_p95_ms": VISIBLE_P95_TARGET_MS,
        "targets_met": met,
    }
