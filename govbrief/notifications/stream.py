"""A person's notices, live in every page they have open (issue 15): a server-sent-events stream
that the page's script (govbrief.js) turns into a toast, a new badge and fresh navigation counts.

The stream is an async view: under ASGI (`govbrief serve`) an open page is an idle coroutine, and a
server holds thousands. Messages come from core.live (in-process, or Redis pub/sub when several app
servers run). A page that loses its stream (a server restart, a network change) reconnects on its
own after ``RETRY_MS`` and sends the id of the last notice it saw (``Last-Event-ID``); the stream
first sends what came after it from the database, then what is pushed, each notice once: the ids
already sent are skipped, and the page skips any it has shown.

Reading the stream is not activity: it neither renews the session (SPEC §9: a 10-minute idle
timeout) nor outlives it; a stream ends when its session would expire, and the reconnection of a
person who has timed out is refused with 204, which tells the page to stop trying.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from govbrief.core.live import RESYNC, Push, hub
from govbrief.core.templatetags.core_tags import count_badge
from govbrief.orgs.sessions import SEEN_KEY

from .kinds import notice_kind
from .models import Notification

RETRY_MS = 1000  # how soon a page reconnects
# Served by a WSGI server (gunicorn's sync workers, the tests' live server), a stream that stayed open
# would hold a whole worker: there it sends what is new and ends, and the page asks again this much
# later, so notices arrive within half a minute instead of at once.
POLL_RETRY_MS = 30_000
KEEPALIVE_SECONDS = 20  # a comment line, so proxies and the page know the stream is alive
MAX_STREAM_SECONDS = 600  # a stream is renewed now and then, which re-checks the session
CATCH_UP = 20  # at most this many missed notices are sent on reconnecting; the list has the rest
_ID = re.compile(r"[0-9]{1,18}")


def notice_push(notification: Notification) -> Push:
    """The live message for one notice: what the page's toast shows."""
    try:
        kind = notice_kind(notification.verb)
        label, urgent = str(kind.label), kind.urgent
    except LookupError:
        label, urgent = notification.verb, False
    return Push("notice", id=notification.pk, data={
        "id": notification.pk, "verb": notification.verb, "label": label, "urgent": urgent,
        "message": notification.message,
        # Through the "open" view, which marks it read on the way (notifications.views).
        "url": reverse("notifications:open", args=[notification.pk]) if notification.url else "",
        "created_at": notification.created_at.isoformat(),
    })


def publish_notices(notifications: list[Notification]) -> None:
    """Push each notice to its recipient's open pages (after the caller's transaction commits)."""
    from govbrief.core.live import publish_on_commit

    with translation.override(settings.LANGUAGE_CODE):
        for notification in notifications:
            publish_on_commit([notification.recipient_id], notice_push(notification))


def _release_connection() -> None:
    # A stream lives for minutes: it must not hold a database connection while it waits. Inside a
    # transaction (a test's) the connection is not ours to close.
    if not connection.in_atomic_block:
        connection.close()


def _missed(user_id: int, after: int) -> list[Push]:
    try:
        rows = list(Notification.objects.filter(recipient_id=user_id, pk__gt=after).order_by("-pk")[:CATCH_UP])
        return [notice_push(n) for n in reversed(rows)]
    finally:
        _release_connection()


def _latest(user_id: int) -> int:
    try:
        return Notification.objects.filter(recipient_id=user_id).aggregate(latest=Max("pk"))["latest"] or 0
    finally:
        _release_connection()


def encode(push: Push) -> str:
    lines = []
    if push.id is not None:
        lines.append(f"id: {push.id}")
    lines.append(f"event: {push.event}")
    lines.append("data: " + json.dumps(push.data, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n\n"


def last_seen(request: HttpRequest) -> int | None:
    """The last notice the page showed: the reconnecting browser's Last-Event-ID, or ``after``."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or ""
    return int(raw) if _ID.fullmatch(raw.strip()) else None


async def events(user_id: int, after: int | None, until: float, retry_ms: int = RETRY_MS) -> AsyncIterator[str]:
    """The stream's text: catch-up, a ``ready`` mark carrying the latest id, then live notices
    until ``until`` (``time.monotonic()``)."""
    with hub.listen(user_id) as listener:
        yield f"retry: {retry_ms}\n\n"
        await hub.ready()  # subscribed before the catch-up: a notice is in one or the other, or both
        sent: set[int] = set()
        high = after or 0
        if after is None:
            # A new page: what it rendered is current; the mark gives the browser a Last-Event-ID
            # for its first reconnection, and the page refreshes its counts on it.
            high = await sync_to_async(_latest)(user_id)
        else:
            for push in await sync_to_async(_missed)(user_id, after):
                sent.add(push.id)
                yield encode(push)
        high = max([high, *sent])
        yield encode(Push("ready", id=high))
        while (remaining := until - time.monotonic()) > 0:
            try:
                push = await asyncio.wait_for(listener.get(), min(KEEPALIVE_SECONDS, remaining))
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if push is RESYNC:
                pushes = await sync_to_async(_missed)(user_id, max([high, *sent]))
            else:
                pushes = [push]
            for push in pushes:
                if push.id is not None:
                    if push.id in sent or (after is not None and push.id <= after):
                        continue
                    sent.add(push.id)
                yield encode(push)


async def _session_left(request: HttpRequest) -> float:
    """Seconds until the idle timeout ends this session (orgs.sessions: its last renewal + the
    session age)."""
    seen = await request.session.aget(SEEN_KEY)
    if seen is None:
        return settings.SESSION_COOKIE_AGE
    return int(seen) + settings.SESSION_COOKIE_AGE - time.time()


@never_cache
@require_GET
async def live(request: HttpRequest) -> HttpResponse:
    request._govbrief_passive = True  # not activity: the idle timeout still runs (orgs.sessions)
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse(status=204)  # an EventSource stops reconnecting on 204
    left = min(MAX_STREAM_SECONDS, await _session_left(request))
    # The session and the person were read on this request's connection; the stream must not keep it.
    await sync_to_async(_release_connection)()
    if left <= 0:
        return HttpResponse(status=204)
    content_type = "text/event-stream; charset=utf-8"
    if not isinstance(request, ASGIRequest):
        text = [chunk async for chunk in events(user.pk, last_seen(request), 0, retry_ms=POLL_RETRY_MS)]
        return HttpResponse("".join(text), content_type=content_type)
    response = StreamingHttpResponse(events(user.pk, last_seen(request), time.monotonic() + left + 1),
                                     content_type=content_type)
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


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
