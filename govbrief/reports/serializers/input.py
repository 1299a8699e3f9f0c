"""Input shapes: the bodies of the transitions. They parse and check shapes (choices, ids, files);
every rule about who may do what, and when, is the services' business."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govbrief.core import limits
from govbrief.core.serializers import IdListField, IndexedListField, StrictCharField, StrictSerializer, StrictSlugField
from govbrief.orgs.models import Unit

from ..choices import DRAFTABLE_KINDS, REPORTABLE_DISTRIBUTIONS, AdoptionMode, Distribution, ReportKind, Urgency
from ..models import Adoption, Attachment, Report, ReportEvent, ReportVersion, Submission
from ..uploads import check_upload


def _label(model, name):
    return model._meta.get_field(name).verbose_name


class UnitIdListField(IdListField):
    """A list of unit ids, turned into units."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_empty", True)
        super().__init__(**kwargs)

    def run_child_validation(self, data):
        ids = super().run_child_validation(data)
        units = Unit.objects.in_bulk(ids)
        missing = [[] if pk in units else [_("There is no unit with id %(id)s.") % {"id": pk}] for pk in ids]
        if any(missing):
            raise serializers.ValidationError(missing, code="does_not_exist")
        return [units[pk] for pk in ids]


class DistributionField(serializers.ChoiceField):
    """The scopes a report may carry: 涉密 (state secret) is not offered at all (SPEC §9), and sending
    it is refused with the reason, not as an unknown choice."""

    def __init__(self, **kwargs):
        super().__init__(choices=REPORTABLE_DISTRIBUTIONS, **kwargs)

    def to_internal_value(self, data):
        if data == Distribution.SECRET:
            raise serializers.ValidationError(
                _("Classified (state secret) information must not be reported through this system. "
                  "Send it through the secure channel."), code="classified")
        return super().to_internal_value(data)


def _check_file(uploaded):
    try:
        check_upload(uploaded)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages, code=exc.error_list[0].code or "invalid") from exc
    return uploaded


class ReportCreateSerializer(StrictSerializer):
    title = StrictCharField(max_length=limits.TITLE_MAX_CHARS, label=_label(ReportVersion, "title"))
    body = StrictCharField(max_length=limits.BODY_MAX_CHARS, label=_label(ReportVersion, "body"))
    keywords = StrictCharField(max_length=limits.KEYWORDS_MAX_CHARS, required=False, allow_blank=True, default="",
                                     label=_label(ReportVersion, "keywords"))
    kind = serializers.ChoiceField(choices=DRAFTABLE_KINDS, label=_label(ReportVersion, "kind"))
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE, label=_label(ReportVersion, "urgency"))
    distribution = DistributionField( default=Distribution.INTERNAL,
                                           label=_label(ReportVersion, "distribution"))
    contact_name = StrictCharField(max_length=50, required=False, allow_blank=True, default="",
                                         label=_label(Report, "contact_name"))
    contact_phone = StrictCharField(max_length=40, required=False, allow_blank=True, default="",
                                          label=_label(Report, "contact_phone"))


class ReportCreateUploadSerializer(ReportCreateSerializer):
    """The same as multipart/form-data, with files attached (JSON cannot carry them)."""

    attachments = IndexedListField(child=serializers.FileField(validators=[_check_file]), required=False, default=list,
                                   label=_label(Attachment, "file"))


class ReportUpdateSerializer(StrictSerializer):
    """Only the fields sent are changed."""

    title = StrictCharField(max_length=limits.TITLE_MAX_CHARS, required=False, allow_blank=True,
                                  label=_label(ReportVersion, "title"))
    body = StrictCharField(max_length=limits.BODY_MAX_CHARS, required=False, allow_blank=True, label=_label(ReportVersion, "body"))
    keywords = StrictCharField(max_length=limits.KEYWORDS_MAX_CHARS, required=False, allow_blank=True,
                                     label=_label(ReportVersion, "keywords"))
    kind = serializers.ChoiceField(choices=DRAFTABLE_KINDS, required=False, label=_label(ReportVersion, "kind"))
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, label=_label(ReportVersion, "urgency"))
    distribution = DistributionField( required=False,
                                           label=_label(ReportVersion, "distribution"))
    contact_name = StrictCharField(max_length=50, required=False, allow_blank=True,
                                         label=_label(Report, "contact_name"))
    contact_phone = StrictCharField(max_length=40, required=False, allow_blank=True,
                                          label=_label(Report, "contact_phone"))
    revision = StrictCharField(required=False, help_text=_(
        "The revision token of the copy you edited (from the report's detail); a save on a stale copy is refused."))


