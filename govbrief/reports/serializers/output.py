"""Output shapes: reports, versions, submissions, the timeline. They only read."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govbrief.orgs.serializers import UnitBriefSerializer, UserBriefSerializer

from .. import permissions, selectors
from ..choices import Distribution, ReportKind, ReportState, SubmissionState, Urgency
from ..models import Adoption, Attachment, Report, ReportEvent, ReportVersion, Submission


def _label(model, name):
    return model._meta.get_field(name).verbose_name


def _user(serializer):
    return serializer.context["request"].user


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
    office = UnitBriefSerializer(source="submission.to_unit", read_only=True)
    publication = serializers.SlugRelatedField(slug_field="code", read_only=True)
    publication_name = serializers.CharField(source="publication.name", read_only=True)
    adopted_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = Adoption
        fields = ["id", "office", "level", "publication", "publication_name", "mode", "note", "adopted_by", "adopted_at"]
        read_only_fields = fields


class SubmissionBriefSerializer(serializers.ModelSerializer):
    """A submission as listed under its report or in an inbox."""

    report = serializers.PrimaryKeyRelatedField(read_only=True)
    title = serializers.CharField(source="version.title", read_only=True, label=_label(ReportVersion, "title"))
    version = serializers.IntegerField(source="version.number", read_only=True, label=_label(Submission, "version"))
    from_unit = UnitBriefSerializer(read_only=True)
    to_unit = UnitBriefSerializer(read_only=True)
    state_display = serializers.CharField(source="status_label", read_only=True)
    forwarded = serializers.BooleanField(source="is_forwarded", read_only=True,
                                         help_text=_("Adopted and forwarded further up by this office."))
    adoption = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["id", "report", "title", "version", "from_unit", "to_unit", "parent", "state", "state_display",
                  "forwarded", "submitted_at", "decided_at", "return_reason", "adoption"]
        read_only_fields = fields

    @extend_schema_field(AdoptionSerializer(allow_null=True))
    def get_adoption(self, obj):
        if obj.state != SubmissionState.ADOPTED:
            return None
        adoption = getattr(obj, "adoption", None)
        if adoption is None:
            return None
        # One serializer for every row of a list: building a ModelSerializer's fields costs more than
        # the row itself (issue 14: half the API inbox's time went to building 50 of them).
        if self._adoption_serializer is None:
            self._adoption_serializer = AdoptionSerializer()
        return self._adoption_serializer.to_representation(adoption)

    _adoption_serializer: AdoptionSerializer | None = None


class InboxItemSerializer(SubmissionBriefSerializer):
    kind = serializers.CharField(source="version.kind", read_only=True, label=_label(ReportVersion, "kind"))
    urgency = serializers.CharField(source="version.urgency", read_only=True, label=_label(ReportVersion, "urgency"))
    origin_unit = UnitBriefSerializer(read_only=True)
    has_other_route = serializers.SerializerMethodField()
    assignee = UserBriefSerializer(read_only=True, allow_null=True)
    is_read = serializers.SerializerMethodField()

    class Meta(SubmissionBriefSerializer.Meta):
        fields = [*SubmissionBriefSerializer.Meta.fields, "kind", "urgency", "origin_unit", "has_other_route",
                  "assignee", "is_read"]
        read_only_fields = fields

    def to_representation(self, obj):
        """The same answer as DRF's field-by-field path, built directly: that path looks up and
        checks every attribute of every field of every row (issue 14). tests/reports/
        test_api_inbox_rows.py holds the two equal for every kind of row; a field added to
        Meta.fields must be added here too (the test fails until it is)."""
        fields, version = self.fields, obj.version
        when = fields["submitted_at"]
        return {
            "id": obj.pk, "report": obj.report_id, "title": version.title, "version": version.number,
            "from_unit": fields["from_unit"].to_representation(obj.from_unit),
            "to_unit": fields["to_unit"].to_representation(obj.to_unit),
            "parent": obj.parent_id, "state": obj.state, "state_display": str(obj.status_label),
            "forwarded": obj.is_forwarded,
            "submitted_at": when.to_representation(obj.submitted_at),
            "decided_at": when.to_representation(obj.decided_at) if obj.decided_at else None,
            "return_reason": obj.return_reason, "adoption": self.get_adoption(obj),
            "kind": version.kind, "urgency": version.urgency,
            "origin_unit": fields["origin_unit"].to_representation(obj.origin_unit),
            "has_other_route": self.get_has_other_route(obj),
            "assignee": fields["assignee"].to_representation(obj.assignee) if obj.assignee_id else None,
            "is_read": self.get_is_read(obj),
        }

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


def _versions_for(serializer, report):
    """selectors.report_versions_visible_to, once per report and request."""
    if not hasattr(report, "_versions_for_user"):
        report._versions_for_user = selectors.report_versions_visible_to(user=_user(serializer), report=report)
    return report._versions_for_user


def _text_for(serializer, report):
    """selectors.report_text_for, once per report and request."""
    if not hasattr(report, "_text_for_user"):
        report._text_for_user = selectors.report_text_for(user=_user(serializer), report=report,
                                                          versions=getattr(report, "_versions_for_user", None))
    return report._text_for_user


def _own_unit(serializer, report) -> bool:
    return permissions.sees_work_in_progress(_user(serializer), report)


def _submissions_for(serializer, report):
    """selectors.report_submissions, once per report and request."""
    if not hasattr(report, "_submissions_for_user"):
        report._submissions_for_user = selectors.report_submissions(user=_user(serializer), report=report)
    return report._submissions_for_user


def _shown(serializer, obj, field: str):
    """A field of the text this user reads: annotated on lists (selectors.annotate_shown_text),
    looked up once per report otherwise."""
    if hasattr(obj, "shown_version_id"):
        return getattr(obj, f"shown_{field}")
    version = _text_for(serializer, obj)
    return getattr(version, field) if version is not None else None


class _Shown:
    def __init__(self, *args, shown: str, **kwargs):
        self.shown = shown
        super().__init__(*args, read_only=True, allow_null=True, **kwargs)

    def get_attribute(self, instance):
        return _shown(self.parent, instance, self.shown)


class ShownChar(_Shown, serializers.CharField):
    pass


class ShownInteger(_Shown, serializers.IntegerField):
    pass


class ShownChoice(_Shown, serializers.ChoiceField):
    pass


class ReportListSerializer(serializers.ModelSerializer):
    """A report as this user may read it: title, version and particulars of the unit's current
    text for the unit itself, of the newest text that reached it for an office."""

    title = ShownChar(shown="title", label=_label(ReportVersion, "title"))
    version = ShownInteger(shown="number", label=_label(Report, "current_version"))
    kind = ShownChoice(shown="kind", choices=ReportKind.choices, label=_label(ReportVersion, "kind"))
    urgency = ShownChoice(shown="urgency", choices=Urgency.choices, label=_label(ReportVersion, "urgency"))
    distribution = ShownChoice(shown="distribution", choices=Distribution.choices,
                               label=_label(ReportVersion, "distribution"))
    unit = UnitBriefSerializer(read_only=True)
    author = UserBriefSerializer(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Report
        fields = ["id", "title", "version", "kind", "urgency", "distribution", "state", "state_display", "unit",
                  "author", "created_at", "updated_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not _own_unit(self, instance):
            # An office sees what reached it, never the unit's work in progress (issue 13): a report
            # the unit is revising after a return is still, for the office, one that was submitted,
            # last changed when the newest item reached it (selectors.annotate_shown_text).
            data["state"] = ReportState.SUBMITTED.value
            data["state_display"] = str(ReportState.SUBMITTED.label)
            shown = getattr(instance, "shown_updated_at", None)
            if shown is None:
                shown = max((s.submitted_at for s in _submissions_for(self, instance)),
                            default=instance.created_at)
            data["updated_at"] = serializers.DateTimeField().to_representation(shown)
        return data


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
        _versions_for(self, obj)  # the detail lists them anyway: read them once for both
        version = _text_for(self, obj)
        return VersionSerializer(version, context=self.context).data if version else None

    @extend_schema_field(VersionSummarySerializer(many=True))
    def get_versions(self, obj):
        versions = _versions_for(self, obj)
        return VersionSummarySerializer(versions, many=True, context=self.context).data

    @extend_schema_field(SubmissionBriefSerializer(many=True))
    def get_submissions(self, obj):
        subs = _submissions_for(self, obj)
        return SubmissionBriefSerializer(subs, many=True, context=self.context).data

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, obj):
        return EventSerializer(selectors.report_timeline(user=_user(self), report=obj), many=True, context=self.context).data

    @extend_schema_field(ReportActionsSerializer)
    def get_allowed_actions(self, obj):
        return permissions.report_actions(_user(self), obj)

    def get_revision(self, obj) -> str:
        """Send it back with an edit so a save on a stale copy is refused (empty for an office: its
        changes would tell when the unit works on its draft)."""
        from ..services import report_revision

        return report_revision(obj) if _own_unit(self, obj) else ""

    @extend_schema_field(EditLockSerializer(allow_null=True))
    def get_edit_lock(self, obj):
        """Who in the unit is editing the draft now, if anyone; never shown outside the unit."""
        from govbrief.locks.selectors import lock_for

        if not _own_unit(self, obj):
            return None
        lock = lock_for(target=obj)
        return EditLockSerializer(lock, context=self.context).data if lock else None


class SubmissionDetailSerializer(SubmissionBriefSerializer):
    """A submission with the text that was sent, its report's particulars and its onward routes."""

    version = VersionSerializer(read_only=True)
    report_detail = serializers.SerializerMethodField()
    origin_unit = UnitBriefSerializer(read_only=True)
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
