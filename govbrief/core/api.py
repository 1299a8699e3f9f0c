"""API error format: every error is JSON with a message and the field path it concerns.

    {"detail": "…", "errors": [{"field": "targets[0]", "message": "…", "code": "…"}]}
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail, path=""):
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors":
                key = ""
            sub = f"{path}.{key}" if path and key else (key or path)
            yield from _flatten(value, sub)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            for item in detail:
                yield path, str(item), getattr(item, "code", "invalid")
        else:
            for index, item in enumerate(detail):
                if item:
                    yield from _flatten(item, f"{path}[{index}]")
    else:
        yield path, str(detail), getattr(detail, "code", "invalid")


def _django_validation_to_drf(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError({k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = _django_validation_to_drf(exc)
        exc.status_code = status.HTTP_400_BAD_REQUEST

    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(getattr(exc, "message", "") or exc or _("You may not do this.")))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    errors = [
        {"field": field, "message": message, "code": code} for field, message, code in _flatten(response.data)
    ]
    if isinstance(exc, exceptions.ValidationError):
        detail = _("The request has invalid data.")
        if len(errors) == 1:
            detail = errors[0]["message"]
    else:
        detail = errors[0]["message"] if errors else str(exc)
        errors = [{"field": "", "message": detail, "code": getattr(exc, "default_code", "error")}]
    return Response({"detail": detail, "errors": errors}, status=response.status_code, headers=response.headers)
