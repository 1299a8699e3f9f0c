from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, Q, QuerySet

from .choices import UnitKind, UnitLevel
from .models import UNIT_COLUMNS, Unit, User

# ---------------------------------------------------------------- the units lists name

# Lists name the same few hundred units in row after row: a province's inbox page joined and built
# two units for each of its rows, 1-2 ms a page (issue 14). So every process keeps a map of all the
# units as lists show them (UNIT_COLUMNS). Any save or delete of a unit gives the map a new
# generation in the shared cache and every process reloads it on its next use; the age limit bounds
# changes made around the model (bulk updates) and, without a shared cache, other processes' edits.
UNITS_MAX_AGE_SECONDS = 300
_UNITS_GENERATION_KEY = "govbrief:units-generation"
_units_map: dict = {"generation": None, "loaded_at": 0.0, "units": {}}


def forget_units() -> None:
    """A unit changed: this process reloads at once, the others when the change is committed."""
    _units_map["loaded_at"] = 0.0
    transaction.on_commit(lambda: cache.set(_UNITS_GENERATION_KEY, time.time_ns(), None))


def units_by_id(ids: Iterable[int]) -> dict[int, Unit]:
    """The units with these ids, as lists show them, from the process's map (a unit the map does
    not know yet, made by another process since, is read and added). The units are shared by every
    list of the process: read them, never change them."""
    generation = cache.get(_UNITS_GENERATION_KEY)
    now = time.monotonic()
    if generation != _units_map["generation"] or now - _units_map["loaded_at"] > UNITS_MAX_AGE_SECONDS:
        _units_map.update(generation=generation, loaded_at=now,
                          units={unit.pk: unit for unit in Unit.objects.only(*UNIT_COLUMNS)})
    units = _units_map["units"]
    wanted = set(ids)
    if missing := wanted - units.keys():
        units.update(Unit.objects.only(*UNIT_COLUMNS).in_bulk(missing))
    return {pk: units[pk] for pk in wanted if pk in units}


def attach_units(rows: Sequence[Model], *relations: str) -> None:
    """Give each row its ``relations`` (foreign keys to Unit) from units_by_id instead of a join."""
    if not rows:
        return
    fields = [type(rows[0])._meta.get_field(name) for name in relations]
    units = units_by_id({getattr(row, field.attname) for row in rows for field in fields} - {None})
    for row in rows:
        for field in fields:
            unit_id = getattr(row, field.attname)
            if unit_id is not None:
                field.set_cached_value(row, units[unit_id])


def report_targets_for(*, unit: Unit) -> list[Unit]:
    """The offices a unit may report to (SPEC §2): its parent office; a direct reporting point
    also the provincial office, skipping levels; plus any targets an admin configured."""
    targets: list[Unit] = []
    if unit.parent is not None and unit.parent.kind == UnitKind.OFFICE and unit.parent.is_active:
        targets.append(unit.parent)
    if unit.is_direct_point:
        province = next(
            (a for a in unit.ancestors() if a.level == UnitLevel.PROVINCE and a.kind == UnitKind.OFFICE), None
        )
        if province is not None:
            targets.append(province)
    targets.extend(unit.extra_report_targets.filter(is_active=True, kind=UnitKind.OFFICE))
    seen, unique = set(), []
    for target in targets:
        if target.pk not in seen and target.pk != unit.pk:
            seen.add(target.pk)
            unique.append(target)
    return unique


def users_with_role(*, unit: Unit | None, roles) -> QuerySet[User]:
    if unit is None:
        return User.objects.none()
    return User.objects.filter(unit=unit, is_active=True, role_assignments__role__in=list(roles)).distinct()


def units_directory(*, query: str = "", kind: str = "", level: str = "") -> QuerySet[Unit]:
    qs = Unit.objects.filter(is_active=True).select_related("parent")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(code__icontains=query))
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    return qs


def unit_tree(*, root: Unit | None = None) -> list[tuple[Unit, int]]:
    """Depth-first (unit, depth) pairs for the directory, read in one query."""
    units = list(Unit.objects.filter(is_active=True).order_by("sort_order", "id"))
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u)
    out: list[tuple[Unit, int]] = []

    def walk(parent_id, depth):
        for u in children.get(parent_id, []):
            out.append((u, depth))
            walk(u.pk, depth + 1)

    if root is None:
        walk(None, 0)
    else:
        out.append((root, 0))
        walk(root.pk, 1)
    return out


def registrations_for(*, user: User):
    from .models import InformantRegistration
    from .permissions import registrations_rule

    return InformantRegistration.objects.filter(registrations_rule(user)).select_related("unit")


def unit_get(*, pk: int) -> Unit:
    """An active unit of the directory (the network is visible to everyone in it)."""
    return Unit.objects.select_related("parent").get(pk=pk, is_active=True)


def unit_members(*, viewer: User, unit: Unit) -> list[User]:
    """The unit's active people, with ``private_contacts`` set to whether ``viewer`` may see their
    mobile numbers (orgs.permissions.may_see_private_contacts)."""
    from .permissions import may_see_private_contacts

    private = may_see_private_contacts(viewer, unit)
    members = list(User.objects.filter(unit=unit, is_active=True).prefetch_related("role_assignments").order_by("id"))
    for member in members:
        member.private_contacts = private
    return members
