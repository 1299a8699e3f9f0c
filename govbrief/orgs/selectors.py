from __future__ import annotations

from django.db.models import Q, QuerySet

from .choices import Role, UnitKind, UnitLevel
from .models import Unit, User


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

    if user.unit_id is None:
        return InformantRegistration.objects.none()
    # The form holds personal data (home phone, party membership, résumé): only the person who filed
    # it and the two approvers (the unit's head, the office above) read it.
    visible = Q(filed_by=user)
    if user.has_role(Role.PRINCIPAL):
        visible |= Q(unit_id=user.unit_id)
    if user.has_role(Role.SYSTEM_ADMIN, Role.CHIEF_EDITOR):
        visible |= Q(unit__parent_id=user.unit_id)
    return InformantRegistration.objects.filter(visible).select_related("unit")


def may_approve_for_unit(user: User, unit: Unit) -> bool:
    return user.unit_id == unit.pk and user.has_role(Role.PRINCIPAL)


def may_approve_for_office(user: User, unit: Unit) -> bool:
    return unit.parent_id is not None and user.unit_id == unit.parent_id and user.has_role(
        Role.SYSTEM_ADMIN, Role.CHIEF_EDITOR
    )
