"""The emergency API's shapes. They parse and check shapes; every rule is the services'."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govbrief.core import limits
from govbrief.core.serializers import (
    AsciiIntegerField,
    IdListField,
    StrictBooleanField,
    StrictCharField,
    StrictSerializer,
)
from govbrief.orgs.serializers import UnitBriefSerializer

from .choices import MARKABLE_RECORD_KINDS, DispositionKind, IncidentKind, Stage
from .models import Clock, EmergencyReport, Escalation, Incident, ReportingRecord, Request


class ClockSerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer(read_only=True)
    office = UnitBriefSerializer(read_only=True)
    seconds_left = serializers.SerializerMethodField()
    awaits_writing = serializers.BooleanField(read_only=True)

    class Meta:
        model = Clock
        fields = ["id", "incident", "unit", "office", "request", "state", "rule", "started_at", "deadline",
                  "incident_deadline", "request_deadline", "arrived_at", "arrived_by", "written_at", "submission",
                  "seconds_left", "awaits_writing"]
        read_only_fields = fields

    def get_seconds_left(self, obj) -> int | None:
        return obj.seconds_left() if obj.is_running else None


class IncidentSerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer(read_only=True)
    opened_by_unit = UnitBriefSerializer(read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "kind", "title", "place", "occurred_at", "learned_at", "deaths", "injuries", "missing", "loss",
                  "description", "unit", "opened_by_unit", "state", "created_at", "closed_at"]
        read_only_fields = fields


class EscalationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Escalation
        fields = ["to_state_council", "reason", "decided_at"]
        read_only_fields = fields


class IncidentDetailSerializer(IncidentSerializer):
    clocks = serializers.SerializerMethodField()
    reports = serializers.SerializerMethodField()
    state_council = serializers.SerializerMethodField(
        help_text=_("The user's office's decision whether it must go on to the State Council office, if made."))

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "clocks", "reports", "state_council"]
        read_only_fields = fields

    @extend_schema_field(EscalationSerializer(allow_null=True))
    def get_state_council(self, obj):
        decided = self.context.get("escalations") or []
        return EscalationSerializer(decided[0]).data if decided else None

    def get_clocks(self, obj) -> list[dict]:
        return ClockSerializer(self.context["clocks"], many=True).data

    def get_reports(self, obj) -> list[dict]:
        return EmergencyReportSerializer([s["record"] for s in self.context["steps"]], many=True).data


class EmergencyReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmergencyReport
        fields = ["report", "incident", "stage", "request", "occurred_at", "place", "source", "nature", "scope",
                  "trend", "measures", "deaths", "injuries", "missing", "loss", "created_at"]
        read_only_fields = fields


class RequestSerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer(read_only=True)
    office = UnitBriefSerializer(read_only=True)

    class Meta:
        model = Request
        fields = ["id", "incident", "office", "unit", "kind", "message", "submission", "requested_at", "cancelled_at"]
        read_only_fields = fields


class RecordSerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer(read_only=True)
    office = UnitBriefSerializer(read_only=True)

    class Meta:
        model = ReportingRecord
        fields = ["id", "incident", "office", "unit", "kind", "state", "report", "reason", "late_seconds",
                  "marked_at", "answer", "answered_at", "withdrawn_reason"]
        read_only_fields = fields


def _text(max_length, **kwargs):
    return StrictCharField(max_length=max_length, **kwargs)


class CasualtiesSerializer(StrictSerializer):
    deaths = AsciiIntegerField(min_value=0, max_value=10**6, required=False, allow_null=True)
    injuries = AsciiIntegerField(min_value=0, max_value=10**7, required=False, allow_null=True)
    missing = AsciiIntegerField(min_value=0, max_value=10**6, required=False, allow_null=True)
    loss = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True,
                                    help_text=_("Direct loss in 10,000 yuan."))


class IncidentCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=IncidentKind.choices)
    title = _text(100)
    place = _text(200)
    occurred_at = serializers.DateTimeField()
    learned_at = serializers.DateTimeField()
    description = _text(2000)
    unit = AsciiIntegerField(min_value=1, required=False, help_text=_("The unit where it happened (a duty desk)."))
    casualties = CasualtiesSerializer(required=False)


class ElementsSerializer(StrictSerializer):
    # Each element may be sent empty: the service names the missing ones (elements.<name>).
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    place = _text(200, required=False, allow_blank=True)
    source = _text(200, required=False, allow_blank=True)
    nature = _text(300, required=False, allow_blank=True)
    scope = _text(2000, required=False, allow_blank=True)
    trend = _text(2000, required=False, allow_blank=True)
    measures = _text(4000, required=False, allow_blank=True)


class EmergencyReportCreateSerializer(StrictSerializer):
    incident = AsciiIntegerField(min_value=1)
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    title = _text(limits.TITLE_MAX_CHARS)
    body = _text(limits.BODY_MAX_CHARS)
    elements = ElementsSerializer()
    casualties = CasualtiesSerializer(required=False)
    contact_name = _text(50, required=False, allow_blank=True, default="")
    contact_phone = _text(40, required=False, allow_blank=True, default="")


class RequestCreateSerializer(StrictSerializer):
    units = IdListField(allow_empty=False, max_length=500)
    message = _text(2000, required=False, allow_blank=True, default="")


class PhoneReportCreateSerializer(StrictSerializer):
    unit = AsciiIntegerField(min_value=1)
    caller = _text(50)
    caller_phone = _text(40, required=False, allow_blank=True, default="")
    called_at = serializers.DateTimeField()
    summary = _text(4000)


class DispositionCreateSerializer(StrictSerializer):
    submission = AsciiIntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=DispositionKind.choices)
    note = _text(500, required=False, allow_blank=True, default="")
    message = _text(2000, required=False, allow_blank=True, default="")
    leaders = IdListField(required=False, allow_empty=True, max_length=100, default=list)
    targets = IdListField(required=False, allow_empty=True, max_length=20, default=list)


class RecordMarkSerializer(StrictSerializer):
    incident = AsciiIntegerField(min_value=1)
    unit = AsciiIntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=MARKABLE_RECORD_KINDS)
    reason = _text(2000)


class AnswerSerializer(StrictSerializer):
    answer = _text(2000)


class IncidentNoteSerializer(StrictSerializer):
    note = _text(500, required=False, allow_blank=True, default="")


class EscalationDecisionSerializer(StrictSerializer):
    to_state_council = StrictBooleanField()
    reason = _text(500)
