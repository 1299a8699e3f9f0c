"""Query filters of the report lists: one definition each, used by the pages (as forms) and by the
API (as query parameters in the OpenAPI schema)."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from govbrief.core.filters import IdFilter
from govbrief.core.registry import list_query
from govbrief.core.widgets import PlainSelect
from govbrief.events import subscribe
from govbrief.orgs.models import Unit

from . import selectors
from .choices import Queue, ReportKind, ReportState, SubmissionState
from .models import Report, Submission


# The unit filter's choices are every unit that ever sent something to the office: a scan of the
# office's whole history on every inbox page (issue 14), so they are cached per office and dropped
# when a new route arrives (subscribers below); the expiry bounds anything the events miss.
SENDERS_CACHE_SECONDS = 600


def _senders_key(office_id: int) -> str:
    return f"govbrief:inbox-senders:{office_id}"


def _sending_units(request) -> list[tuple[int, str]]:
    """The units that ever sent something to the user's office, as (id, name): the unit filter's choices."""
    if request is None or not request.user.is_authenticated or request.user.unit_id is None:
        return []
    office = request.user.unit_id
    units = cache.get(_senders_key(office))
    if units is None:
        senders = Submission.objects.filter(to_unit_id=office).values("from_unit_id")
        units = [(pk, name) for pk, name in
                 Unit.objects.filter(pk__in=senders).order_by("sort_order", "id").values_list("pk", "name")]
        cache.set(_senders_key(office), units, SENDERS_CACHE_SECONDS)
    return units


@subscribe("report.submitted", "report.forwarded", in_process=True)  # this process's cache, at once
def _forget_senders(event) -> None:
    cache.delete(_senders_key(event.data["to"]))


class UnitIdFilter(IdFilter):
    """A unit by id: a select of the units that sent something to the office on the page, any id
    in the API (an id that sent nothing simply matches nothing, and reveals nothing)."""

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units

    @property
    def field(self):
        field = super().field
        if self.units is not None and not isinstance(field.widget, forms.Select):
            request = self.parent.request if self.parent is not None else None
            # A callable: the choices are read only when the page renders the select, never by the API.
            field.widget = PlainSelect(choices=lambda: [("", _("All units")), *self.units(request)])
        return field


class InboxFilterSet(django_filters.FilterSet):
    """The office's inbox (SPEC §3.4): work queue, sending or originating unit, kind and state of
    what was sent, arrival dates, text, and the sort order."""

    queue = django_filters.ChoiceFilter(label=_("Queue"), choices=Queue.choices, method="filter_queue",
                                        empty_label=_("All"), widget=forms.HiddenInput,
                                        help_text=_("new, mine (assigned to me), unassigned, waiting (for the unit), overdue"))
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    unit = UnitIdFilter(label=_("Unit"), units=_sending_units, method="filter_unit",
                        help_text=_("Sending or originating unit id."))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ReportKind.choices, field_name="version__kind",
                                       empty_label=_("All kinds"), widget=PlainSelect)
    state = django_filters.ChoiceFilter(label=_("State"), choices=SubmissionState.choices, empty_label=_("All states"),
                                        widget=PlainSelect)
    date_from = django_filters.DateFilter(label=_("From"), field_name="submitted_at", lookup_expr="date__gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label=_("To"), field_name="submitted_at", lookup_expr="date__lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), method="filter_sort", empty_label=None, widget=PlainSelect,
        choices=[("urgency", _("Most urgent first")), ("-submitted_at", _("Newest first")),
                 ("submitted_at", _("Oldest first")), ("unit", _("By unit"))],
    )

    class Meta:
        model = Submission
        fields = ["queue", "q", "unit", "kind", "state", "date_from", "date_to", "sort"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        # Services and tests filter for a user without a request; the filters only need the user.
        super().__init__(data, queryset, request=request or SimpleNamespace(user=user), prefix=prefix)

    def form_key(self) -> str:
        """Everything the filter form shows, as the key of its rendering (inbox.html keeps it: the
        eight widgets cost 2 ms a page, issue 14): the query it was given, which holds its values and
        its errors, and the unit filter's choices. The page adds the language."""
        given = list_query(self.data) if self.data else ()
        choices = _sending_units(self.request)  # cached per office (above); a new sender changes the key
        return hashlib.blake2b(repr((given, choices)).encode(), digest_size=16).hexdigest()

    def filter_queue(self, queryset, name, value):
        user = self.request.user
        return queryset.filter(selectors.queue_q(value, user, selectors.overdue_cutoff_for(user.unit)))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(version__title__icontains=value) | Q(version__keywords__icontains=value))

    def filter_unit(self, queryset, name, value: int):
        return queryset.filter(Q(from_unit_id=value) | Q(origin_unit_id=value))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*selectors.INBOX_SORTS[value])


def inbox_filter(*, user, **params) -> QuerySet[Submission]:
    """The user's inbox filtered as the page and the API filter it (``queue="mine"``, ``kind=…``)."""
    return InboxFilterSet(params, queryset=selectors.inbox_for(user=user), user=user).qs


# Every select says what its empty choice means (全部状态, 全部类别), never django-filter's "---------"
# (issue 13): the same filters render as forms in the browsable API.
class ReportFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ReportState.choices, empty_label=_("All states"), method="filter_state")
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices, field_name="shown_kind", empty_label=_("All kinds"))
    unit = IdFilter(field_name="unit_id")
    q = django_filters.CharFilter(method="filter_q", label="q")

    class Meta:
        model = Report
        fields = ["state", "kind", "unit"]

    def filter_state(self, queryset, name, value):
        """The state as the user sees it: a unit its own reports' working state, an office only
        "submitted" (ReportListSerializer), so filtering on ``draft`` cannot find which reports a
        unit is revising."""
        own = selectors.own_reports_q(self.request.user)
        if value == ReportState.SUBMITTED:
            return queryset.filter(~own | Q(state=value))
        return queryset.filter(own, state=value)

    def filter_q(self, queryset, name, value):
        """Search only the texts the user may read (selectors.versions_visible_to)."""
        value = value.strip()
        if not value:
            return queryset
        matching = selectors.versions_visible_to(user=self.request.user).filter(report=OuterRef("pk")).filter(
            Q(title__icontains=value) | Q(keywords__icontains=value))
        return queryset.filter(Exists(matching))


class SubmissionFilter(django_filters.FilterSet):
    """Plain id filters: they never reveal whether an object the user may not see exists."""

    state = django_filters.ChoiceFilter(choices=SubmissionState.choices, empty_label=_("All states"))
    report = IdFilter(field_name="report_id")
    from_unit = IdFilter(field_name="from_unit_id")
    to_unit = IdFilter(field_name="to_unit_id")

    class Meta:
        model = Submission
        fields = ["state", "report", "from_unit", "to_unit"]
