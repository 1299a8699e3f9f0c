"""Live push to open pages (issue 15): a message for some people reaches every page they have open,
within a second, without a reload.

Pages listen on a server-sent-events stream (notifications.stream), served by an async view under
ASGI (`govbrief serve`, uvicorn), so an open page costs the server an idle coroutine, not a thread
or a worker. Each app-server process keeps its listeners in one ``Hub``; ``publish`` reaches the
hubs through a broker:

- with ``REDIS_URL`` set, Redis pub/sub on one channel: every app server subscribes once and hands
  each message to the listeners it holds, so a change made on one server (or by a background worker
  on another machine) reaches a page connected to any of them;
- without it, in-process: the embedded demo runs its web server and its worker in one process.

A push is a hint that travels after commit and may be lost (a Redis restart, a page offline): what
it says is in the database, and a stream that reconnects or misses messages asks the database for
what came after the last one it showed (notifications.stream). So nothing here is retried.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

CHANNEL = "govbrief:live"
# A page that does not read its stream (a frozen tab) cannot hold the server's memory: past this
# many waiting messages it is told to catch up from the database instead.
QUEUE_LIMIT = 100
# How long a new stream waits for the Redis subscription before going on without it.
SUBSCRIBE_WAIT_SECONDS = 2.0
# Seconds of silence after which the subscription's connection is checked with a PING.
HEALTH_CHECK_SECONDS = 15
# Seconds between attempts to subscribe again after Redis went away.
RESUBSCRIBE_SECONDS = (0.5, 1, 2, 5)


@dataclass(frozen=True)
class Push:
    """One message for one person's open pages: an SSE event name and its JSON data; ``id`` is the
    notification's, so a page that reconnects can say which it saw last."""

    event: str
    data: dict[str, Any] = field(default_factory=dict)
    id: int | None = None

    def to_json(self) -> dict:
        return {"event": self.event, "data": self.data, "id": self.id}

    @classmethod
    def from_json(cls, payload: dict) -> Push:
        return cls(event=str(payload["event"]), data=dict(payload.get("data") or {}), id=payload.get("id"))


# What a listener is given when messages may have been lost: catch up from the database.
RESYNC = Push("resync")


class Listener:
    """One open stream: a queue in the event loop that serves it, fed from any thread."""

    def __init__(self, user_id: int, loop: asyncio.AbstractEventLoop) -> None:
        self.user_id = user_id
        self.loop = loop
        self.queue: asyncio.Queue[Push] = asyncio.Queue()
        self.overflowed = False

    def put(self, push: Push) -> None:
        """Hand a message over from any thread (a worker thread, a request's thread, the loop)."""
        try:
            self.loop.call_soon_threadsafe(self._put, push)
        except RuntimeError:  # the loop closed: the stream is gone
            pass

    def _put(self, push: Push) -> None:
        if self.queue.qsize() >= QUEUE_LIMIT:
            if not self.overflowed:
                self.overflowed = True
                self.queue.put_nowait(RESYNC)
            return
        self.queue.put_nowait(push)

    async def get(self) -> Push:
        push = await self.queue.get()
        if push is RESYNC:
            self.overflowed = False
        return push


