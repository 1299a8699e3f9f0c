"""A city office with adopted reports from three units, ready to compose into its bulletins."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from govbrief.bulletins import services
from govbrief.bulletins.models import Issue, Publication
from govbrief.bulletins.publications import ensure_publications
from govbrief.reports import services as report_services
from govbrief.reports.models import Adoption

from ..factories import submitted_report


@dataclass
class Desk:
    world: object
    general: Publication
    special: Publication
    adoptions: list[Adoption]

    def issue(self, publication: Publication | None = None, *, items: int = 1) -> Issue:
        w = self.world
        issue = services.issue_create(publication=publication or self.general, editor=w.city_editor)
        if items:
            services.item_add(issue=issue, editor=w.city_editor, adoptions=self.adoptions[:items])
        return issue

    def publish(self, issue: Issue) -> Issue:
        w = self.world
        services.issue_send_for_approval(issue=issue, editor=w.city_editor)
        services.issue_approve(issue=issue, chief=w.city_chief)
        return services.issue_publish(issue=issue, user=w.city_editor)


def adopt_from(world, unit: str, title: str, office: str = "city") -> Adoption:
    informant, signer = world.users[f"{unit}_informant"], world.users[f"{unit}_signer"]
    _report, subs = submitted_report(informant, signer, [world.units[office]], title=title,
                                     body=f"{title}。\n今年以来完成投资3.2亿元，同比增长12%。")
    return report_services.submission_adopt(submission=subs[0], editor=world.users[f"{office}_editor"],
                                            publication="general")


@pytest.fixture
def desk(world) -> Desk:
    ensure_publications(world.city)
    adoptions = [adopt_from(world, "county", "乙县推进农村人居环境整治"),
                 adopt_from(world, "county2", "丙县推进农村人居环境整治"),
                 adopt_from(world, "direct_point", "戊县推进农村人居环境整治")]
    general = Publication.objects.get(office=world.city, code="general")
    general.reader_units.set([world.county])
    general.readers.set([world.city_leader])
    return Desk(world=world, general=general, special=Publication.objects.get(office=world.city, code="special"),
                adoptions=adoptions)
