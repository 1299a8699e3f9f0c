"""What a hostile tester tries first on the bulletin pages and API (issue 13's rules for every new
endpoint): another office's ids, ids past the database's range, digits of other scripts, NUL bytes,
unknown fields. Each answer is a clear 4xx, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from govbrief.bulletins.models import Issue

HUGE = "9" * 25

pytestmark = pytest.mark.django_db


def page(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_ids_past_the_database_range_are_404_on_every_bulletin_page(desk):
    client = page(desk.world.city_editor)
    for url in (f"/bulletins/issues/{HUGE}/", f"/bulletins/issues/{HUGE}/receipts/", f"/bulletins/issues/{HUGE}/file.pdf",
                f"/bulletins/items/{HUGE}/edit/", f"/bulletins/publications/{HUGE}/", f"/bulletins/issues/{HUGE}/merge/"):
        assert client.get(url).status_code == 404, url
    for url in (f"/bulletins/issues/{HUGE}/action/publish/", f"/bulletins/items/{HUGE}/action/up/",
                f"/bulletins/adoptions/{HUGE}/withdraw/", f"/bulletins/issues/{HUGE}/items/"):
        assert client.post(url).status_code == 404, url
    assert APIClient().get(f"/api/issues/{HUGE}/").status_code in (401, 403, 404)


def test_junk_ids_in_forms_are_refused_clearly(desk):
    w = desk.world
    client = page(w.city_editor)
    issue = desk.issue()
    for value in (HUGE, "١", "1\x00", "-1", "abc"):
        # A NUL byte anywhere in a request is refused before any view (core.guard): 400 in the layout.
        refused = {400} if "\x00" in value else set()
        response = client.post(reverse("bulletins:new"), {"publication": value})
        assert response.status_code in {302} | refused and Issue.objects.count() == 1, value
        response = client.post(reverse("bulletins:items", args=[issue.pk]), {"adoptions": [value]})
        assert response.status_code in {302} | refused, value
        response = client.post(reverse("bulletins:update", args=[issue.pk]), {"readers": [value]})
        assert response.status_code in {200} | refused, value  # the form again, with the field's error
        response = client.post(reverse("bulletins:from-inbox"), {"ids": [value], "target": value, "confirm": "add"})
        assert response.status_code in {200} | refused, value
        response = client.get(reverse("bulletins:merge", args=[issue.pk]), {"a": value})
        assert response.status_code in {200} | refused, value
    assert client.get("/bulletins/?publication=%00&state=%00").status_code in (200, 400)
    assert client.get(f"/bulletins/issues/{issue.pk}/?q=%00").status_code in (200, 400)


def test_another_offices_editor_gets_404_for_every_object_of_this_office(desk):
    w = desk.world
    issue = desk.issue()
    item = issue.items.get()
    client = page(w.city2_editor)
    assert client.get(issue.get_absolute_url()).status_code == 404
    assert client.get(reverse("bulletins:item-edit", args=[item.pk])).status_code == 404
    assert client.post(reverse("bulletins:item-action", args=[item.pk, "remove"])).status_code == 404
    assert client.post(reverse("bulletins:action", args=[issue.pk, "send"])).status_code == 404
    assert client.get(reverse("bulletins:publication", args=[desk.general.pk])).status_code == 404
    assert client.post(reverse("bulletins:adoption-withdraw", args=[desk.adoptions[1].submission_id]),
                       {"reason": "x"}).status_code == 404
    assert issue.items.count() == 1


def test_the_api_refuses_unknown_fields_and_nul_bytes_with_a_field_path(desk):
    w = desk.world
    issue = desk.issue()
    client = APIClient()
    client.force_authenticate(user=w.city_editor)
    unknown = client.post(f"/api/issues/{issue.pk}/send/", {"note": "x", "priority": 1}, format="json")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "priority"
    nul = client.post(f"/api/issues/{issue.pk}/send/", {"note": "a\x00b"}, format="json")
    assert nul.status_code == 400 and nul.json()["errors"][0]["field"] == "note"
    assert client.get("/api/issues/?publication=١").status_code == 400
    assert client.get(f"/api/issues/?publication={HUGE}").status_code == 400
