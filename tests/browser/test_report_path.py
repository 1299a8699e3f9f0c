"""End to end in headless Chromium: informant drafts → signer signs → submits → the city office's
editor adopts → forwards to the province → the province adopts (SPEC §3 steps 1–5)."""

import pytest

from govbrief.reports.models import Report, Submission

from .helpers import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




def test_a_report_travels_from_county_to_province_in_the_browser(page, shot, world):
    page.goto("/accounts/login/")
    assert "登录" in page.content()
    shot(page, "01-login")

    # The informant drafts and sends it for sign-off.
    log_in(page, "county_informant")
    page.goto("/reports/new/")
    page.fill("#id_title", "乙县多措并举推进秋冬季农田水利建设")
    page.fill("#id_body", "今年以来，乙县把农田水利建设作为重点工作。\n全县新建高标准农田2.3万亩，同比增长12.5%。")
    page.select_option("#id_urgency", "urgent")
    page.fill("#id_keywords", "农田水利 高标准农田")
    shot(page, "02-draft")
    page.click("button[name=signoff]")
    page.wait_for_url("**/reports/*/")
    report = Report.objects.get()
    assert report.state == "pending"
    log_out(page)

    # The signer signs it off.
    log_in(page, "county_signer")
    page.goto(f"/reports/{report.pk}/")
    page.click("button[data-dialog=dlg-sign]")
    page.click("#dlg-sign button[type=submit]")
    page.wait_for_selector(".messages .success")
    shot(page, "03-signed")
    # …and submits it to the city office.
    page.check(f"input[name=targets][value='{world.city.pk}']")
    page.click("form[action$='/submit/'] button[type=submit]")
    page.wait_for_selector(".messages .success")
    sub = Submission.objects.get()
    assert sub.to_unit == world.city
    log_out(page)

    # The city office's editor finds it in the inbox and adopts it.
    log_in(page, "city_editor")
    page.goto("/reports/inbox/")
    shot(page, "04-city-inbox")
    page.click(f"a[href='/reports/submissions/{sub.pk}/']")
    page.click("button[data-dialog=dlg-adopt]")
    page.select_option("#dlg-adopt select[name=mode]", "edited")
    page.click("#dlg-adopt button[type=submit]")
    page.wait_for_selector(".messages .success")
    # …then edits and forwards it to the province.
    page.click(f"a[href='/reports/submissions/{sub.pk}/forward/']")
    page.fill("#id_title", "甲市乙县推进秋冬季农田水利建设成效明显")
    shot(page, "05-forward")
    page.click("button[type=submit].brand")
    page.wait_for_selector(".messages .success")
    up = Submission.objects.get(parent=sub)
    assert up.to_unit == world.province and up.version.title == "甲市乙县推进秋冬季农田水利建设成效明显"
    log_out(page)

    # The province adopts it.
    log_in(page, "province_editor")
    page.goto(f"/reports/submissions/{up.pk}/")
    page.click("button[data-dialog=dlg-adopt]")
    page.click("#dlg-adopt button[type=submit]")
    page.wait_for_selector(".messages .success")
    shot(page, "06-province-adopted")
    log_out(page)

    # The originating unit sees the whole path, up to the province's adoption.
    log_in(page, "county_informant")
    page.goto(f"/reports/{report.pk}/")
    lineage = page.inner_text(".lineage")
    assert "省政府办公厅" in lineage and "甲市政府办公室" in lineage
    shot(page, "07-lineage")
    up.refresh_from_db()
    assert up.state == "adopted"