class Hub:
    """This process's listeners, and its subscription to the broker when there is one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[int, set[Listener]] = {}
        self._subscriber: asyncio.Task | None = None
        self._subscribed: asyncio.Event | None = None

    @contextmanager
    def listen(self, user_id: int) -> Iterator[Listener]:
        listener = Listener(user_id, asyncio.get_running_loop())
        with self._lock:
            self._listeners.setdefault(user_id, set()).add(listener)
        try:
            yield listener
        finally:
            with self._lock:
                mine = self._listeners.get(user_id, set())
                mine.discard(listener)
                if not mine:
                    self._listeners.pop(user_id, None)

    def listening(self) -> int:
        with self._lock:
            return sum(len(s) for s in self._listeners.values())

    def dispatch(self, user_ids: Iterable[int], push: Push) -> int:
        """Give the message to this process's listeners of these people; how many got it."""
        with self._lock:
            targets = [listener for pk in set(user_ids) for listener in self._listeners.get(pk, ())]
        for listener in targets:
            listener.put(push)
        return len(targets)

    def resync_all(self) -> None:
        with self._lock:
            targets = [listener for listeners in self._listeners.values() for listener in listeners]
        for listener in targets:
            listener.put(RESYNC)

    async def ready(self) -> None:
        """Return once messages published from now on reach this process (the Redis subscription is
        up); at once without a broker. A stream waits for this before it catches up, so what is
        published meanwhile is either in its catch-up or in its queue."""
        url = live_redis_url()
        if not url:
            return
        loop = asyncio.get_running_loop()
        if self._subscriber is None or self._subscriber.done() or self._subscriber.get_loop() is not loop:
            self._subscribed = asyncio.Event()
            self._subscriber = loop.create_task(self._subscribe(url, self._subscribed), name="govbrief-live-redis")
        try:
            await asyncio.wait_for(self._subscribed.wait(), SUBSCRIBE_WAIT_SECONDS)
        except (TimeoutError, asyncio.TimeoutError):
            # Redis is away: the stream goes on from the database; once the subscription is back every
            # listener is told to catch up (``resync_all``).
            logger.warning("Live push: Redis subscription not ready; streams catch up when it is.")

    async def _subscribe(self, url: str, subscribed: asyncio.Event) -> None:
        import redis.asyncio as redis

        failures = 0
        while True:
            # The health check PINGs a connection idle for that long, so a connection that died
            # silently (a NAT timeout, a failover) is noticed and replaced instead of waiting forever.
            client = redis.Redis.from_url(url, health_check_interval=HEALTH_CHECK_SECONDS, socket_keepalive=True,
                                          socket_connect_timeout=2)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    if failures:  # what was published while we were away is only in the database
                        self.resync_all()
                    failures = 0
                    subscribed.set()
                    while True:
                        message = await pubsub.get_message(ignore_subscribe_messages=True,
                                                           timeout=HEALTH_CHECK_SECONDS)
                        if message is None:
                            await pubsub.ping()  # answered within the next read, or the read fails
                        elif message.get("type") == "message":
                            self._received(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - Redis went away: listeners keep waiting, we resubscribe
                logger.warning("Live push lost its Redis subscription; subscribing again.", exc_info=True)
                failures += 1
                await asyncio.sleep(RESUBSCRIBE_SECONDS[min(failures, len(RESUBSCRIBE_SECONDS)) - 1])
            finally:
                await client.aclose()

    def _received(self, raw: bytes | str) -> None:
        try:
            batch = [(int(item["user"]), Push.from_json(item["push"])) for item in json.loads(raw)["pushes"]]
        except (ValueError, KeyError, TypeError):
            logger.warning("Ignored a malformed live message: %r", raw[:200])
            return
        for pk, push in batch:
            self.dispatch([pk], push)


hub = Hub()


def live_redis_url() -> str:
    return getattr(settings, "GOVBRIEF_LIVE_REDIS_URL", "") or ""


_redis_clients: dict[str, Any] = {}
# After Redis failed, pushes are not tried for this many seconds: a change must not wait on a Redis
# that is down once per notice (its pages catch up from the database when they reconnect).
PAUSE_AFTER_FAILURE_SECONDS = 10.0
_paused_until = 0.0


def _redis(url: str):
    if url not in _redis_clients:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # No retries: a push is a hint, and the caller (a worker, a request) is waiting.
        _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2,
                                                   retry=Retry(NoBackoff(), 0))
    return _redis_clients[url]


def publish_many(pushes: Iterable[tuple[int, Push]]) -> None:
    """Send each message to every open page of its person (``(user_id, push)``), on any app server,
    now: one Redis message for the lot. Never raises: a page that misses a push catches up when it
    reconnects."""
    global _paused_until
    batch = [(int(pk), push) for pk, push in pushes]
    if not batch:
        return
    url = live_redis_url()
    if not url:
        for pk, push in batch:
            hub.dispatch([pk], push)
        return
    if time.monotonic() < _paused_until:
        return
    message = json.dumps({"pushes": [{"user": pk, "push": push.to_json()} for pk, push in batch]},
                         ensure_ascii=False)
    try:
        _redis(url).publish(CHANNEL, message)
    except Exception:  # noqa: BLE001 - live push is a hint; the database has the notice
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
        logger.warning("Live push could not reach Redis; not trying for %ss. Open pages catch up when they "
                       "reconnect.", PAUSE_AFTER_FAILURE_SECONDS, exc_info=True)


def publish(user_ids: Iterable[int], push: Push) -> None:
    """The same message to every open page of these people (``publish_many``)."""
    publish_many((pk, push) for pk in sorted({int(pk) for pk in user_ids}))


def publish_on_commit(user_ids: Iterable[int], push: Push) -> None:
    """``publish`` once the caller's transaction commits; nothing if it rolls back."""
    transaction.on_commit(partial(publish, list(user_ids), push))


def publish_many_on_commit(pushes: Iterable[tuple[int, Push]]) -> None:
    """``publish_many`` once the caller's transaction commits; nothing if it rolls back."""
    transaction.on_commit(partial(publish_many, list(pushes)))
