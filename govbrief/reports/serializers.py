"""JSON shapes of reports and submissions, and the bodies of their transitions.

Output serializers only read; input serializers only parse and check shapes (choices, ids, files).
Every rule about who may do what, and when, is the services' business."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govbrief.orgs.models import Unit
from govbrief.orgs.serializers import UnitBriefSerializer, UserBriefSerializer

from . import permissions, selectors
from .choices import AdoptionMode, Distribution, Publication, Queue, ReportKind, SubmissionState, Urgency
from .models import Adoption, Attachment, Comment, Report, ReportEvent, ReportVersion, Submission
from .services import BULK_ACTIONS
from .uploads import check_upload


def _label(model, name):
    return model._meta.get_field(name).verbose_name


def _user(serializer):
    return serializer.context["request"].user


# ---------------------------------------------------------------- output


class AttachmentSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True, label=_label(Attachment, "version"))
    uploaded_by = UserBriefSerializer(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "sha256", "version", "uploaded_by", "uploaded_at",
                  "download_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI_REF)
    def get_download_url(self, obj) -> str:
        return reverse("api:report-attachment", kwargs={"pk": obj.version.report_id, "attachment_pk": obj.pk})


class VersionSummarySerializer(serializers.ModelSerializer):
    """A version in the list of versions: who wrote and signed what, and the proof (hash)."""

    unit = UnitBriefSerializer(read_only=True)
    created_by = UserBriefSerializer(read_only=True)
    signed_by = UserBriefSerializer(read_only=True, allow_null=True)
    hash_valid = serializers.SerializerMethodField()

    class Meta:
        model = ReportVersion
        fields = [
            "id", "number", "unit", "derived_from", "title", "created_by", "created_at", "signed_by", "signed_at",
            "content_hash", "hash_valid",
        ]
        read_only_fields = fields

    def get_hash_valid(self, obj) -> bool | None:
        """Whether the signed content still matches its hash (null while unsigned)."""
        return obj.hash_matches() if obj.content_hash else None


class VersionSerializer(VersionSummarySerializer):
    """A version with its text and attachments."""

    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(VersionSummarySerializer.Meta):
        fields = [*VersionSummarySerializer.Meta.fields, "body", "keywords", "attachments"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    actor = UserBriefSerializer(read_only=True)
    actor_unit = UnitBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReportEvent
        fields = ["id", "action", "action_display", "submission", "actor", "actor_unit", "from_state", "to_state",
                  "note", "data", "created_at"]
        read_only_fields = fields


class AdoptionSerializer(serializers.ModelSerializer):
    office = UnitBriefSerializer(read_only=True)
    adopted_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = Adoption
        fields = ["id", "office", "level", "publication", "mode", "note", "adopted_by", "adopted_at"]
        read_only_fields = fields


class SubmissionBriefSerializer(serializers.ModelSerializer):
    """A submission as listed under its report or in an inbox."""

    report = serializers.PrimaryKeyRelatedField(read_only=True)
    title = serializers.CharField(source="version.title", read_only=True, label=_label(ReportVersion, "title"))
    version = serializers.IntegerField(source="version.number", read_only=True, label=_label(Submission, "version"))
    from_unit = UnitBriefSerializer(read_only=True)
    to_unit = UnitBriefSerializer(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    adoption = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["id", "report", "title", "version", "from_unit", "to_unit", "parent", "state", "state_display",
                  "submitted_at", "decided_at", "return_reason", "adoption"]
        read_only_fields = fields

    @extend_schema_field(AdoptionSerializer(allow_null=True))
    def get_adoption(self, obj):
        if obj.state not in (SubmissionState.ADOPTED, SubmissionState.FORWARDED):
            return None
        adoption = getattr(obj, "adoption", None)
        return AdoptionSerializer(adoption).data if adoption is not None else None


class InboxItemSerializer(SubmissionBriefSerializer):
    kind = serializers.CharField(source="version.kind", read_only=True, label=_label(Report, "kind"))
    urgency = serializers.CharField(source="version.urgency", read_only=True, label=_label(Report, "urgency"))
    origin_unit = UnitBriefSerializer(source="report.unit", read_only=True)
    has_other_route = serializers.SerializerMethodField()
    assignee = UserBriefSerializer(read_only=True, allow_null=True)
    is_read = serializers.SerializerMethodField()

    class Meta(SubmissionBriefSerializer.Meta):
        fields = [*SubmissionBriefSerializer.Meta.fields, "kind", "urgency", "origin_unit", "has_other_route",
                  "assignee", "is_read"]
        read_only_fields = fields

    def get_is_read(self, obj) -> bool:
        """Whether the requesting editor has opened it (the unread state is per editor)."""
        return bool(getattr(obj, "is_read", False))

    def get_has_other_route(self, obj) -> bool:
        """多头报送 (SPEC §3.5): the same item reached this office by another route too."""
        return bool(getattr(obj, "has_other_route", False))


class EditLockSerializer(serializers.Serializer):
    holder = UserBriefSerializer()
    acquired_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class ReportActionsSerializer(serializers.Serializer):
    edit = serializers.BooleanField()
    request_signoff = serializers.BooleanField()
    sign_off = serializers.BooleanField()
    send_back = serializers.BooleanField()
    new_version = serializers.BooleanField()
    submit = serializers.BooleanField()


# "return" is a Python keyword, so this one is built with type().
SubmissionActionsSerializer = type(
    "SubmissionActionsSerializer",
    (serializers.Serializer,),
    {name: serializers.BooleanField() for name in ("adopt", "archive", "return", "forward", "resubmit",
                                                           "take", "assign", "release", "note", "message")},
)


def _text_for(serializer, report):
    """selectors.report_text_for, once per report and request."""
    if not hasattr(report, "_text_for_user"):
        report._text_for_user = selectors.report_text_for(user=_user(serializer), report=report)
    return report._text_for_user


class ReportListSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField(label=_label(ReportVersion, "title"))
    version = serializers.SerializerMethodField(label=_label(Report, "current_version"))
    unit = UnitBriefSerializer(read_only=True)
    author = UserBriefSerializer(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Report
        fields = ["id", "title", "version", "kind", "urgency", "distribution", "state", "state_display", "unit",
                  "author", "created_at", "updated_at"]
        read_only_fields = fields

    def _shown(self, obj) -> tuple[str, int | None]:
        """The text this user may read: the unit's current one, or the newest that reached the office."""
        if hasattr(obj, "shown_title"):
            return obj.shown_title or "", obj.shown_version
        version = _text_for(self, obj)
        return (version.title, version.number) if version else ("", None)

    def get_title(self, obj) -> str:
        return self._shown(obj)[0]

    def get_version(self, obj) -> int | None:
        return self._shown(obj)[1]


