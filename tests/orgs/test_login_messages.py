"""A person is told why they cannot get in, wherever they try (issue 13): a locked account on the
login page, the admin's login and the API token endpoint; an idle timeout on the login page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from govbrief.orgs.sessions import MARKER

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def lock(user):
    user.locked_until = timezone.now() + timedelta(minutes=30)
    user.save(update_fields=["locked_until"])


def test_the_token_endpoint_says_the_account_is_locked(world):
    user = world.city_editor
    lock(user)
    response = APIClient().post("/api/auth/token/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("username", "locked")]
    assert "锁定" in errors[0]["message"]


def test_the_admin_login_says_the_account_is_locked(world):
    user = world.city_sysadmin
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    lock(user)
    response = Client().post("/admin/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "锁定" in response.content.decode()


def test_the_login_page_says_an_idle_timeout_logged_the_person_out(world, client):
    client.cookies[MARKER] = "1"
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert "未操作" in html
    assert response.cookies[MARKER].value == ""  # said once


def test_an_explicit_logout_is_not_taken_for_an_idle_timeout(world):
    client = Client()
    client.force_login(world.city_editor)
    client.get("/")
    assert client.cookies[MARKER].value == "1"
    client.post("/accounts/logout/")
    response = client.get("/accounts/login/")
    assert "未操作" not in response.content.decode()


def test_a_first_visit_shows_no_timeout_message(world, client):
    assert "未操作" not in client.get("/accounts/login/").content.decode()
