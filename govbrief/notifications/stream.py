"""A person's notices, live in every page they have open (issue 15): a server-sent-events stream
that the page's script (govbrief.js) turns into a toast, a new badge and fresh navigation counts.

Under ASGI (`govbrief serve`) the stream is answered by ``asgi_live``, ahead of Django's handler
(govbrief.asgi): Django runs a request through its synchronous middleware in a thread of the
request's own and keeps that thread until the response ends, so a stream served by a view would
hold a thread for as long as the page stays open; here an open page is an idle coroutine and no
database connection. Messages come from core.live (in-process, or Redis pub/sub between servers).

A page that loses its stream (a server restart, a network change) reconnects on its own after
``RETRY_MS`` and sends the id of the last notice it saw (``Last-Event-ID``); the stream first sends
what came after it from the database, then what is pushed, each notice once: the ids already sent
are skipped, and the page skips any it has shown.

Reading the stream is not activity: it neither renews the session (SPEC §9: a 10-minute idle
timeout) nor outlives it; a stream ends when its session would expire, or when the person logs out,
changes password or is deactivated (a ``recheck`` push), and the reconnection of a person who is no
longer logged in is refused with 204, which tells the page to stop trying.

Served by a WSGI server (gunicorn without a live service, the tests' live server), the view
``live`` answers what is new at once and ends, and the page asks again after ``POLL_RETRY_MS``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import nullcontext
from functools import partial
from importlib import import_module
from types import SimpleNamespace

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.signals import user_logged_out
from django.db import connection
from django.db.models import Max
from django.db.models.signals import post_save
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.cookie import parse_cookie
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from govbrief.core.live import RESYNC, Push, hub, publish, publish_many_on_commit, publish_on_commit
from govbrief.core.templatetags.core_tags import count_badge
from govbrief.orgs.sessions import SEEN_KEY

from .kinds import describe
from .models import Notification

logger = logging.getLogger(__name__)

RETRY_MS = 1000  # how soon a page reconnects
# Served by a WSGI server, a stream that stayed open would hold a whole worker: there it sends what
# is new and ends, and the page asks again this much later.
POLL_RETRY_MS = 30_000
KEEPALIVE_SECONDS = 20  # a comment line, so proxies and the page know the stream is alive
MAX_STREAM_SECONDS = 600  # a stream is renewed now and then, which re-checks the session
CATCH_UP = 20  # at most this many missed notices are sent on reconnecting; the list has the rest
RECHECK = "recheck"  # a push that ends the person's streams, so their reconnections re-check the session
_ID = re.compile(r"[0-9]{1,18}")


def notice_push(notification: Notification) -> Push:
    """The live message for one notice: what the page's toast shows."""
    kind = describe(notification.verb)
    return Push("notice", id=notification.pk, data={
        "id": notification.pk, "verb": notification.verb, "label": str(kind.label), "urgent": kind.urgent,
        "message": notification.message,
        # Through the "open" view, which marks it read on the way (notifications.views).
        "url": reverse("notifications:open", args=[notification.pk]) if notification.url else "",
        "created_at": notification.created_at.isoformat(),
        "time": date_format(localtime(notification.created_at), "Y-m-d H:i"),  # as the pages show it
    })


def publish_notices(notifications: list[Notification]) -> None:
    """Push each notice to its recipient's open pages once the caller's transaction commits, in one
    message for the lot."""
    with translation.override(settings.LANGUAGE_CODE):
        publish_many_on_commit([(n.recipient_id, notice_push(n)) for n in notifications])


# ---------------------------------------------------------------- the database, briefly


def _release_connection() -> None:
    # A stream lives for minutes: it must not hold a database connection while it waits. Inside a
    # transaction (a test's) the connection is not ours to close.
    if not connection.in_atomic_block:
        connection.close()


def releasing(fn: Callable, *, thread_sensitive: bool = False) -> Database:
    """``fn`` run in a thread for a stream, its connection closed after it: a pool thread's
    (``thread_sensitive=False``, the ASGI route) would otherwise stay open for good, a streaming
    view's own thread's for as long as the page stays open."""
    def run(*args):
        try:
            return fn(*args)
        finally:
            _release_connection()

    return sync_to_async(run, thread_sensitive=thread_sensitive)