class ReportDetailSerializer(ReportListSerializer):
    """A report as its reader sees it: the current text, every version with its proof, the
    submissions this user may see, the timeline, and what this user may do now."""

    current_version = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()
    submissions = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    revision = serializers.SerializerMethodField()
    edit_lock = serializers.SerializerMethodField()

    class Meta(ReportListSerializer.Meta):
        fields = [*ReportListSerializer.Meta.fields, "contact_name", "contact_phone", "current_version", "versions",
                  "submissions", "events", "allowed_actions", "revision", "edit_lock"]
        read_only_fields = fields

    @extend_schema_field(VersionSerializer(allow_null=True))
    def get_current_version(self, obj):
        """The text this user may read: the unit's current one, or the newest that reached the user's office."""
        version = _text_for(self, obj)
        return VersionSerializer(version, context=self.context).data if version else None

    @extend_schema_field(VersionSummarySerializer(many=True))
    def get_versions(self, obj):
        versions = selectors.report_versions_visible_to(user=_user(self), report=obj)
        return VersionSummarySerializer(versions, many=True, context=self.context).data

    @extend_schema_field(SubmissionBriefSerializer(many=True))
    def get_submissions(self, obj):
        subs = selectors.report_submissions(user=_user(self), report=obj)
        return SubmissionBriefSerializer(subs, many=True, context=self.context).data

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, obj):
        return EventSerializer(selectors.report_timeline(user=_user(self), report=obj), many=True, context=self.context).data

    @extend_schema_field(ReportActionsSerializer)
    def get_allowed_actions(self, obj):
        return permissions.report_actions(_user(self), obj)

    def get_revision(self, obj) -> str:
        """Send it back with an edit so a save on a stale copy is refused."""
        from .services import report_revision

        return report_revision(obj)

    @extend_schema_field(EditLockSerializer(allow_null=True))
    def get_edit_lock(self, obj):
        """Who is editing the draft now, if anyone."""
        from govbrief.locks.selectors import lock_for

        lock = lock_for(target=obj)
        return EditLockSerializer(lock, context=self.context).data if lock else None


