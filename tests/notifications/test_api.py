"""Notifications through the API: each person sees and marks only their own."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from govbrief.notifications.models import Notification

from ..factories import draft_report

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def notify(user, message="有新的报送信息", verb="submitted"):
    return Notification.objects.create(recipient=user, verb=verb, message=message, url="/reports/1/")


def test_notifications_need_authentication(world):
    assert api().get("/api/notifications/").status_code == 401


def test_person_sees_only_own_notifications(world):
    mine = notify(world.county_editor)
    notify(world.city_editor)
    body = api(world.county_editor).get("/api/notifications/").json()
    assert [n["id"] for n in body["results"]] == [mine.pk]
    assert body["results"][0]["is_read"] is False


def test_unread_filter_and_count(world):
    first, second = notify(world.county_editor, "一"), notify(world.county_editor, "二")
    client = api(world.county_editor)
    client.post("/api/notifications/mark-read/", {"ids": [first.pk]}, format="json")
    unread = client.get("/api/notifications/?unread=true").json()["results"]
    read = client.get("/api/notifications/?unread=false").json()["results"]
    assert [n["id"] for n in unread] == [second.pk]
    assert [n["id"] for n in read] == [first.pk]
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 1}


def test_mark_read_by_ids(world):
    a, b = notify(world.county_editor), notify(world.county_editor)
    response = api(world.county_editor).post("/api/notifications/mark-read/", {"ids": [a.pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread": 1}
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.read_at is not None and b.read_at is None


def test_mark_all_read(world):
    for _ in range(3):
        notify(world.county_editor)
    response = api(world.county_editor).post("/api/notifications/mark-read/", {"all": True}, format="json")
    assert response.json() == {"marked": 3, "unread": 0}


def test_nobody_can_mark_another_persons_notifications(world):
    theirs = notify(world.city_editor)
    response = api(world.county_editor).post("/api/notifications/mark-read/", {"ids": [theirs.pk]}, format="json")
    assert response.json() == {"marked": 0, "unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_with_neither_ids_nor_all_changes_nothing(world):
    from govbrief.notifications.models import Notification

    Notification.objects.create(recipient=world.county_editor, verb="submitted", message="待处理")
    response = api(world.county_editor).post("/api/notifications/mark-read/", {}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 0, "unread": 1}
    response = api(world.county_editor).post("/api/notifications/mark-read/", {"ids": ["x"]}, format="json")
    assert [e["field"] for e in response.json()["errors"]] == ["ids[0]"]


def test_api_transition_notifies_the_people_concerned(world, side_effects):
    report = draft_report(world.township_informant)
    with side_effects():
        response = api(world.township_informant).post(f"/api/reports/{report.pk}/request-signoff/", {}, format="json")
    assert response.status_code == 200
    signer = api(world.township_signer)
    assert signer.get("/api/notifications/unread-count/").json() == {"unread": 1}
    (item,) = signer.get("/api/notifications/").json()["results"]
    assert item["verb"] == "signoff_requested"
    assert item["url"] == report.get_absolute_url()
    assert api(world.township_informant).get("/api/notifications/unread-count/").json() == {"unread": 0}
