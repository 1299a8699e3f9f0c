"""Issue 14: the brief shapes of a unit and a person are built directly; they are DRF's own
field-by-field representation, every field of their Meta.fields."""

from __future__ import annotations

from rest_framework import serializers

from govbrief.orgs.serializers import UnitBriefSerializer, UserBriefSerializer


def _generic(serializer_class, instance) -> dict:
    return dict(serializers.Serializer.to_representation(serializer_class(), instance))


def test_a_unit_s_brief_shape_is_drf_s_own(world):
    for unit in (world.province, world.city_dept, world.direct_point, world.township):
        direct = UnitBriefSerializer().to_representation(unit)
        assert direct == _generic(UnitBriefSerializer, unit)
        assert list(direct) == UnitBriefSerializer.Meta.fields


def test_a_person_s_brief_shape_is_drf_s_own(world):
    world.city_chief.name = ""  # shown by the user name when no full name is given
    for person in (world.city_editor, world.city_chief, world.county_informant):
        direct = UserBriefSerializer().to_representation(person)
        assert direct == _generic(UserBriefSerializer, person)
        assert list(direct) == UserBriefSerializer.Meta.fields
