"""The list pages on a phone (issue 13): informants report from the field and editors screen on the
move (SPEC §3.1), so at 390 px every list fits the screen — rows become stacked cards, the filters
fold behind a toggle, the sidebar behind the menu button — and the page itself never scrolls
sideways. And the desk on a desktop: a lone figure is not stretched across the page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from govbrief.reports import services
from govbrief.reports.models import Submission

from ..factories import draft_report, submitted_report
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Long enough to push a naive table past the screen's edge.
LONG_TITLE = "乙县多措并举推进秋冬季农田水利建设暨高标准农田建设项目集中开工仪式顺利举行"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()



def assert_fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways: {width}px wide"


def assert_on_screen(locator):
    locator.scroll_into_view_if_needed()
    assert locator.is_visible()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, box


def test_the_inbox_fits_a_phone(phone, shot, world):
    for _ in range(3):
        submitted_report(world.county_informant, world.county_signer, [world.city], title=LONG_TITLE, urgency="urgent")
    # Overdue: the flags that widened a table cell past the screen's edge in the demo.
    Submission.objects.update(submitted_at=timezone.now() - timedelta(days=12))
    log_in(phone, "city_editor")
    phone.goto(reverse("reports:inbox"))
    assert_fits(phone)
    row = phone.locator("table.list tbody tr").first
    assert_on_screen(row.locator("a.title"))
    assert_on_screen(row.locator("input[name=ids]"))
    assert_on_screen(row.locator(".badge.submitted"))
    assert_on_screen(row.locator(".badge.returned"))  # the overdue flag
    shot(phone, "phone-inbox")
    # The filters fold behind a toggle and open on demand, still within the screen.
    assert not phone.locator("form.filters select[name=state]").is_visible()
    phone.click("details.filter-panel > summary")
    assert_on_screen(phone.locator("form.filters select[name=state]"))
    assert_fits(phone)
    shot(phone, "phone-inbox-filters")


def test_the_sidebar_folds_behind_the_menu_button_on_a_phone(phone, shot, world):
    log_in(phone, "city_editor")
    phone.goto(reverse("reports:inbox"))
    inbox_link = phone.locator(".sidebar a[href='/reports/inbox/']")
    assert not inbox_link.is_visible()
    phone.click(".topbar .menu-toggle")
    phone.wait_for_timeout(300)  # the slide-in transition
    assert_on_screen(inbox_link)
    assert_fits(phone)
    shot(phone, "phone-menu")
    # A tap beside the sidebar closes it again.
    phone.mouse.click(PHONE["width"] - 20, PHONE["height"] // 2)
    phone.wait_for_timeout(300)
    assert not inbox_link.is_visible()


def test_the_report_list_fits_a_phone(phone, shot, world):
    draft_report(world.county_informant, title=LONG_TITLE)
    submitted_report(world.county_informant, world.county_signer, [world.city], title=LONG_TITLE + "（二）")
    log_in(phone, "county_informant")
    phone.goto(reverse("reports:list"))
    assert_fits(phone)
    row = phone.locator("table.list tbody tr").first
    assert_on_screen(row.locator("a.title"))
    assert_on_screen(row.locator(".badge").first)
    shot(phone, "phone-reports")


def test_the_unit_directory_fits_a_phone(phone, shot, world):
    log_in(phone, "county_informant")
    phone.goto(reverse("orgs:directory"))
    assert_fits(phone)
    row = phone.locator("table.list tbody tr").first
    assert_on_screen(row.locator("a").first)
    shot(phone, "phone-units")


def test_the_other_list_pages_fit_a_phone(phone, shot, world):
    _report, subs = submitted_report(world.county_informant, world.county_signer, [world.city], title=LONG_TITLE)
    services.submission_return(submission=subs[0], editor=world.city_editor, reason="请补充具体数据后再报")
    log_in(phone, "county_informant")
    for url in (reverse("notifications:list"), reverse("orgs:registrations"), reverse("dashboard")):
        phone.goto(url)
        assert_fits(phone)
    shot(phone, "phone-desk")
    phone.context.clear_cookies()
    log_in(phone, "city_editor")
    phone.goto(reverse("reports:inbox") + "?queue=waiting")
    phone.check("input[name=ids] >> nth=0")
    phone.click("#bulk-form button[value=archive]")
    phone.wait_for_url("**/inbox/bulk/")
    assert_fits(phone)


def test_the_desk_lays_out_one_figure_without_stretching_it(page, shot, world):
    """An editor has one figure (awaiting screening): it keeps a card's width, not the page's."""
    submitted_report(world.county_informant, world.county_signer, [world.city])
    log_in(page, "city_editor")
    stats = page.locator(".stats .stat")
    assert stats.count() == 1
    row_width = page.locator(".stats").bounding_box()["width"]
    assert stats.first.bounding_box()["width"] <= min(320, row_width / 2)
    assert page.locator("[data-card=my_drafts]").count() == 0
    shot(page, "desk-editor")
    page.context.clear_cookies()
    # A drafter and signer has four: they share the row evenly.
    for _ in range(7):
        _report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
        services.submission_return(submission=sub, editor=world.city_editor, reason="请补充数据")
    draft_report(world.county_signer, title="县城区集中供暖工作进展顺利")
    log_in(page, "county_signer")
    widths = {round(b["width"]) for b in (s.bounding_box() for s in page.locator(".stats .stat").all())}
    assert page.locator(".stats .stat").count() == 4 and len(widths) == 1
    assert page.locator("[data-card=returned] a.more").is_visible()
    shot(page, "desk-drafter")
