"""Issue 15: `govbrief bench push` makes its office once and reuses it, reads each listener's stream
as a browser would, and reports the issue's keys."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management.base import OutputWrapper
from django.core.management.color import no_style

from govbrief.bench import push
from govbrief.bench.harness import Console
from govbrief.notifications.models import Notification
from govbrief.orgs.models import User
from govbrief.reports.models import Submission


def console() -> Console:
    return Console(OutputWrapper(StringIO()), no_style())


def test_the_office_and_its_listeners_are_made_once_and_reused(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = push.prepare_data(listeners=3, console=console())
    again = push.prepare_data(listeners=3, console=console())
    assert first == again and first.listeners == ["bench-push-01", "bench-push-02", "bench-push-03"]
    more = push.prepare_data(listeners=5, console=console())
    assert more.submission_id == first.submission_id and len(more.listeners) == 5
    assert User.objects.filter(username__startswith="bench-push-").count() == 6  # 5 editors and the sender
    sub = Submission.objects.get(pk=first.submission_id)
    assert sub.to_unit.code == push.OFFICE_CODE
    # The report's own notices were written while the data was made, not left for the run's workers.
    assert Notification.objects.filter(recipient__username="bench-push-01").exists()


class StreamServer:
    """Serves one canned live stream, as notifications.stream writes it."""

    BODY = (b"retry: 1000\n\nid: 7\nevent: ready\ndata: {}\n\n: keep-alive\n\n"
            b'id: 8\nevent: notice\ndata: {"id":8,"message":"\xe4\xb8\x80"}\n\nevent: read\ndata: {}\n\n'
            b'id: 9\nevent: notice\ndata: {"id":9,"message":"\xe4\xba\x8c"}\n\n')

    def __init__(self) -> None:
        body = self.BODY

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for part in body.split(b"\n\n")[:-1]:  # one chunk per event, as a stream sends them
                    chunk = part + b"\n\n"
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


def test_a_listener_reads_the_notices_of_a_chunked_stream_once_each():
    server = StreamServer()
    try:
        listener = push.Listener("bench-push-01", "sessionid=x", server.port)
        listener.run()  # the canned stream ends after two notices
        assert listener.ready.is_set() and not listener.error
        assert [pk for pk, _ in listener.arrivals] == [8, 9]
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def test_the_defaults_and_targets_are_the_issues():
    parser = __import__("argparse").ArgumentParser()
    push.add_arguments(parser)
    options = vars(parser.parse_args([]))
    assert options["listeners"] == 20 and options["runs"] >= 3
    assert push.PUSH_P95_TARGET_MS == 300 and push.TASK_LATENCY_P50_TARGET_MS == 500


@pytest.mark.parametrize("bad", [["--listeners", "0"], ["--events", "0"], ["--runs", "0"], ["--probes", "0"]])
def test_nonsense_options_are_refused_before_anything_runs(db, bad, monkeypatch):
    from django.core.management.base import CommandError

    parser = __import__("argparse").ArgumentParser()
    push.add_arguments(parser)
    monkeypatch.setattr(push, "prepare_data", lambda **kw: pytest.fail("prepared data"))
    with pytest.raises(CommandError):
        push.run(options=vars(parser.parse_args(bad)), console=console())
