"""Stale-copy protection: a form carries a token of the object as it was shown; the save compares it
with the object as it is now, so a save on a copy someone else has since changed is refused rather
than silently overwriting their work. This holds with or without an edit lock (an expired lock,
the API, a second tab)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from govbrief.core.errors import Conflict


class StaleCopy(Conflict):
    """The user's copy is out of date: someone else saved the object after it was loaded."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else saved this in the meantime. Your changes were not saved: "
                "reload to see the current text, then make your changes again."
            ),
            code="stale_copy",
        )

    def __str__(self) -> str:
        return " ".join(self.messages)


def _canonical(value):
    if isinstance(value, datetime):
        # The same instant gives the same token whichever time zone the value was read in.
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def revision_token(obj: models.Model, *fields: str) -> str:
    """A short hash of the object's identity and the given attributes, e.g.
    ``revision_token(report, "updated_at", "current_version_id")``; put it in a hidden form field."""
    if not fields:
        raise ValueError("revision_token needs at least one field that changes on every save.")
    payload = [obj._meta.label_lower, str(obj.pk), [[name, _canonical(getattr(obj, name))] for name in fields]]
    return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True).encode()).hexdigest()[:16]


def check_revision(*, obj: models.Model, token: str, fields: Iterable[str]) -> None:
    """Raise StaleCopy unless ``token`` matches the object as it is in the database now. Reads the row
    afresh (locking it when called inside a transaction, so nobody saves between this check and the
    caller's write); ``obj`` itself is not modified."""
    fields = tuple(fields)
    qs = type(obj)._base_manager.filter(pk=obj.pk)
    if transaction.get_connection(qs.db).in_atomic_block:
        qs = qs.select_for_update()
    current = qs.first()
    if current is None or not token or revision_token(current, *fields) != token:
        raise StaleCopy()
