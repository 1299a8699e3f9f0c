"""The event kinds of an incident's story (SPEC §5), declared with the event layer: each one a line of
the incident's timeline (IncidentEvent) and an audit entry; notifications, the duty boards and,
later, scoring subscribe to them. Data holds ids and codes only."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from govbrief import events

from .choices import IncidentAction


def _timeline(event: events.DomainEvent, target):
    from .models import Incident, IncidentEvent

    incident_id = target.pk if isinstance(target, Incident) else target.incident_id
    return IncidentEvent.objects.create(incident_id=incident_id, action=event.kind.removeprefix("emergency."),
                                        **IncidentEvent.columns_of(event))


# kind -> (required data keys, optional data keys)
INCIDENT_EVENT_DATA: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    IncidentAction.OPENED: (("kind", "unit"), ()),
    IncidentAction.EDITED: (("fields",), ()),
    # deadline and rule: the clock the request started or shortened.
    IncidentAction.REQUESTED: (("request", "unit", "kind", "clock", "deadline", "rule"), ("submission",)),
    IncidentAction.REQUEST_CANCELLED: (("request", "unit"), ()),
    IncidentAction.PHONE_LOGGED: (("phone_report", "unit", "called_at"), ("clock", "late_seconds")),
    IncidentAction.DISPOSED: (("disposition", "submission", "kind", "unit"), ("leaders", "request", "targets")),
    IncidentAction.ESCALATION: (("to_state_council",), ()),
    IncidentAction.MARKED: (("record", "kind", "unit"), ("report",)),
    IncidentAction.ANSWERED: (("record", "kind", "unit"), ()),
    IncidentAction.RECORD_WITHDRAWN: (("record", "kind", "unit"), ()),
    IncidentAction.CLOSED: ((), ()),
    IncidentAction.REOPENED: ((), ()),
}

for _action, (_required, _optional) in INCIDENT_EVENT_DATA.items():
    events.declare(f"emergency.{_action}", IncidentAction(_action).label, required=_required, optional=_optional,
                   timeline=_timeline)

# A written report reached an office: the clock it stopped (or the written report a phone call
# promised), to the second; recorded for the person who submitted it.
ARRIVED = events.declare("emergency.arrived", IncidentAction.ARRIVED.label,
                         required=("clock", "submission", "unit", "office", "stage", "arrived_at"),
                         optional=("late_seconds", "stopped"), timeline=_timeline)
DRAFTED = events.declare("emergency.drafted", pgettext_lazy("event", "Emergency report drafted"),
                         required=("report", "stage"), optional=("request",))
# Recorded by the system (no actor), so audit-only: a timeline line names a person.
LATE = events.declare("emergency.late", pgettext_lazy("event", "Late reporting recorded"),
                      required=("record", "clock", "unit", "late_seconds"))
DUE_SOON = events.declare("emergency.due_soon", pgettext_lazy("event", "Emergency report due soon"),
                          required=("clock", "unit", "deadline", "minutes"))
OVERDUE = events.declare("emergency.overdue", pgettext_lazy("event", "Emergency report overdue"),
                         required=("clock", "unit", "deadline"))
RULES_SAVED = events.declare("emergency.rules_saved", pgettext_lazy("event", "Duty rules saved"),
                             required=("incident_minutes", "request_minutes"))
