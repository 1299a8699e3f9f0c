"""Real server processes for the live-push tests: `govbrief serve` (and `govbrief worker`) started
as subprocesses on the test database, as the README deploys them."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from .factories import TEST_PASSWORD

REDIS_URL = "redis://127.0.0.1:6379/15"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(tmp_path: Path) -> str:
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


def redis_or_skip() -> None:
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
        log_dir.mkdir(exist_ok=True)
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

    @contextmanager
    def running(self) -> Iterator[Servers]:
        """Started for the block, stopped after it; their logs printed if it failed."""
        try:
            yield self.start()
        except BaseException:
            print(self.logs())
            raise
        finally:
            self.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.log_dir.glob("*.log")))


def server_password(*people) -> None:
    """The servers run with the production password hashers, not the tests' fast one."""
    for person in people:
        person.password = PBKDF2PasswordHasher().encode(TEST_PASSWORD, "livetestsalt", iterations=1000)
        person.save(update_fields=["password"])


def server_environment(tmp_path: Path, *, redis: bool) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url(tmp_path), "GOVBRIEF_DATA_DIR": str(tmp_path / "data"),
           "PYTHONUNBUFFERED": "1"}
    env.pop("REDIS_URL", None)
    env.pop("GOVBRIEF_LIVE_REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = REDIS_URL
    return env
