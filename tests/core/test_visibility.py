"""core.visibility: one rule per model, and grants later apps add without touching the owner."""

import pytest
from django.db.models import Q

from govbrief.core import visibility
from govbrief.reports.models import ReportVersion

from ..factories import draft_report


@pytest.fixture
def grant_below():
    """A grant as a later app would add one: versions of the units directly below the user's."""

    def below(user):
        return Q(report__unit__parent_id=user.unit_id)

    visibility.grant(ReportVersion)(below)
    yield below
    visibility._grants["reports.reportversion"].remove(below)


def test_a_grant_widens_the_rule_for_every_caller(world, grant_below):
    report = draft_report(world.county_informant)
    assert list(ReportVersion.objects.restrict(world.city_leader)) == list(report.versions.all())
    assert not ReportVersion.objects.restrict(world.province_editor).exists()


def test_without_the_grant_the_rule_alone_decides(world):
    draft_report(world.county_informant)
    assert not ReportVersion.objects.restrict(world.city_leader).exists()


def test_superusers_see_everything_and_anonymous_users_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    from govbrief.orgs.models import User

    report = draft_report(world.county_informant)
    root = User.objects.create_superuser(username="root", password="Root#2026x")
    assert list(ReportVersion.objects.restrict(root)) == list(report.versions.all())
    assert not ReportVersion.objects.restrict(AnonymousUser()).exists()
