"""Incidents, clocks and reporting records in the API (for office-automation systems and duty-office
screens): thin shells over the services, every list through the visibility rules. An emergency report
is drafted here and then signed and submitted through /api/reports/ like any report."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from govbrief.core.api import ID_PATTERN
from govbrief.core.serializers import error_responses
from govbrief.orgs.models import Unit, User
from govbrief.reports.models import Submission

from . import selectors, services
from .choices import ClockState, IncidentState, RecordKind, RecordState
from .models import CASUALTIES, ELEMENTS, Clock, Incident, ReportingRecord
from .serializers import (
    AnswerSerializer,
    ClockSerializer,
    DispositionCreateSerializer,
    EmergencyReportCreateSerializer,
    EmergencyReportSerializer,
    EscalationDecisionSerializer,
    IncidentCreateSerializer,
    IncidentDetailSerializer,
    IncidentNoteSerializer,
    IncidentSerializer,
    PhoneReportCreateSerializer,
    RecordMarkSerializer,
    RecordSerializer,
    RequestCreateSerializer,
    RequestSerializer,
)

NO_FILTERS = {"filter_backends": [], "pagination_class": None}


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _nested(exc: ValidationError, **groups: tuple[str, ...]) -> ValidationError:
    """A service's error on an element or a casualty figure, at its path in the request body
    (``elements.place``, ``casualties.deaths``)."""
    if not hasattr(exc, "error_dict"):
        return exc
    moved = {}
    for field, errors in exc.error_dict.items():
        prefix = next((g for g, names in groups.items() if field in names), None)
        moved[f"{prefix}.{field}" if prefix else field] = errors
    return ValidationError(moved)


def _units(ids: list[int], field: str) -> list[Unit]:
    found = Unit.objects.in_bulk(ids)
    errors = {f"{field}[{i}]": [_("There is no unit with id %(id)s.") % {"id": pk}]
              for i, pk in enumerate(ids) if pk not in found}
    if errors:
        raise ValidationError(errors)
    return [found[pk] for pk in ids]


def _unit(pk: int, field: str) -> Unit:
    return _units([pk], field)[0] if pk else None


def _incident(user, pk: int, field: str = "incident") -> Incident:
    incident = selectors.incidents_visible_to(user=user).filter(pk=pk).first()
    if incident is None:  # the same answer whether it does not exist or is not the user's to see
        raise ValidationError({field: [_("There is no incident with id %(id)s.") % {"id": pk}]})
    return incident


class IncidentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=IncidentState.choices)

    class Meta:
        model = Incident
        fields = ["state"]


@extend_schema(tags=["emergencies"])
@extend_schema_view(list=extend_schema(summary="Incidents the user may see, newest first"),
                    retrieve=extend_schema(summary="An incident with its clocks and its chain of reports",
                                           responses=error_responses(IncidentDetailSerializer, 200, 404)))
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Incident.objects.none()
        return selectors.incidents_visible_to(user=self.request.user).select_related("unit", "opened_by_unit") \
            .order_by("-occurred_at", "-id")

    def retrieve(self, request, pk=None):
        incident = self.get_object()
        detail = selectors.incident_detail(user=request.user, incident=incident)
        return Response(IncidentDetailSerializer(incident, context=detail).data)

    @extend_schema(summary="Open an incident", request=IncidentCreateSerializer,
                   responses=error_responses(IncidentSerializer, 201, 400, 403))
    def create(self, request):
        data = dict(_valid(IncidentCreateSerializer, request.data))
        casualties = data.pop("casualties", {}) or {}
        unit = _unit(data.pop("unit", None), "unit")
        try:
            incident = services.incident_open(user=request.user, unit=unit, **data, **casualties)
        except ValidationError as exc:
            raise _nested(exc, casualties=CASUALTIES) from exc
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Request reports from units (the duty desk); each unit's clock starts",
                   request=RequestCreateSerializer, responses=error_responses(RequestSerializer(many=True), 201))
    @action(detail=True, methods=["post"], url_path="request", url_name="request", **NO_FILTERS)
    def request_reports(self, request, pk=None):
        incident = self.get_object()
        data = _valid(RequestCreateSerializer, request.data)
        created = services.request_create(user=request.user, incident=incident, units=_units(data["units"], "units"),
                                          message=data["message"])
        return Response(RequestSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Log a phone report (stops the unit's clock)", request=PhoneReportCreateSerializer,
                   responses=error_responses(ClockSerializer(many=True), 201))
    @action(detail=True, methods=["post"], url_path="phone-reports", url_name="phone-reports", **NO_FILTERS)
    def phone_report(self, request, pk=None):
        incident = self.get_object()
        data = dict(_valid(PhoneReportCreateSerializer, request.data))
        unit = _unit(data.pop("unit"), "unit")
        services.phone_report_log(user=request.user, incident=incident, unit=unit, **data)
        clocks = selectors.clocks_visible_to(user=request.user).filter(incident=incident, unit=unit)
        return Response(ClockSerializer(clocks, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Decide whether it must go on to the State Council office", request=EscalationDecisionSerializer,
                   responses=error_responses(IncidentSerializer))
    @action(detail=True, methods=["post"], url_path="escalation", url_name="escalation", **NO_FILTERS)
    def escalation(self, request, pk=None):
        incident = self.get_object()
        services.escalation_decide(user=request.user, incident=incident, **_valid(EscalationDecisionSerializer, request.data))
        return Response(IncidentSerializer(incident).data)

    @extend_schema(summary="Close the incident (handling over)", request=IncidentNoteSerializer,
                   responses=error_responses(IncidentSerializer))
    @action(detail=True, methods=["post"], url_path="close", url_name="close", **NO_FILTERS)
    def close(self, request, pk=None):
        incident = services.incident_close(user=request.user, incident=self.get_object(),
                                           **_valid(IncidentNoteSerializer, request.data))
        return Response(IncidentSerializer(incident).data)

    @extend_schema(summary="Reopen a closed incident", request=IncidentNoteSerializer,
                   responses=error_responses(IncidentSerializer))
    @action(detail=True, methods=["post"], url_path="reopen", url_name="reopen", **NO_FILTERS)
    def reopen(self, request, pk=None):
        incident = services.incident_reopen(user=request.user, incident=self.get_object(),
                                            **_valid(IncidentNoteSerializer, request.data))
        return Response(IncidentSerializer(incident).data)


@extend_schema(tags=["emergencies"])
class EmergencyReportViewSet(viewsets.GenericViewSet):
    """Draft an emergency report on an incident; sign and submit it at /api/reports/{id}/."""

    serializer_class = EmergencyReportSerializer

    def get_queryset(self):
        from .models import EmergencyReport

        return EmergencyReport.objects.none()

    @extend_schema(summary="Draft an emergency report (a report of kind emergency) on an incident",
                   request=EmergencyReportCreateSerializer,
                   responses=error_responses(EmergencyReportSerializer, 201, 400, 403))
    def create(self, request):
        data = dict(_valid(EmergencyReportCreateSerializer, request.data))
        incident = _incident(request.user, data.pop("incident"))
        elements = {name: data["elements"].get(name) for name in ELEMENTS}
        try:
            report = services.emergency_report_create(author=request.user, incident=incident,
                                                      title=data["title"], body=data["body"],
                                                      stage=data.get("stage"), elements=elements,
                                                      casualties=dict(data.get("casualties") or {}),
                                                      contact_name=data["contact_name"],
                                                      contact_phone=data["contact_phone"])
        except ValidationError as exc:
            raise _nested(exc, elements=ELEMENTS, casualties=CASUALTIES) from exc
        return Response(EmergencyReportSerializer(report.emergency).data, status=status.HTTP_201_CREATED)


class ClockFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ClockState.choices)
    incident_state = django_filters.ChoiceFilter(field_name="incident__state", choices=IncidentState.choices)

    class Meta:
        model = Clock
        fields = ["state", "incident_state"]


@extend_schema(tags=["emergencies"])
@extend_schema_view(list=extend_schema(summary="The duty board: clocks the user's unit holds or owes, soonest first"),
                    retrieve=extend_schema(summary="A clock", responses=error_responses(ClockSerializer, 200, 404)))
class ClockViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = ClockSerializer
    filterset_class = ClockFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Clock.objects.none()
        return selectors.clocks_visible_to(user=self.request.user).select_related("unit", "office") \
            .order_by("deadline", "id")


class RecordFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=RecordKind.choices)
    state = django_filters.ChoiceFilter(choices=RecordState.choices)

    class Meta:
        model = ReportingRecord
        fields = ["kind", "state"]


@extend_schema(tags=["emergencies"])
@extend_schema_view(list=extend_schema(summary="Late, missed, false and concealed reporting records"),
                    retrieve=extend_schema(summary="A record", responses=error_responses(RecordSerializer, 200, 404)))
class RecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = RecordSerializer
    filterset_class = RecordFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportingRecord.objects.none()
        return selectors.record_list(user=self.request.user)

    @extend_schema(summary="Record missed, false or concealed reporting (the duty desk)",
                   request=RecordMarkSerializer, responses=error_responses(RecordSerializer, 201, 400, 403))
    def create(self, request):
        data = dict(_valid(RecordMarkSerializer, request.data))
        incident = _incident(request.user, data.pop("incident"))
        unit = _unit(data.pop("unit"), "unit")
        record = services.record_mark(user=request.user, incident=incident, unit=unit, **data)
        return Response(RecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="The unit answers a record", request=AnswerSerializer,
                   responses=error_responses(RecordSerializer))
    @action(detail=True, methods=["post"], url_path="answer", url_name="answer", **NO_FILTERS)
    def answer(self, request, pk=None):
        record = services.record_answer(user=request.user, record=self.get_object(),
                                        **_valid(AnswerSerializer, request.data))
        return Response(RecordSerializer(record).data)


@extend_schema(tags=["emergencies"])
class DispositionViewSet(viewsets.GenericViewSet):
    """What the receiving office did with an incoming emergency item."""

    serializer_class = DispositionCreateSerializer

    def get_queryset(self):
        return Submission.objects.none()

    @extend_schema(summary="Record 专报, 送阅, 综合, 备查 or 约稿 on an incoming emergency item",
                   request=DispositionCreateSerializer, responses=error_responses(RequestSerializer, 201, 400, 403))
    def create(self, request):
        data = dict(_valid(DispositionCreateSerializer, request.data))
        sub = Submission.objects.restrict(request.user).filter(pk=data.pop("submission")).first()
        if sub is None:
            raise ValidationError({"submission": [_("There is no such item.")]})
        leaders = list(User.objects.filter(pk__in=data.pop("leaders")))
        targets = _units(data.pop("targets"), "targets")
        disposition = services.disposition_record(user=request.user, submission=sub, leaders=leaders, targets=targets,
                                                  **data)
        return Response({"id": disposition.pk, "kind": disposition.kind, "submission": sub.pk,
                         "request": disposition.request_id}, status=status.HTTP_201_CREATED)
