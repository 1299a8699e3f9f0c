"""Issue 17: `govbrief bench emergency` makes its office and counties once and reuses them, submits
through the API a report the board then shows as the bench reads it, and reports the issue's keys."""

from __future__ import annotations

import argparse
import json
from io import StringIO

import pytest
from django.core.management.base import CommandError, OutputWrapper
from django.core.management.color import no_style
from django.test import Client

from govbrief.bench import emergency
from govbrief.bench.harness import Console
from govbrief.orgs.choices import Role
from govbrief.orgs.models import Unit, User


def console() -> Console:
    return Console(OutputWrapper(StringIO()), no_style())


def test_the_office_and_its_counties_are_made_once_and_reused(db):
    first = emergency.prepare_data(listeners=2, units=3, console=console())
    again = emergency.prepare_data(listeners=2, units=3, console=console())
    assert first == again and first.listeners == ["bench-em-duty-01", "bench-em-duty-02"]
    more = emergency.prepare_data(listeners=3, units=4, console=console())
    assert more.office_id == first.office_id and more.counties[:3] == first.counties and len(more.counties) == 4
    assert User.objects.filter(username__startswith="bench-em-").count() == 3 + 2 * 4
    office = Unit.objects.get(pk=first.office_id)
    assert office.code == emergency.OFFICE_CODE
    assert set(Unit.objects.filter(parent=office).values_list("code", flat=True)) == \
        {emergency.county_code(i) for i in range(1, 5)}
    duty = User.objects.get(username="bench-em-duty-01")
    assert duty.unit_id == office.pk and duty.has_role(Role.DUTY_OFFICER)
    county = more.counties[0]
    assert User.objects.get(pk=county.informant_id).has_role(Role.INFORMANT)
    assert User.objects.get(pk=county.signer_id).has_role(Role.SIGNER)
    assert duty.check_password(emergency.GENERATED_PASSWORD)


def test_a_report_submitted_through_the_api_shows_on_the_board_as_the_bench_reads_it(db, side_effects):
    data = emergency.prepare_data(listeners=1, units=2, console=console())
    with side_effects():
        prepared = emergency.prepare_report(data.counties[1], label="t-1")
    duty = Client()
    duty.force_login(User.objects.get(username=data.listeners[0]))
    assert not emergency.board_shows(duty.get(emergency.BOARD_PATH).content.decode(),
                                     incident_id=prepared.incident_id, unit_id=prepared.unit_id)
    with side_effects():
        answer = Client().post(f"/api/reports/{prepared.report_id}/submit/",
                               data=json.dumps({"targets": [data.office_id]}), content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {prepared.token}")
    assert answer.status_code == 201, answer.content
    html = duty.get(emergency.BOARD_PATH).content.decode()
    assert emergency.board_shows(html, incident_id=prepared.incident_id, unit_id=prepared.unit_id)
    assert not emergency.board_shows(html, incident_id=prepared.incident_id, unit_id=data.counties[0].unit_id)
    # older incidents are closed so the board keeps a handful
    assert emergency.close_older_incidents(data, keep=1) == 0
    assert emergency.close_older_incidents(data, keep=0) == 1
    assert "data-incident" not in duty.get(emergency.BOARD_PATH).content.decode()


def test_the_board_check_looks_for_the_units_row_inside_the_incidents_own_card():
    html = ('<div class="card" data-incident="12"><tr data-unit="5" data-clock-state="waiting"></tr></div>'
            '<div class="card" data-incident="11"><tr data-unit="5" data-clock-state="on_time"></tr></div>')
    assert not emergency.board_shows(html, incident_id=12, unit_id=5)
    assert emergency.board_shows(html, incident_id=11, unit_id=5)
    assert not emergency.board_shows(html, incident_id=11, unit_id=55)
    assert not emergency.board_shows(html, incident_id=1, unit_id=5)


def test_the_defaults_and_target_are_the_issues():
    parser = argparse.ArgumentParser()
    emergency.add_arguments(parser)
    options = vars(parser.parse_args([]))
    assert options["listeners"] == 20 and options["units"] == 200 and options["runs"] >= 3
    assert emergency.VISIBLE_P95_TARGET_MS == 500


@pytest.mark.parametrize("bad", [["--listeners", "0"], ["--units", "0"], ["--events", "0"], ["--runs", "0"]])
def test_nonsense_options_are_refused_before_anything_runs(db, bad, monkeypatch):
    parser = argparse.ArgumentParser()
    emergency.add_arguments(parser)
    monkeypatch.setattr(emergency, "prepare_data", lambda **kw: pytest.fail("prepared data"))
    with pytest.raises(CommandError):
        emergency.run(options=vars(parser.parse_args(bad)), console=console())