def _missed(user_id: int, after: int) -> list[Push]:
    rows = list(Notification.objects.filter(recipient_id=user_id, pk__gt=after).order_by("-pk")[:CATCH_UP])
    return [notice_push(n) for n in reversed(rows)]


def _latest(user_id: int) -> int:
    return Notification.objects.filter(recipient_id=user_id).aggregate(latest=Max("pk"))["latest"] or 0


def _seconds_left(seen) -> float:
    """Seconds until the idle timeout ends a session last renewed at ``seen`` (orgs.sessions)."""
    if seen is None:
        return settings.SESSION_COOKIE_AGE
    return int(seen) + settings.SESSION_COOKIE_AGE - time.time()


def listener_of(session) -> tuple[int, float] | None:
    """Whose stream this is: the person logged in with this session, and the seconds the session has
    left; None for nobody (no session, expired, logged out, deactivated, must change the password)."""
    user = get_user(SimpleNamespace(session=session))  # checks the session's password hash too
    if not user.is_authenticated or not user.is_active or getattr(user, "must_change_password", False):
        return None
    left = min(MAX_STREAM_SECONDS, _seconds_left(session.get(SEEN_KEY)))
    return (user.pk, left) if left > 0 else None


def _listener_of_cookie(session_key: str | None) -> tuple[int, float] | None:
    if not session_key:
        return None
    return listener_of(import_module(settings.SESSION_ENGINE).SessionStore(session_key))


# ---------------------------------------------------------------- the stream


def encode(push: Push) -> str:
    lines = []
    if push.id is not None:
        lines.append(f"id: {push.id}")
    lines.append(f"event: {push.event}")
    lines.append("data: " + json.dumps(push.data, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n\n"


def parse_last_seen(raw: str | None) -> int | None:
    """The last notice a page showed, from Last-Event-ID or ``?after=``: ASCII digits only."""
    raw = (raw or "").strip()
    return int(raw) if _ID.fullmatch(raw) else None


def last_seen(request: HttpRequest) -> int | None:
    return parse_last_seen(request.headers.get("Last-Event-ID") or request.GET.get("after"))


Database = Callable[..., Awaitable]


async def events(user_id: int, after: int | None, until: float, *, retry_ms: int = RETRY_MS,
                 database: Callable[[Callable], Database] = sync_to_async) -> AsyncIterator[str]:
    """The stream's text: catch-up, a ``ready`` mark carrying the latest id, then live notices
    until ``until`` (``time.monotonic()``); with ``until`` passed, only what is new (polling).
    ``database`` runs the stream's few queries (each releases its connection)."""
    live = until > time.monotonic()
    with hub.listen(user_id) if live else nullcontext() as listener:
        yield f"retry: {retry_ms}\n\n"
        if live:
            await hub.ready()  # subscribed before the catch-up: a notice is in one or the other, or both
        sent: set[int] = set()
        if after is None:
            # A new page: what it rendered is current; the mark gives the browser a Last-Event-ID
            # for its first reconnection, and the page refreshes its counts on it.
            high = await database(_latest)(user_id)
        else:
            high = after
            for push in await database(_missed)(user_id, after):
                sent.add(push.id)
                yield encode(push)
        high = max([high, *sent])
        yield encode(Push("ready", id=high))
        while live and (remaining := until - time.monotonic()) > 0:
            try:
                push = await asyncio.wait_for(listener.get(), min(KEEPALIVE_SECONDS, remaining))
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if push.event == RECHECK:
                return  # the browser reconnects, and the session decides
            # Pushes are not filtered by ``after``: a notice whose transaction committed after a later
            # one's (two workers) has the smaller id and must still be shown.
            pushes = await database(_missed)(user_id, max([high, *sent])) if push is RESYNC else [push]
            for push in pushes:
                if push.id is not None:
                    if push.id in sent:
                        continue
                    sent.add(push.id)
                yield encode(push)


STREAM_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache, no-store, must-revalidate, private"),
    (b"x-accel-buffering", b"no"),  # nginx: pass each event on at once
    (b"x-content-type-options", b"nosniff"),
]


async def _answer(send, status: int, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": headers or [(b"content-length", b"0"), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": b""})


