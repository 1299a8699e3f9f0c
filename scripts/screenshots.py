"""Take the README's screenshots from a running demo: `govbrief demo` in one terminal, then
`python scripts/screenshots.py [http://127.0.0.1:8000]`. Needs Chromium (apt-get install chromium)."""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PASSWORD = "Demo@2026"


def log_in(page, username):
    page.context.clear_cookies()
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1366, "height": 860})
        page.goto(f"{BASE}/accounts/login/")
        page.screenshot(path=OUT / "login.png")
        log_in(page, "xinxiyuan")
        page.screenshot(path=OUT / "desk.png")
        page.goto(f"{BASE}/reports/new/")
        page.fill("#id_title", "临江县多措并举推进秋冬季农田水利建设")
        page.fill("#id_body", "今年以来，临江县把农田水利建设作为重点工作来抓。\n全县新建高标准农田2.3万亩，同比增长12.5%。")
        page.screenshot(path=OUT / "draft.png")
        page.goto(f"{BASE}/reports/?state=submitted")
        page.click("table a.title >> nth=0")
        page.screenshot(path=OUT / "report.png", full_page=True)
        log_in(page, "bianji")
        page.goto(f"{BASE}/reports/inbox/")
        page.screenshot(path=OUT / "inbox.png")
        page.goto(f"{BASE}/reports/inbox/?queue=unassigned")
        page.check("input[name=ids] >> nth=0")
        page.check("input[name=ids] >> nth=1")
        page.click("#bulk-form button[value=adopt]")
        page.wait_for_load_state()
        page.screenshot(path=OUT / "bulk.png")
        page.goto(f"{BASE}/reports/inbox/")
        page.click("table a.title >> nth=0")
        page.screenshot(path=OUT / "submission.png", full_page=True)
        page.goto(f"{BASE}/units/")
        page.screenshot(path=OUT / "units.png")
        # A report of the county that the city edited and forwarded: its lineage, and how it was rewritten.
        log_in(page, "xinxiyuan")
        page.goto(f"{BASE}/reports/?state=submitted")
        links = [page.get_attribute(f"table a.title >> nth={i}", "href") for i in range(page.locator("table a.title").count())]
        for href in links:
            page.goto(BASE + href)
            if page.locator("a[href$='/compare/']").count():
                page.screenshot(path=OUT / "lineage.png", full_page=True)
                page.click("a[href$='/compare/']")
                page.wait_for_load_state()
                page.screenshot(path=OUT / "compare.png")
                break
        # Two people on one draft: the informant holds the lock, the signer sees it and may break it.
        log_in(page, "xinxiyuan")
        page.goto(f"{BASE}/reports/?state=draft")
        page.click("table a.title >> nth=0")
        report_url = page.url
        page.goto(report_url + "edit/")
        signer = browser.new_page(viewport={"width": 1366, "height": 700})
        log_in(signer, "qianfa")
        signer.goto(report_url + "edit/")
        signer.screenshot(path=OUT / "lock.png")
        mobile = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
        mobile.goto(f"{BASE}/accounts/login/")
        mobile.fill("#id_username", "xinxiyuan")
        mobile.fill("#id_password", PASSWORD)
        mobile.click("button[type=submit]")
        mobile.goto(f"{BASE}/reports/new/")
        mobile.screenshot(path=OUT / "draft-phone.png")
        browser.close()
    print("\n".join(sorted(str(p.relative_to(OUT.parent.parent)) for p in OUT.glob("*.png"))))


if __name__ == "__main__":
    main()
