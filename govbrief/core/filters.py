"""Query filters shared by every app's lists."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from .web import MAX_ID, written_in_ascii


class AsciiIntegerFormField(forms.IntegerField):
    """Python's int() reads any script's digits ("٣٨" is 38); an id in a query is ASCII."""

    def to_python(self, value):
        if isinstance(value, str) and not written_in_ascii(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """An object id: a positive integer the database can hold. Anything else is a 400 with the
    parameter's name on both databases (PostgreSQL would find nothing for a huge id, SQLite could
    not even compare it), and an id the user may not see simply matches nothing."""

    field_class = AsciiIntegerFormField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    """true or false, as the schema says (django-filter's own reads "null", "unknown" or anything
    else as "no filter", so a typo silently listed everything)."""

    VALUES = {"true": True, "false": False, "1": True, "0": False}
    default_error_messages = {"invalid": _("Give true or false.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


@extend_schema_field({"type": "boolean"})
class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictFilterBackend(DjangoFilterBackend):
    """The API's query filters, held to the schema (issue 13): a filter given twice, or given empty
    where it takes a number, a date, a choice or true/false, is a 400 naming the parameter. A page
    form may send empty fields for "any"; an API client leaves the parameter out."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            self.check(request.query_params, filterset_class.base_filters)
        return kwargs

    @staticmethod
    def check(params, filters) -> None:
        errors = {}
        for name, values in params.lists():
            if name not in filters:
                continue
            if len(values) > 1:
                errors[name] = [_("Give this parameter once.")]
            elif values[0] == "" and not _takes_text(filters[name]):
                errors[name] = [_("Leave the parameter out instead of sending it empty.")]
        if errors:
            raise ValidationError(errors)


def _takes_text(filter_) -> bool:
    return type(filter_) is django_filters.CharFilter
