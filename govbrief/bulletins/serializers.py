from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govbrief.core import limits
from govbrief.core.serializers import StrictCharField, StrictSerializer
from govbrief.orgs.serializers import UnitBriefSerializer

from .models import Issue, Item, Publication


class PublicationSerializer(serializers.ModelSerializer):
    office = UnitBriefSerializer(read_only=True)

    class Meta:
        model = Publication
        fields = ["id", "office", "code", "name", "masthead", "frequency", "tier", "classification", "is_active"]
        read_only_fields = fields


class ItemSerializer(serializers.ModelSerializer):
    credited_units = serializers.SerializerMethodField()
    adoptions = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="version_id", read_only=True, allow_null=True)

    class Meta:
        model = Item
        fields = ["id", "position", "title", "body", "note", "is_composite", "version", "credited_units", "adoptions"]
        read_only_fields = fields

    def get_credited_units(self, obj) -> list[dict]:
        return [UnitBriefSerializer(s.unit).data for s in obj.sources.all()]

    def get_adoptions(self, obj) -> list[int]:
        return [s.adoption_id for s in obj.sources.all()]


class IssueBriefSerializer(serializers.ModelSerializer):
    publication = PublicationSerializer(read_only=True)

    class Meta:
        model = Issue
        fields = ["id", "publication", "state", "year", "number", "total_number", "issued_on", "published_at"]
        read_only_fields = fields


class IssueDetailSerializer(IssueBriefSerializer):
    items = ItemSerializer(many=True, read_only=True)
    files = serializers.SerializerMethodField()

    class Meta(IssueBriefSerializer.Meta):
        fields = [*IssueBriefSerializer.Meta.fields, "editor_note", "classification", "line_bao", "line_song",
                  "line_fa", "items", "files"]
        read_only_fields = fields

    def get_files(self, obj) -> dict:
        request = self.context.get("request")
        from django.urls import reverse

        urls = {fmt: reverse("bulletins:download", args=[obj.pk, fmt]) for fmt in ("docx", "pdf")}
        return {fmt: request.build_absolute_uri(url) if request else url for fmt, url in urls.items()}


class IssueNoteSerializer(StrictSerializer):
    note = StrictCharField(max_length=limits.NOTE_MAX_CHARS, required=False, allow_blank=True, default="",
                           label=_("note"))


class IssueReasonSerializer(StrictSerializer):
    reason = StrictCharField(max_length=limits.REASON_MAX_CHARS, label=_("reason"))
