"""Issue 15: live push. A notice reaches the open pages of its recipient (and nobody else's) as soon as
the change that made it commits; a page that reconnects gets what it missed, each notice once; the
stream is no activity for the idle timeout; several app servers share the pushes through Redis."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from django.test import AsyncClient
from django.urls import reverse

from govbrief.core import live
from govbrief.core.live import QUEUE_LIMIT, Push, hub, publish
from govbrief.notifications import stream
from govbrief.notifications.models import Notification
from govbrief.notifications.services import notifications_mark_read, notify
from govbrief.orgs.sessions import SEEN_KEY

LIVE = "/notifications/live/"


def async_to_sync(fn):
    """asgiref's, in the test's own thread (its database transaction), even after a browser test:
    Playwright's sync API leaves its event loop marked as running in the main thread."""
    from asgiref.sync import async_to_sync as convert

    def run(*args, **kwargs):
        loop = asyncio._get_running_loop()
        asyncio._set_running_loop(None)
        try:
            return convert(fn)(*args, **kwargs)
        finally:
            asyncio._set_running_loop(loop)

    return run


def parse(text: str) -> list[dict]:
    """The complete events in a stream's text: ``{"event", "id", "data"}``; comments skipped."""
    events = []
    for block in text.split("\n\n")[:-1]:
        fields: dict = {}
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            fields[name] = value
        if "event" in fields:
            events.append({"event": fields["event"], "id": int(fields["id"]) if "id" in fields else None,
                           "data": json.loads(fields.get("data") or "{}")})
    return events


class Stream:
    """An open stream read in the test's event loop: ``await until(predicate)`` reads on until the
    events received so far satisfy it (or fails after ``timeout`` seconds)."""

    def __init__(self, response) -> None:
        self.response = response
        self.chunks = response.streaming_content.__aiter__()
        self.text = ""

    @property
    def events(self) -> list[dict]:
        return parse(self.text)

    async def until(self, predicate, timeout: float = 5.0) -> list[dict]:
        async def pump():
            while not predicate(self.events):
                self.text += (await self.chunks.__anext__()).decode()

        await asyncio.wait_for(pump(), timeout)
        return self.events

    async def quiet(self, seconds: float = 0.3) -> list[dict]:
        """What arrives within ``seconds`` (to show that nothing does)."""
        try:
            await asyncio.wait_for(self.until(lambda events: False, seconds + 1), seconds)
        except (TimeoutError, asyncio.TimeoutError):
            pass
        return self.events

    async def close(self) -> None:
        """As the server does when the page goes away: the task reading the stream is cancelled
        while the stream waits for its next message."""
        while True:
            reading = asyncio.ensure_future(self.chunks.__anext__())
            await asyncio.sleep(0.01)
            if reading.done():  # a message was waiting: read it, and try again
                if isinstance(reading.exception(), StopAsyncIteration):
                    return
                continue
            reading.cancel()
            try:
                await reading
            except (asyncio.CancelledError, StopAsyncIteration):
                return


async def open_stream(user, *, last_event_id: str | None = None, data: dict | None = None) -> Stream:
    client = AsyncClient()
    await client.aforce_login(user)
    headers = {"Last-Event-ID": last_event_id} if last_event_id is not None else {}
    response = await client.get(LIVE, data, headers=headers)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/event-stream")
    opened = Stream(response)
    await opened.until(lambda events: any(e["event"] == "ready" for e in events))
    return opened


def notices(events: list[dict]) -> list[str]:
    return [e["data"]["message"] for e in events if e["event"] == "notice"]


def _notify(user, message: str, verb: str = "assigned") -> None:
    # As a subscriber's task does: in a transaction whose commit sends the push.
    with transaction.atomic():
        notify(recipients=[user], verb=verb, message=message, url="/reports/1/")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change and what follows its commit (the push), from async code."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return sync_to_async(run)


