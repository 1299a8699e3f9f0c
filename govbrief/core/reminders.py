"""Reminders before and after a deadline, as scheduled background tasks (issue 15).

An app registers a kind of deadline (``register``) with when its reminders go out relative to the
deadline and how each is sent; its services (or subscribers) call ``schedule`` when a deadline is
set or moved and ``cancel`` when the item is closed. Each reminder is a row here and a task queued
for its moment (``run_after``). A reminder is sent exactly once: a worker claims its task with a row
lock the others skip, the sending transaction locks the reminder and marks it sent together with
what it writes (the notices and their e-mail tasks), so a retried or repeated task finds it sent,
and a cancelled or moved one finds it gone. Moving a deadline deletes the reminders not yet sent
and their queued tasks, and schedules new ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .background import retrying
from .models import Reminder


@dataclass(frozen=True)
class ReminderKind:
    purpose: str
    # (stage, offset from the deadline): e.g. ("due_soon", -timedelta(days=1)), ("overdue", timedelta(0)).
    stages: tuple[tuple[str, dt.timedelta], ...]
    # Sends one reminder; returns False when it no longer applies (the item was closed meanwhile).
    send: Callable[[Reminder], bool]


_kinds: dict[str, ReminderKind] = {}


def register(kind: ReminderKind) -> ReminderKind:
    _kinds[kind.purpose] = kind
    return kind


def _target(target: Model) -> dict:
    return {"target_type": target._meta.label_lower, "target_id": str(target.pk)}


def cancel(*, purpose: str, target: Model) -> int:
    """Drop the reminders of this deadline not sent yet, and their queued tasks. A task already
    running finds its reminder gone and sends nothing."""
    pending = Reminder.objects.filter(purpose=purpose, sent_at__isnull=True, **_target(target))
    task_ids = [t for t in pending.values_list("task_id", flat=True) if t]
    DBTaskResult.objects.filter(id__in=task_ids, status="READY").delete()
    return pending.delete()[0]


def schedule(*, purpose: str, target: Model, deadline: dt.datetime, now: dt.datetime | None = None) -> list[Reminder]:
    """Set (or move) the deadline of ``target``: its unsent reminders are replaced by one per
    stage of the kind. A stage whose moment has passed is skipped, except the last (the deadline
    passed), which is then sent at once."""
    kind = _kinds[purpose]
    now = now or timezone.now()
    with transaction.atomic():
        pending = Reminder.objects.filter(purpose=purpose, sent_at__isnull=True, **_target(target))
        if pending.exists() and not pending.exclude(deadline=deadline).exists():
            return list(pending)  # the same deadline: its reminders stand
        if Reminder.objects.filter(purpose=purpose, deadline=deadline, **_target(target)).exists():
            return []  # this deadline's reminders were sent already
        cancel(purpose=purpose, target=target)
        created = []
        for index, (stage, offset) in enumerate(kind.stages):
            at = deadline + offset
            last = index == len(kind.stages) - 1
            if at <= now and not last:
                continue
            reminder = Reminder.objects.create(purpose=purpose, stage=stage, deadline=deadline,
                                               remind_at=max(at, now), **_target(target))
            result = send_reminder.using(run_after=reminder.remind_at).enqueue(reminder.pk)
            Reminder.objects.filter(pk=reminder.pk).update(task_id=result.id)
            created.append(reminder)
        return created


@task()
@retrying()
def send_reminder(reminder_id: int) -> bool:
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().filter(pk=reminder_id, sent_at__isnull=True).first()
        if reminder is None:
            return False  # sent already, or cancelled or moved meanwhile
        sent = _kinds[reminder.purpose].send(reminder)
        reminder.sent_at = timezone.now()
        reminder.outcome = "sent" if sent else "skipped"
        reminder.save(update_fields=["sent_at", "outcome"])
        return sent
