"""The shared pieces of every benchmark: percentiles, the load driver, the JSON line, the server."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management.base import CommandError

from govbrief.bench import harness
from govbrief.bench.harness import drive, free_port, json_line, percentile, require_free_port


# ---------------------------------------------------------------- percentiles


def test_percentiles_interpolate_between_the_closest_ranks():
    values = list(range(1, 101))
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 99) == pytest.approx(99.01)


def test_percentiles_do_not_depend_on_the_order_of_the_samples():
    assert percentile([30.0, 10.0, 20.0, 40.0], 50) == pytest.approx(25.0)
    assert percentile([40.0, 30.0, 20.0, 10.0], 75) == pytest.approx(32.5)


def test_the_extreme_percentiles_are_the_minimum_and_the_maximum():
    values = [7.0, 3.0, 9.0, 5.0]
    assert percentile(values, 0) == 3.0
    assert percentile(values, 100) == 9.0


def test_one_sample_is_every_percentile():
    assert percentile([12.5], 50) == percentile([12.5], 99) == 12.5


def test_a_percentile_of_nothing_or_out_of_range_is_refused():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


# ---------------------------------------------------------------- the load driver


class CountingServer:
    """A tiny HTTP server in a thread: /ok answers 200, /broken 500, /moved a redirect to the login
    page. It counts what it answered and the cookies it was sent."""

    def __init__(self) -> None:
        self.answered: Counter[str] = Counter()
        self.cookies: Counter[str] = Counter()
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                with lock:
                    outer.answered[self.path] += 1
                    outer.cookies[self.headers.get("Cookie", "")] += 1
                if self.path == "/ok":
                    self.send_response(200)
                elif self.path == "/moved":
                    self.send_response(302)
                    self.send_header("Location", "/accounts/login/?next=/moved")
                else:
                    self.send_response(500)
                body = b"answer"
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def total(self) -> int:
        return sum(self.answered.values())


@pytest.fixture
def server() -> Iterator[CountingServer]:
    counting = CountingServer()
    counting.thread.start()
    yield counting
    counting.httpd.shutdown()
    counting.httpd.server_close()


def test_the_driver_counts_every_request_the_server_answered(server):
    result = drive(port=server.port, path="/ok", headers=[{}, {}, {}], seconds=0.3)
    assert result.clients == 3
    assert result.ok == server.answered["/ok"] == server.total() > 0
    assert result.errors == 0
    assert len(result.latencies_ms) == result.ok
    assert result.rps == pytest.approx(result.ok / result.seconds)
    assert result.seconds >= 0.3


def test_a_server_error_counts_as_an_error_and_not_as_a_latency(server):
    result = drive(port=server.port, path="/broken", headers=[{}, {}], seconds=0.2)
    assert result.ok == 0 and result.latencies_ms == []
    assert result.errors == server.answered["/broken"] > 0
    assert result.error_kinds == Counter({"HTTP 500": result.errors})
    assert result.rps == 0
    assert result.p(50) is None


def test_a_redirect_counts_as_an_error_and_says_where_it_went(server):
    result = drive(port=server.port, path="/moved", headers=[{}], seconds=0.2)
    assert result.ok == 0
    assert result.errors == server.answered["/moved"] > 0
    assert list(result.error_kinds) == ["HTTP 302 → /accounts/login/?next=/moved"]


def test_each_client_sends_its_own_session(server):
    drive(port=server.port, path="/ok", headers=[{"Cookie": "sessionid=a"}, {"Cookie": "sessionid=b"}], seconds=0.2)
    assert set(server.cookies) == {"sessionid=a", "sessionid=b"}


def test_a_refused_connection_counts_as_an_error():
    port = free_port()  # nothing listens there
    result = drive(port=port, path="/", headers=[{}], seconds=0.1)
    assert result.ok == 0 and result.errors > 0
    assert set(result.error_kinds) == {"ConnectionRefusedError"}


# ---------------------------------------------------------------- output


def test_the_json_line_is_one_line_in_the_given_order():
    line = json_line({"reports": 100000, "office": "江州市", "ratio": 0.25, "none": None})
    assert "\n" not in line
    assert list(json.loads(line)) == ["reports", "office", "ratio", "none"]
    assert "江州市" in line  # readable, not \u-escaped


def test_the_table_lines_up_chinese_text():
    table = harness.format_table(["页面", "p50"], [["收件箱", "1.0"], ["API", "12.5"]], right=[False, True])
    lines = table.splitlines()
    assert len({harness._width(line) for line in lines}) == 1
    assert lines[3].endswith("|  1.0 |") and lines[4].endswith("| 12.5 |")  # numbers right-aligned


# ---------------------------------------------------------------- the database and the server


def test_postgresql_is_required_unless_sqlite_is_allowed(monkeypatch):
    monkeypatch.setattr(harness, "database_vendor", lambda: "sqlite")
    with pytest.raises(CommandError, match="--allow-sqlite"):
        harness.require_postgresql(allow_sqlite=False)
    harness.require_postgresql(allow_sqlite=True)
    monkeypatch.setattr(harness, "database_vendor", lambda: "postgresql")
    harness.require_postgresql(allow_sqlite=False)
    monkeypatch.setattr(harness, "database_vendor", lambda: "mysql")
    with pytest.raises(CommandError, match="PostgreSQL"):
        harness.require_postgresql(allow_sqlite=True)


def test_a_busy_port_is_refused_rather_than_measuring_another_server(server):
    with pytest.raises(CommandError, match=str(server.port)):
        require_free_port(server.port)


def test_the_server_is_stopped_when_the_benchmark_fails():
    pytest.importorskip("gunicorn")
    port = free_port()
    with pytest.raises(RuntimeError):
        with harness.gunicorn(port=port, workers=1) as running:
            assert harness.request(port, "/accounts/login/").status == 200
            raise RuntimeError("the benchmark failed")
    assert running.process.poll() is not None
    require_free_port(port)  # nothing listens any more
    assert running.log_path.exists()  # kept for the post-mortem of a run that did not finish
    running.log_path.unlink()