def test_a_notice_reaches_the_open_pages_of_its_recipient_and_nobody_else(world, committed):
    async def scenario():
        mine = await open_stream(world.city_editor)
        second_tab = await open_stream(world.city_editor)
        theirs = await open_stream(world.county_editor)
        await committed(_notify, world.city_editor, "有一条信息分派给你")
        for page in (mine, second_tab):
            events = await page.until(lambda ev: notices(ev))
            notice = next(e for e in events if e["event"] == "notice")
            assert notice["data"]["message"] == "有一条信息分派给你" and notice["data"]["label"]
            assert notice["id"] == notice["data"]["id"]
            # The link goes through "open", which marks the notice read on the way.
            assert notice["data"]["url"] == reverse("notifications:open", args=[notice["id"]])
        assert notices(await theirs.quiet()) == []
        for page in (mine, second_tab, theirs):
            await page.close()
        assert hub.listening() == 0  # a closed page leaves nothing behind

    async_to_sync(scenario)()


def test_a_notice_whose_change_rolls_back_is_never_pushed(world, committed):
    def rolled_back():
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(recipients=[world.city_editor], verb="assigned", message="不该出现", url="")
            raise RuntimeError("the change failed after the notice was written")

    async def scenario():
        page = await open_stream(world.city_editor)
        await committed(rolled_back)
        assert notices(await page.quiet()) == []
        await page.close()

    async_to_sync(scenario)()


def test_a_new_page_is_given_the_latest_id_and_no_old_notices(world):
    for i in range(3):
        notify(recipients=[world.city_editor], verb="assigned", message=f"旧通知{i}", url="")
    latest = Notification.objects.filter(recipient=world.city_editor).latest("pk").pk

    async def scenario():
        page = await open_stream(world.city_editor)
        assert page.text.startswith(f"retry: {stream.RETRY_MS}\n\n")
        assert [(e["event"], e["id"]) for e in page.events] == [("ready", latest)]
        await page.close()

    async_to_sync(scenario)()


def test_a_reconnecting_page_gets_what_it_missed_and_nothing_twice(world, committed):
    made = [notify(recipients=[world.city_editor], verb="assigned", message=f"通知{i}", url="")[0] for i in range(4)]
    for n in made:  # also someone else's, which must not leak into the catch-up
        notify(recipients=[world.county_editor], verb="assigned", message="别人的通知", url="")

    async def scenario():
        # The browser reconnects with the id of the last notice it showed: the second.
        page = await open_stream(world.city_editor, last_event_id=str(made[1].pk))
        assert notices(page.events) == ["通知2", "通知3"]
        assert page.events[-1] == {"event": "ready", "id": made[3].pk, "data": {}}
        # A push of a notice this stream sent (the catch-up raced the push) is not sent again...
        await sync_to_async(publish)([world.city_editor.pk], stream.notice_push(made[3]))
        # ... one with an older id is (its transaction may have committed after a newer one's; the
        # page skips it if it showed it before) ...
        await sync_to_async(publish)([world.city_editor.pk], stream.notice_push(made[0]))
        # ... and a new one is.
        await committed(_notify, world.city_editor, "新通知")
        events = await page.until(lambda ev: "新通知" in notices(ev))
        assert notices(events) == ["通知2", "通知3", "通知0", "新通知"]
        await page.close()

    async_to_sync(scenario)()


def test_a_page_that_restarted_its_stream_says_where_it_left_off(world):
    made = [notify(recipients=[world.city_editor], verb="assigned", message=f"通知{i}", url="")[0] for i in range(3)]

    async def scenario():
        page = await open_stream(world.city_editor, data={"after": made[0].pk})
        assert notices(page.events) == ["通知1", "通知2"]
        await page.close()

    async_to_sync(scenario)()


@pytest.mark.parametrize("raw", ["١٢", "12x", "-1", "9" * 40, "1e3", " ", "\u0661"])
def test_an_odd_last_event_id_is_ignored_not_an_error(world, raw):
    notify(recipients=[world.city_editor], verb="assigned", message="一条", url="")

    async def scenario():
        tries = [{"data": {"after": raw}}]
        if raw.isascii() and "\x00" not in raw:  # a header carries only Latin-1
            tries.append({"last_event_id": raw})
        for where in tries:
            page = await open_stream(world.city_editor, **where)
            assert notices(page.events) == [] and page.events[-1]["event"] == "ready"
            await page.close()

    async_to_sync(scenario)()


