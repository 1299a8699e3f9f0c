from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import Notification


def notify_on_commit(*, recipients: Iterable, verb: str, message: str, url: str = "", exclude=None) -> None:
    """Queue in-app notifications to be written once the surrounding transaction commits,
    so a rolled-back transition never tells anyone anything."""
    ids = {u.pk for u in recipients if u is not None and u.is_active}
    if exclude is not None:
        ids.discard(exclude.pk)
    if not ids:
        return

    def _write():
        Notification.objects.bulk_create(
            [Notification(recipient_id=pk, verb=verb, message=str(message)[:300], url=url) for pk in sorted(ids)]
        )

    transaction.on_commit(_write)


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
