"""locks.js in headless Chromium: heartbeats after activity, a visible warning when the lock is lost,
release on leaving the page, and no release when the form is being saved."""

import time

import pytest
from django.test import Client

from govbrief.locks.models import EditLock
from govbrief.locks.services import lock_break

from ..browser.conftest import browser, page  # noqa: F401 — the shared headless Chromium fixtures
from ..factories import draft_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor(page, world, settings, live_server):  # noqa: F811
    settings.ROOT_URLCONF = "tests.locks.browser_urls"
    client = Client()
    client.force_login(world.county_informant)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    report = draft_report(world.county_informant)
    page.clock.install()
    page.goto(f"/locks-test/{report.pk}/")
    assert EditLock.objects.get().holder == world.county_informant
    yield report
    # The test is over: closing the page must not send a release into the next test's database flush
    # (the live server shares the in-memory SQLite connection with the test thread).
    page.evaluate("Object.defineProperty(navigator, 'sendBeacon', {value: undefined})")


def eventually(check, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def test_a_minute_of_work_sends_a_heartbeat_and_a_quiet_minute_does_not(page, editor):  # noqa: F811
    seen = EditLock.objects.get().last_seen_at
    page.fill("textarea", "今年以来")
    with page.expect_response("**/locks/heartbeat/") as beat:
        page.clock.run_for("01:01")
    assert beat.value.status == 200 and beat.value.json()["held"] is True
    assert EditLock.objects.get().last_seen_at > seen

    beats = []
    page.on("request", lambda r: beats.append(r) if r.url.endswith("/locks/heartbeat/") else None)
    page.clock.run_for("02:01")
    page.wait_for_timeout(300)
    assert beats == []  # no activity, no heartbeat: a forgotten tab lets the lock lapse


def test_a_lost_lock_shows_a_warning_in_the_form(page, editor, world):  # noqa: F811
    lock_break(target=editor, user=world.county_signer)
    page.clock.run_for("01:01")
    with page.expect_response("**/locks/heartbeat/") as beat:
        page.fill("textarea", "第一段")  # the first activity after a quiet minute beats at once
    assert beat.value.status == 409
    warning = page.locator("form .lock-lost")
    warning.wait_for()
    assert page.get_attribute("form", "data-lock-lost-message") in warning.inner_text()
    assert world.county_signer.name not in warning.inner_text()  # broken, not taken: nobody to name


def test_leaving_the_page_releases_the_lock(page, editor):  # noqa: F811
    page.click("#away")
    page.wait_for_url("**/elsewhere/")
    assert eventually(lambda: not EditLock.objects.exists())
    time.sleep(0.3)  # let the live server finish that request before the database is flushed


def test_saving_the_form_does_not_release_the_lock_before_the_save(page, editor):  # noqa: F811
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "lock held while saving: True" in page.content()
    page.wait_for_timeout(500)
    assert EditLock.objects.exists()
