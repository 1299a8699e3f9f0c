"""Issue 15: SMS through the configured backend: the log backend, and the HTTP gateway backend
against a small local HTTP server (the request format notifications.sms documents)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django_tasks_db.models import DBTaskResult

from govbrief.notifications.models import NoticePreference
from govbrief.notifications.services import notify
from govbrief.notifications.sms import SMS_MAX_CHARS, LogBackend, fit


class Gateway(BaseHTTPRequestHandler):
    received: list[dict] = []
    answer: tuple[int, dict] = (200, {"ok": True, "id": "m-1"})

    def do_POST(self):  # noqa: N802 - http.server's hook name
        length = int(self.headers["Content-Length"])
        Gateway.received.append({"auth": self.headers["Authorization"], "type": self.headers["Content-Type"],
                                 "body": json.loads(self.rfile.read(length))})
        status, body = Gateway.answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Gateway.received, Gateway.answer = [], (200, {"ok": True, "id": "m-1"})
    settings.GOVBRIEF_SMS_BACKEND = "govbrief.notifications.sms.HttpGatewayBackend"
    settings.GOVBRIEF_SMS_URL = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    settings.GOVBRIEF_SMS_KEY, settings.GOVBRIEF_SMS_TEMPLATE = "k-123", "TPL_NOTICE"
    yield Gateway
    server.shutdown()


def _chooses_sms(person, verb="assigned", mobile="13800000001"):
    person.mobile = mobile
    person.save()
    NoticePreference.objects.create(user=person, verb=verb, sms=True)


def test_the_log_backend_keeps_one_message_within_70_characters(world, run_tasks):
    LogBackend.sent.clear()
    _chooses_sms(world.city_editor)
    notify(recipients=[world.city_editor], verb="assigned", url="/reports/submissions/1/",
           message="甲市政府办公室信息处负责人把“" + "关于全市春耕生产进展情况的报告" * 5 + "”分派给你。")
    run_tasks()
    ((phone, text),) = LogBackend.sent
    assert phone == "13800000001" and text.startswith("【政务信息】")
    assert len(text) == SMS_MAX_CHARS and text.endswith("…")
    assert fit("短消息") == "短消息"


def test_the_gateway_gets_the_documented_request(world, gateway, run_tasks):
    _chooses_sms(world.city_editor)
    notify(recipients=[world.city_editor, world.city_chief], verb="assigned", message="有一条信息分派给你。")
    run_tasks()
    (request,) = gateway.received  # the chief chose nothing
    assert request["auth"] == "Bearer k-123" and request["type"].startswith("application/json")
    assert request["body"] == {"phone": "13800000001", "template": "TPL_NOTICE", "text": "【政务信息】有一条信息分派给你。"}


@pytest.mark.parametrize("answer", [(500, {"error": "busy"}), (200, {"ok": False, "error": "欠费"})])
def test_a_gateway_that_refuses_is_tried_again_later(world, gateway, run_tasks, answer):
    gateway.answer = answer
    _chooses_sms(world.city_editor)
    notify(recipients=[world.city_editor], verb="assigned", message="有一条信息分派给你。")
    run_tasks()
    failed = DBTaskResult.objects.failed().get()
    assert failed.task_path == "govbrief.notifications.channels.send_sms" and "SmsNotSent" in failed.exception_class_path
    assert DBTaskResult.objects.filter(status="READY", task_path=failed.task_path).exists()


def test_no_sms_without_a_mobile_number(world, gateway, run_tasks):
    _chooses_sms(world.city_editor, mobile="")
    notify(recipients=[world.city_editor], verb="assigned", message="有一条信息分派给你。")
    run_tasks()
    assert gateway.received == []
