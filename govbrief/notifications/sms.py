"""SMS (issue 15): a small backend interface, ``send(phone, text)``, chosen in settings
(``GOVBRIEF_SMS_BACKEND``): ``LogBackend`` writes each message to the log (the demo, the tests, a
deployment without a gateway); ``HttpGatewayBackend`` posts to an HTTP SMS gateway.

The gateway request (configured by ``GOVBRIEF_SMS_URL``, ``GOVBRIEF_SMS_KEY`` and
``GOVBRIEF_SMS_TEMPLATE``)::

    POST <GOVBRIEF_SMS_URL>
    Authorization: Bearer <GOVBRIEF_SMS_KEY>
    Content-Type: application/json; charset=utf-8

    {"phone": "13800000000", "template": "<GOVBRIEF_SMS_TEMPLATE>", "text": "【政务信息】…"}

Any 2xx answer whose JSON body does not say ``"ok": false`` is success; anything else (another
status, ``{"ok": false, "error": "…"}``, no answer within 10 seconds) raises ``SmsNotSent``, and the
sending task is tried again later (core.background).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# One SMS of Chinese text holds 70 characters; a longer one is split and billed as several.
SMS_MAX_CHARS = 70
TIMEOUT_SECONDS = 10


class SmsNotSent(Exception):
    pass


def fit(text: str) -> str:
    """The text in one message: cut at SMS_MAX_CHARS with an ellipsis."""
    return text if len(text) <= SMS_MAX_CHARS else text[: SMS_MAX_CHARS - 1] + "…"


class LogBackend:
    """Writes each message to the log instead of sending it."""

    sent: list[tuple[str, str]] = []  # kept for the tests and the demo's console

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))
        logger.info("SMS to %s: %s", phone, text)


class HttpGatewayBackend:
    """Posts each message to the gateway described in this module's docstring."""

    def __init__(self) -> None:
        self.url = settings.GOVBRIEF_SMS_URL
        self.key = settings.GOVBRIEF_SMS_KEY
        self.template = settings.GOVBRIEF_SMS_TEMPLATE
        if not self.url:
            raise SmsNotSent("GOVBRIEF_SMS_URL is not set.")

    def send(self, phone: str, text: str) -> None:
        body = json.dumps({"phone": phone, "template": self.template, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.key}"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - configured URL
                answer = response.read()
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsNotSent(f"The SMS gateway did not take the message: {error}") from error
        try:
            reply = json.loads(answer or b"{}")
        except ValueError:
            reply = {}
        if isinstance(reply, dict) and reply.get("ok") is False:
            raise SmsNotSent(f"The SMS gateway refused the message: {reply.get('error', '')}")


def sms_backend():
    return import_string(settings.GOVBRIEF_SMS_BACKEND)()
