"""JSON shapes of units and people. English field names; labels come from the models' verbose names."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ErrorDetail

from govbrief.core.serializers import StrictCharField, StrictSerializer

from .choices import Role
from .lockout import locked_message
from .models import Unit, User


# The brief shapes are named in every row of every list (an inbox row names three units and a person),
# so they are built directly instead of field by field (issue 14: DRF's generic path was most of the
# API inbox's serializing); tests/orgs/test_brief_shapes.py holds them equal to DRF's own for every
# field of Meta.fields.


class UnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "level", "is_direct_point"]
        read_only_fields = fields

    def to_representation(self, unit):
        return {"id": unit.pk, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
                "level": unit.level, "is_direct_point": unit.is_direct_point}


class UnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id", "name", "short_name", "code", "kind", "kind_display", "level", "level_display", "parent",
            "is_direct_point", "address", "phone", "fax",
        ]
        read_only_fields = fields


class UserBriefSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="get_full_name", read_only=True, label=_("full name"))

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "unit"]
        read_only_fields = fields

    def to_representation(self, user):
        return {"id": user.pk, "username": user.username, "display_name": user.get_full_name(), "unit": user.unit_id}


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, label=_("role"))
    label = serializers.CharField(label=_("role"))


class MeSerializer(serializers.ModelSerializer):
    """The signed-in person: who, where, in which roles, and where their unit may report to."""

    display_name = serializers.CharField(source="get_full_name", read_only=True, label=_("full name"))
    unit = UnitBriefSerializer(read_only=True, allow_null=True)
    roles = serializers.SerializerMethodField()
    report_targets = serializers.SerializerMethodField()
    # null, not "", when the person has none: "" is not an e-mail address (the schema says format: email).
    email = serializers.EmailField(read_only=True, allow_null=True, label=_("e-mail address"))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["email"] = data["email"] or None
        return data

    class Meta:
        model = User
        fields = [
            "id", "username", "display_name", "post", "email", "mobile", "office_phone", "unit", "roles",
            "report_targets", "must_change_password",
        ]
        read_only_fields = fields

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, user) -> list[dict]:
        return RoleSerializer(
            [{"role": r, "label": Role(r).label} for r in Role.values if r in user.role_set], many=True
        ).data

    @extend_schema_field(UnitBriefSerializer(many=True))
    def get_report_targets(self, user) -> list[dict]:
        return UnitBriefSerializer(self.context.get("report_targets", []), many=True).data


class LockoutAwareAuthTokenSerializer(StrictSerializer, AuthTokenSerializer):
    """Username and password for a token, held to the same input rules as every other body (text as
    text, no unknown fields), and saying an account is locked, and until when, as the login page does."""

    username = StrictCharField(label=_("Username"), write_only=True, max_length=150)
    password = StrictCharField(label=_("Password"), style={"input_type": "password"}, trim_whitespace=False,
                               write_only=True, max_length=4096)

    def validate(self, attrs):
        message = locked_message(attrs.get("username"))
        if message:
            raise serializers.ValidationError({"username": [ErrorDetail(message, code="locked")]})
        return super().validate(attrs)
