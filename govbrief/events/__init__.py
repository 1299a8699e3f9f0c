"""The domain-event layer: one way in for every side effect of a change.

A service calls ``events.record(kind, actor=…, target=…, data=…)`` inside its transaction. The
event kind was declared by the app that owns it (``events.declare``); recording writes the
kind's timeline row (if it has a timeline) and the hash-chained audit entry in the caller's
transaction, and hands the event to the subscribers of that kind once the transaction commits.
Subscribers (notifications today; scoring, search indexing and deadline clocks later) register
with ``events.subscribe``: the app that records an event never imports the apps that react to it.
"""

from .registry import DomainEvent, EventKind, declare, get_kind, kinds, subscribe, subscribers_of


def record(kind: str, **kwargs) -> DomainEvent:
    """See ``govbrief.events.recorder.record``."""
    from .recorder import record as _record

    return _record(kind, **kwargs)


__all__ = ["DomainEvent", "EventKind", "declare", "get_kind", "kinds", "record", "subscribe", "subscribers_of"]
