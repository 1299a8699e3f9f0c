"""The audit page's filters (SPEC §9): person, action, object, period. One definition for the page's
form, its pagination links and its exports, so an export holds exactly the rows the page lists.

Every input is bounded and parsed before it reaches the database: text fields have the model's
lengths, choices must be among those offered, dates lie between ``DATE_MIN`` and ``DATE_MAX``. A NUL
byte, which PostgreSQL cannot compare (a 500), is refused by each field itself: Django's CharField
rejects it, and a date or a choice holding one does not parse. The site-wide guard
(core.guard.RequestGuardMiddleware) refuses such requests earlier; this page does not rely on it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import AuditEntry

# Before the system existed nothing matches; the bounds only keep "day after" and the time zone
# arithmetic inside what Python and the databases can hold (year 1 or 9999 would overflow: a 500).
DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2999, 12, 31)


def _local_midnight(day: date) -> datetime:
    """The start of ``day`` in the site's time zone (Asia/Shanghai): the auditor's dates are local
    dates, and a range on the stored instant keeps the created_at index usable (``__date`` would not)."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def _once(compute):
    """A choices callable that reads the database once per filter set: Django calls a callable's
    choices again on every iteration (once to validate, once to render)."""
    cache: list = []

    def choices():
        if not cache:
            cache.append(list(compute()))
        return cache[0]

    return choices


class AuditFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class AuditEntryFilterSet(django_filters.FilterSet):
    person = django_filters.CharFilter(label=_("Actor"), method="filter_person", max_length=150,
                                       widget=forms.TextInput(attrs={"placeholder": _("Name or user name")}))
    action = django_filters.ChoiceFilter(label=_("Action"), empty_label=_("All actions"))
    object_type = django_filters.ChoiceFilter(label=_("Object type"), empty_label=_("All types"))
    object_id = django_filters.CharFilter(label=_("Object id"), max_length=40)
    date_from = django_filters.DateFilter(label=_("From"), method="filter_from",
                                          validators=[MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)],
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label=_("To"), method="filter_to",
                                        validators=[MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)],
                                        widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEntry
        fields = ("person", "action", "object_type", "object_id", "date_from", "date_to")
        form = AuditFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.filters["action"].extra["choices"] = _once(selectors.audit_action_choices)
        self.filters["object_type"].extra["choices"] = _once(selectors.audit_object_type_choices)

    def filter_person(self, queryset, name, value: str):
        """The name recorded with the entry (as it was then), or the person's name or account now."""
        return queryset.filter(Q(actor_name__icontains=value) | Q(actor__name__icontains=value)
                               | Q(actor__username__icontains=value))

    def filter_from(self, queryset, name, value: date):
        return queryset.filter(created_at__gte=_local_midnight(value))

    def filter_to(self, queryset, name, value: date):
        """Inclusive: up to the end of the local day."""
        return queryset.filter(created_at__lt=_local_midnight(value + timedelta(days=1)))

    @property
    def result(self) -> QuerySet[AuditEntry]:
        """The filtered entries, or none while the form has errors: an auditor must never read a
        list that silently ignored the condition they typed."""
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return self.qs

    def applied(self) -> dict[str, str]:
        """The conditions in force, as text (recorded with an export)."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        return {key: str(value) for key, value in self.form.cleaned_data.items() if value not in (None, "")}


def audit_filter(*, user, params=None) -> AuditEntryFilterSet:
    """The user's visible entries (selectors.audit_entries_visible_to) under the page's conditions."""
    return AuditEntryFilterSet(params or None, queryset=selectors.audit_entries_visible_to(user=user))
