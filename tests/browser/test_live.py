"""Issue 15, end to end in headless Chromium against the real ASGI server (`govbrief serve`, uvicorn,
in a process of its own): two people have the office's pages open; one mentions the other in a
comment, and the other's page shows a toast and a new badge without a reload. Then the server is
restarted: the page reconnects by itself and the next notice arrives the same way, the first one
not shown again.

Run in both ways the README describes: the demo's single process (in-process worker and push), and
production's server + `govbrief worker` processes with Redis between them."""

from __future__ import annotations

import pytest

from ..factories import submitted_report
from ..live_servers import Servers, free_port, redis_or_skip, server_environment, server_password
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _live_state(page, state: str) -> None:
    page.wait_for_function(f"document.querySelector('.layout').dataset.liveState === '{state}'", timeout=20_000)


@pytest.mark.parametrize("topology", ["demo", "production"])
def test_a_notice_appears_in_the_other_person_s_open_page_and_survives_a_server_restart(
        browser, world, tmp_path, shot, topology):
    if topology == "production":
        redis_or_skip()
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city],
                                 title="乙县推进冬季供暖保障")
    server_password(world.city_editor, world.city_chief)
    env = server_environment(tmp_path, redis=topology == "production")
    (tmp_path / "logs").mkdir()
    servers = Servers(env, free_port(), separate_worker=topology == "production", log_dir=tmp_path / "logs")
    contexts = []
    with servers.running():
        try:

            def person(username):
                context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN",
                                              base_url=servers.url)
                contexts.append(context)
                page = context.new_page()
                page.set_default_timeout(20_000)
                log_in(page, username)
                return page

            chief = person("city_chief")  # has the desk open
            _live_state(chief, "open")
            dot = chief.locator(".bell .dot")
            before = int(dot.inner_text()) if dot.count() else 0  # the report's arrival was a notice too
            chief.evaluate("window.notReloaded = true")
            # Every toast the page ever shows, by notice id (toasts fade after a while; the log stays).
            chief.evaluate("""window.toastLog = [];
                new MutationObserver(function (changes) { changes.forEach(function (change) {
                  change.addedNodes.forEach(function (node) {
                    if (node.classList && node.classList.contains('toast')) { window.toastLog.push(node.dataset.notice); }
                  });
                }); }).observe(document.getElementById('toasts'), { childList: true });""")
            editor = person("city_editor")

            def mention(text):
                editor.goto(sub.get_absolute_url())
                editor.select_option("select[name=audience]", "internal")
                editor.fill("textarea[name=body]", f"@city_chief {text}")
                editor.locator("textarea[name=body]").locator("xpath=ancestor::form").locator("button[type=submit]").click()
                editor.wait_for_load_state()

            mention("请看一下这条供暖信息")
            chief.wait_for_selector(".toast:has-text('请看一下这条供暖信息')")
            chief.wait_for_function(f"document.querySelector('.bell .dot') && document.querySelector('.bell .dot').textContent === '{before + 1}'")
            assert chief.locator(".nav a[href='/notifications/'] .count").inner_text() == str(before + 1)
            # The desk's notifications card has it on top, and the tab's title counts the unread.
            assert "请看一下这条供暖信息" in chief.locator("[data-live-notices] li").first.inner_text()
            assert chief.title().startswith(f"({before + 1}) ")
            assert chief.evaluate("window.notReloaded") is True
            shot(chief, f"live-01-toast-{topology}")

            # The server restarts: the page notices, reconnects by itself, and goes on receiving.
            servers.stop_web()
            _live_state(chief, "reconnecting")
            servers.start_web()
            _live_state(chief, "open")
            mention("补充：请今天内处理")
            chief.wait_for_selector(".toast:has-text('补充：请今天内处理')")
            chief.wait_for_function(f"document.querySelector('.bell .dot').textContent === '{before + 2}'")
            shown = [n for n in chief.evaluate("window.toastLog") if n]
            assert len(shown) == 2 and len(set(shown)) == 2  # each notice shown once, across the restart
            assert chief.evaluate("window.notReloaded") is True
            toast_link = chief.locator(".toast:has-text('补充：请今天内处理') a.toast-text")
            assert toast_link.get_attribute("href").startswith("/notifications/")
            shot(chief, f"live-02-after-restart-{topology}")
        finally:
            for context in contexts:
                context.close()
