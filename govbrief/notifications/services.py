from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govbrief.core.live import Push, publish_on_commit
from govbrief.core.registry import forget_navigation

from .channels import fan_out
from .kinds import notice_kind, notice_kinds
from .models import NoticePreference, Notification
from .stream import publish_notices


def notify(*, recipients: Iterable, verb: str, message: str, url: str = "", exclude_id: int | None = None) -> list[Notification]:
    """Write in-app notifications for the active people among ``recipients``, once each, and queue
    the other channels each chose for the kind ``verb``. Called by the event subscribers, which run
    as background tasks after the change committed (govbrief.events)."""
    ids = {u.pk for u in recipients if u is not None and u.is_active}
    ids.discard(exclude_id)
    notice_kind(verb)  # a kind people can choose channels for (notifications.kinds)
    created = Notification.objects.bulk_create(
        [Notification(recipient_id=pk, verb=verb, message=str(message)[:300], url=url) for pk in sorted(ids)]
    )
    fan_out(created)  # e-mail and SMS where each person chose them, as tasks of their own
    forget_navigation(user_ids=ids)  # their unread count
    publish_notices(created)  # their open pages, once this commits (notifications.stream)
    return created


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    marked = qs.update(read_at=timezone.now())
    forget_navigation(user_ids=[user.pk])
    if marked:  # the person's other open pages refresh their badge
        publish_on_commit([user.pk], Push("read"))
    return marked


def preferences_for(*, user) -> list[dict]:
    """Every notice kind with this person's channels (urgent kinds: every channel, fixed)."""
    chosen = {p.verb: p for p in NoticePreference.objects.filter(user=user)}
    rows = []
    for kind in notice_kinds():
        pref = chosen.get(kind.verb)
        rows.append({"verb": kind.verb, "label": str(kind.label), "urgent": kind.urgent,
                     "email": kind.urgent or bool(pref and pref.email), "sms": kind.urgent or bool(pref and pref.sms)})
    return rows


def preferences_save(*, user, choices: list[dict]) -> list[dict]:
    """Set this person's channels per kind (``[{"verb", "email", "sms"}]``; kinds not named keep
    theirs). An urgent kind cannot be switched off; an unknown kind is an error."""
    errors = {}
    for index, choice in enumerate(choices):
        verb = choice.get("verb")
        try:
            kind = notice_kind(verb)
        except LookupError:
            errors[f"preferences[{index}].verb"] = [_("Unknown kind of notice.")]
            continue
        if kind.urgent and not (choice.get("email", True) and choice.get("sms", True)):
            errors[f"preferences[{index}]"] = [_("Urgent notices reach every channel and cannot be switched off.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for choice in choices:
            if notice_kind(choice["verb"]).urgent:
                continue
            NoticePreference.objects.update_or_create(
                user=user, verb=choice["verb"],
                defaults={"email": bool(choice.get("email")), "sms": bool(choice.get("sms"))})
    return preferences_for(user=user)
