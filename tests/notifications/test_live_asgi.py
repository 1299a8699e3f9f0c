"""Issue 15: under ASGI (govbrief.asgi, as `govbrief serve` runs it) the live stream is answered ahead
of Django's handler, so an open page holds neither a thread nor a database connection; who listens
is read from the session cookie exactly as Django would, and a logout ends the person's streams.

These tests drive the ASGI application directly and commit their data: the stream's queries run in
pool threads, on connections of their own."""

from __future__ import annotations

import asyncio

import pytest
from django.conf import settings
from django.test import Client

from govbrief.asgi import LIVE_PATH, application
from govbrief.core.live import hub
from govbrief.notifications.services import notify

from .test_live import async_to_sync, notices, parse

pytestmark = pytest.mark.django_db(transaction=True)


class Exchange:
    """One request to the ASGI application: what it sent back, and a way to hang up."""

    def __init__(self, path: str, *, method: str = "GET", cookie: str = "", headers=()) -> None:
        raw = [(b"host", b"testserver"), *((k.encode(), v.encode()) for k, v in headers)]
        if cookie:
            raw.append((b"cookie", cookie.encode()))
        self.scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                      "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
                      "root_path": "", "headers": raw, "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
        self.incoming: asyncio.Queue = asyncio.Queue()
        self.incoming.put_nowait({"type": "http.request", "body": b"", "more_body": False})
        self.messages: list[dict] = []
        self.task = asyncio.ensure_future(application(self.scope, self.receive, self.send))

    async def receive(self) -> dict:
        return await self.incoming.get()

    async def send(self, message: dict) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int | None:
        return next((m["status"] for m in self.messages if m["type"] == "http.response.start"), None)

    @property
    def text(self) -> str:
        return b"".join(m.get("body", b"") for m in self.messages if m["type"] == "http.response.body").decode()

    @property
    def finished(self) -> bool:
        return any(m["type"] == "http.response.body" and not m.get("more_body") for m in self.messages)

    async def until(self, predicate, timeout: float = 10.0) -> None:
        async def wait():
            while not predicate(self):
                await asyncio.sleep(0.01)

        await asyncio.wait_for(wait(), timeout)

    async def hang_up(self) -> None:
        self.incoming.put_nowait({"type": "http.disconnect"})
        await asyncio.wait_for(self.task, 5)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def ready(exchange: Exchange) -> bool:
    return any(e["event"] == "ready" for e in parse(exchange.text))


def test_the_stream_is_served_ahead_of_django(world):
    """(That an open page then holds no thread of the server is tested against a real server process,
    tests/notifications/test_live_server.py: here the test's own thread would stand in for them.)"""
    cookie = session_cookie(world.city_editor)

    async def scenario():
        pages = [Exchange(LIVE_PATH, cookie=cookie) for _ in range(3)]
        for page in pages:
            await page.until(ready)
        assert pages[0].status == 200
        headers = dict(next(m for m in pages[0].messages if m["type"] == "http.response.start")["headers"])
        assert headers[b"content-type"].startswith(b"text/event-stream") and headers[b"x-accel-buffering"] == b"no"
        await asyncio.to_thread(notify, recipients=[world.city_editor], verb="assigned", message="直达的通知", url="")
        for page in pages:
            await page.until(lambda p: notices(parse(p.text)) == ["直达的通知"])
        for page in pages:
            await page.hang_up()
        assert hub.listening() == 0

    async_to_sync(scenario)()


def test_a_logout_ends_the_person_s_streams_and_the_reconnection_is_told_to_stop(world):
    client = Client()
    client.force_login(world.city_editor)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    async def scenario():
        page = await _open(cookie)
        await asyncio.to_thread(client.post, "/accounts/logout/")
        await page.until(lambda p: p.finished)
        again = Exchange(LIVE_PATH, cookie=cookie)
        await again.until(lambda p: p.finished)
        assert again.status == 204

    async_to_sync(scenario)()


async def _open(cookie: str) -> Exchange:
    page = Exchange(LIVE_PATH, cookie=cookie)
    await page.until(ready)
    return page


@pytest.mark.parametrize("who", ["nobody", "forged", "must_change_password", "inactive"])
def test_no_stream_without_a_usable_session(world, who):
    cookie = {"nobody": "", "forged": f"{settings.SESSION_COOKIE_NAME}=not-a-session-key"}.get(who)
    if cookie is None:
        cookie = session_cookie(world.city_editor)
        field = {"must_change_password": ("must_change_password", True), "inactive": ("is_active", False)}[who]
        type(world.city_editor).objects.filter(pk=world.city_editor.pk).update(**dict([field]))

    async def scenario():
        page = Exchange(LIVE_PATH, cookie=cookie)
        await page.until(lambda p: p.finished)
        assert page.status == 204 and page.text == ""

    async_to_sync(scenario)()


def test_other_methods_are_refused_and_other_paths_go_to_django(world):
    cookie = session_cookie(world.city_editor)

    async def scenario():
        post = Exchange(LIVE_PATH, method="POST", cookie=cookie)
        await post.until(lambda p: p.finished)
        assert post.status == 405
        login = Exchange("/accounts/login/")
        await login.until(lambda p: p.finished)
        assert login.status == 200 and "csrfmiddlewaretoken" in login.text

    async_to_sync(scenario)()


def test_a_reconnection_sends_what_was_missed(world):
    made = [notify(recipients=[world.city_editor], verb="assigned", message=f"通知{i}", url="")[0] for i in range(3)]
    cookie = session_cookie(world.city_editor)

    async def scenario():
        page = Exchange(LIVE_PATH, cookie=cookie, headers=[("last-event-id", str(made[0].pk))])
        await page.until(ready)
        assert notices(parse(page.text)) == ["通知1", "通知2"]
        await page.hang_up()

    async_to_sync(scenario)()
