"""The signed-in person's notifications: list, unread count, mark read."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from govbrief.core.api import ID_PATTERN
from govbrief.core.filters import StrictBooleanFilter

from . import selectors, services
from .kinds import notice_kinds
from .models import Notification
from .serializers import (
    MarkReadResultSerializer,
    MarkReadSerializer,
    NotificationSerializer,
    PreferenceSerializer,
    PreferencesUpdateSerializer,
    UnreadCountSerializer,
)


class NotificationFilter(django_filters.FilterSet):
    unread = StrictBooleanFilter(method="filter_unread", label="unread")
    # The kinds as a list, so the schema names them (an enum): this module is imported with the URLs,
    # after every app has declared its kinds.
    kind = django_filters.ChoiceFilter(field_name="verb", choices=[(k.verb, k.label) for k in notice_kinds()],
                                       label="kind")

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)


@extend_schema(tags=["notifications"])
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        return selectors.notifications_for(user=self.request.user)

    @extend_schema(summary="Number of unread notifications", responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", url_name="unread-count",
            pagination_class=None, filterset_class=None)
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})

    @extend_schema(summary="Mark notifications read", request=MarkReadSerializer, responses=MarkReadResultSerializer)
    @action(detail=False, methods=["post"], url_path="mark-read", url_name="mark-read",
            pagination_class=None, filterset_class=None)
    def mark_read(self, request):
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ids = None if data["all"] else data["ids"]
        marked = services.notifications_mark_read(user=request.user, ids=ids) if ids != [] else 0
        return Response({"marked": marked, "unread": selectors.unread_count(user=request.user)})


@extend_schema(tags=["notifications"])
class NoticePreferencesView(APIView):
    """How the signed-in person is told of each kind of notice besides the in-app list (a view of
    its own: it has no object to look up, which DRF's OPTIONS answer of a viewset would try)."""

    @extend_schema(summary="How I am told of each kind of notice", responses=PreferenceSerializer(many=True))
    def get(self, request):
        return Response(services.preferences_for(user=request.user))

    @extend_schema(summary="Choose e-mail and SMS per kind of notice", request=PreferencesUpdateSerializer,
                   responses=PreferenceSerializer(many=True))
    def put(self, request):
        serializer = PreferencesUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(services.preferences_save(user=request.user,
                                                  choices=serializer.validated_data["preferences"]))
