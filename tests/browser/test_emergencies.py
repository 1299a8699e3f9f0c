"""Issue 17 end to end in headless Chromium, against the real ASGI server (`govbrief serve`, the
demo's single process: web, worker and live push in one): the city's duty desk asks 乙县 for a report
on an incident; the county informant's open page is told at once; the report is drafted, signed and
submitted; the duty board, open all along, turns green for 乙县 without a reload; a follow-up and a
final report complete the chain. Screenshots of the board and the incident page go to
var/screenshots."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govbrief.emergencies import services
from govbrief.orgs.choices import Role

from ..factories import UserFactory
from ..live_servers import Servers, free_port, server_environment, server_password
from .helpers import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ELEMENTS = {"source": "县应急管理局电话报告", "nature": "生产安全事故（爆炸）", "scope": "园区内三家企业停产，周边道路临时封闭",
            "trend": "明火已扑灭，无次生灾害迹象", "measures": "疏散周边群众200余人，伤员送县人民医院救治"}


def draft(page, incident, *, stage: str, body: str, deaths: int, injuries: int) -> None:
    page.goto(f"/emergencies/{incident.pk}/report/")
    page.select_option("#id_stage", stage)
    page.fill("#id_body", body)
    for name, value in ELEMENTS.items():
        page.fill(f"#id_{name}", value)
    page.fill("#id_deaths", str(deaths))
    page.fill("#id_injuries", str(injuries))
    page.click("form button[type=submit].brand")
    page.wait_for_url("**/reports/*/")
    page.click("form[action$='/request_signoff/'] button[type=submit]")
    page.wait_for_selector(".messages .success")


def sign_and_submit(page, report_url: str, office_pk: int) -> None:
    page.goto(report_url)
    page.click("button[data-dialog=dlg-sign]")
    page.click("#dlg-sign button[type=submit]")
    page.wait_for_selector(".messages .success")
    page.check(f"input[name=targets][value='{office_pk}']")
    page.click("form[action$='/submit/'] button[type=submit]")
    page.wait_for_selector(".messages .success")


def test_the_duty_desk_asks_the_county_reports_and_the_board_turns_green(browser, world, tmp_path, shot):
    duty = UserFactory(username="city_duty", name="甲市值班员", unit=world.city, roles=[Role.DUTY_OFFICER])
    now = timezone.now()
    incident = services.incident_open(
        user=duty, unit=world.county, kind="accident", title="乙县化工园区爆炸", place="乙县化工园区",
        occurred_at=now - dt.timedelta(minutes=40), learned_at=now - dt.timedelta(minutes=30),
        description="乙县化工园区一企业发生爆炸，伤亡情况不明。")
    server_password(duty, world.county_informant, world.county_signer)
    env = server_environment(tmp_path, redis=False)
    (tmp_path / "logs").mkdir()
    servers = Servers(env, free_port(), separate_worker=False, log_dir=tmp_path / "logs")
    contexts = []

    def person(username):
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", base_url=servers.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        log_in(page, username)
        page.wait_for_function("document.querySelector('.layout').dataset.liveState === 'open'", timeout=20_000)
        return page

    with servers.running():
        try:
            informant = person("county_informant")  # has the desk open
            informant.evaluate("window.notReloaded = true")
            desk = person("city_duty")
            desk.goto(incident.get_absolute_url())
            desk.check(f"input[name=units][value='{world.county.pk}']")
            desk.fill("textarea[name=message]", "请于2小时内报送伤亡及处置情况")
            desk.click("form[data-request-form] button[type=submit]")
            desk.wait_for_selector(".messages .success")

            # The county's open page is told at once, urgently, without a reload.
            informant.wait_for_selector(".toast.urgent:has-text('乙县化工园区爆炸')")
            assert informant.evaluate("window.notReloaded") is True

            # The duty board stays open while the county reports.
            desk.goto("/emergencies/")
            row = f"[data-incident='{incident.pk}'] tr[data-unit='{world.county.pk}']"
            assert desk.get_attribute(row, "data-clock-state") == "waiting"
            assert "剩余" in desk.inner_text(f"{row} .clock")
            desk.evaluate("window.notReloaded = true")
            shot(desk, "emergency-01-board-waiting")

            draft(informant, incident, stage="initial", deaths=1, injuries=3,
                  body="今日上午，乙县化工园区一企业发生爆炸，已造成1人死亡、3人受伤。")
            report_url = informant.url
            log_out(informant)
            signer = person("county_signer")
            sign_and_submit(signer, report_url, world.city.pk)

            # The board turns green for 乙县 by itself.
            desk.wait_for_selector(f"{row}[data-clock-state='on_time']")
            assert desk.evaluate("window.notReloaded") is True
            shot(desk, "emergency-02-board-reported")

            # A follow-up and a final report complete the chain.
            log_out(signer)
            log_in(signer, "county_informant")
            draft(signer, incident, stage="follow_up", deaths=2, injuries=5,
                  body="续报：经排查，死亡人数增至2人，受伤5人，事故原因正在调查。")
            follow_up = signer.url
            draft(signer, incident, stage="final", deaths=2, injuries=4,
                  body="终报：现场处置结束，1名伤员已出院，善后工作有序推进。")
            final = signer.url
            log_out(signer)
            log_in(signer, "county_signer")
            sign_and_submit(signer, follow_up, world.city.pk)
            sign_and_submit(signer, final, world.city.pk)

            desk.goto(incident.get_absolute_url())
            desk.wait_for_function("document.querySelectorAll('[data-step]').length === 3")
            stages = desk.eval_on_selector_all("[data-step]", "rows => rows.map(r => r.dataset.step)")
            assert stages == ["initial", "follow_up", "final"]
            assert desk.locator(".casualty-chart").count() == 1
            shot(desk, "emergency-03-incident")
        except Exception:
            print(servers.logs())
            raise
        finally:
            for context in contexts:
                context.close()
