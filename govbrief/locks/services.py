"""Taking, keeping and giving up edit locks.

Each function is one short transaction. The row of a locked object is read with
``select_for_update`` so two people taking over the same expired lock queue up; two people
locking a free object both try to insert and the unique constraint lets only one through —
the other sees the winner's row on retry and is told who holds it. This works the same on
PostgreSQL and on SQLite (whose IMMEDIATE transactions serialise writers anyway).

Who may *break* a lock is not decided here: the caller checks its policy, calls ``lock_break``
and records the event in its own timeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .exceptions import LockError, LockHeld, LockLost
from .models import EditLock, LockTarget
from .selectors import is_expired

if TYPE_CHECKING:
    from govbrief.orgs.models import User

__all__ = ["LockError", "LockHeld", "LockLost", "lock_acquire", "lock_break", "lock_refresh", "lock_release",
           "lock_require"]

_INSERT_ATTEMPTS = 3


def _locked_row(key: LockTarget) -> EditLock | None:
    return EditLock.objects.for_target(key).select_for_update(of=("self",)).select_related("holder").first()


def lock_acquire(*, target: models.Model | LockTarget, user: User) -> EditLock:
    """Take the lock on ``target`` if it is free or expired, or renew it if ``user`` already holds it.
    Raises LockHeld if someone else holds a live lock."""
    key = LockTarget.of(target)
    for attempt in range(_INSERT_ATTEMPTS):
        try:
            with transaction.atomic():
                now = timezone.now()
                lock = _locked_row(key)
                if lock is None:
                    return EditLock.objects.create(
                        object_type=key.object_type, object_id=key.object_id, holder=user,
                        acquired_at=now, last_seen_at=now,
                    )
                if lock.holder_id == user.pk:
                    lock.last_seen_at = now
                    lock.save(update_fields=["last_seen_at"])
                    return lock
                if not is_expired(lock, now=now):
                    raise LockHeld(lock)
                lock.holder, lock.acquired_at, lock.last_seen_at = user, now, now
                lock.save(update_fields=["holder", "acquired_at", "last_seen_at"])
                return lock
        except IntegrityError:
            # Someone inserted the row between our read and our insert; read again to see who won.
            if attempt == _INSERT_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def lock_refresh(*, target: models.Model | LockTarget, user: User) -> EditLock:
    """The heartbeat: record activity on the user's lock. A lock of the user's that lapsed but that
    nobody else took is simply renewed. Raises LockHeld if someone else holds it now, LockLost if the
    user's lock is gone (broken, released in another tab, or taken over and since expired)."""
    key = LockTarget.of(target)
    with transaction.atomic():
        now = timezone.now()
        lock = _locked_row(key)
        if lock is None:
            raise LockLost()
        if lock.holder_id != user.pk:
            if is_expired(lock, now=now):
                raise LockLost()
            raise LockHeld(lock)
        lock.last_seen_at = now
        lock.save(update_fields=["last_seen_at"])
        return lock


def lock_release(*, target: models.Model | LockTarget, user: User) -> None:
    """Give up the user's lock on ``target``; does nothing if the user does not hold it."""
    key = LockTarget.of(target)
    with transaction.atomic():
        EditLock.objects.for_target(key).filter(holder=user).delete()


def lock_break(*, target: models.Model | LockTarget, user: User) -> EditLock | None:
    """Remove someone else's lock on ``target`` unconditionally — the caller has checked that ``user``
    may. Returns the broken lock (unsaved, with its holder) so the caller can record whose it was,
    or None if there was no live lock of someone else to break. An expired lock of someone else is
    removed too, so its former holder's heartbeat reports it lost. To edit right after breaking,
    call ``lock_acquire`` in the same transaction."""
    key = LockTarget.of(target)
    with transaction.atomic():
        lock = _locked_row(key)
        if lock is None or lock.holder_id == user.pk:
            return None
        expired = is_expired(lock)
        lock.delete()
        return None if expired else lock


def lock_require(*, target: models.Model | LockTarget, user: User) -> None:
    """Call right before saving ``target``: raises LockHeld if someone else holds a live lock on it.
    Saving without a lock, or over an expired one, is allowed — the stale-copy check
    (``govbrief.locks.revisions.check_revision``) then decides whether the user's copy is current."""
    key = LockTarget.of(target)
    with transaction.atomic():
        lock = _locked_row(key)
        if lock is not None and lock.holder_id != user.pk and not is_expired(lock):
            raise LockHeld(lock)
