"""The unit directory and /api/me/ through the API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from govbrief.orgs.choices import UnitKind, UnitLevel
from govbrief.orgs.models import Unit

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def unit_ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    body = response.json()
    return {u["id"] for u in (body["results"] if isinstance(body, dict) else body)}


def test_unit_directory_needs_authentication(world):
    response = api().get("/api/units/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_unit_directory_lists_active_units(world):
    Unit.objects.filter(pk=world.county2.pk).update(is_active=False)
    ids = unit_ids(api(world.township_informant).get("/api/units/"))
    assert world.province.pk in ids
    assert world.county2.pk not in ids


def test_unit_directory_filters_by_kind_level_parent_direct_point_and_text(world):
    client = api(world.city_editor)
    assert unit_ids(client.get(f"/api/units/?kind={UnitKind.DEPARTMENT}")) == {world.prov_dept.pk, world.city_dept.pk}
    assert unit_ids(client.get(f"/api/units/?level={UnitLevel.CITY}&kind=office")) == {world.city.pk, world.city2.pk}
    assert unit_ids(client.get(f"/api/units/?parent={world.county.pk}")) == {world.township.pk}
    assert unit_ids(client.get("/api/units/?is_direct_point=true")) == {world.direct_point.pk}
    assert unit_ids(client.get("/api/units/?q=教育")) == {world.city_dept.pk}
    assert unit_ids(client.get("/api/units/?q=county-b")) == {world.county_b.pk}


def test_unit_directory_rejects_an_unknown_kind_by_field(world):
    response = api(world.city_editor).get("/api/units/?kind=club")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["kind"]


def test_unit_detail_shows_its_particulars(world):
    body = api(world.township_informant).get(f"/api/units/{world.direct_point.pk}/").json()
    assert body["name"] == "戊县政府办公室"
    assert body["parent"] == world.city.pk
    assert body["is_direct_point"] is True
    assert body["level"] == UnitLevel.COUNTY


def test_unknown_unit_is_not_found(world):
    assert api(world.township_informant).get("/api/units/999999/").status_code == 404


def test_township_reports_to_its_county(world):
    response = api(world.township_informant).get(f"/api/units/{world.township.pk}/report-targets/")
    assert [u["id"] for u in response.json()] == [world.county.pk]


def test_direct_reporting_point_reports_to_city_and_province(world):
    response = api(world.direct_point_informant).get(f"/api/units/{world.direct_point.pk}/report-targets/")
    assert [u["id"] for u in response.json()] == [world.city.pk, world.province.pk]


def test_configured_extra_target_is_offered(world):
    world.direct_point.extra_report_targets.add(world.national)
    response = api(world.direct_point_informant).get(f"/api/units/{world.direct_point.pk}/report-targets/")
    assert [u["id"] for u in response.json()] == [world.city.pk, world.province.pk, world.national.pk]


def test_me_shows_user_unit_roles_and_report_targets(world):
    body = api(world.township_signer).get("/api/me/").json()
    assert body["username"] == "township_signer"
    assert body["unit"]["id"] == world.township.pk
    assert [r["role"] for r in body["roles"]] == ["signer"]
    assert [u["id"] for u in body["report_targets"]] == [world.county.pk]
    assert "password" not in body


def test_me_of_a_direct_point_editor_lists_both_targets(world):
    body = api(world.direct_point_editor).get("/api/me/").json()
    assert [r["role"] for r in body["roles"]] == ["editor"]
    assert [u["id"] for u in body["report_targets"]] == [world.city.pk, world.province.pk]


def test_me_needs_authentication(world):
    assert api().get("/api/me/").status_code == 401
