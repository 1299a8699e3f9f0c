"""Recording an event: timeline row, audit entry and the subscribers' background tasks in the
caller's transaction; in-process subscribers on commit."""

from __future__ import annotations

from functools import partial

from django.db import models, transaction
from django.utils import timezone

from govbrief.audit.services import audit_record
from govbrief.core.registry import concerned_units, forget_navigation

from .delivery import call_each, enqueue_subscribers
from .registry import DomainEvent, get_kind, subscribers_of

_SCALARS = (str, int, float, bool, type(None))


def _check_value(path: str, value) -> None:
    if isinstance(value, _SCALARS):
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_value(f"{path}[{index}]", item)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _check_value(f"{path}.{key}", item)
        return
    # A model instance or a lazy translation would be flattened to a display name: refuse it.
    raise TypeError(f"Event data {path} must hold ids and plain values, not {type(value).__name__}.")


def _check_data(kind, data: dict) -> None:
    missing = [k for k in kind.required if k not in data]
    unknown = [k for k in data if k not in kind.required and k not in kind.optional]
    if missing or unknown:
        raise ValueError(f"Event {kind.name!r}: missing data {missing}, unknown data {unknown}.")
    for key, value in data.items():
        _check_value(key, value)


def record(kind: str, *, actor, target: models.Model, data: dict | None = None, note: str = "",
           from_state: str = "", to_state: str = "", audit_data: dict | None = None) -> DomainEvent:
    """Record one domain event. Call it inside the service's transaction: the timeline row and
    the audit entry are written there (so they roll back with the change), and the subscribers
    run only once it commits (so a rolled-back transition tells nobody anything): each background
    subscriber as a task queued in this transaction (events.delivery), the in-process ones right
    after the commit.

    ``audit_data`` adds details to the audit entry only (e.g. before/after values of an admin
    edit) that the event's typed data does not carry."""
    spec = get_kind(kind)
    data = dict(data or {})
    _check_data(spec, data)
    actor = actor if getattr(actor, "pk", None) else None
    event = DomainEvent(
        kind=kind, actor_id=actor.pk if actor else None, actor_unit_id=getattr(actor, "unit_id", None),
        target_type=target._meta.label_lower, target_id=target.pk, data=data, note=note or "",
        from_state=from_state or "", to_state=to_state or "", occurred_at=timezone.now(),
    )
    with transaction.atomic():
        row = spec.timeline(event, target) if spec.timeline is not None else None
        payload = {**data, **({"note": note} if note else {}), **(audit_data or {})}
        if from_state or to_state:
            payload.update({"from": from_state, "to": to_state})
        entry = audit_record(actor=actor, action=kind, target=target, data=payload)
        event = DomainEvent(**{**event.__dict__, "timeline_id": getattr(row, "pk", None), "audit_id": entry.pk})
        # The people of the units concerned see fresh figures on their next page: dropped now (this
        # request's redirect) and again once committed (a page counted in between saw the old rows).
        units = concerned_units(target, event.actor_unit_id)
        forget_navigation(unit_ids=units)
        transaction.on_commit(partial(forget_navigation, unit_ids=units))
        enqueue_subscribers(event)
        transaction.on_commit(lambda: call_each(subscribers_of(kind, in_process=True), event))
    return event
