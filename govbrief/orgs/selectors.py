from __future__ import annotations

from django.db.models import Q, QuerySet

from .choices import UnitKind, UnitLevel
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
