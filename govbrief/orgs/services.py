from __future__ import annotations

import secrets
import string

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govbrief import events
from govbrief.core.errors import ActionNotAllowed, TransitionError

from .choices import RegistrationState, Role
from .models import DirectPointStatusChange, InformantRegistration, RoleAssignment, Unit, User
from .permissions import may_approve_for_office, may_approve_for_unit, may_decide_registration
from .roles import sync_admin_roles


def initial_password() -> str:
    """A random first password meeting the policy; the account must change it at first login."""
    alphabet = string.ascii_letters + string.digits
    while True:
        core = "".join(secrets.choice(alphabet) for _ in range(10))
        if any(c.islower() for c in core) and any(c.isupper() for c in core) and any(c.isdigit() for c in core):
            return core + secrets.choice("#@%+")


def account_create(
    *, unit: Unit, username: str, name: str, roles, created_by: User | None = None, password: str | None = None, **fields
) -> tuple[User, str]:
    """账户下发: an office creates an account below it; the holder must change the password."""
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise TransitionError(_("The user name %(u)s is taken.") % {"u": username})
        pwd = password or initial_password()
        user = User(username=username, name=name, unit=unit, must_change_password=password is None, **fields)
        user.set_password(pwd)
        user.save()
        RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=r) for r in roles])
        sync_admin_roles(user)
        events.record("account_created", actor=created_by, target=user, data={"unit": unit.pk, "roles": list(roles)})
    return user, pwd


def unit_set_direct_point(*, unit: Unit, is_direct_point: bool, changed_by: User | None, reason: str = "") -> Unit:
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if unit.is_direct_point == is_direct_point:
            return unit
        unit.is_direct_point = is_direct_point
        unit.save(update_fields=["is_direct_point"])
        DirectPointStatusChange.objects.create(
            unit=unit, is_direct_point=is_direct_point, reason=reason, changed_by=changed_by
        )
        events.record("direct_point_changed", actor=changed_by, target=unit,
                      data={"is_direct_point": is_direct_point, "reason": reason})
    return unit


def _free_username(prefix: str) -> str:
    """The first ``prefix<N>`` not taken yet (accounts may have moved between units)."""
    taken = set(User.objects.filter(username__startswith=prefix).values_list("username", flat=True))
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def registration_file(*, filed_by: User, **fields) -> InformantRegistration:
    if filed_by.unit_id is None:
        raise ActionNotAllowed(_("Only members of a unit can file its registration."))
    with transaction.atomic():
        reg = InformantRegistration(unit=filed_by.unit, filed_by=filed_by, **fields)
        reg.full_clean()
        reg.save()
        events.record("registration_filed", actor=filed_by, target=reg)
    return reg


def _lock(reg: InformantRegistration) -> InformantRegistration:
    return InformantRegistration.objects.select_for_update().select_related("unit").get(pk=reg.pk)


def registration_unit_approve(*, registration: InformantRegistration, user: User, opinion: str = "") -> InformantRegistration:
    with transaction.atomic():
        reg = _lock(registration)
        if not may_approve_for_unit(user, reg.unit):
            raise ActionNotAllowed(_("Only the unit's head approves its registration."))
        if reg.state != RegistrationState.SUBMITTED:
            raise TransitionError(_("This registration is not awaiting the unit head."))
        reg.state = RegistrationState.UNIT_APPROVED
        reg.unit_opinion, reg.unit_approved_by, reg.unit_approved_at = opinion or _("Agreed"), user, timezone.now()
        reg.save()
        events.record("registration_unit_approved", actor=user, target=reg, note=reg.unit_opinion)
    return reg


def registration_office_approve(*, registration: InformantRegistration, user: User, opinion: str = "") -> InformantRegistration:
    """The office above approves; the leader gets a signer account, the informant an informant account."""
    with transaction.atomic():
        reg = _lock(registration)
        if not may_approve_for_office(user, reg.unit):
            raise ActionNotAllowed(_("Only the office above approves this registration."))
        if reg.state != RegistrationState.UNIT_APPROVED:
            raise TransitionError(_("This registration is not awaiting the office above."))
        reg.state = RegistrationState.APPROVED
        reg.office_opinion, reg.office_approved_by, reg.office_approved_at = opinion or _("Agreed"), user, timezone.now()
        reg.leader_account, _pw1 = account_create(
            unit=reg.unit, username=_free_username(f"{reg.unit.code}-l"), name=reg.leader_name, roles=[Role.SIGNER],
            created_by=user, post=reg.leader_post, mobile=reg.leader_mobile, office_phone=reg.leader_office_phone,
            email=reg.leader_email,
        )
        reg.informant_account, _pw2 = account_create(
            unit=reg.unit, username=_free_username(f"{reg.unit.code}-i"), name=reg.informant_name, roles=[Role.INFORMANT],
            created_by=user, post=reg.informant_post, mobile=reg.informant_mobile,
            office_phone=reg.informant_office_phone, email=reg.informant_email,
        )
        reg.save()
        events.record("registration_approved", actor=user, target=reg, note=reg.office_opinion,
                      data={"leader_account": reg.leader_account.pk, "informant_account": reg.informant_account.pk})
    reg.initial_passwords = {reg.leader_account.username: _pw1, reg.informant_account.username: _pw2}
    return reg


def registration_reject(*, registration: InformantRegistration, user: User, opinion: str) -> InformantRegistration:
    with transaction.atomic():
        reg = _lock(registration)
        if not may_decide_registration(user, reg):
            raise ActionNotAllowed(_("You may not reject this registration now."))
        if not opinion.strip():
            raise TransitionError({"opinion": [_("Give a reason for the rejection.")]})
        if reg.state == RegistrationState.SUBMITTED:
            reg.unit_opinion, reg.unit_approved_by, reg.unit_approved_at = opinion, user, timezone.now()
        else:
            reg.office_opinion, reg.office_approved_by, reg.office_approved_at = opinion, user, timezone.now()
        reg.state = RegistrationState.REJECTED
        reg.save()
        events.record("registration_rejected", actor=user, target=reg, note=opinion)
    return reg


def account_password_changed(*, user: User, by: User, by_admin: bool = False) -> None:
    """Record a password change (the form has set it): an initial password handed down by the office
    above is thereby replaced (SPEC §2), and the change reaches the audit log (SPEC §9)."""
    with transaction.atomic():
        if user.must_change_password and not by_admin:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        events.record("password_changed", actor=by, target=user, data={"by_admin": by_admin})
