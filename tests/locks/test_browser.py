"""locks.js in headless Chromium: heartbeats after activity, a visible warning when the lock is lost,
release on leaving the page, and no release when the form is being saved."""

import queue
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client

from govbrief.locks.models import EditLock
from govbrief.locks.services import lock_break

from ..browser.conftest import CHROMIUM
from ..factories import draft_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class BrowserThread:
    """A Chromium page driven from a thread of its own. The tests/browser suite keeps a session-wide
    Playwright on the main thread's event loop, and a second sync Playwright cannot share that loop;
    the database stays on the test's thread, the page calls are handed over: ``browser(lambda page: …)``."""

    def __init__(self, base_url: str):
        self._calls: queue.Queue = queue.Queue()
        self._ready: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, args=(base_url,), daemon=True)
        self._thread.start()
        if (error := self._ready.get(timeout=60)) is not None:
            raise error

    def _run(self, base_url: str) -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
                context = browser.new_context(base_url=base_url, locale="zh-CN")
                page = context.new_page()
                page.set_default_timeout(15_000)
                self._ready.put(None)
                while (call := self._calls.get()) is not None:
                    fn, answer = call
                    try:
                        answer.put((True, fn(page)))
                    except BaseException as exc:  # noqa: BLE001 — re-raised on the test's thread
                        answer.put((False, exc))
                context.close()
                browser.close()
        except BaseException as exc:  # noqa: BLE001
            self._ready.put(exc)

    def __call__(self, fn):
        answer: queue.Queue = queue.Queue()
        self._calls.put((fn, answer))
        ok, value = answer.get(timeout=60)
        if not ok:
            raise value
        return value

    def close(self) -> None:
        self._calls.put(None)
        self._thread.join(30)


@pytest.fixture
def browser(live_server):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    thread = BrowserThread(live_server.url)
    yield thread
    thread.close()


@pytest.fixture
def report(browser, world, settings, live_server):
    """The informant has the stand-in edit page of a draft open: the page took the lock."""
    settings.ROOT_URLCONF = "tests.locks.browser_urls"
    client = Client()
    client.force_login(world.county_informant)
    session = client.cookies["sessionid"].value
    report = draft_report(world.county_informant)

    def open_editor(page):
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page.clock.install()
        page.goto(f"/locks-test/{report.pk}/")

    browser(open_editor)
    assert EditLock.objects.get().holder == world.county_informant
    yield report
    # The test is over: closing the page must not send a release into the next test's database
    # flush (the live server shares the in-memory SQLite connection with the test's thread).
    browser(lambda page: page.evaluate("Object.defineProperty(navigator, 'sendBeacon', {value: undefined})"))


def eventually(check, seconds=5.0):
    """``check()`` turning true within ``seconds``. On SQLite the live server's request may be writing
    the very table being read: the in-memory test database's shared cache then answers "table is
    locked" at once instead of waiting, which means "not yet", not a failure (seen in CI, stop 30)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
        time.sleep(0.1)
    return check()


def test_a_minute_of_work_sends_a_heartbeat_and_a_quiet_minute_does_not(browser, report):
    seen = EditLock.objects.get().last_seen_at

    def work_a_minute(page):
        page.fill("textarea", "今年以来")
        with page.expect_response("**/locks/heartbeat/") as beat:
            page.clock.run_for("01:01")
        return beat.value.status, beat.value.json()

    status, data = browser(work_a_minute)
    assert status == 200 and data["held"] is True
    assert EditLock.objects.get().last_seen_at > seen

    def sit_quietly(page):
        beats = []
        page.on("request", lambda r: beats.append(r.url) if r.url.endswith("/locks/heartbeat/") else None)
        page.clock.run_for("02:01")
        page.wait_for_timeout(300)
        return beats

    assert browser(sit_quietly) == []  # no activity, no heartbeat: a forgotten tab lets the lock lapse


def test_a_lost_lock_shows_a_warning_in_the_form(browser, report, world):
    lock_break(target=report, user=world.county_signer)

    def type_after_a_quiet_minute(page):
        page.clock.run_for("01:01")
        with page.expect_response("**/locks/heartbeat/") as beat:
            page.fill("textarea", "第一段")  # the first activity after a quiet minute beats at once
        warning = page.locator("form .lock-lost")
        warning.wait_for()
        return beat.value.status, warning.inner_text(), page.get_attribute("form", "data-lock-lost-message")

    status, warning, message = browser(type_after_a_quiet_minute)
    assert status == 409
    assert message and message in warning


def test_leaving_the_page_releases_the_lock(browser, report):
    def leave(page):
        page.click("#away")
        page.wait_for_url("**/elsewhere/")

    browser(leave)
    assert eventually(lambda: not EditLock.objects.exists())
    time.sleep(0.3)  # let the live server finish that request before the database is flushed


def test_saving_the_form_does_not_release_the_lock(browser, report):
    def save(page):
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.wait_for_timeout(500)
        return page.content()

    assert "lock held while saving: True" in browser(save)
    assert EditLock.objects.exists()
