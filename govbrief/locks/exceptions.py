"""Why a lock could not be taken or kept; ValidationErrors, so forms, views and the API show them as messages."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govbrief.core.errors import Conflict

from .models import EditLock


def clock(value: datetime) -> str:
    """A time as people in the office say it: "09:42" today, "2024-03-01 09:42" on another day."""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


class LockError(Conflict):
    """The user does not (or no longer) hold the edit lock."""

    def __str__(self) -> str:
        return " ".join(self.messages)


class LockHeld(LockError):
    """Someone else holds a live lock; ``.lock`` names who and since when."""

    def __init__(self, lock: EditLock):
        self.lock = lock
        super().__init__(
            _("%(holder)s has been editing this since %(since)s."),
            code="lock_held",
            params={"holder": str(lock.holder), "since": clock(lock.acquired_at)},
        )


class LockLost(LockError):
    """The user's lock was broken, released elsewhere, or lapsed and was taken over; nobody holds it for them now."""

    def __init__(self):
        super().__init__(
            _("You no longer hold the edit lock: it was broken, or it lapsed and someone else took it over."),
            code="lock_lost",
        )
