"""The browser endpoints: a heartbeat and a release, for the logged-in user's own lock only, CSRF-protected."""

from urllib.parse import urlencode

import pytest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.dateparse import parse_datetime

from govbrief.locks.models import EditLock
from govbrief.locks.services import lock_acquire, lock_break

HEARTBEAT, RELEASE = reverse("locks:heartbeat"), reverse("locks:release")
FORM = "application/x-www-form-urlencoded;charset=UTF-8"  # what sendBeacon sends for URLSearchParams


@pytest.fixture
def browser():
    """A client that checks CSRF like a real browser session does, with its CSRF cookie set."""
    client = Client(enforce_csrf_checks=True)
    client.csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
    client.cookies["csrftoken"] = client.csrf
    return client


def post(client, url, report, *, csrf=True, **extra):
    data = {"type": "reports.report", "id": str(report.pk)}
    if csrf:
        data["csrfmiddlewaretoken"] = client.csrf
    return client.post(url, urlencode(data), content_type=FORM, **extra)


def test_the_heartbeat_keeps_the_users_lock_and_says_until_when(browser, world, report):
    lock = lock_acquire(target=report, user=world.county_informant)
    browser.force_login(world.county_informant)
    response = post(browser, HEARTBEAT, report)
    assert response.status_code == 200
    data = response.json()
    assert data["held"] is True
    assert data["holder"] == world.county_informant.name
    assert parse_datetime(data["since"]) == lock.acquired_at
    assert parse_datetime(data["expires_at"]) == EditLock.objects.get().expires_at
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_heartbeat_reports_a_broken_lock_as_lost(browser, world, report):
    lock_acquire(target=report, user=world.county_informant)
    lock_break(target=report, user=world.county_signer)
    browser.force_login(world.county_informant)
    response = post(browser, HEARTBEAT, report)
    assert response.status_code == 409
    data = response.json()
    assert data["held"] is False and data["holder"] is None and data["message"]


def test_the_heartbeat_names_whoever_holds_the_lock_now(browser, world, report):
    lock_acquire(target=report, user=world.county_signer)
    browser.force_login(world.county_informant)
    response = post(browser, HEARTBEAT, report)
    assert response.status_code == 409
    data = response.json()
    assert data["held"] is False and data["holder"] == world.county_signer.name
    assert world.county_signer.name in data["message"]
    assert EditLock.objects.get().holder == world.county_signer


def test_the_heartbeat_never_takes_a_lock(browser, world, report):
    browser.force_login(world.county_informant)
    assert post(browser, HEARTBEAT, report).status_code == 409
    assert not EditLock.objects.exists()


def test_release_works_the_way_send_beacon_posts_it(browser, world, report):
    lock_acquire(target=report, user=world.county_informant)
    browser.force_login(world.county_informant)
    response = post(browser, RELEASE, report, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 200 and response.json() == {"held": False}
    assert not EditLock.objects.exists()


def test_release_leaves_someone_elses_lock_alone(browser, world, report):
    lock_acquire(target=report, user=world.county_signer)
    browser.force_login(world.county_informant)
    assert post(browser, RELEASE, report).status_code == 200
    assert EditLock.objects.get().holder == world.county_signer


@pytest.mark.parametrize("url", [HEARTBEAT, RELEASE])
def test_a_post_without_the_csrf_token_is_refused(browser, world, report, url):
    lock_acquire(target=report, user=world.county_informant)
    browser.force_login(world.county_informant)
    assert post(browser, url, report, csrf=False).status_code == 403
    assert EditLock.objects.exists()


@pytest.mark.parametrize("url", [HEARTBEAT, RELEASE])
def test_a_post_from_another_site_is_refused(browser, world, report, url):
    lock_acquire(target=report, user=world.county_informant)
    browser.force_login(world.county_informant)
    assert post(browser, url, report, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert EditLock.objects.exists()


@pytest.mark.parametrize("url", [HEARTBEAT, RELEASE])
def test_a_script_without_a_session_is_told_to_log_in(browser, world, report, url):
    lock_acquire(target=report, user=world.county_informant)
    response = post(browser, url, report)
    assert response.status_code == 401
    assert response.json()["held"] is False
    assert EditLock.objects.exists()


@pytest.mark.parametrize("url", [HEARTBEAT, RELEASE])
def test_only_post_is_accepted(client, world, url):
    client.force_login(world.county_informant)
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("data", [{}, {"type": "reports.report"}, {"type": "nope.nothing", "id": "1"},
                                  {"type": "reports", "id": "1"}, {"type": "reports.report", "id": "x" * 41}])
def test_a_request_that_names_no_object_is_a_bad_request(client, world, data):
    client.force_login(world.county_informant)
    response = client.post(HEARTBEAT, data)
    assert response.status_code == 400
    assert "detail" in response.json()
