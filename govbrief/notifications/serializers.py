from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govbrief.core.serializers import IdListField, StrictBooleanField, StrictSerializer

from .kinds import notice_kinds
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


class PreferenceSerializer(serializers.Serializer):
    verb = serializers.CharField(read_only=True, help_text=_("The kind of notice."))
    label = serializers.CharField(read_only=True)
    urgent = serializers.BooleanField(read_only=True, help_text=_("Urgent notices reach every channel, always."))
    email = serializers.BooleanField(read_only=True)
    sms = serializers.BooleanField(read_only=True)


class PreferenceChoiceSerializer(StrictSerializer):
    verb = serializers.ChoiceField(choices=[], help_text=_("The kind of notice."))
    email = StrictBooleanField()
    sms = StrictBooleanField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every app declares its kinds when it loads; the schema and the checks read them all. Urgent
        # kinds are not a choice: they reach every channel.
        self.fields["verb"].choices = [(kind.verb, kind.label) for kind in notice_kinds() if not kind.urgent]


class PreferencesUpdateSerializer(StrictSerializer):
    """The kinds to change; the kinds not named keep their channels."""

    preferences = PreferenceChoiceSerializer(many=True, max_length=100)
