"""Telling people why they were logged out (SPEC §9: a 10-minute idle timeout).

The session cookie lives as long as the session, so after an idle timeout the browser has already
dropped it and the server cannot tell a timed-out person from one who never logged in. A second,
browser-session cookie marks "was logged in here"; an explicit logout removes it, so a person who
arrives at the login page still carrying it was logged out by the timeout."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_out

MARKER = "govbrief_was_in"


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
