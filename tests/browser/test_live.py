"""Issue 15, end to end in headless Chromium against the real ASGI server (`govbrief serve`, uvicorn,
in a process of its own): two people have the office's pages open; one mentions the other in a
comment, and the other's page shows a toast and a new badge without a reload. Then the server is
restarted: the page reconnects by itself and the next notice arrives the same way, the first one
not shown again.

Run in both ways the README describes: the demo's single process (in-process worker and push), and
production's server + `govbrief worker` processes with Redis between them."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from ..factories import TEST_PASSWORD, submitted_report
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REDIS_URL = "redis://127.0.0.1:6379/15"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(tmp_path: Path) -> str:
    """The test database, as another process reaches it: PostgreSQL's by name (a transactional test
    commits), SQLite's in-memory one copied to a file."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        return (f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:"
                f"{settings['PORT'] or 5432}/{settings['NAME']}")
    path = tmp_path / "live.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")


class Servers:
    """`govbrief serve` (and, for production, `govbrief worker`) as subprocesses."""

    def __init__(self, env: dict, port: int, *, separate_worker: bool, log_dir: Path) -> None:
        self.env, self.port, self.separate_worker, self.log_dir = env, port, separate_worker, log_dir
        self.url = f"http://127.0.0.1:{port}"
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.starts = 0

    def _spawn(self, *args: str) -> subprocess.Popen:
        self.starts += 1
        log = open(self.log_dir / f"{args[0]}-{self.starts}.log", "wb")  # noqa: SIM115 - closed with the process
        return subprocess.Popen([sys.executable, "-m", "govbrief", *args], env=self.env, stdout=log,
                                stderr=subprocess.STDOUT)

    def start_web(self) -> None:
        args = ["serve", "--port", str(self.port)]
        if not self.separate_worker:
            args.append("--with-worker")
        self.web = self._spawn(*args)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/accounts/login/", timeout=2).read()
                return
            except OSError:
                if self.web.poll() is not None:
                    break
                time.sleep(0.2)
        raise AssertionError("the server did not start: " + self.logs())

    def start(self) -> Servers:
        if self.separate_worker:
            self.worker = self._spawn("worker", "--interval", "1")
        self.start_web()
        return self

    def stop_web(self) -> None:
        self.web.terminate()
        self.web.wait(20)

    def stop(self) -> None:
        for process in (self.web, self.worker):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.log_dir.glob("*.log")))


def _live_state(page, state: str) -> None:
    page.wait_for_function(f"document.querySelector('.layout').dataset.liveState === '{state}'", timeout=20_000)


@pytest.mark.parametrize("topology", ["demo", "production"])
def test_a_notice_appears_in_the_other_person_s_open_page_and_survives_a_server_restart(
        browser, world, tmp_path, shot, topology):
    if topology == "production":
        _redis_or_skip()
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city],
                                 title="乙县推进冬季供暖保障")
    # The server runs with the production password hashers, not the tests' fast one.
    for person in (world.city_editor, world.city_chief):
        person.password = PBKDF2PasswordHasher().encode(TEST_PASSWORD, "livetestsalt", iterations=1000)
        person.save(update_fields=["password"])
    env = {**os.environ, "DATABASE_URL": _database_url(tmp_path), "GOVBRIEF_DATA_DIR": str(tmp_path / "data"),
           "PYTHONUNBUFFERED": "1"}
    env.pop("REDIS_URL", None)
    env.pop("GOVBRIEF_LIVE_REDIS_URL", None)
    if topology == "production":
        env["REDIS_URL"] = REDIS_URL
    (tmp_path / "logs").mkdir()
    servers = Servers(env, _free_port(), separate_worker=topology == "production", log_dir=tmp_path / "logs")
    contexts = []
    try:
        servers.start()

        def person(username):
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN",
                                          base_url=servers.url)
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(20_000)
            log_in(page, username)
            return page

        chief = person("city_chief")  # has the desk open
        _live_state(chief, "open")
        dot = chief.locator(".bell .dot")
        before = int(dot.inner_text()) if dot.count() else 0  # the report's arrival was a notice too
        chief.evaluate("window.notReloaded = true")
        editor = person("city_editor")

        def mention(text):
            editor.goto(sub.get_absolute_url())
            editor.select_option("select[name=audience]", "internal")
            editor.fill("textarea[name=body]", f"@city_chief {text}")
            editor.locator("textarea[name=body]").locator("xpath=ancestor::form").locator("button[type=submit]").click()
            editor.wait_for_load_state()

        mention("请看一下这条供暖信息")
        chief.wait_for_selector(".toast:has-text('请看一下这条供暖信息')")
        chief.wait_for_function(f"document.querySelector('.bell .dot') && document.querySelector('.bell .dot').textContent === '{before + 1}'")
        assert chief.locator(".nav a[href='/notifications/'] .count").inner_text() == str(before + 1)
        assert chief.evaluate("window.notReloaded") is True
        shot(chief, f"live-01-toast-{topology}")

        # The server restarts: the page notices, reconnects by itself, and goes on receiving.
        servers.stop_web()
        _live_state(chief, "reconnecting")
        servers.start_web()
        _live_state(chief, "open")
        mention("补充：请今天内处理")
        chief.wait_for_selector(".toast:has-text('补充：请今天内处理')")
        chief.wait_for_function(f"document.querySelector('.bell .dot').textContent === '{before + 2}'")
        assert chief.locator(".toast:has-text('请看一下这条供暖信息')").count() <= 1  # never shown twice
        assert chief.evaluate("window.notReloaded") is True
        toast_link = chief.locator(".toast:has-text('补充：请今天内处理') a.toast-text")
        assert toast_link.get_attribute("href").startswith("/notifications/")
        shot(chief, f"live-02-after-restart-{topology}")
    except Exception:
        print(servers.logs())
        raise
    finally:
        for context in contexts:
            context.close()
        servers.stop()
