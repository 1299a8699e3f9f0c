"""Who may see and do what in the network (SPEC §2, §9): one place that selectors, services,
views and the admin ask."""

from __future__ import annotations

from django.db.models import Q

from .choices import Role
from .models import Unit, User


def may_approve_for_unit(user: User, unit: Unit) -> bool:
    """The unit's head signs its registration form first (seed 004: 单位审核意见)."""
    return user.unit_id == unit.pk and user.has_role(Role.PRINCIPAL)


def may_approve_for_office(user: User, unit: Unit) -> bool:
    """Then the office above (seed 004: 上级办公室审核意见)."""
    return unit.parent_id is not None and user.unit_id == unit.parent_id and user.has_role(
        Role.SYSTEM_ADMIN, Role.CHIEF_EDITOR
    )


def may_decide_registration(user: User, registration) -> bool:
    """Whoever's turn it is: the unit's head on a filed form, the office above after that."""
    from .choices import RegistrationState

    return (registration.state == RegistrationState.SUBMITTED and may_approve_for_unit(user, registration.unit)) or (
        registration.state == RegistrationState.UNIT_APPROVED and may_approve_for_office(user, registration.unit))


def registrations_rule(user: User) -> Q:
    """The form holds personal data (home phone, party membership, résumé): only the person who
    filed it and the two approvers (the unit's head, the office above) read it."""
    if not user.is_authenticated or user.unit_id is None:
        return Q(pk__in=[])
    visible = Q(filed_by=user)
    if user.has_role(Role.PRINCIPAL):
        visible |= Q(unit_id=user.unit_id)
    if user.has_role(Role.SYSTEM_ADMIN, Role.CHIEF_EDITOR):
        visible |= Q(unit__parent_id=user.unit_id)
    return visible


def units_administered_by(user: User) -> list[int]:
    """An office's administrator manages its own unit and the units below it (账户下发, SPEC §2)."""
    from .selectors import unit_tree

    if user.unit_id is None:
        return []
    return [u.pk for u, _depth in unit_tree(root=user.unit)]


def may_see_private_contacts(viewer: User, unit: Unit) -> bool:
    """Office phones are for the whole network; people's mobile and home numbers only for their own
    unit and the offices above it, which must reach them at any hour (seed 004 collects them for
    the office above, not for everyone)."""
    if not viewer.is_authenticated:
        return False
    if viewer.is_superuser:
        return True
    if viewer.unit_id is None:
        return False
    return viewer.unit_id == unit.pk or any(a.pk == viewer.unit_id for a in unit.ancestors())
