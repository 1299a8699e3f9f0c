"""What every benchmark shares: the database check, the production server as a subprocess, logging
in like a browser, the load driver, percentiles, the table and the closing JSON line.

Measurements are taken over HTTP against gunicorn, the server the README documents for production,
so they include what a person waits for (middleware, sessions, templates), not only the queries.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.core.management.base import CommandError, OutputWrapper
from django.core.management.color import Style
from django.db import connection

# A fixed key so every worker signs sessions alike and a run does not depend on the data folder's key.
BENCH_SECRET_KEY = "govbrief-bench-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 60.0  # seconds; a slower answer counts as an error rather than stalling the run
SERVER_START_TIMEOUT = 90.0
SERVER_STOP_TIMEOUT = 20.0


# ---------------------------------------------------------------- console


@dataclass
class Console:
    """Where a benchmark writes: every line is flushed at once, so a long run shows its progress
    even when the output goes through a pipe (``| tee``)."""

    stdout: OutputWrapper
    style: Style

    def say(self, text: str = "") -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def good(self, text: str) -> None:
        self.say(self.style.SUCCESS(text))

    def warn(self, text: str) -> None:
        self.say(self.style.WARNING(text))


def json_line(figures: Mapping[str, Any]) -> str:
    """The machine-readable result: one line, keys in the benchmark's order, Chinese kept readable."""
    return json.dumps(dict(figures), ensure_ascii=False, separators=(", ", ": "), allow_nan=False)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[bool] = ()) -> str:
    """A plain-text table that lines up with Chinese text (two columns per CJK character)."""
    widths = [max(_width(str(cell)) for cell in column) for column in zip(headers, *rows)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def render(cells: Sequence[str]) -> str:
        out = []
        for index, (cell, width) in enumerate(zip(cells, widths)):
            pad = " " * (width - _width(str(cell)))
            out.append(pad + str(cell) if index < len(right) and right[index] else str(cell) + pad)
        return "| " + " | ".join(out) + " |"

    return "\n".join([line, render(headers), line, *(render(r) for r in rows), line])


# ---------------------------------------------------------------- the database


def database_vendor() -> str:
    return connection.vendor


def require_postgresql(*, allow_sqlite: bool) -> None:
    """Benchmarks measure the production setup. SQLite serialises writers and every gunicorn
    worker's session save waits for the others, so its figures would describe a different system."""
    vendor = database_vendor()
    if vendor == "postgresql":
        return
    if vendor == "sqlite" and allow_sqlite:
        return
    if vendor == "sqlite":
        raise CommandError(
            "基准测试需要 PostgreSQL：请用 DATABASE_URL 指定数据库，例如 "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/govbrief_bench。当前是 SQLite，其结果不代表生产环境；"
            "确需在 SQLite 上运行时加 --allow-sqlite。"
            " / Benchmarks need PostgreSQL (set DATABASE_URL); this is SQLite. Pass --allow-sqlite to run anyway."
        )
    raise CommandError(f"基准测试只支持 PostgreSQL，当前数据库类型为 {vendor}。 / Benchmarks support PostgreSQL only.")


# ---------------------------------------------------------------- percentiles


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation between the closest ranks (numpy's and
    ``statistics.quantiles(method="inclusive")``'s definition): p50 of 1..100 is 50.5, p0 the
    minimum, p100 the maximum."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be within 0 and 100, not {p}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# ---------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def cookies(self) -> dict[str, str]:
        jar: dict[str, str] = {}
        for header in self.headers.get_all("Set-Cookie") or []:
            parsed = SimpleCookie()
            parsed.load(header)
            for name, morsel in parsed.items():
                jar[name] = morsel.value
        return jar


def request(port: int, path: str, *, method: str = "GET", headers: Mapping[str, str] | None = None,
            body: bytes | None = None, timeout: float = REQUEST_TIMEOUT) -> Answer:
    """One request on a new connection, as a browser behind gunicorn's sync workers gets it (they
    close the connection after each answer; there is no keep-alive to reuse)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        conn.close()


def cookie_header(jar: Mapping[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


@dataclass
class Session:
    """A logged-in browser: its cookies (csrftoken, sessionid and the site's own markers)."""

    username: str
    cookies: dict[str, str] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        return {"Cookie": cookie_header(self.cookies)}

    def remember(self, answer: Answer) -> None:
        self.cookies.update(answer.cookies())


CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


def login(port: int, *, username: str, password: str, login_path: str = "/accounts/login/") -> Session:
    """Log in like a browser: GET the form (csrftoken cookie and the form's token), POST the
    credentials, keep the cookies. Success is the redirect away from the form with a session cookie;
    the form shown again means the credentials (or the account) were refused."""
    session = Session(username)
    form = request(port, login_path)
    if form.status != 200:
        raise CommandError(f"登录页 {login_path} 返回 HTTP {form.status}，无法登录。")
    session.remember(form)
    token = CSRF_FIELD.search(form.body)
    if token is None or "csrftoken" not in session.cookies:
        raise CommandError("登录页没有 CSRF 令牌（csrfmiddlewaretoken 或 csrftoken cookie），无法登录。")
    body = urlencode({"username": username, "password": password,
                      "csrfmiddlewaretoken": token.group(1).decode()}).encode()
    answer = request(port, login_path, method="POST", body=body, headers={
        **session.headers(), "Content-Type": "application/x-www-form-urlencoded",
    })
    session.remember(answer)
    if answer.status != 302 or "sessionid" not in session.cookies:
        raise CommandError(f"以 {username} 登录失败（HTTP {answer.status}）：用户名、密码或账号状态不对。")
    # Follow the redirect as a browser does: the first page sets the site's own cookies, and an
    # account that must change its password first is sent elsewhere instead of answering 200.
    target = urlsplit(answer.location or "/")
    landing = (target.path or "/") + (f"?{target.query}" if target.query else "")
    first = request(port, landing, headers=session.headers())
    session.remember(first)
    if first.status != 200:
        where = f"，转向 {first.location}" if first.location else ""
        raise CommandError(f"{username} 登录后打开 {landing} 得到 HTTP {first.status}{where}，不是 200"
                           f"（例如账号须先修改初始密码）。")
    return session


def logout(port: int, session: Session) -> None:
    """End the session on the server, so a run leaves no live sessions behind (best effort)."""
    headers = {**session.headers(), "X-CSRFToken": session.cookies.get("csrftoken", "")}
    try:
        request(port, "/accounts/logout/", method="POST", headers=headers, body=b"")
    except OSError:
        pass


# ---------------------------------------------------------------- the load driver


@dataclass
class LoadResult:
    """One measurement phase: the latency of every successful request, and what failed.

    Failed requests (any status but 200, redirects included, or an exception) are counted but their
    latency is left out: a fast error page must not make a slow page look fast."""

    clients: int
    seconds: float  # from the start signal until the last client finished
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> int:
        return len(self.latencies_ms)

    @property
    def requests(self) -> int:
        return self.ok + self.errors

    @property
    def rps(self) -> float:
        """Successful requests per second."""
        return self.ok / self.seconds if self.seconds > 0 else 0.0

    def p(self, q: float) -> float | None:
        return percentile(self.latencies_ms, q) if self.latencies_ms else None


def _error_kind(answer: Answer | None, exc: BaseException | None) -> str:
    if exc is not None:
        return type(exc).__name__
    assert answer is not None
    if 300 <= answer.status < 400:
        return f"HTTP {answer.status} → {answer.location or '?'}"
    return f"HTTP {answer.status}"


def drive(*, port: int, path: str, headers: Sequence[Mapping[str, str]], seconds: float,
          timeout: float = REQUEST_TIMEOUT) -> LoadResult:
    """Send GET ``path`` from ``len(headers)`` concurrent clients (threads), each with its own headers
    (its own session), back to back for ``seconds``. A request under way at the deadline is awaited
    and counted. Threads start together at a barrier so the first requests do not trickle in."""
    clients = len(headers)
    if clients < 1:
        raise ValueError("at least one client")
    latencies: list[list[float]] = [[] for _ in range(clients)]
    kinds: list[Counter[str]] = [Counter() for _ in range(clients)]
    finished = [0.0] * clients
    clock: dict[str, float] = {}
    stop = threading.Event()

    def start() -> None:  # run by one thread when all are at the barrier
        clock["start"] = time.perf_counter()
        clock["deadline"] = clock["start"] + seconds

    barrier = threading.Barrier(clients, action=start)

    def client(index: int) -> None:
        mine, errors = latencies[index], kinds[index]
        barrier.wait()
        deadline = clock["deadline"]
        while not stop.is_set() and time.perf_counter() < deadline:
            began = time.perf_counter()
            answer, exc = None, None
            try:
                answer = request(port, path, headers=headers[index], timeout=timeout)
            except Exception as error:  # any failure is the request's error, never the end of the run
                exc = error
            spent = (time.perf_counter() - began) * 1000
            if answer is not None and answer.status == 200:
                mine.append(spent)
            else:
                errors[_error_kind(answer, exc)] += 1
        finished[index] = time.perf_counter()

    threads = [threading.Thread(target=client, args=(i,), daemon=True, name=f"bench-client-{i}")
               for i in range(clients)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    finally:
        stop.set()  # on Ctrl-C the clients stop after their current request
    result = LoadResult(clients=clients, seconds=max(finished) - clock["start"])
    for mine, errors in zip(latencies, kinds):
        result.latencies_ms.extend(mine)
        result.error_kinds.update(errors)
    result.errors = sum(result.error_kinds.values())
    return result


# ---------------------------------------------------------------- the production server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def require_free_port(port: int) -> None:
    """Refuse a busy port: the benchmark would otherwise measure whatever already listens there."""
    with socket.socket() as sock:
        # As gunicorn binds: connections of an earlier run waiting in TIME_WAIT do not make it busy.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            raise CommandError(f"端口 {port} 已被占用，请换一个 --port（或不指定，自动选择空闲端口）。") from None


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1)


def server_environment(*, log_level: str = "WARNING") -> dict[str, str]:
    """The deployment's environment (README, "Deploying"): the same DATABASE_URL and REDIS_URL as this
    process (with REDIS_URL the cache and sessions are in Redis), a fixed secret key, production
    settings (no DEBUG), plain HTTP on the loopback interface."""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "govbrief.settings"),
        "GOVBRIEF_SECRET_KEY": BENCH_SECRET_KEY,
        "GOVBRIEF_ALLOWED_HOSTS": f"{HOST},localhost",
        "GOVBRIEF_LOG_LEVEL": log_level,
        "GOVBRIEF_DEBUG": "0",
        "GOVBRIEF_SECURE_COOKIES": "0",  # plain HTTP here; behind HTTPS in production
        "PYTHONUNBUFFERED": "1",
    })
    return env


