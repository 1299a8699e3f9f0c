"""Publications and issues in the API (for office-automation systems): what the user may read,
through the same visibility rules as the pages, and the approval steps as actions."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from govbrief.core.api import ID_PATTERN
from govbrief.core.filters import AsciiIntegerFormField, IdFilter
from govbrief.core.serializers import error_responses

from . import selectors, services
from .choices import IssueState
from .models import Issue, Item, ItemSource, Publication
from .serializers import (
    IssueBriefSerializer,
    IssueDetailSerializer,
    IssueNoteSerializer,
    IssueReasonSerializer,
    PublicationSerializer,
)

NO_FILTERS = {"filter_backends": [], "pagination_class": None}


@extend_schema(tags=["bulletins"])
@extend_schema_view(list=extend_schema(summary="Publications the user edits or reads"),
                    retrieve=extend_schema(summary="A publication", responses=error_responses(PublicationSerializer, 200, 404)))
class PublicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = PublicationSerializer
    filterset_fields = ["code", "tier"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Publication.objects.none()
        return selectors.publications_visible_to(user=self.request.user).order_by("office_id", "sort_order", "id")


@extend_schema_field({"type": "integer", "minimum": 1900, "maximum": 9999})
class YearFilter(django_filters.Filter):
    field_class = AsciiIntegerFormField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1900, max_value=9999, **kwargs)


class IssueFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=IssueState.choices)
    publication = IdFilter(field_name="publication_id")
    year = YearFilter()

    class Meta:
        model = Issue
        fields = ["state", "publication", "year"]


@extend_schema(tags=["bulletins"])
@extend_schema_view(list=extend_schema(summary="Bulletin issues the user may see (published ones to readers)"),
                    retrieve=extend_schema(summary="An issue with its items; opening it records a reading receipt",
                                           responses=error_responses(IssueDetailSerializer, 200, 404)))
class IssueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    filterset_class = IssueFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Issue.objects.none()
        qs = selectors.issues_visible_to(user=self.request.user).select_related("publication", "publication__office")
        if self.action != "list":
            qs = qs.prefetch_related(Prefetch("items", queryset=Item.objects.order_by("position", "id").prefetch_related(
                Prefetch("sources", queryset=ItemSource.objects.select_related("unit")))))
        return qs.order_by("-published_at", "-created_at", "-id")

    def get_serializer_class(self):
        return IssueBriefSerializer if self.action == "list" else IssueDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        issue = self.get_object()
        services.receipt_record(issue=issue, reader=request.user)
        return Response(IssueDetailSerializer(issue, context={"request": request}).data)

    def _step(self, fn, actor: str, serializer_class=None, **extra):
        issue = self.get_object()
        data = {}
        if serializer_class is not None:
            serializer = serializer_class(data=self.request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
        fn(issue=issue, **{actor: self.request.user}, **data, **extra)
        return Response(IssueDetailSerializer(self.get_queryset().get(pk=issue.pk), context={"request": self.request}).data)

    @extend_schema(summary="Send for approval", request=IssueNoteSerializer,
                   responses=error_responses(IssueDetailSerializer))
    @action(detail=True, methods=["post"], url_path="send", url_name="send", **NO_FILTERS)
    def send(self, request, pk=None):
        return self._step(services.issue_send_for_approval, "editor", IssueNoteSerializer)

    @extend_schema(summary="Approve (the chief editor)", request=IssueNoteSerializer,
                   responses=error_responses(IssueDetailSerializer))
    @action(detail=True, methods=["post"], url_path="approve", url_name="approve", **NO_FILTERS)
    def approve(self, request, pk=None):
        return self._step(services.issue_approve, "chief", IssueNoteSerializer)

    @extend_schema(summary="Return to the editor with a reason", request=IssueReasonSerializer,
                   responses=error_responses(IssueDetailSerializer))
    @action(detail=True, methods=["post"], url_path="return", url_name="return", **NO_FILTERS)
    def return_(self, request, pk=None):
        return self._step(services.issue_return, "chief", IssueReasonSerializer)

    @extend_schema(summary="Publish an approved issue (gives its numbers)", request=None,
                   responses=error_responses(IssueDetailSerializer))
    @action(detail=True, methods=["post"], url_path="publish", url_name="publish", **NO_FILTERS)
    def publish(self, request, pk=None):
        return self._step(services.issue_publish, "user")

    @extend_schema(summary="Withdraw a published issue with a reason", request=IssueReasonSerializer,
                   responses=error_responses(IssueDetailSerializer))
    @action(detail=True, methods=["post"], url_path="withdraw", url_name="withdraw", **NO_FILTERS)
    def withdraw(self, request, pk=None):
        return self._step(services.issue_withdraw, "chief", IssueReasonSerializer)
