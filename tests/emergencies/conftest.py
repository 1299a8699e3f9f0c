"""An incident on the test world's tree: 乙县 (county) reports to 甲市 (city), whose duty desk requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.utils import timezone

from govbrief.emergencies import services
from govbrief.emergencies.choices import IncidentKind
from govbrief.orgs.choices import Role
from govbrief.reports import services as report_services
from tests.factories import UserFactory

# A fixed moment (Beijing time) the clocks count from.
T0 = timezone.make_aware(dt.datetime(2026, 6, 1, 10, 0, 0))

ELEMENTS = {"occurred_at": T0, "place": "乙县化工园区", "source": "县应急管理局", "nature": "生产安全事故（爆炸）",
            "scope": "园区内三家企业停产", "trend": "火势已控制，无扩大趋势", "measures": "疏散周边群众200人，消防救援到场"}


@dataclass
class Duty:
    world: object
    duty: object  # the city office's duty officer
    leader: object

    def at(self, moment, **kwargs):
        return time_machine.travel(moment, tick=False, **kwargs)

    def incident(self, *, occurred_at=T0, unit=None, by=None):
        w = self.world
        with self.at(occurred_at + dt.timedelta(minutes=10)):
            return services.incident_open(user=by or w.county_informant, kind=IncidentKind.ACCIDENT,
                                          title="乙县化工园区爆炸", place="乙县化工园区", occurred_at=occurred_at,
                                          learned_at=occurred_at + dt.timedelta(minutes=5),
                                          description="化工园区一企业发生爆炸。", unit=unit, deaths=1, injuries=3)

    def draft(self, incident, *, author=None, stage=None, when=None, deaths=1, injuries=3, **elements):
        author = author or self.world.county_informant
        with self.at(when or T0 + dt.timedelta(minutes=20)):
            return services.emergency_report_create(
                author=author, incident=incident, stage=stage, title=f"{incident.title}情况报告",
                body="6月1日10时许，乙县化工园区一企业发生爆炸。", elements={**ELEMENTS, **elements},
                casualties={"deaths": deaths, "injuries": injuries}, contact_name="张三", contact_phone="13800000000")

    def send(self, report, *, at, signer=None, author=None, targets=None):
        """Sign and submit the report at ``at`` exactly (the submission's own time)."""
        w = self.world
        with self.at(at - dt.timedelta(seconds=30)):
            report_services.report_sign_off(report=report, signer=signer or w.county_signer)
        with self.at(at):
            return report_services.report_submit(report=report, user=author or w.county_informant,
                                                 targets=targets or [w.city])


@pytest.fixture
def duty(world, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    officer = UserFactory(username="city_duty", name="甲市值班员", unit=world.city, roles=[Role.DUTY_OFFICER])
    return Duty(world=world, duty=officer, leader=world.city_leader)
