from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from govbrief.core.registry import forget_navigation

from .models import Notification


def notify(*, recipients: Iterable, verb: str, message: str, url: str = "", exclude_id: int | None = None) -> list[Notification]:
    """Write in-app notifications for the active people among ``recipients``, once each. Called by
    the event subscribers, which run after the change committed (govbrief.events)."""
    ids = {u.pk for u in recipients if u is not None and u.is_active}
    ids.discard(exclude_id)
    created = Notification.objects.bulk_create(
        [Notification(recipient_id=pk, verb=verb, message=str(message)[:300], url=url) for pk in sorted(ids)]
    )
    forget_navigation(user_ids=ids)  # their unread count
    return created


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    marked = qs.update(read_at=timezone.now())
    forget_navigation(user_ids=[user.pk])
    return marked
