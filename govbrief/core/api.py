"""API error format: every error is JSON with a message and the field path it concerns.

    {"detail": "…", "errors": [{"field": "targets[0]", "message": "…", "code": "…"}]}

Service errors (Django's ValidationError, TransitionError, PermissionDenied) keep their codes:
``illegal_transition`` for a wrong state, ``permission_denied`` for a role or unit that may not act,
``not_found`` for anything the user may not see. A request the object's current state refuses (the
wrong state, someone else's lock, a stale copy: core.errors.Conflict) is 409, any other invalid
request 400.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from govbrief.core.errors import Conflict, TransitionError


# An id in an API path: ASCII digits only. DRF's default lookup ([^/.]+) let "١٠", "１０" and "1_0"
# through to int(), which reads them all as 10 (issue 13).
ID_PATTERN = "[0-9]{1,19}"


def _join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key in ("", "non_field_errors"):
        return path
    return f"{path}.{key}" if path else str(key)


def _flatten(detail, path=""):
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, str) and key.isdigit():
                key = int(key)
            yield from _flatten(value, _join(path, key))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            for item in detail:
                yield path, str(item), getattr(item, "code", "invalid")
        else:
            for index, item in enumerate(detail):
                if item:
                    yield from _flatten(item, _join(path, index))
    else:
        yield path, str(detail), getattr(detail, "code", "invalid")


def drf_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as DRF's, keeping each message's code and field paths such as ``targets[0]``."""
    default = "illegal_transition" if isinstance(exc, TransitionError) else "invalid"

    def details(errors):
        return [ErrorDetail(message, code=error.code or default) for error in errors for message in error.messages]

    kind = ConflictError if isinstance(exc, Conflict) else exceptions.ValidationError
    if hasattr(exc, "error_dict"):
        return kind({field: details(errors) for field, errors in exc.error_dict.items()})
    return kind({"non_field_errors": details(exc.error_list)})


class ConflictError(exceptions.ValidationError):
    status_code = 409


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = drf_validation_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, OverflowError):  # an id beyond the database's integer range
        exc = exceptions.ValidationError({"non_field_errors": [_("A number in the request is out of range.")]})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(getattr(exc, "message", "") or exc or _("You may not do this.")))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = [{"field": f, "message": m, "code": c} for f, m, c in _flatten(response.data)]
        detail = errors[0]["message"] if len(errors) == 1 else _("The request has invalid data.")
    else:
        detail = str(getattr(exc, "detail", "") or exc)
        errors = [{"field": "", "message": detail, "code": getattr(getattr(exc, "detail", None), "code", exc.default_code)}]
    return Response({"detail": detail, "errors": errors}, status=response.status_code, headers=response.headers)
