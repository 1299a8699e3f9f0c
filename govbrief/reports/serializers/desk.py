"""Shapes of the editor's desk: assignment, comments, queue counts, bulk actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govbrief.core import limits
from govbrief.core.serializers import (
    AsciiPrimaryKeyRelatedField,
    IdListField,
    StrictCharField,
    StrictSerializer,
    StrictSlugField,
)
from govbrief.orgs.models import User
from govbrief.orgs.serializers import UnitBriefSerializer, UserBriefSerializer

from ..choices import AdoptionMode, CommentAudience, Queue
from ..models import Comment
from ..services import BULK_ACTIONS


class AssignSerializer(StrictSerializer):
    assignee = AsciiPrimaryKeyRelatedField(queryset=User.objects.all(),
                                                  help_text=_("User id of an editor of the receiving office."))


class SubmissionCommentSerializer(serializers.ModelSerializer):
    author = UserBriefSerializer(read_only=True)
    author_unit = UnitBriefSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "audience", "body", "author", "author_unit", "created_at"]
        read_only_fields = ["id", "author", "author_unit", "created_at"]


class CommentCreateSerializer(StrictSerializer):
    audience = serializers.ChoiceField(choices=CommentAudience.choices, label=_("visible to"))
    body = StrictCharField(max_length=limits.COMMENT_MAX_CHARS, label=_("text"))


# One count per queue, named after the Queue choices so the two never drift apart.
QueueCountsSerializer = type(
    "QueueCountsSerializer", (serializers.Serializer,), {q: serializers.IntegerField() for q in Queue.values}
)


class BulkSerializer(StrictSerializer):
    action = serializers.ChoiceField(choices=[(a, a) for a in BULK_ACTIONS])
    ids = IdListField(allow_empty=False, min_length=1, max_length=500)
    reason = StrictCharField(required=False, allow_blank=True, default="", max_length=limits.REASON_MAX_CHARS)
    publication = StrictSlugField(max_length=20, required=False, default="general",
                                        help_text=_("The code of one of the office's publications."))
    mode = serializers.ChoiceField(choices=AdoptionMode.choices, required=False, default=AdoptionMode.AS_IS)
    assignee = AsciiPrimaryKeyRelatedField(queryset=User.objects.all(),
                                                  required=False, allow_null=True, default=None)
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=limits.NOTE_MAX_CHARS)


class BulkResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()
