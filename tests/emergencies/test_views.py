"""The emergency pages and API: the duty desk requests, the unit drafts, the office disposes; each page
for whom it is meant, and another unit's ids answer 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from govbrief.emergencies import services
from govbrief.emergencies.models import Clock, EmergencyReport, Incident, Request

from .conftest import T0

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def login(client, user):
    client.force_login(user)
    return client


def test_the_desk_opens_an_incident_and_requests_a_report_from_a_unit(client, duty):
    login(client, duty.duty)
    page = client.get(reverse("emergencies:incident-new"))
    assert page.status_code == 200 and "乙县" in page.content.decode()
    now = dt.datetime.now().strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("emergencies:incident-new"), {
        "kind": "disaster", "title": "丙县山洪", "place": "丙县某镇", "occurred_at": now, "learned_at": now,
        "description": "山洪冲毁道路。", "unit": duty.world.county2.pk})
    incident = Incident.objects.get()
    assert response.status_code == 302 and incident.unit == duty.world.county2
    response = client.post(reverse("emergencies:request", args=[incident.pk]),
                           {"units": [duty.world.county2.pk], "message": "请2小时内报送"})
    assert response.status_code == 302
    assert Clock.objects.get().unit == duty.world.county2
    board = client.get(reverse("emergencies:board") + "?fragment=board").content.decode()
    assert f'data-incident="{incident.pk}"' in board and 'data-clock-state="waiting"' in board


def test_the_unit_sees_what_it_owes_and_drafts_with_the_seven_elements(client, duty):
    incident = duty.incident()
    services.request_create(user=duty.duty, incident=incident, units=[duty.world.county])
    login(client, duty.world.county_informant)
    board = client.get(reverse("emergencies:board")).content.decode()
    assert "data-owed-clock" in board
    desk = client.get(reverse("dashboard")).content.decode()
    assert 'data-card="emergencies"' in desk
    url = reverse("emergencies:report-new", args=[incident.pk])
    form = {"stage": "initial", "title": "爆炸情况初报", "body": "情况如下。", "occurred_at": "2026-06-01T10:00",
            "place": "园区", "source": "", "nature": "爆炸", "scope": "三家企业", "trend": "可控", "measures": "疏散"}
    response = client.post(url, form)
    assert response.status_code == 200 and 'has-error' in response.content.decode()  # the missing element, named
    response = client.post(url, {**form, "source": "县应急局"})
    record = EmergencyReport.objects.get()
    assert response.status_code == 302 and response.url == record.report.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "data-emergency-panel" in page


def test_the_office_records_a_disposition_on_the_item_page(client, duty, side_effects):
    incident = duty.incident()
    with side_effects():
        sub = duty.send(duty.draft(incident), at=T0 + H)[0]
    login(client, duty.duty)
    page = client.get(sub.get_absolute_url()).content.decode()
    assert "data-dispose" in page
    response = client.post(reverse("emergencies:dispose", args=[sub.pk]), {"kind": "duty_bulletin", "note": "编入值班快报"})
    assert response.status_code == 302
    assert sub.dispositions.get().kind == "duty_bulletin"


def test_pages_of_another_units_incident_are_404(client, duty):
    incident = duty.incident()
    login(client, duty.world.county_b_informant)
    for name in ("emergencies:incident", "emergencies:report-new"):
        assert client.get(reverse(name, args=[incident.pk])).status_code == 404
    assert client.get(reverse("emergencies:incident", args=[2**63 + 5])).status_code == 404
    assert client.post(reverse("emergencies:request", args=[incident.pk]), {"units": [1]}).status_code in (403, 404)


def test_only_the_desk_sees_the_request_forms(client, duty):
    incident = duty.incident()
    login(client, duty.world.county_informant)
    page = client.get(reverse("emergencies:incident", args=[incident.pk])).content.decode()
    assert "data-request-form" not in page
    assert client.post(reverse("emergencies:request", args=[incident.pk]), {"units": [1]}).status_code == 403


def test_the_incident_page_shows_the_chain_and_the_casualty_chart(client, duty, side_effects):
    incident = duty.incident()
    with side_effects():
        duty.send(duty.draft(incident, deaths=1), at=T0 + H)
        duty.send(duty.draft(incident, stage="follow_up", deaths=2, when=T0 + 2 * H), at=T0 + 2 * H + H / 2)
    login(client, duty.duty)
    page = client.get(reverse("emergencies:incident", args=[incident.pk])).content.decode()
    assert page.count("data-step=") == 2 and "casualty-chart" in page


def test_records_page_lets_the_unit_answer(client, duty):
    record = services.record_mark(user=duty.duty, incident=duty.incident(), unit=duty.world.county,
                                  kind="missed", reason="漏报")
    login(client, duty.world.county_signer)
    assert f'data-record="{record.pk}"' in client.get(reverse("emergencies:records")).content.decode()
    client.post(reverse("emergencies:record-action", args=[record.pk, "answer"]), {"answer": "已补报"})
    record.refresh_from_db()
    assert record.answer == "已补报"


# ---------------------------------------------------------------- API

def test_api_drafts_an_emergency_report_and_names_a_missing_element_by_its_path(client, duty):
    incident = duty.incident()
    login(client, duty.world.county_informant)
    body = {"incident": incident.pk, "title": "初报", "body": "情况。",
            "elements": {"occurred_at": T0.isoformat(), "place": "园区", "source": "县应急局", "nature": "爆炸",
                         "scope": "三家企业", "trend": "", "measures": "疏散"},
            "casualties": {"deaths": 1}}
    response = client.post("/api/emergency-reports/", body, content_type="application/json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["elements.trend"]
    body["elements"]["trend"] = "可控"
    response = client.post("/api/emergency-reports/", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["stage"] == "initial"


def test_api_requests_and_lists_the_board(client, duty):
    incident = duty.incident(by=duty.duty, unit=duty.world.county2)
    login(client, duty.duty)
    response = client.post(f"/api/incidents/{incident.pk}/request/", {"units": [duty.world.county2.pk, 10**12]},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "units[1]"
    response = client.post(f"/api/incidents/{incident.pk}/request/", {"units": [duty.world.county2.pk]},
                           content_type="application/json")
    assert response.status_code == 201 and Request.objects.count() == 1
    clocks = client.get("/api/emergency-clocks/?state=waiting").json()
    assert [c["unit"]["id"] for c in clocks["results"]] == [duty.world.county2.pk]


def test_api_refuses_unknown_fields_nul_bytes_and_other_units_incidents(client, duty):
    incident = duty.incident()
    login(client, duty.world.county_b_informant)
    assert client.get(f"/api/incidents/{incident.pk}/").status_code == 404
    response = client.post("/api/emergency-reports/", {"incident": incident.pk, "title": "x", "body": "y",
                                                       "elements": {}}, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "incident"
    login(client, duty.world.county_informant)
    body = {"kind": "accident", "title": "a\x00b", "place": "p", "occurred_at": T0.isoformat(),
            "learned_at": T0.isoformat(), "description": "d"}
    for extra, field in (({}, "title"), ({"title": "ok", "state": "closed"}, "state"),
                         ({"title": "ok", "casualties": {"deaths": "٣"}}, "casualties.deaths")):
        response = client.post("/api/incidents/", {**body, **extra}, content_type="application/json")
        assert response.status_code == 400 and [e["field"] for e in response.json()["errors"]] == [field]
    assert not Incident.objects.exclude(pk=incident.pk).exists()


def test_reports_own_forms_and_api_do_not_draft_emergency_reports(client, duty):
    login(client, duty.world.county_informant)
    response = client.post("/api/reports/", {"title": "t", "body": "b", "kind": "emergency", "contact_name": "n",
                                             "contact_phone": "1"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "kind"


def test_the_board_costs_the_same_queries_for_many_incidents(client, duty):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count):
        for i in range(count):
            incident = duty.incident(by=duty.duty, unit=duty.world.county2)
            services.request_create(user=duty.duty, incident=incident, units=[duty.world.county2, duty.world.county])

    def queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    login(client, duty.duty)
    urls = [reverse("emergencies:board"), reverse("emergencies:board") + "?fragment=board", reverse("dashboard"),
            "/api/emergency-clocks/"]
    add(2)
    small = [queries(u) for u in urls]
    add(8)
    assert [queries(u) for u in urls] == small
    assert max(small) <= 12


def test_the_office_board_travels_with_the_push_to_its_desk_and_others_fetch(duty, monkeypatch):
    from govbrief.emergencies import live

    sent = []
    monkeypatch.setattr(live, "publish_many", lambda pushes: sent.extend(pushes))
    incident = duty.incident(by=duty.duty, unit=duty.world.county2)
    services.request_create(user=duty.duty, incident=incident, units=[duty.world.county2])
    sent.clear()
    live.push_boards(incident.pk, [duty.world.city.pk, duty.world.county2.pk])
    by_person = {pk: push for pk, push in sent}
    desk = by_person[duty.duty.pk].data
    assert desk["region"] == live.BOARD_REGION and f'data-incident="{incident.pk}"' in desk["html"]
    assert f'data-unit="{duty.world.county2.pk}"' in desk["html"]
    assert by_person[duty.world.city_editor.pk].data["html"] == desk["html"]  # one render for the desk
    for person in (duty.world.county2_informant, duty.leader):  # a unit's people, an office's leader
        assert "html" not in by_person[person.pk].data and by_person[person.pk].data["incident"] == incident.pk


def test_api_reads_back_the_offices_state_council_decision_and_units_do_not(client, duty):
    incident = duty.incident(by=duty.duty, unit=duty.world.county2)
    login(client, duty.duty)
    assert client.get(f"/api/incidents/{incident.pk}/").json()["state_council"] is None
    response = client.post(f"/api/incidents/{incident.pk}/escalation/", {"to_state_council": True, "reason": "较大事故"},
                           content_type="application/json")
    assert response.status_code == 200
    assert client.get(f"/api/incidents/{incident.pk}/").json()["state_council"]["reason"] == "较大事故"
    services.request_create(user=duty.duty, incident=incident, units=[duty.world.county2])
    login(client, duty.world.county2_informant)
    assert client.get(f"/api/incidents/{incident.pk}/").json()["state_council"] is None
