"""Issue 15: on the real ASGI server (`govbrief serve` in a process of its own), an open page costs the
server no thread: the streams are answered ahead of Django's handler, which would keep a thread per
request until its response ends (govbrief.asgi, notifications.stream)."""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest

from govbrief.bench.harness import login

from ..factories import TEST_PASSWORD
from ..live_servers import Servers, free_port, server_environment, server_password

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = 30


def threads_of(pid: int) -> int:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        pytest.skip("needs Linux's /proc to count a process's threads")
    return int(next(line.split()[1] for line in status.read_text().splitlines() if line.startswith("Threads:")))


def test_thirty_open_pages_hold_no_thread_of_the_server(world, tmp_path):
    server_password(world.city_editor)
    (tmp_path / "logs").mkdir()
    servers = Servers(server_environment(tmp_path, redis=False), free_port(), separate_worker=False,
                      log_dir=tmp_path / "logs")
    streams: list[http.client.HTTPConnection] = []
    with servers.running():
        try:
            session = login(servers.port, username="city_editor", password=TEST_PASSWORD)
            before = threads_of(servers.web.pid)
            for _ in range(PAGES):
                stream = http.client.HTTPConnection("127.0.0.1", servers.port, timeout=20)
                stream.request("GET", "/notifications/live/",
                               headers={**session.headers(), "Accept": "text/event-stream"})
                answer = stream.getresponse()
                assert answer.status == 200
                while answer.readline() != b"event: ready\n":  # the stream is open and has answered
                    pass
                streams.append(stream)
            # A few threads may come and go (the pool that ran the streams' queries), never one per page.
            assert threads_of(servers.web.pid) - before < PAGES // 3
        finally:
            for stream in streams:
                stream.close()
