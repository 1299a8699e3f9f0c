"""How the API knows who is calling: a token, or the browser's session (for the API docs page)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular import authentication as spectacular_authentication
from rest_framework import authentication, exceptions


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, with its CSRF refusal in the product's words (DRF's own is an
    untranslated "CSRF Failed: …")."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise exceptions.PermissionDenied(
                _("The request lacks a valid CSRF token. Reload the page, or authenticate with a token "
                  "(Authorization: Token …) instead of the session.")) from exc


class SessionScheme(spectacular_authentication.SessionScheme):
    """The schema documents it as DRF's session authentication (cookie)."""

    target_class = "govbrief.core.authentication.SessionAuthentication"
