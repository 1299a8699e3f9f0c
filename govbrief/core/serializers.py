"""API pieces every app shares: the documented error body (core.api's format) and list fields whose
errors keep the item's index in the path."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from .web import MAX_ID, written_in_ascii

# What a text field takes, stated in the schema so generated clients (and schemathesis) know it:
# no NUL character (PostgreSQL cannot store one) and, where the field is required, something other
# than white space (which the field strips).
NUL_MESSAGE = _("The text contains a NUL character, which is not allowed.")
ANY_TEXT = r"^[^\x00]*$"
SOME_TEXT = r"^[^\x00]*\S[^\x00]*$"


class StrictCharField(serializers.CharField):
    """Text must be sent as text: DRF would turn 12 or true into "12" and "True"."""

    default_error_messages = {"not_a_string": _("Not a valid string.")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Django's own wording is mistranslated in zh-hans ("空字符串", an empty string): say NUL.
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        self.validators.append(ProhibitNullCharactersValidator(message=NUL_MESSAGE))
        # Validators run after the blank check, so these only describe the field in the schema;
        # the field's own checks give the messages.
        self.validators.append(RegexValidator(ANY_TEXT if self.allow_blank else SOME_TEXT))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictSlugField(serializers.SlugField):
    """A code (letters, digits, - and _) sent as text, never a number DRF would turn into one."""

    default_error_messages = {"not_a_string": _("Not a valid string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false: DRF would also take 0, 1, "yes", "on" and "True"."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class AsciiIntegerField(serializers.IntegerField):
    """An integer sent as a JSON number or, from a form, as ASCII digits; never a bool (True is 1)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, str) and not written_in_ascii(data)):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class AsciiPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    def to_internal_value(self, data):
        if isinstance(data, (bool, float)) or (isinstance(data, str) and not (
                written_in_ascii(data) and data.strip().isdigit())):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictSerializer(serializers.Serializer):
    """A request body: a field the endpoint does not take is refused with its name (issue 13: a PATCH
    with ``state`` or ``unit`` was silently ignored, so the client believed it had changed them)."""

    default_error_messages = {"unknown_field": _("This field is not accepted here."),
                              "no_data": _("Send the fields as a JSON object.")}

    @property
    def errors(self):
        errors = super().errors
        # DRF answers a null body with an untranslated "No data provided".
        detail = errors.get(api_settings.NON_FIELD_ERRORS_KEY) if isinstance(errors, dict) else None
        if detail and len(detail) == 1 and getattr(detail[0], "code", None) == "null":
            errors[api_settings.NON_FIELD_ERRORS_KEY] = [ErrorDetail(str(self.error_messages["no_data"]), code="null")]
        return errors

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = [key for key in data if key not in writable]
            if unknown:
                message = self.error_messages["unknown_field"]
                raise serializers.ValidationError(
                    {key: [ErrorDetail(str(message), code="unknown_field")] for key in unknown}
                )
        return super().to_internal_value(data)


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
        super().__init__(child=AsciiIntegerField(min_value=1, max_value=MAX_ID), **kwargs)


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

