"""Who may do what with incidents (SPEC §5): a unit's informants and signers report; an office's duty
desk (值班室: its duty officers, editors and chief editors) requests, logs phone reports, records
dispositions and marks reporting records; the unit's signers and head answer a record."""

from __future__ import annotations

from govbrief.orgs.choices import DRAFTING_ROLES, SIGNING_ROLES, Role, UnitKind

from .models import Incident, ReportingRecord

DESK_ROLES = frozenset({Role.DUTY_OFFICER, Role.EDITOR, Role.CHIEF_EDITOR})
# Who in a unit is told of a request and its clock, and may answer a record.
REPORTING_ROLES = frozenset(DRAFTING_ROLES | SIGNING_ROLES)


def is_desk(user, office_id: int | None = None) -> bool:
    """On an office's duty desk (that office's, when given)."""
    if not (user.is_authenticated and user.unit_id is not None and user.has_role(*DESK_ROLES)):
        return False
    if office_id is not None:
        return user.unit_id == office_id
    return user.unit.kind == UnitKind.OFFICE


def may_report(user) -> bool:
    return user.is_authenticated and user.unit_id is not None and user.has_role(*DRAFTING_ROLES)


def may_open(user) -> bool:
    """A unit's informants open the incident they report; a duty desk opens one it learned of first."""
    return may_report(user) or is_desk(user)


def may_answer(user, record: ReportingRecord) -> bool:
    return user.is_authenticated and user.unit_id == record.unit_id and user.has_role(*REPORTING_ROLES)


def may_close(user, incident: Incident, office_ids: set[int]) -> bool:
    """An office whose desk holds a clock on it, or that opened it, declares the handling over (处置结束)."""
    return is_desk(user) and (user.unit_id in office_ids or user.unit_id == incident.opened_by_unit_id)


def incident_actions(user, incident: Incident, office_ids: set[int]) -> dict[str, bool]:
    desk = is_desk(user)
    is_open = incident.is_open
    return {
        "request": desk and is_open,
        "phone": desk and is_open,
        "mark": desk,
        "escalate": desk and (user.unit_id in office_ids or user.unit_id == incident.opened_by_unit_id),
        "close": is_open and may_close(user, incident, office_ids),
        "reopen": not is_open and may_close(user, incident, office_ids),
        "report": is_open and may_report(user),
    }
