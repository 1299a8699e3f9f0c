"""Typed event kinds and their subscribers (in the spirit of Wagtail's ``log_actions`` registry
and Zulip's audit-log event types).

An app declares each kind it records once, at import time of its ``events`` module (loaded from
its AppConfig.ready): the name (which is also the audit action), a label for people, the keys its
data holds, and how its timeline row is written. Data holds ids and codes, never display names:
names change, and scoring or search must be able to rely on what an event says.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.functional import Promise

TimelineWriter = Callable[["DomainEvent", Any], Any]
Subscriber = Callable[["DomainEvent"], None]


@dataclass(frozen=True)
class EventKind:
    name: str
    label: str | Promise
    # The keys the event's data must hold, and those it may hold.
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    # Writes the timeline row for the event (returns it), or None for audit-only kinds
    # (security changes: roles, passwords, units, the calendar).
    timeline: TimelineWriter | None = None
    # Data keys for the subscribers and the audit log only, never copied onto the timeline that
    # other readers see (e.g. every office a forward went to: each office may see its own route only).
    private: tuple[str, ...] = ()


@dataclass(frozen=True)
class DomainEvent:
    """What subscribers receive: plain values only, so a subscriber can run anywhere later
    (a background task) without the objects of the request that caused it."""

    kind: str
    actor_id: int | None
    actor_unit_id: int | None
    target_type: str  # app_label.model
    target_id: int | str
    data: dict = field(default_factory=dict)
    note: str = ""
    from_state: str = ""
    to_state: str = ""
    occurred_at: datetime | None = None
    timeline_id: int | None = None
    audit_id: int | None = None

    def to_json(self) -> dict:
        """The event as a background task's argument (JSON)."""
        return {**self.__dict__, "occurred_at": self.occurred_at.isoformat() if self.occurred_at else None}

    @classmethod
    def from_json(cls, data: dict) -> DomainEvent:
        when = data.get("occurred_at")
        return cls(**{**data, "occurred_at": datetime.fromisoformat(when) if when else None})


_kinds: dict[str, EventKind] = {}
_subscribers: list[tuple[str, Subscriber]] = []
# Subscribers that run in the process that recorded the event, right after the commit, instead of as
# a background task: only for what must happen in that process (dropping its own cached figures).
_in_process: set[Subscriber] = set()


def declare(name: str, label, *, required=(), optional=(), timeline: TimelineWriter | None = None,
            private=()) -> EventKind:
    """Declare an event kind. Declaring the same name twice with a different definition is a
    programming error; re-declaring an identical one (a module imported twice) is harmless."""
    kind = EventKind(name=name, label=label, required=tuple(required), optional=tuple(optional), timeline=timeline,
                     private=tuple(private))
    existing = _kinds.get(name)
    if existing is not None and existing != kind:
        raise ValueError(f"Event kind {name!r} is already declared differently.")
    _kinds[name] = kind
    return kind


def get_kind(name: str) -> EventKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"Undeclared event kind {name!r}: declare it in its app's events module.") from None


def kinds() -> dict[str, EventKind]:
    return dict(_kinds)


def subscribe(*patterns: str, in_process: bool = False) -> Callable[[Subscriber], Subscriber]:
    """Register a function for the event kinds matching ``patterns`` (``fnmatch`` style, e.g.
    ``"report.*"``). It is called once per event, after the recording transaction committed: as a
    background task queued in that transaction (govbrief.events.delivery: retried when it fails,
    so it must be safe to run twice), or with ``in_process=True`` right after the commit in the
    process that recorded it."""
    if not patterns:
        raise ValueError("subscribe() needs at least one event kind pattern.")

    def register(fn: Subscriber) -> Subscriber:
        for pattern in patterns:
            if (pattern, fn) not in _subscribers:
                _subscribers.append((pattern, fn))
        if in_process:
            _in_process.add(fn)
        return fn

    return register


def subscribers_of(kind: str, *, in_process: bool | None = None) -> list[Subscriber]:
    """The subscribers of ``kind``; only the in-process or only the background ones if asked."""
    seen: list[Subscriber] = []
    for pattern, fn in _subscribers:
        if fnmatch.fnmatchcase(kind, pattern) and fn not in seen:
            if in_process is None or (fn in _in_process) == in_process:
                seen.append(fn)
    return seen


def subscriber_name(fn: Subscriber) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def subscriber_named(name: str) -> Subscriber:
    """The registered subscriber called ``name`` (a background task names the one it runs)."""
    for _pattern, fn in _subscribers:
        if subscriber_name(fn) == name:
            return fn
    raise LookupError(f"No subscriber {name!r} is registered.")
