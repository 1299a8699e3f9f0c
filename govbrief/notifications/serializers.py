from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govbrief.core.serializers import IdListField, StrictBooleanField, StrictSerializer

from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField(label=_("read"))

    class Meta:
        model = Notification
        fields = ["id", "verb", "message", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkReadSerializer(StrictSerializer):
    """The ids to mark read, or ``all: true`` for every one; with neither, nothing changes."""

    ids = IdListField(required=False, default=list)
    all = StrictBooleanField(required=False, default=False)


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(min_value=0)


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(min_value=0)
    unread = serializers.IntegerField(min_value=0)
