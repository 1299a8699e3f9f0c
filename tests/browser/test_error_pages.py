"""What a person sees when something is refused or missing, and after an idle timeout (issue 13):
the product's own pages, in Chinese, in a real browser."""

import pytest

from govbrief.orgs.sessions import MARKER

from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_a_missing_page_is_shown_in_the_layout(page, shot, world):
    log_in(page, "city_editor")
    response = page.goto("/reports/999999/")
    assert response.status == 404
    assert page.locator(".error-card h1").inner_text() == "页面不存在"
    assert page.locator(".sidebar").is_visible()
    shot(page, "error-404")


def test_the_login_page_says_why_after_an_idle_timeout(page, shot, world, live_server):
    log_in(page, "city_editor")
    # The browser drops the session cookie when it expires; the marker of having been logged in stays.
    page.context.clear_cookies(name="sessionid")
    page.goto("/reports/")
    page.wait_for_url("**/accounts/login/**")
    assert "未操作" in page.locator(".callout.info").inner_text()
    shot(page, "idle-logout")
    assert any(c["name"] == MARKER for c in page.context.cookies()) is False