class SubmissionDetailSerializer(SubmissionBriefSerializer):
    """A submission with the text that was sent, its report's particulars and its onward routes."""

    version = VersionSerializer(read_only=True)
    report_detail = serializers.SerializerMethodField()
    origin_unit = UnitBriefSerializer(source="report.unit", read_only=True)
    submitted_by = UserBriefSerializer(read_only=True)
    decided_by = UserBriefSerializer(read_only=True, allow_null=True)
    forwards = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(SubmissionBriefSerializer.Meta):
        fields = [*SubmissionBriefSerializer.Meta.fields, "report_detail", "origin_unit", "submitted_by", "decided_by",
                  "forwards", "allowed_actions"]
        read_only_fields = fields

    @extend_schema_field(ReportListSerializer)
    def get_report_detail(self, obj):
        return ReportListSerializer(obj.report, context=self.context).data

    @extend_schema_field(SubmissionBriefSerializer(many=True))
    def get_forwards(self, obj):
        subs = [s for s in selectors.report_submissions(user=_user(self), report=obj.report) if s.parent_id == obj.pk]
        return SubmissionBriefSerializer(subs, many=True, context=self.context).data

    @extend_schema_field(SubmissionActionsSerializer)
    def get_allowed_actions(self, obj):
        return permissions.submission_actions(_user(self), obj)


# ---------------------------------------------------------------- input


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


class UnitIdListField(IndexedListField):
    """A list of unit ids, turned into units."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_empty", True)
        super().__init__(child=serializers.IntegerField(min_value=1), **kwargs)

    def run_child_validation(self, data):
        ids = super().run_child_validation(data)
        units = Unit.objects.in_bulk(ids)
        missing = [[] if pk in units else [_("There is no unit with id %(id)s.") % {"id": pk}] for pk in ids]
        if any(missing):
            raise serializers.ValidationError(missing, code="does_not_exist")
        return [units[pk] for pk in ids]


def _check_file(uploaded):
    try:
        check_upload(uploaded)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages, code=exc.error_list[0].code or "invalid") from exc
    return uploaded


class ReportCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, label=_label(ReportVersion, "title"))
    body = serializers.CharField(label=_label(ReportVersion, "body"))
    keywords = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                     label=_label(ReportVersion, "keywords"))
    kind = serializers.ChoiceField(choices=ReportKind.choices, label=_label(Report, "kind"))
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE, label=_label(Report, "urgency"))
    distribution = serializers.ChoiceField(choices=Distribution.choices, default=Distribution.INTERNAL,
                                           label=_label(Report, "distribution"))
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="",
                                         label=_label(Report, "contact_name"))
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                          label=_label(Report, "contact_phone"))
    attachments = IndexedListField(child=serializers.FileField(validators=[_check_file]), required=False, default=list,
                                   label=_label(Attachment, "file"))


class ReportUpdateSerializer(serializers.Serializer):
    """Only the fields sent are changed."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  label=_label(ReportVersion, "title"))
    body = serializers.CharField(required=False, allow_blank=True, label=_label(ReportVersion, "body"))
    keywords = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                     label=_label(ReportVersion, "keywords"))
    kind = serializers.ChoiceField(choices=ReportKind.choices, required=False, label=_label(Report, "kind"))
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, label=_label(Report, "urgency"))
    distribution = serializers.ChoiceField(choices=Distribution.choices, required=False,
                                           label=_label(Report, "distribution"))
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True,
                                         label=_label(Report, "contact_name"))
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                          label=_label(Report, "contact_phone"))
    revision = serializers.CharField(required=False, help_text=_(
        "The revision token of the copy you edited (from the report's detail); a save on a stale copy is refused."))


