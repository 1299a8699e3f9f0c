"""The emergency clock's rules, as plain functions (SPEC §5). Two rules, both per receiving office:

- the incident rule: the unit where it happened reports it at the latest N hours after it happened
  (seed 002 §五(一): 3 hours), and so does any unit that reports it unasked;
- the request rule: a unit the duty desk asks reports within M hours of the request (seed 000
  §二(四): 2 hours).

When both apply (the office asks the unit where it happened, before it has reported) the earlier
deadline wins, and the clock says which rule set it. A request for more (约稿), or any request after
the unit's first report reached the office, is held to the request rule only: the incident rule is
about the first report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .choices import Rule
from .models import DutyRules, Incident


@dataclass(frozen=True)
class Deadline:
    at: dt.datetime
    rule: str
    incident_deadline: dt.datetime | None
    request_deadline: dt.datetime | None


def rules_for(office_id: int) -> DutyRules:
    """The office's rules, or the seeds' defaults (an unsaved row) when it has set none."""
    return DutyRules.objects.filter(office_id=office_id).first() or DutyRules(office_id=office_id)


def deadline(*, incident: Incident, rules: DutyRules, incident_rule: bool,
             requested_at: dt.datetime | None = None) -> Deadline:
    by_incident = incident.occurred_at + rules.incident_delta if incident_rule else None
    by_request = requested_at + rules.request_delta if requested_at is not None else None
    if by_incident is None and by_request is None:
        raise ValueError("A clock needs the incident rule, a request, or both.")
    # Ties go to the incident rule: it was set first.
    if by_request is None or (by_incident is not None and by_incident <= by_request):
        return Deadline(by_incident, Rule.INCIDENT, by_incident, by_request)
    return Deadline(by_request, Rule.REQUEST, by_incident, by_request)


def is_late(arrived_at: dt.datetime, due: dt.datetime) -> bool:
    """Judged to the second: a report that arrives in the deadline's own second is on time."""
    return arrived_at.replace(microsecond=0) > due.replace(microsecond=0)


def seconds_late(arrived_at: dt.datetime, due: dt.datetime) -> int:
    return max(0, int((arrived_at.replace(microsecond=0) - due.replace(microsecond=0)).total_seconds()))
