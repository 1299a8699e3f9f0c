"""Input every request is checked for before any view sees it (issue 13: refuse it in one place).

- A NUL byte in a query string or form field: PostgreSQL cannot store or compare it (``A string
  literal cannot contain NUL``), so any view that filtered on it answered 500. No legitimate form
  value holds one.
- A body larger than the request may carry: refused from its Content-Length before it is read.
- Too many form fields (Django's DATA_UPLOAD_MAX_NUMBER_FIELDS) or a body over
  DATA_UPLOAD_MAX_MEMORY_SIZE: Django's own refusal, but in the product's error format.

API clients get core.api's JSON error body, people the error page in the layout (core.views).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .views import error_response

MULTIPART = "multipart/form-data"


def _nul_field(querydict) -> str | None:
    for key, values in querydict.lists():
        if "\x00" in key:
            return key.replace("\x00", "")
        if any("\x00" in value for value in values):
            return key
    return None


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.check(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def check(self, request):
        content_type = request.META.get("CONTENT_TYPE", "")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # Uploads may carry attachments (each checked against GOVBRIEF_ATTACHMENT_MAX_BYTES later);
        # any other body is text and fits DATA_UPLOAD_MAX_MEMORY_SIZE.
        limit = (
            settings.GOVBRIEF_REQUEST_MAX_BYTES
            if content_type.startswith(MULTIPART)
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if length > limit:
            return self.too_big(request, limit)

        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            field = _nul_field(request.GET)
            if field is not None:
                return self.nul(request, field)
        if request.method == "POST" and (
            content_type.startswith(MULTIPART) or content_type.startswith("application/x-www-form-urlencoded")
        ):
            try:
                field = _nul_field(request.POST)
            except RequestDataTooBig:
                return self.too_big(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
            except TooManyFieldsSent:
                return error_response(
                    request, 400,
                    _("The form sends more than %(n)s fields; send fewer items at a time.")
                    % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS},
                    code="too_many_fields",
                )
            if field is not None:
                return self.nul(request, field)
        return None

    def nul(self, request, field: str):
        return error_response(
            request, 400, _("The field %(field)s contains a NUL character, which is not allowed.") % {"field": field},
            field=field, code="null_characters_not_allowed",
        )

    def too_big(self, request, limit: int):
        return error_response(
            request, 413, _("The request is larger than %(limit)s, the most it may carry.")
            % {"limit": filesizeformat(limit)},
            code="too_large",
        )
