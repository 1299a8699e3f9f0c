"""Issue 15: each person chooses, per kind of notice, e-mail and SMS besides the in-app list; urgent
kinds cannot be switched off. On a page under the notifications, and in the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from govbrief.notifications import kinds
from govbrief.notifications.channels import chosen_channels
from govbrief.notifications.models import NoticePreference
from govbrief.notifications.services import preferences_save


@pytest.fixture
def urgent():
    kinds.declare("test_deadline_passed", "期限已过（测试）", urgent=True)
    yield "test_deadline_passed"
    kinds._kinds.pop("test_deadline_passed", None)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_page_saves_each_kind_s_channels(client, world):
    client.force_login(world.city_editor)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200 and "有信息报送到本办公室" in page.content.decode()
    response = client.post(reverse("notifications:preferences"), {"email:submitted": "on", "sms:assigned": "on"})
    assert response.status_code == 302
    assert chosen_channels(user_ids=[world.city_editor.pk], verb="submitted") == {world.city_editor.pk: {"email"}}
    assert chosen_channels(user_ids=[world.city_editor.pk], verb="assigned") == {world.city_editor.pk: {"sms"}}
    client.post(reverse("notifications:preferences"), {})  # everything off again
    assert chosen_channels(user_ids=[world.city_editor.pk], verb="submitted") == {world.city_editor.pk: set()}


def test_an_urgent_kind_is_shown_fixed_and_cannot_be_switched_off(client, world, urgent):
    client.force_login(world.city_editor)
    html = client.get(reverse("notifications:preferences")).content.decode()
    row = html[html.index("期限已过（测试）"):]
    row = row[:row.index("</tr>")]
    assert row.count("disabled") == 3 and row.count("checked") == 3
    client.post(reverse("notifications:preferences"), {})  # the browser sends nothing for it
    assert chosen_channels(user_ids=[world.city_editor.pk], verb=urgent) == {world.city_editor.pk: {"email", "sms"}}
    response = _api(world.city_editor).put("/api/notifications/preferences/", {
        "preferences": [{"verb": urgent, "email": False, "sms": True}]}, format="json")
    assert response.status_code == 400  # not a kind one chooses for
    assert response.json()["errors"][0]["field"] == "preferences[0].verb"
    with pytest.raises(ValidationError):  # nor through the service
        preferences_save(user=world.city_editor, choices=[{"verb": urgent, "email": False, "sms": False}])


def test_the_api_reads_and_changes_the_person_s_own_choices(world):
    api = _api(world.city_editor)
    rows = {row["verb"]: row for row in api.get("/api/notifications/preferences/").json()}
    assert rows["adopted"] == {"verb": "adopted", "label": "我单位的信息被采用", "urgent": False,
                               "email": False, "sms": False}
    response = api.put("/api/notifications/preferences/", {
        "preferences": [{"verb": "adopted", "email": True, "sms": False}]}, format="json")
    assert response.status_code == 200
    assert {row["verb"]: row["email"] for row in response.json()}["adopted"] is True
    assert NoticePreference.objects.get(user=world.city_editor, verb="adopted").email
    assert not NoticePreference.objects.filter(user=world.county_editor).exists()  # only one's own


@pytest.mark.parametrize("body, field", [
    ({"preferences": [{"verb": "no_such_kind", "email": True, "sms": False}]}, "preferences[0].verb"),
    ({"preferences": [{"verb": "adopted", "email": "yes", "sms": False}]}, "preferences[0].email"),
    ({"preferences": [{"verb": "adopted", "email": True, "sms": False, "fax": True}]}, "preferences[0].fax"),
    ({}, "preferences"),
])
def test_a_bad_choice_is_an_error_with_its_path_and_changes_nothing(world, body, field):
    response = _api(world.city_editor).put("/api/notifications/preferences/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == field
    assert not NoticePreference.objects.exists()