class DocxImportSerializer(serializers.Serializer):
    file = serializers.FileField(label=_("Word (.docx) file"))
    kind = serializers.ChoiceField(choices=ReportKind.choices, default=ReportKind.NEWS, label=_label(Report, "kind"))
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE, label=_label(Report, "urgency"))
    distribution = serializers.ChoiceField(choices=Distribution.choices, default=Distribution.INTERNAL,
                                           label=_label(Report, "distribution"))
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="",
                                         label=_label(Report, "contact_name"))
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                          label=_label(Report, "contact_phone"))


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label=_label(Attachment, "file"), validators=[_check_file])


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_label(ReportEvent, "note"))


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", label=_("comment"))


class SubmitSerializer(serializers.Serializer):
    targets = UnitIdListField(label=_label(Submission, "to_unit"), help_text=_("Ids of the receiving offices."))
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_label(ReportEvent, "note"))


class AdoptSerializer(serializers.Serializer):
    publication = serializers.ChoiceField(choices=Publication.choices, default=Publication.GENERAL,
                                          label=_label(Adoption, "publication"))
    mode = serializers.ChoiceField(choices=AdoptionMode.choices, default=AdoptionMode.AS_IS,
                                   label=_label(Adoption, "mode"))
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                 label=_label(Adoption, "note"))


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   label=_label(Submission, "return_reason"))


class ForwardSerializer(serializers.Serializer):
    """转报: the office's edited text goes up; title, body and keywords default to the text received."""

    targets = UnitIdListField(label=_label(Submission, "to_unit"), help_text=_("Ids of the receiving offices."))
    title = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  label=_label(ReportVersion, "title"))
    body = serializers.CharField(required=False, allow_blank=True, label=_label(ReportVersion, "body"))
    keywords = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                     label=_label(ReportVersion, "keywords"))
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_label(ReportEvent, "note"))


class ResubmitSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  label=_label(ReportVersion, "title"))
    body = serializers.CharField(required=False, allow_blank=True, label=_label(ReportVersion, "body"))
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_label(ReportEvent, "note"))


class InboxQuerySerializer(serializers.Serializer):
    """The inbox's query parameters (selectors.InboxFilters)."""

    unit = serializers.IntegerField(required=False, min_value=1, help_text=_("Sending or originating unit id."))
    kind = serializers.ChoiceField(choices=ReportKind.choices, required=False)
    state = serializers.ChoiceField(choices=SubmissionState.choices, required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    q = serializers.CharField(required=False, allow_blank=True)
    queue = serializers.ChoiceField(choices=Queue.choices, required=False,
                                    help_text=_("new, mine (assigned to me), unassigned, waiting (for the unit), overdue"))
    sort = serializers.ChoiceField(choices=list(selectors.INBOX_SORTS), required=False, default="urgency")

    def to_filters(self) -> selectors.InboxFilters:
        data = self.validated_data
        return selectors.InboxFilters(
            queue=data.get("queue", ""), unit=data.get("unit"), kind=data.get("kind", ""), state=data.get("state", ""),
            date_from=data.get("date_from"), date_to=data.get("date_to"), q=(data.get("q") or "").strip(),
            sort=data["sort"],
        )


# ---------------------------------------------------------------- errors (documentation of core.api's format)


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


# ---------------------------------------------------------------- the editor's desk


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=Unit._meta.get_field("members").related_model.objects.all(),
                                                  help_text=_("User id of an editor of the receiving office."))


class SubmissionCommentSerializer(serializers.ModelSerializer):
    author = UserBriefSerializer(read_only=True)
    author_unit = UnitBriefSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "audience", "body", "author", "author_unit", "created_at"]
        read_only_fields = ["id", "author", "author_unit", "created_at"]


# One count per queue, named after the Queue choices so the two never drift apart.
QueueCountsSerializer = type(
    "QueueCountsSerializer", (serializers.Serializer,), {q: serializers.IntegerField() for q in Queue.values}
)


class BulkSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a, a) for a in BULK_ACTIONS])
    ids = IndexedListField(child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=500)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    publication = serializers.ChoiceField(choices=Publication.choices, required=False, default=Publication.GENERAL)
    mode = serializers.ChoiceField(choices=AdoptionMode.choices, required=False, default=AdoptionMode.AS_IS)
    assignee = serializers.PrimaryKeyRelatedField(queryset=Unit._meta.get_field("members").related_model.objects.all(),
                                                  required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class BulkResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()
