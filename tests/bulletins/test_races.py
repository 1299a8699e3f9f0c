"""Issue numbers under real concurrency on PostgreSQL (issue 16): two editors publish two issues of one
publication at the same moment, each in its own thread and connection, and both commit."""

from __future__ import annotations

import pytest
from django.db import connection

from govbrief.bulletins import services
from govbrief.bulletins.models import Issue, Publication
from govbrief.bulletins.publications import ensure_publications

from ..conftest import build_world
from ..reports.test_races import Race, split
from .conftest import adopt_from

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="real concurrent writers need PostgreSQL (SQLite serialises every writer)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def world(transactional_db):
    return build_world()


def _approved(world, publication, adoption) -> Issue:
    issue = services.issue_create(publication=publication, editor=world.city_editor)
    services.item_add(issue=issue, editor=world.city_editor, adoptions=[adoption])
    services.issue_send_for_approval(issue=issue, editor=world.city_editor)
    return services.issue_approve(issue=issue, chief=world.city_chief)


def test_two_issues_published_at_the_same_moment_get_consecutive_numbers_without_gap_or_duplicate(world, monkeypatch):
    ensure_publications(world.city)
    publication = Publication.objects.get(office=world.city, code="general")
    publication.total_offset = 40
    publication.save()
    first = _approved(world, publication, adopt_from(world, "county", "乙县信息"))
    second = _approved(world, publication, adopt_from(world, "county2", "丙县信息"))
    race = Race()
    monkeypatch.setattr(services, "next_numbers", race.before(services.next_numbers))

    results = race.run(
        editor=lambda: services.issue_publish(issue=first, user=world.city_editor),
        chief=lambda: services.issue_publish(issue=second, user=world.city_chief),
    )

    won, failed = split(results)
    assert not failed, results
    numbers = sorted((i.number, i.total_number) for i in Issue.objects.filter(publication=publication))
    assert numbers == [(1, 41), (2, 42)]
    # The second waited on the first's lock of the publication, instead of reading the same last number.
    assert race.waited_on_lock, race.passed
