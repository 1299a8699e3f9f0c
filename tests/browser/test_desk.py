"""End to end in headless Chromium: an editor opens the "new" queue, assigns three items to
herself, bulk-adopts two and returns one with a reason; the unit sees the reason."""

import pytest

from govbrief.reports.models import Submission

from ..factories import submitted_report
from .helpers import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def select(page, subs):
    for sub in subs:
        page.check(f"input[name=ids][value='{sub.pk}']")


def test_an_editor_works_the_new_queue_in_bulk(page, shot, world):
    titles = ["乙县秋粮收购进展顺利", "乙县开展安全生产大检查", "乙县推进农村人居环境整治"]
    subs = [submitted_report(world.county_informant, world.county_signer, [world.city], title=t)[1][0] for t in titles]
    editor = world.city_editor

    log_in(page, "city_editor")
    page.click(".sidebar a[href='/reports/inbox/?queue=new']")
    page.wait_for_url("**queue=new")
    assert page.locator("tr.unread").count() == 3
    shot(page, "desk-01-new-queue")

    # Assign all three to herself.
    select(page, subs)
    page.select_option("#bulk-form select[name=assignee]", str(editor.pk))
    page.click("#bulk-form button[value=assign]")
    page.wait_for_url("**/inbox/bulk/")
    assert "3" in page.inner_text("h1")
    shot(page, "desk-02-confirm-assign")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=已完成")
    assert set(Submission.objects.values_list("assignee", flat=True)) == {editor.pk}

    # Bulk-adopt two from "assigned to me".
    page.goto("/reports/inbox/?queue=mine")
    select(page, subs[:2])
    page.click("#bulk-form button[value=adopt]")
    page.wait_for_url("**/inbox/bulk/")
    page.select_option("select[name=publication]", "special")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=已完成")
    shot(page, "desk-03-adopted")

    # Return the third with a reason.
    page.goto("/reports/inbox/?queue=mine")
    select(page, subs[2:])
    page.click("#bulk-form button[value=return]")
    page.wait_for_url("**/inbox/bulk/")
    page.fill("textarea[name=reason]", "缺少具体数据，请补充整治村数和资金投入后再报")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=已完成")
    states = dict(Submission.objects.values_list("pk", "state"))
    assert [states[s.pk] for s in subs] == ["adopted", "adopted", "returned"]
    log_out(page)

    # The unit sees the reason.
    log_in(page, "county_informant")
    page.goto(f"/reports/{subs[2].report_id}/")
    assert "缺少具体数据，请补充整治村数和资金投入后再报" in page.content()
    shot(page, "desk-04-unit-sees-reason")
