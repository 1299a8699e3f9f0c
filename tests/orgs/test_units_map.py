"""Issue 14: lists name units from a map kept per process (orgs.selectors.units_by_id); a change
to a unit reaches it at once, and a unit it does not know yet is read."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from govbrief.orgs.models import Unit
from govbrief.orgs.selectors import units_by_id


def test_a_list_names_units_without_reading_them_again(world):
    units_by_id([world.city.pk])
    with CaptureQueriesContext(connection) as ctx:
        found = units_by_id([world.city.pk, world.county.pk])
    assert len(ctx) == 0
    assert found[world.city.pk].name == world.city.name and found[world.county.pk].name == world.county.name


def test_a_renamed_unit_is_named_anew_at_once(world):
    units_by_id([world.county.pk])
    world.county.name = "乙县人民政府办公室"
    world.county.save()
    assert units_by_id([world.county.pk])[world.county.pk].name == "乙县人民政府办公室"


def test_a_unit_made_since_is_read(world):
    units_by_id([world.city.pk])
    # Written around the model, as another process's new unit is to this one: no signal, no new generation.
    Unit.objects.bulk_create([Unit(name="新设县政府办公室", code="new-county", level="county", parent=world.city)])
    made = Unit.objects.get(code="new-county")
    assert units_by_id([made.pk])[made.pk].name == "新设县政府办公室"
