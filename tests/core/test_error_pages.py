"""Error pages in the layout and in Chinese for people, core.api's JSON for API clients (issue 13)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import path

from govbrief.urls import urlpatterns as base_patterns

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [*base_patterns, path("boom/", boom), path("api/boom/", boom)]
handler400 = "govbrief.core.views.bad_request"
handler403 = "govbrief.core.views.permission_denied"
handler404 = "govbrief.core.views.page_not_found"
handler500 = "govbrief.core.views.server_error"


def test_a_missing_page_is_shown_in_the_layout_in_chinese(world):
    client = Client()
    client.force_login(world.city_editor)
    response = client.get("/reports/999999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="layout"' in html and "页面不存在" in html
    assert "Not Found" not in html


def test_a_missing_page_for_an_anonymous_visitor_offers_the_login(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "登录" in response.content.decode()


def test_a_forbidden_page_is_shown_in_the_layout(world):
    client = Client()
    client.force_login(world.city_leader)
    response = client.get("/reports/inbox/")
    assert response.status_code == 403
    assert 'class="layout"' in response.content.decode()


def test_an_unknown_api_path_is_json(world):
    client = Client()
    client.force_login(world.city_editor)
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_is_a_chinese_page_and_json_for_the_api(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.city_editor)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "服务器" in response.content.decode()
    response = client.get("/api/boom/")
    assert response.status_code == 500
    assert response.json()["errors"][0]["code"] == "server_error"
