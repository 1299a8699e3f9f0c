from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone

from .models import EditLock, LockTarget, lock_timeout


def is_expired(lock: EditLock, *, now: datetime | None = None) -> bool:
    """A lock lapses once its holder has shown no activity for GOVBRIEF_EDIT_LOCK_MINUTES."""
    return lock.last_seen_at + lock_timeout() <= (now or timezone.now())


def lock_for(*, target: models.Model | LockTarget) -> EditLock | None:
    """The live lock on the target, if any; an expired lock counts as no lock."""
    lock = EditLock.objects.for_target(target).select_related("holder").first()
    if lock is None or is_expired(lock):
        return None
    return lock
