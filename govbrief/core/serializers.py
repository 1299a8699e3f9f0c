"""API pieces every app shares: the documented error body (core.api's format) and list fields whose
errors keep the item's index in the path."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .web import MAX_ID


class IndexedListField(serializers.ListField):
    """A list whose errors keep the item's index in the path (``targets[1]``), the form core.api
    reports and services use; DRF's own ListField would report ``targets.1``."""

    def run_child_validation(self, data):
        values, errors = [], []
        for item in data:
            try:
                values.append(self.child.run_validation(item))
                errors.append([])
            except serializers.ValidationError as exc:
                values.append(None)
                errors.append(exc.detail)
        if any(errors):
            raise serializers.ValidationError(errors)
        return values


class IdListField(IndexedListField):
    """A list of positive ids."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), **kwargs)


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text=_("Path of the field in the request, e.g. targets[0]; empty for the whole request.")
    )
    message = serializers.CharField()
    code = serializers.CharField(
        help_text=_("e.g. required, invalid, illegal_transition, permission_denied, not_found.")
    )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = ErrorItemSerializer(many=True)


def error_responses(ok, status_code: int = 200, *errors: int) -> dict:
    """The success body plus core.api's error body for the usual refusals, for extend_schema."""
    out = {status_code: ok}
    for code in errors or (400, 403, 404):
        out[code] = ErrorSerializer
    return out
