"""core.counts: many counts in one query, each equal to its queryset's own count."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from govbrief.core.counts import count_all
from govbrief.orgs.models import Unit, User
from govbrief.reports.models import Submission

from ..factories import submitted_report


def test_every_count_equals_its_querysets_own_count_in_one_query(world):
    submitted_report(world.county_informant, world.county_signer, [world.city])
    querysets = {
        "offices": Unit.objects.filter(kind="office"),
        "city people": User.objects.filter(unit=world.city).select_related("unit").order_by("-id"),
        "sent to the city": Submission.objects.filter(to_unit=world.city),
        "with a join": Submission.objects.filter(report__unit=world.county, version__title__contains="供暖"),
        "nothing": Unit.objects.none(),
        "empty match": Unit.objects.filter(pk__in=[]),
    }
    with CaptureQueriesContext(connection) as ctx:
        counts = count_all(querysets)
    assert len(ctx.captured_queries) == 1
    assert counts == {name: qs.count() for name, qs in querysets.items()}
    assert counts["sent to the city"] == 1 and counts["nothing"] == 0


def test_no_querysets_cost_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert count_all({}) == {}
