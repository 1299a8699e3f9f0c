"""The reports API: thin endpoints over the services, one operation each.

Every object is looked up through the visibility selectors, so what a user may not see is a 404;
every write is a service call, whose refusals core.api turns into JSON (403 for role or unit,
400 with code ``illegal_transition`` for the wrong state)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from govbrief.core.api import ID_PATTERN
from govbrief.core.filters import StrictFilterBackend
from govbrief.core.parsers import BoundedJSONParser
from govbrief.core.registry import list_query, unit_cache_key
from govbrief.core.serializers import ErrorSerializer
from govbrief.core.serializers import error_responses as _responses
from govbrief.orgs.choices import SCREENING_ROLES

from . import selectors, services
from .docx_import import import_docx
from .filters import InboxFilterSet, ReportFilter, SubmissionFilter
from .models import Attachment, Report
from .serializers import (
    AdoptSerializer,
    AssignSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    BulkResultSerializer,
    BulkSerializer,
    CommentCreateSerializer,
    CommentSerializer,
    DocxImportSerializer,
    EditLockSerializer,
    ForwardSerializer,
    InboxItemSerializer,
    NoteSerializer,
    QueueCountsSerializer,
    ReportCreateSerializer,
    ReportCreateUploadSerializer,
    ReportDetailSerializer,
    ReportListSerializer,
    ReportUpdateSerializer,
    ResubmitSerializer,
    ReturnSerializer,
    RewriteSerializer,
    SubmissionBriefSerializer,
    SubmissionCommentSerializer,
    SubmissionDetailSerializer,
    SubmitSerializer,
)
from .uploads import check_import_size


def _valid(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ScreeningRole(BasePermission):
    """The desk's endpoints are for the editors of a receiving office (SPEC §1); anyone else gets
    403, not an empty office list."""

    message = _("Only the editors of a receiving office have an inbox.")

    def has_permission(self, request, view):
        user = request.user
        return user.is_authenticated and user.unit_id is not None and user.has_role(*SCREENING_ROLES)


DESK_PERMISSIONS = [*api_settings.DEFAULT_PERMISSION_CLASSES, ScreeningRole]


class ReportOrdering(OrderingFilter):
    """``urgency`` sorts most urgent first (URGENCY_RANK), not alphabetically by code; ``kind`` by the
    particulars of the text the user reads."""

    ALIASES = {"urgency": "urgency_rank", "kind": "shown_kind", "state": "shown_state", "updated_at": "shown_updated_at"}

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view) or []
        out = []
        for term in ordering:
            desc, name = term.startswith("-"), term.lstrip("-")
            out.append(("-" if desc else "") + self.ALIASES.get(name, name))
        return out


# ---------------------------------------------------------------- reports


ATTACHMENT_PK = OpenApiParameter("attachment_pk", int, OpenApiParameter.PATH, description="Attachment id.")
NO_FILTERS = {"filter_backends": [], "pagination_class": None}


@extend_schema(tags=["reports"])
@extend_schema_view(
    list=extend_schema(summary="Reports the user may see"),
    retrieve=extend_schema(summary="A report with its text, versions, submissions and timeline",
                           responses=_responses(ReportDetailSerializer, 200, 404)),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    filter_backends = [StrictFilterBackend, ReportOrdering]
    filterset_class = ReportFilter
    ordering_fields = ["updated_at", "created_at", "state", "kind", "urgency", "id"]
    ordering = ["-updated_at", "-id"]
    parser_classes = [BoundedJSONParser, MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Report.objects.none()
        qs = selectors.reports_visible_to(user=self.request.user).select_related(
            "unit", "author", "current_version", "current_version__unit", "current_version__created_by",
            "current_version__signed_by",
        )
        return selectors.annotate_shown_text(user=self.request.user, queryset=qs)

    def get_serializer_class(self):
        return ReportListSerializer if self.action == "list" else ReportDetailSerializer

    def _detail(self, report: Report, status_code: int = status.HTTP_200_OK) -> Response:
        report = selectors.report_get(user=self.request.user, pk=report.pk)
        return Response(ReportDetailSerializer(report, context=self.get_serializer_context()).data, status=status_code)

    # -------------------------------------------------------- drafting

    @extend_schema(summary="Draft a report",
                   request={"application/json": ReportCreateSerializer,
                            "multipart/form-data": ReportCreateUploadSerializer},
                   responses=_responses(ReportDetailSerializer, 201, 400, 403))
    def create(self, request):
        upload = request.content_type.startswith("multipart/")
        data = _valid(ReportCreateUploadSerializer if upload else ReportCreateSerializer, request.data)
        report = services.report_create(author=request.user, **data)
        return self._detail(report, status.HTTP_201_CREATED)

    @extend_schema(summary="Edit the unsigned text and particulars", request=ReportUpdateSerializer,
                   responses=_responses(ReportDetailSerializer))
    def partial_update(self, request, pk=None):
        report = self.get_object()
        changes = _valid(ReportUpdateSerializer, request.data, partial=True)
        services.report_update(report=report, user=request.user, **changes)
        return self._detail(report)

    @extend_schema(methods=["POST"], summary="Take the edit lock (or renew it)", request=None,
                   responses=_responses(EditLockSerializer))
    @extend_schema(methods=["DELETE"], summary="Release the edit lock", request=None, responses={204: None})
    @action(detail=True, methods=["post", "delete"], url_path="lock", url_name="lock", **NO_FILTERS)
    def lock(self, request, pk=None):
        from govbrief.locks.services import lock_release

        report = self.get_object()
        if request.method == "DELETE":
            lock_release(target=report, user=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(EditLockSerializer(services.report_lock_take(report=report, user=request.user)).data)

    @extend_schema(summary="Break someone else's edit lock (the unit's signer)", request=None,
                   responses=_responses(ReportDetailSerializer))
    @action(detail=True, methods=["post"], url_path="break-lock", url_name="break-lock", **NO_FILTERS)
    def break_lock(self, request, pk=None):
        report = self.get_object()
        services.report_lock_break(report=report, user=request.user)
        return self._detail(report)

    @extend_schema(summary="Import a draft from a Word (.docx) file", request=DocxImportSerializer,
                   responses=_responses(ReportDetailSerializer, 201, 400, 403))
    @action(detail=False, methods=["post"], url_path="import-docx", url_name="import-docx",
            parser_classes=[MultiPartParser], **NO_FILTERS)
    def import_docx(self, request):
        data = _valid(DocxImportSerializer, request.data)
        uploaded = data.pop("file")
        if not (uploaded.name or "").lower().endswith(".docx"):
            message = _("Only Word (.docx) files can be imported.")
            raise exceptions.ValidationError({"file": [ErrorDetail(message, code="file_type")]})
        try:
            check_import_size(uploaded)
            draft = import_docx(uploaded)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(
                {"file": [ErrorDetail(m, code=e.code or "invalid") for e in exc.error_list for m in e.messages]}
            ) from exc
        report = services.report_create(author=request.user, title=draft.title, body=draft.body,
                                        keywords=draft.keywords, imported=True, **data)
        return self._detail(report, status.HTTP_201_CREATED)

    @extend_schema(summary="Add an attachment to the unsigned version", request=AttachmentUploadSerializer,
                   responses=_responses(AttachmentSerializer, 201))
    @action(detail=True, methods=["post"], url_path="attachments", url_name="attachments",
            parser_classes=[MultiPartParser], **NO_FILTERS)
    def attachments(self, request, pk=None):
        report = self.get_object()
        data = _valid(AttachmentUploadSerializer, request.data)
        attachment = services.attachment_add(report=report, user=request.user, uploaded=data["file"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    def _attachment(self, attachment_pk) -> Attachment:
        report = self.get_object()
        try:  # visibility: only through a version this user may see
            attachment = selectors.attachment_get(user=self.request.user, pk=int(attachment_pk))
        except (Attachment.DoesNotExist, OverflowError) as exc:
            raise Http404 from exc
        if attachment.version.report_id != report.pk:
            raise Http404
        return attachment

    @extend_schema(
        summary="Download an attachment",
        parameters=[ATTACHMENT_PK],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY), 404: ErrorSerializer},
    )
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_pk>[0-9]{1,19})", url_name="attachment",
            **NO_FILTERS)
    def attachment(self, request, pk=None, attachment_pk=None):
        attachment = self._attachment(attachment_pk)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        return FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)

    @extend_schema(summary="Remove an attachment from the unsigned version", request=None, parameters=[ATTACHMENT_PK],
                   responses=_responses(None, 204))
    @attachment.mapping.delete
    def attachment_delete(self, request, pk=None, attachment_pk=None):
        services.attachment_remove(attachment=self._attachment(attachment_pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="How each office rewrote the report: its edited versions against the unit's signed text",
                   responses=_responses(RewriteSerializer(many=True), 200, 404))
    @action(detail=True, methods=["get"], url_path="rewrites", url_name="rewrites", **NO_FILTERS)
    def rewrites(self, request, pk=None):
        report = self.get_object()
        rewrites = selectors.report_rewrites(user=request.user, report=report)
        return Response(RewriteSerializer(rewrites, many=True, context=self.get_serializer_context()).data)

    # -------------------------------------------------------- sign-off (SPEC §3.2)

    @extend_schema(summary="Send for sign-off", request=NoteSerializer, responses=_responses(ReportDetailSerializer))
    @action(detail=True, methods=["post"], url_path="request-signoff", url_name="request-signoff", **NO_FILTERS)
    def request_signoff(self, request, pk=None):
        report = self.get_object()
        data = _valid(NoteSerializer, request.data)
        services.report_request_signoff(report=report, user=request.user, note=data["note"])
        return self._detail(report)

    @extend_schema(summary="Sign off (签发): freeze the text", request=CommentSerializer,
                   responses=_responses(ReportDetailSerializer))
    @action(detail=True, methods=["post"], url_path="sign-off", url_name="sign-off", **NO_FILTERS)
    def sign_off(self, request, pk=None):
        report = self.get_object()
        data = _valid(CommentSerializer, request.data)
        services.report_sign_off(report=report, signer=request.user, comment=data["comment"])
        return self._detail(report)

    @extend_schema(summary="Send back to the author", request=CommentSerializer,
                   responses=_responses(ReportDetailSerializer))
    @action(detail=True, methods=["post"], url_path="send-back", url_name="send-back", **NO_FILTERS)
    def send_back(self, request, pk=None):
        report = self.get_object()
        data = _valid(CommentSerializer, request.data)
        services.report_send_back(report=report, signer=request.user, comment=data["comment"])
        return self._detail(report)

    @extend_schema(summary="Start a new version of signed text", request=None,
                   responses=_responses(ReportDetailSerializer, 201))
    @action(detail=True, methods=["post"], url_path="new-version", url_name="new-version", **NO_FILTERS)
    def new_version(self, request, pk=None):
        report = self.get_object()
        services.report_new_version(report=report, user=request.user)
        return self._detail(report, status.HTTP_201_CREATED)

    # -------------------------------------------------------- submitting (SPEC §3.3)

    @extend_schema(summary="Submit to receiving offices", request=SubmitSerializer,
                   responses=_responses(SubmissionBriefSerializer(many=True), 201))
    @action(detail=True, methods=["post"], url_path="submit", url_name="submit", **NO_FILTERS)
    def submit(self, request, pk=None):
        report = self.get_object()
        data = _valid(SubmitSerializer, request.data)
        created = services.report_submit(report=report, user=request.user, targets=data["targets"], note=data["note"])
        return Response(SubmissionBriefSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- submissions


@extend_schema(tags=["submissions"])
@extend_schema_view(
    list=extend_schema(summary="Submissions the user may see (sent, received, or of the unit's reports)"),
    retrieve=extend_schema(summary="A submission with the text sent and its onward routes",
                           responses=_responses(SubmissionDetailSerializer, 200, 404)),
)
class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    filter_backends = [StrictFilterBackend, OrderingFilter]
    filterset_class = SubmissionFilter
    ordering_fields = ["submitted_at", "decided_at", "id"]
    ordering = ["-submitted_at", "-id"]

    def get_queryset(self):
        qs = selectors.with_forwarded(selectors.submissions_visible_to(user=self.request.user)).select_related(
            "report", "report__unit", "origin_unit", "version", "from_unit", "to_unit", "submitted_by", "decided_by",
        )
        if self.action == "list":
            return qs.select_related("adoption__adopted_by", "adoption__publication")
        return qs.select_related(
            "report__author", "report__current_version", "version__unit", "version__created_by",
            "version__signed_by", "adoption__adopted_by", "adoption__publication",
        )

    def get_serializer_class(self):
        return SubmissionBriefSerializer if self.action == "list" else SubmissionDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        """Opening an item marks it read for this editor and no longer new for the office."""
        submission = self.get_object()
        services.submission_mark_opened(submission=submission, user=request.user)
        return self._detail(submission)

    def _detail(self, submission) -> Response:
        submission = selectors.submission_get(user=self.request.user, pk=submission.pk)
        return Response(SubmissionDetailSerializer(submission, context=self.get_serializer_context()).data)

    @extend_schema(summary="The office's inbox", responses=_responses(InboxItemSerializer(many=True), 200, 400, 403))
    @action(detail=False, methods=["get"], url_path="inbox", url_name="inbox", filter_backends=[StrictFilterBackend],
            filterset_class=InboxFilterSet, permission_classes=DESK_PERMISSIONS)
    def inbox(self, request):
        qs = self.filter_queryset(selectors.inbox_for(user=request.user).prefetch_related(selectors.INBOX_ADOPTIONS))
        # The inbox changes only through domain events concerning the office: its count is kept as
        # the page's is (reports.views.inbox).
        self.paginator.count_key = unit_cache_key(request, "api-inbox-count", list_query(request.query_params))
        page = selectors.inbox_rows(self.paginate_queryset(qs))
        serializer = InboxItemSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

    # -------------------------------------------------------- the editor's desk

    @extend_schema(summary="Live counts of the work queues", responses=_responses(QueueCountsSerializer, 200, 403))
    @action(detail=False, methods=["get"], url_path="queues", url_name="queues",
            permission_classes=DESK_PERMISSIONS, **NO_FILTERS)
    def queues(self, request):
        return Response(selectors.queue_counts(user=request.user))

    @extend_schema(summary="Apply one action to many items", request=BulkSerializer,
                   responses=_responses(BulkResultSerializer(many=True), 200, 400, 403))
    @action(detail=False, methods=["post"], url_path="bulk", url_name="bulk",
            permission_classes=DESK_PERMISSIONS, **NO_FILTERS)
    def bulk(self, request):
        """Each item goes through the same service as the single action, in its own transaction;
        the answer lists every item as done or refused with the reason."""
        data = _valid(BulkSerializer, request.data)
        results = services.submissions_bulk(user=request.user, **data)
        return Response(BulkResultSerializer(results, many=True).data)

    @extend_schema(summary="Take it (assign to myself)", request=None, responses=_responses(SubmissionDetailSerializer))
    @action(detail=True, methods=["post"], url_path="take", url_name="take", **NO_FILTERS)
    def take(self, request, pk=None):
        submission = self.get_object()
        services.submission_assign(submission=submission, assignee=request.user, by=request.user)
        return self._detail(submission)

    @extend_schema(summary="Assign to an editor", request=AssignSerializer, responses=_responses(SubmissionDetailSerializer))
    @action(detail=True, methods=["post"], url_path="assign", url_name="assign", **NO_FILTERS)
    def assign(self, request, pk=None):
        submission = self.get_object()
        data = _valid(AssignSerializer, request.data)
        services.submission_assign(submission=submission, assignee=data["assignee"], by=request.user)
        return self._detail(submission)

    @extend_schema(summary="Release the assignment", request=None, responses=_responses(SubmissionDetailSerializer))
    @action(detail=True, methods=["post"], url_path="release", url_name="release", **NO_FILTERS)
    def release(self, request, pk=None):
        submission = self.get_object()
        services.submission_release(submission=submission, by=request.user)
        return self._detail(submission)

    @extend_schema(methods=["GET"], summary="Comments this user may read", responses=SubmissionCommentSerializer(many=True))
    @extend_schema(methods=["POST"], summary="Add an internal note or a message to the unit",
                   request=CommentCreateSerializer, responses=_responses(SubmissionCommentSerializer, 201))
    @action(detail=True, methods=["get", "post"], url_path="comments", url_name="comments", **NO_FILTERS)
    def comments(self, request, pk=None):
        submission = self.get_object()
        if request.method == "POST":
            data = _valid(CommentCreateSerializer, request.data)
            comment = services.comment_add(submission=submission, author=request.user, body=data["body"],
                                           audience=data["audience"])
            return Response(SubmissionCommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        comments = selectors.comments_visible_to(user=request.user).filter(submission=submission).select_related(
            "author", "author_unit")
        return Response(SubmissionCommentSerializer(comments, many=True).data)

    # -------------------------------------------------------- screening (SPEC §3.4)

    @extend_schema(summary="Adopt (采用)", request=AdoptSerializer, responses=_responses(SubmissionDetailSerializer))
    @action(detail=True, methods=["post"], url_path="adopt", url_name="adopt", **NO_FILTERS)
    def adopt(self, request, pk=None):
        submission = self.get_object()
        data = _valid(AdoptSerializer, request.data)
        services.submission_adopt(submission=submission, editor=request.user, **data)
        return self._detail(submission)

    @extend_schema(summary="Keep for reference (存档备查)", request=NoteSerializer,
                   responses=_responses(SubmissionDetailSerializer))
    @action(detail=True, methods=["post"], url_path="archive", url_name="archive", **NO_FILTERS)
    def archive(self, request, pk=None):
        submission = self.get_object()
        data = _valid(NoteSerializer, request.data)
        services.submission_archive(submission=submission, editor=request.user, note=data["note"])
        return self._detail(submission)

    @extend_schema(summary="Return with a reason (退稿)", request=ReturnSerializer,
                   responses=_responses(SubmissionDetailSerializer))
    @action(detail=True, methods=["post"], url_path="return", url_name="return", **NO_FILTERS)
    def return_(self, request, pk=None):
        submission = self.get_object()
        data = _valid(ReturnSerializer, request.data)
        services.submission_return(submission=submission, editor=request.user, reason=data["reason"])
        return self._detail(submission)

    @extend_schema(summary="Forward an adopted report further up (转报)", request=ForwardSerializer,
                   responses=_responses(SubmissionBriefSerializer(many=True), 201))
    @action(detail=True, methods=["post"], url_path="forward", url_name="forward", **NO_FILTERS)
    def forward(self, request, pk=None):
        submission = self.get_object()
        data = _valid(ForwardSerializer, request.data)
        created = services.submission_forward(
            submission=submission, editor=request.user, targets=data["targets"], title=data.get("title"),
            body=data.get("body"), keywords=data.get("keywords"), note=data["note"],
        )
        return Response(SubmissionBriefSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Send a returned report again", request=ResubmitSerializer,
                   responses=_responses(SubmissionDetailSerializer))
    @action(detail=True, methods=["post"], url_path="resubmit", url_name="resubmit", **NO_FILTERS)
    def resubmit(self, request, pk=None):
        submission = self.get_object()
        data = _valid(ResubmitSerializer, request.data)
        services.submission_resubmit(submission=submission, user=request.user, title=data.get("title"),
                                     body=data.get("body"), note=data["note"])
        return self._detail(submission)
