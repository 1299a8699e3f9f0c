"""Subscribers as background tasks (issue 15): each background subscriber of an event is one task,
queued in the transaction that recorded the event (core.background: a rolled-back change queues
nothing, a committed one cannot lose its tasks) and retried on its own when it fails, so a mail
server that is down delays the e-mail without repeating the in-app notification."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.db import transaction
from django_tasks import task

from govbrief.core.background import retrying

from .registry import DomainEvent, subscriber_name, subscriber_named, subscribers_of


logger = logging.getLogger(__name__)


@task()
@retrying()
def deliver(subscriber: str, event: dict) -> None:
    # All or nothing, so a failed attempt leaves nothing behind for the retry to write twice (the
    # notifications, the e-mail tasks they queue).
    with transaction.atomic():
        subscriber_named(subscriber)(DomainEvent.from_json(event))

_inline: ContextVar[bool] = ContextVar("govbrief_events_inline", default=False)


@contextmanager
def delivering_inline() -> Iterator[None]:
    """Within the block, background subscribers run right after each commit in this process instead
    of as queued tasks: for the demo's loader, which writes months of history in one go and dates
    each notification at the moment of the step that caused it."""
    token = _inline.set(True)
    try:
        yield
    finally:
        _inline.reset(token)


def enqueue_subscribers(event: DomainEvent) -> None:
    """Queue one task per background subscriber of the event, in the caller's transaction."""
    subscribers = subscribers_of(event.kind, in_process=False)
    if _inline.get():
        transaction.on_commit(partial(call_each, subscribers, event))
        return
    payload = event.to_json()
    for fn in subscribers:
        deliver.enqueue(subscriber_name(fn), payload)


def call_each(subscribers, event: DomainEvent) -> None:
    """Call each subscriber with the committed event, here and now. One failing subscriber must not
    keep the others from running (as queued tasks each run on their own): the change is committed."""
    for fn in subscribers:
        try:
            fn(event)
        except Exception:  # noqa: BLE001 - logged, the others still run
            logger.exception("Subscriber %s failed on event %s", subscriber_name(fn), event.kind)