def test_a_nul_byte_in_the_last_event_id_is_refused_like_everywhere(world):
    async def scenario():
        client = AsyncClient()
        await client.aforce_login(world.city_editor)
        assert (await client.get(LIVE, {"after": "1\x00"})).status_code == 400  # core.guard

    async_to_sync(scenario)()


def test_a_page_that_falls_behind_catches_up_from_the_database(world, committed):
    """A page that does not read (a frozen tab) cannot fill the server's memory: past QUEUE_LIMIT
    waiting messages its queue holds one "catch up" mark, answered from the database."""
    async def scenario():
        page = await open_stream(world.city_editor)
        listener = next(iter(hub._listeners[world.city_editor.pk]))
        for i in range(QUEUE_LIMIT + 20):
            listener._put(Push("read"))
        assert listener.queue.qsize() == QUEUE_LIMIT + 1 and listener.overflowed
        await sync_to_async(notify)(recipients=[world.city_editor], verb="assigned", message="积压时的通知", url="")
        events = await page.until(lambda ev: notices(ev), timeout=10)
        assert notices(events) == ["积压时的通知"]
        await page.close()

    async_to_sync(scenario)()


def test_marking_read_refreshes_the_person_s_other_pages(world, committed):
    notify(recipients=[world.city_editor], verb="assigned", message="一条", url="")

    async def scenario():
        page = await open_stream(world.city_editor)
        await committed(notifications_mark_read, user=world.city_editor)
        events = await page.until(lambda ev: any(e["event"] == "read" for e in ev))
        assert events[-1]["event"] == "read" and events[-1]["id"] is None  # no id: the page's place is kept
        await page.close()

    async_to_sync(scenario)()


def test_nobody_logged_in_is_told_to_stop_listening():
    async def scenario():
        response = await AsyncClient().get(LIVE)
        assert response.status_code == 204  # EventSource does not reconnect after a 204

    async_to_sync(scenario)()


def test_a_session_that_has_idled_out_gets_no_stream(world, settings):
    async def scenario():
        client = AsyncClient()
        await client.aforce_login(world.city_editor)
        session = await client.asession()
        await session.aset(SEEN_KEY, int(time.time()) - settings.SESSION_COOKIE_AGE - 5)
        await session.asave()
        response = await client.get(LIVE)
        assert response.status_code == 204

    async_to_sync(scenario)()


def test_the_stream_ends_when_the_session_would_time_out(world, settings):
    """It does not keep a page "logged in" past the idle timeout (SPEC §9): it ends then, and the
    browser's reconnection is answered by the session's rule."""
    async def scenario():
        client = AsyncClient()
        await client.aforce_login(world.city_editor)
        session = await client.asession()
        await session.aset(SEEN_KEY, int(time.time()) - settings.SESSION_COOKIE_AGE + 1)
        await session.asave()
        response = await client.get(LIVE)
        chunks = [chunk async for chunk in response.streaming_content]  # ends by itself
        assert parse(b"".join(chunks).decode())[-1]["event"] == "ready"

    async_to_sync(scenario)()


def test_listening_and_refreshing_the_counts_are_not_activity(client, world, settings):
    client.force_login(world.city_editor)
    session = client.session
    session[SEEN_KEY] = int(time.time()) - settings.GOVBRIEF_SESSION_REFRESH_SECONDS - 5
    session.save()
    before = client.session[SEEN_KEY]
    assert client.get(reverse("notifications:navigation")).status_code == 200
    assert client.get(LIVE).status_code == 200  # served by WSGI here: it answers and ends
    assert client.session[SEEN_KEY] == before
    client.get(reverse("dashboard"))
    assert client.session[SEEN_KEY] > before  # a page view is


def test_the_navigation_refresh_has_the_badge_and_the_sidebar(client, world):
    for _ in range(3):
        notify(recipients=[world.city_editor], verb="assigned", message="一条", url="")
    client.force_login(world.city_editor)
    data = client.get(reverse("notifications:navigation")).json()
    assert data["unread"] == 3 and data["unread_label"] == "3"
    assert reverse("reports:inbox") in data["nav"] and "<li" in data["nav"]
    assert client.get(reverse("notifications:navigation"), HTTP_X_ANYTHING="1")["Cache-Control"].startswith("max-age=0")
    client.logout()
    assert client.get(reverse("notifications:navigation")).status_code == 401