async def asgi_live(scope, receive, send) -> None:
    """The stream as a bare ASGI application (govbrief.asgi routes the stream's path here)."""
    if scope["method"] not in ("GET", "HEAD"):
        await _answer(send, 405, [(b"allow", b"GET"), (b"content-length", b"0")])
        return
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
    session_key = parse_cookie(headers.get("cookie", "")).get(settings.SESSION_COOKIE_NAME)
    after = parse_last_seen(headers.get("last-event-id")
                            or QueryDict(scope.get("query_string", b""), encoding="latin-1").get("after"))
    # The few queries of a stream run in a pool thread each and close their connection, so open
    # streams hold neither threads nor connections, and reconnections after a restart run side by side.
    database = releasing
    try:
        who = await database(_listener_of_cookie)(session_key)
    except Exception:  # noqa: BLE001 - a database that is away: the page tries again later
        logger.exception("Live stream: could not read the session")
        await _answer(send, 503, [(b"retry-after", b"5"), (b"content-length", b"0")])
        return
    if who is None:
        await _answer(send, 204)  # an EventSource stops reconnecting on 204
        return
    user_id, left = who
    await send({"type": "http.response.start", "status": 200, "headers": STREAM_HEADERS})
    if scope["method"] == "HEAD":
        await send({"type": "http.response.body", "body": b""})
        return
    stream = events(user_id, after, time.monotonic() + left + 1, database=database)

    async def pump() -> None:
        async for chunk in stream:
            await send({"type": "http.response.body", "body": chunk.encode(), "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def gone() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    pumping, watching = asyncio.ensure_future(pump()), asyncio.ensure_future(gone())
    try:
        await asyncio.wait({pumping, watching}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (pumping, watching):
            task.cancel()
        await asyncio.gather(pumping, watching, return_exceptions=True)
        await stream.aclose()


@never_cache
@require_GET
async def live(request: HttpRequest) -> HttpResponse:
    """The same stream as a view: under WSGI it answers what is new and ends (polling); under ASGI
    without the route (a test client) it streams, holding the request's thread."""
    from django.core.handlers.asgi import ASGIRequest
    from django.http import StreamingHttpResponse

    request._govbrief_passive = True  # not activity: the idle timeout still runs (orgs.sessions)
    # The request's own session and connection: under WSGI the answer is immediate, and the connection
    # stays the worker's, as for any request.
    who = await sync_to_async(listener_of)(request.session)
    if who is None:
        return HttpResponse(status=204)  # an EventSource stops reconnecting on 204
    user_id, left = who
    content_type = "text/event-stream; charset=utf-8"
    if not isinstance(request, ASGIRequest):
        text = [chunk async for chunk in events(user_id, last_seen(request), 0, retry_ms=POLL_RETRY_MS)]
        return HttpResponse("".join(text), content_type=content_type)
    await sync_to_async(_release_connection)()  # streaming: do not hold it while the page stays open
    response = StreamingHttpResponse(events(user_id, last_seen(request), time.monotonic() + left + 1,
                                            database=partial(releasing, thread_sensitive=True)),
                                     content_type=content_type)
    response["X-Accel-Buffering"] = "no"
    return response


# ---------------------------------------------------------------- ending streams that lost their session


def _recheck_on_logout(sender, request=None, user=None, **kwargs) -> None:
    if user is not None and user.pk is not None:
        publish([user.pk], Push(RECHECK))


def _recheck_on_account_change(sender, instance=None, update_fields=None, created=False, **kwargs) -> None:
    # A new password ends the other sessions (their hash no longer matches), and a deactivated account
    # all of them; a login's last_login or a failed attempt's counter changes neither.
    if created or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    publish_on_commit([instance.pk], Push(RECHECK))


def connect_signals() -> None:
    from django.contrib.auth import get_user_model

    user_logged_out.connect(_recheck_on_logout, dispatch_uid="govbrief.stream.logged_out")
    post_save.connect(_recheck_on_account_change, sender=get_user_model(), dispatch_uid="govbrief.stream.account")


@never_cache
@require_GET
def navigation(request: HttpRequest) -> HttpResponse:
    """The navigation's figures as they are now, for a page to refresh after a push: the sidebar's
    items (their counts) and the unread badge."""
    request._govbrief_passive = True
    if not request.user.is_authenticated:
        return JsonResponse({"error": "login required"}, status=401)
    from govbrief.core.context_processors import navigation as navigation_context

    context = navigation_context(request)
    unread = context.get("nav_unread", 0)
    return JsonResponse({"unread": unread, "unread_label": count_badge(unread) if unread else "",
                         "nav": render_to_string("core/_nav_items.html", context, request=request)})
