"""End to end in headless Chromium (issue 16): an editor composes an issue from adopted reports, merges
two of them into a composite item and sends it for approval; the chief editor approves; the editor
publishes; a leader reads it and marks an item; the PDF's first and last pages go to var/screenshots."""

import subprocess

import pytest

from govbrief.bulletins.models import Issue
from govbrief.bulletins.publications import ensure_publications

from ..bulletins.conftest import adopt_from
from .conftest import SCREENSHOTS
from .helpers import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_issue_is_composed_approved_published_and_read(page, shot, world, run_tasks):
    ensure_publications(world.city)
    general = world.city.publications.get(code="general")
    general.readers.set([world.city_leader])
    adoptions = [adopt_from(world, unit, title) for unit, title in (
        ("county", "乙县秋粮收购进展顺利"), ("county2", "丙县推进农村人居环境整治"),
        ("direct_point", "戊县推进农村人居环境整治"))]

    log_in(page, "city_editor")
    page.click(".sidebar a[href='/bulletins/']")
    page.select_option("select[name=publication]", str(general.pk))
    page.click("text=新建一期")
    page.wait_for_selector("[data-candidates]")
    page.check(f"#a-{adoptions[0].pk}")
    page.click("button[name=add]")
    page.wait_for_selector("[data-item]")
    page.check(f"#a-{adoptions[1].pk}")
    page.check(f"#a-{adoptions[2].pk}")
    page.click("button[name=merge]")
    page.wait_for_url("**/merge/**")
    page.fill("input[name=title]", "各地扎实推进农村人居环境整治")
    page.fill("textarea[name=body]", "丙县、戊县多措并举推进农村人居环境整治，整治村庄126个，投入资金3.2亿元。")
    page.click("button[type=submit].primary")
    page.wait_for_selector("[data-item] >> nth=1")
    page.fill("textarea[name=editor_note]", "现将各地近期工作情况摘编如下，供参阅。")
    page.click("form[action$='/particulars/'] button[type=submit]")
    page.wait_for_selector("text=已保存")
    page.evaluate("document.querySelectorAll('details.card').forEach(d => d.open = true); window.scrollTo(0, 0)")
    shot(page, "bulletins-01-composing")
    page.click("[data-action=send]")
    page.wait_for_selector("text=已送审")
    log_out(page)

    log_in(page, "city_chief")
    issue = Issue.objects.get()
    page.goto(issue.get_absolute_url())
    page.click("[data-action=approve]")
    page.wait_for_selector("text=已审核通过")
    log_out(page)

    log_in(page, "city_editor")
    page.goto(issue.get_absolute_url())
    page.click("[data-action=publish]")
    page.wait_for_selector(".badge.issue-published")
    run_tasks()  # the worker renders the files
    issue.refresh_from_db()
    assert issue.number == 1 and issue.pdf_file and issue.docx_file
    log_out(page)

    log_in(page, "city_leader")
    page.goto(issue.get_absolute_url())
    assert "各地扎实推进农村人居环境整治" in page.content() and "第1期" in page.content()
    page.locator("[data-action=mark]").first.click()
    page.wait_for_selector(".paper-marks")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "bulletins-02-reading")

    # The PDF as stored, its first and last pages as PNG.
    pdf = SCREENSHOTS / "bulletin-issue.pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with issue.pdf_file.open("rb") as f:
        pdf.write_bytes(f.read())
    pages = issue.pdf_pages
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(SCREENSHOTS / "bulletins-03-pdf-first")], check=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(pages), "-l", str(pages), "-singlefile", str(pdf),
                    str(SCREENSHOTS / "bulletins-04-pdf-last")], check=True)
    assert (SCREENSHOTS / "bulletins-03-pdf-first.png").stat().st_size > 5_000