@dataclass
class Server:
    port: int
    workers: int
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _wait_until_ready(server: Server, *, timeout: float, probe_path: str, name: str = "gunicorn") -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise CommandError(f"{name} 启动失败（退出码 {server.process.returncode}）：\n{server.log_tail()}")
        try:
            answer = request(server.port, probe_path, timeout=5)
            if answer.status == 200:
                return
            last = f"HTTP {answer.status}"
        except OSError as error:
            last = type(error).__name__
        time.sleep(0.2)
    raise CommandError(f"{name} 在 {timeout:.0f} 秒内没有应答 {probe_path}（{last}）：\n{server.log_tail()}")


def _stop(server: Server) -> None:
    """Graceful stop (SIGTERM lets the workers finish their request), then kill the whole process
    group, which is the server's own: it was started in a new session."""
    process = server.process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # workers left behind by a master that died
    except (ProcessLookupError, PermissionError):
        pass
    if process.poll() is None:
        process.wait()


@contextmanager
def _terminate_raises() -> Iterator[None]:
    """A SIGTERM to the benchmark becomes an exception in the main thread, so the ``finally`` that
    stops the server runs (Ctrl-C already is one: KeyboardInterrupt)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _running(commands: Sequence[tuple[str, list[str]]]) -> Iterator[list[tuple[subprocess.Popen, Path]]]:
    """Start each ``(name, argv)`` in a session of its own with the deployment's environment and its
    output in a log file, and stop them all when the block ends, however it ends (normally, an
    error, Ctrl-C or SIGTERM). The logs (tracebacks of 500s among them) are kept when the block did
    not finish."""
    env = server_environment()
    started: list[tuple[str, subprocess.Popen, Path]] = []
    logs = []
    with _terminate_raises():
        finished = False
        try:
            for name, argv in commands:
                log = tempfile.NamedTemporaryFile(prefix=f"govbrief-bench-{name}-", suffix=".log", delete=False)
                logs.append(log)
                process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL, start_new_session=True)
                started.append((name, process, Path(log.name)))
            yield [(process, path) for _, process, path in started]
            finished = True
        finally:
            for _, process, path in started:
                _stop(Server(port=0, workers=0, process=process, log_path=path))
            for log in logs:
                log.close()
            for name, _, path in started:
                if finished:
                    path.unlink(missing_ok=True)
                else:
                    sys.stderr.write(f"{name} 已停止，其日志保留在 {path}\n")


@contextmanager
def gunicorn(*, port: int, workers: int, probe_path: str = "/accounts/login/",
             timeout: float = SERVER_START_TIMEOUT) -> Iterator[Server]:
    """Run ``gunicorn govbrief.wsgi:application`` with sync workers on 127.0.0.1:``port`` until the
    block ends, however it ends."""
    require_free_port(port)
    command = [
        sys.executable, "-m", "gunicorn", "govbrief.wsgi:application",
        "--workers", str(workers), "--worker-class", "sync", "--bind", f"{HOST}:{port}",
        "--log-level", "warning", "--timeout", str(int(REQUEST_TIMEOUT)),
    ]
    with _running([("gunicorn", command)]) as [(process, log_path)]:
        server = Server(port=port, workers=workers, process=process, log_path=log_path)
        _wait_until_ready(server, timeout=timeout, probe_path=probe_path)
        yield server


@dataclass
class Deployment:
    """The ASGI server and the background workers, as the README deploys them."""

    web: Server
    workers: list[subprocess.Popen]

    @property
    def port(self) -> int:
        return self.web.port


@contextmanager
def asgi_deployment(*, port: int, web_processes: int, task_workers: int, in_process_worker: bool = False,
                    probe_path: str = "/accounts/login/", timeout: float = SERVER_START_TIMEOUT) -> Iterator[Deployment]:
    """Run ``govbrief serve`` (uvicorn, ``web_processes`` processes; ``--with-worker`` for the
    demo's single process) and ``task_workers`` ``govbrief worker`` processes until the block ends,
    however it ends."""
    require_free_port(port)
    govbrief = [sys.executable, "-m", "govbrief"]
    serve = [*govbrief, "serve", "--host", HOST, "--port", str(port), "--workers", str(web_processes)]
    if in_process_worker:
        serve.append("--with-worker")
    workers = [(f"worker{i + 1}", [*govbrief, "worker", "--worker-id", f"bench-{i + 1}"]) for i in range(task_workers)]
    with _running([("serve", serve), *workers]) as [(process, log_path), *others]:
        web = Server(port=port, workers=web_processes, process=process, log_path=log_path)
        _wait_until_ready(web, timeout=timeout, probe_path=probe_path, name="govbrief serve")
        for worker, path in others:
            if worker.poll() is not None:
                raise CommandError(f"govbrief worker 启动失败：\n{Server(0, 1, worker, path).log_tail()}")
        yield Deployment(web=web, workers=[worker for worker, _ in others])