def _redis_url() -> str:
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return url


def test_with_redis_a_push_from_any_process_reaches_the_pages_of_this_one(world, settings):
    """Several app servers: each subscribes to one Redis channel, and a push made anywhere (another
    server, a worker on another machine: here a plain Redis client) reaches the pages it holds."""
    import redis

    settings.GOVBRIEF_LIVE_REDIS_URL = _redis_url()
    n = notify(recipients=[world.city_editor], verb="assigned", message="经 Redis 推送", url="")[0]

    async def scenario():
        page = await open_stream(world.city_editor)
        assert world.city_editor.pk in hub._listeners
        other_process = redis.Redis.from_url(settings.GOVBRIEF_LIVE_REDIS_URL)
        other_process.publish(live.CHANNEL, json.dumps({"pushes": [{"user": world.city_editor.pk,
                                                                    "push": stream.notice_push(n).to_json()}]}))
        other_process.publish(live.CHANNEL, b"not json")  # ignored, the subscription stays up
        events = await page.until(lambda ev: notices(ev))
        assert notices(events) == ["经 Redis 推送"]
        # And this process's own pushes go through Redis too.
        await sync_to_async(publish)([world.city_editor.pk], Push("read"))
        await page.until(lambda ev: ev[-1]["event"] == "read")
        await page.close()
        hub._subscriber.cancel()

    async_to_sync(scenario)()


def test_without_redis_a_push_reaches_the_listeners_of_this_process(world, settings):
    settings.GOVBRIEF_LIVE_REDIS_URL = ""

    async def scenario():
        with hub.listen(world.city_editor.pk) as listener:
            await sync_to_async(publish)([world.city_editor.pk, world.county_editor.pk], Push("read"))
            assert (await asyncio.wait_for(listener.get(), 2)).event == "read"

    async_to_sync(scenario)()


def test_with_redis_away_a_page_still_gets_its_stream_from_the_database(world, settings, monkeypatch):
    """Redis down at the moment a page connects: the stream does not hang; it starts from the
    database and catches up once the subscription is back."""
    settings.GOVBRIEF_LIVE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    monkeypatch.setattr(live, "SUBSCRIBE_WAIT_SECONDS", 0.2)
    made = notify(recipients=[world.city_editor], verb="assigned", message="数据库里的通知", url="")[0]

    async def scenario():
        page = await open_stream(world.city_editor, last_event_id=str(made.pk - 1))
        assert notices(page.events) == ["数据库里的通知"]
        await page.close()
        hub._subscriber.cancel()

    async_to_sync(scenario)()


def test_with_redis_down_a_change_does_not_wait_on_it_once_per_notice(world, settings, monkeypatch, caplog):
    """Pushes are hints: after one failure they are not tried for a while, so a task notifying 50
    people does not wait 50 connection timeouts (the pages catch up from the database)."""
    settings.GOVBRIEF_LIVE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    monkeypatch.setattr(live, "_paused_until", 0.0)
    attempts = []
    real = live._redis
    monkeypatch.setattr(live, "_redis", lambda url: attempts.append(url) or real(url))
    for _ in range(5):
        live.publish([world.city_editor.pk], Push("read"))  # never raises
    assert len(attempts) == 1 and "could not reach Redis" in caplog.text


def test_the_notices_of_one_change_travel_as_one_redis_message(world, settings, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    settings.GOVBRIEF_LIVE_REDIS_URL = "redis://example.invalid:6379/0"
    sent = []
    monkeypatch.setattr(live, "_paused_until", 0.0)
    monkeypatch.setattr(live, "_redis", lambda url: type("Fake", (), {"publish": lambda self, *a: sent.append(a)})())
    people = [world.city_editor, world.county_editor, world.province_editor]
    with django_capture_on_commit_callbacks(execute=True):
        made = notify(recipients=people, verb="assigned", message="三人的通知", url="")
    assert len(sent) == 1 and sent[0][0] == live.CHANNEL
    pushes = json.loads(sent[0][1])["pushes"]
    assert sorted((p["user"], p["push"]["id"]) for p in pushes) == sorted((n.recipient_id, n.pk) for n in made)