class DocxImportSerializer(StrictSerializer):
    file = serializers.FileField(label=_("Word (.docx) file"))
    kind = serializers.ChoiceField(choices=DRAFTABLE_KINDS, default=ReportKind.NEWS, label=_label(ReportVersion, "kind"))
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE, label=_label(ReportVersion, "urgency"))
    distribution = DistributionField( default=Distribution.INTERNAL,
                                           label=_label(ReportVersion, "distribution"))
    contact_name = StrictCharField(max_length=50, required=False, allow_blank=True, default="",
                                         label=_label(Report, "contact_name"))
    contact_phone = StrictCharField(max_length=40, required=False, allow_blank=True, default="",
                                          label=_label(Report, "contact_phone"))


class AttachmentUploadSerializer(StrictSerializer):
    file = serializers.FileField(label=_label(Attachment, "file"), validators=[_check_file])


class NoteSerializer(StrictSerializer):
    note = StrictCharField(max_length=limits.NOTE_MAX_CHARS, required=False, allow_blank=True, default="",
                           label=_label(ReportEvent, "note"))


class CommentSerializer(StrictSerializer):
    comment = StrictCharField(max_length=limits.REASON_MAX_CHARS, required=False, allow_blank=True, default="",
                              label=_("comment"))


class SubmitSerializer(StrictSerializer):
    targets = UnitIdListField(label=_label(Submission, "to_unit"), help_text=_("Ids of the receiving offices."))
    note = StrictCharField(max_length=limits.NOTE_MAX_CHARS, required=False, allow_blank=True, default="",
                           label=_label(ReportEvent, "note"))


class AdoptSerializer(StrictSerializer):
    publication = StrictSlugField(max_length=20, default="general", label=_label(Adoption, "publication"),
                                        help_text=_("The code of one of the office's publications (GET /api/publications/)."))
    mode = serializers.ChoiceField(choices=AdoptionMode.choices, default=AdoptionMode.AS_IS,
                                   label=_label(Adoption, "mode"))
    note = StrictCharField(max_length=300, required=False, allow_blank=True, default="",
                                 label=_label(Adoption, "note"))


class ReturnSerializer(StrictSerializer):
    reason = StrictCharField(max_length=limits.REASON_MAX_CHARS, required=False, allow_blank=True, default="",
                                   label=_label(Submission, "return_reason"))


class ForwardSerializer(StrictSerializer):
    """转报: the office's edited text goes up; title, body and keywords default to the text received."""

    targets = UnitIdListField(label=_label(Submission, "to_unit"), help_text=_("Ids of the receiving offices."))
    title = StrictCharField(max_length=limits.TITLE_MAX_CHARS, required=False, allow_blank=True,
                                  label=_label(ReportVersion, "title"))
    body = StrictCharField(max_length=limits.BODY_MAX_CHARS, required=False, allow_blank=True, label=_label(ReportVersion, "body"))
    keywords = StrictCharField(max_length=limits.KEYWORDS_MAX_CHARS, required=False, allow_blank=True,
                                     label=_label(ReportVersion, "keywords"))
    note = StrictCharField(max_length=limits.NOTE_MAX_CHARS, required=False, allow_blank=True, default="",
                           label=_label(ReportEvent, "note"))


class ResubmitSerializer(StrictSerializer):
    title = StrictCharField(max_length=limits.TITLE_MAX_CHARS, required=False, allow_blank=True,
                                  label=_label(ReportVersion, "title"))
    body = StrictCharField(max_length=limits.BODY_MAX_CHARS, required=False, allow_blank=True, label=_label(ReportVersion, "body"))
    note = StrictCharField(max_length=limits.NOTE_MAX_CHARS, required=False, allow_blank=True, default="",
                           label=_label(ReportEvent, "note"))
