"""JSON shape of a comparison of two texts (reports.compare): the rows with their marked segments,
and the summary figures, for office-automation systems that show edits their own way."""

from __future__ import annotations

from rest_framework import serializers

from ..compare import Op, RowKind
from .output import VersionSummarySerializer


class SegmentSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=[(o.value, o.value) for o in Op])
    text = serializers.CharField()


class RowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.value) for k in RowKind])
    left = SegmentSerializer(many=True, help_text="The old side: equal and delete segments.")
    right = SegmentSerializer(many=True, help_text="The new side: equal and insert segments.")
    coarse = serializers.BooleanField(help_text="Too long to compare character by character: shown whole.")


class KeywordChangesSerializer(serializers.Serializer):
    kept = serializers.ListField(child=serializers.CharField())
    added = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())


class ComparisonSerializer(serializers.Serializer):
    title = RowSerializer()
    rows = RowSerializer(many=True, source="body.rows")
    keywords = KeywordChangesSerializer()
    chars_deleted = serializers.IntegerField()
    chars_added = serializers.IntegerField()
    paragraphs_changed = serializers.IntegerField(source="body.paragraphs_changed")
    paragraphs_added = serializers.IntegerField(source="body.paragraphs_added")
    paragraphs_deleted = serializers.IntegerField(source="body.paragraphs_deleted")
    similarity = serializers.FloatField(source="body.similarity", help_text="0 (nothing in common) to 1 (identical).")


class RewriteSerializer(serializers.Serializer):
    """An office's edited version against the unit's signed text it derives from."""

    base = VersionSummarySerializer()
    version = VersionSummarySerializer()
    comparison = ComparisonSerializer()
