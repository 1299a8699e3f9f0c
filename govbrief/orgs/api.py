"""The unit directory and the signed-in person, read-only. Every list comes from orgs.selectors."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from govbrief.core.api import ID_PATTERN
from govbrief.core.filters import IdFilter, StrictBooleanFilter

from . import selectors
from .choices import UnitKind, UnitLevel
from .models import Unit
from .serializers import MeSerializer, UnitBriefSerializer, UnitSerializer


class UnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)
    level = django_filters.ChoiceFilter(choices=UnitLevel.choices)
    parent = IdFilter(field_name="parent_id")
    is_direct_point = StrictBooleanFilter()
    q = django_filters.CharFilter(method="filter_q", label="q")

    class Meta:
        model = Unit
        fields = ["kind", "level", "parent", "is_direct_point"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value) | Q(code__icontains=value))


@extend_schema(tags=["units"])
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The reporting network's units (SPEC §2)."""
    lookup_value_regex = ID_PATTERN

    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self):
        return selectors.units_directory()

    @extend_schema(
        summary="Offices this unit may report to",
        description="Its parent office; a direct reporting point also the provincial office; plus configured extras.",
        responses=UnitBriefSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="report-targets", url_name="report-targets", pagination_class=None,
            filterset_class=None)
    def report_targets(self, request, pk=None):
        unit = self.get_object()
        return Response(UnitBriefSerializer(selectors.report_targets_for(unit=unit), many=True).data)


@extend_schema(tags=["me"])
class MeView(APIView):
    """The signed-in person with unit, roles and the offices the unit reports to."""

    @extend_schema(summary="Current user", responses=MeSerializer)
    def get(self, request):
        user = request.user
        targets = selectors.report_targets_for(unit=user.unit) if user.unit_id else []
        return Response(MeSerializer(user, context={"request": request, "report_targets": targets}).data)
