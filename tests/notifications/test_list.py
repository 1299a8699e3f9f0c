"""Issue 15: the notification list filters by kind and read state and groups repeats of one kind
into a line with a count."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from govbrief.notifications.models import Notification
from govbrief.notifications.services import notifications_mark_read, notify


def _many(world):
    for i in range(12):
        notify(recipients=[world.city_editor], verb="submitted", message=f"乙县报送了第{i}条信息", url="/reports/1/")
    notify(recipients=[world.city_editor], verb="assigned", message="有一条信息分派给你", url="/reports/2/")
    notify(recipients=[world.city_editor], verb="submitted", message="丙县报送了一条信息", url="/reports/3/")


def test_repeats_of_one_kind_are_one_line_with_a_count(client, world):
    _many(world)
    client.force_login(world.city_editor)
    page = client.get(reverse("notifications:list"))
    groups = page.context["groups"]
    assert [(g.verb, len(g.items)) for g in groups] == [("submitted", 1), ("assigned", 1), ("submitted", 12)]
    html = page.content.decode()
    assert html.count('data-notice-group="submitted"') == 1 and "12条通知" in html.replace(" ", "")
    assert "乙县报送了第0条信息" in html  # every notice of the group is still there to open


def test_the_list_filters_by_kind_and_read_state(client, world):
    _many(world)
    notifications_mark_read(user=world.city_editor, ids=list(
        Notification.objects.filter(verb="submitted").values_list("pk", flat=True)[:5]))
    client.force_login(world.city_editor)
    page = client.get(reverse("notifications:list"), {"kind": "assigned"})
    assert [n.verb for n in page.context["page"].object_list] == ["assigned"]
    page = client.get(reverse("notifications:list"), {"kind": "submitted", "unread": "1"})
    assert len(page.context["page"].object_list) == 8
    assert client.get(reverse("notifications:list"), {"kind": "<script>"}).status_code == 200  # unknown: all
    api = APIClient()
    api.force_authenticate(world.city_editor)
    assert api.get("/api/notifications/", {"kind": "assigned"}).json()["count"] == 1
    assert api.get("/api/notifications/", {"kind": "nope"}).status_code == 400
