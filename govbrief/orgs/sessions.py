"""Telling people why they were logged out (SPEC §9: a 10-minute idle timeout).

The session cookie lives as long as the session, so after an idle timeout the browser has already
dropped it and the server cannot tell a timed-out person from one who never logged in. A second,
browser-session cookie marks "was logged in here"; an explicit logout removes it, so a person who
arrives at the login page still carrying it was logged out by the timeout."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.signals import user_logged_out

MARKER = "govbrief_was_in"
# When the session's expiry was last pushed forward (epoch seconds), kept in the session itself.
SEEN_KEY = "_govbrief_seen"


def was_logged_out_idle(request) -> bool:
    return not request.user.is_authenticated and request.COOKIES.get(MARKER) == "1"


def forget_idle_marker(response) -> None:
    response.delete_cookie(MARKER, samesite="Lax")


class IdleMarkerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(request, "_govbrief_logged_out", False):
            forget_idle_marker(response)
        elif user is not None and user.is_authenticated and request.COOKIES.get(MARKER) != "1" \
                and not request.path.startswith("/api/"):
            response.set_cookie(MARKER, "1", httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response


def _on_logged_out(sender, request=None, **kwargs):
    if request is not None:
        request._govbrief_logged_out = True


user_logged_out.connect(_on_logged_out, dispatch_uid="govbrief.orgs.sessions.logged_out")


class IdleTimeoutMiddleware:
    """The idle timeout (SPEC §9: 10 minutes) without a session write on every request (issue 14).

    Django renews a session's expiry only when it saves it; saving on every request
    (SESSION_SAVE_EVERY_REQUEST) cost an UPDATE and a COMMIT on every page view. Here an
    authenticated session is saved at most once per ``GOVBRIEF_SESSION_REFRESH_SECONDS`` (60): a
    person idle for the timeout is logged out between one refresh interval before it and the timeout
    itself, so the 10 minutes hold to the minute, and a burst of page views writes nothing. Placed
    after SessionMiddleware, so the session it marks modified is saved on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        # Only a logged-in session: an API client authenticated by its token has none to keep alive.
        # A page's own background requests (its live stream, notifications.stream) are not activity.
        if getattr(request, "_govbrief_passive", False):
            return response
        if session is None or user is None or not user.is_authenticated or HASH_SESSION_KEY not in session:
            return response
        now = int(time.time())
        # A session saved anyway (a login, a message) takes the mark for free.
        if session.modified or now - int(session.get(SEEN_KEY, 0)) >= settings.GOVBRIEF_SESSION_REFRESH_SECONDS:
            session[SEEN_KEY] = now
        return response
