"""The channels besides the in-app list (issue 15): e-mail through Django's mail framework (SMTP
settings from the environment) and SMS through notifications.sms, each message a background task of
its own, retried when the mail server or the gateway fails (core.background). A notice goes where
its recipient chose for its kind (NoticePreference); an urgent kind goes everywhere the person can
be reached."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from govbrief.core.background import retrying

from .kinds import notice_kind
from .models import NoticePreference, Notification
from .sms import fit, sms_backend

EMAIL, SMS = "email", "sms"


def chosen_channels(*, user_ids: Iterable[int], verb: str) -> dict[int, set[str]]:
    """The channels besides in-app each person gets this kind of notice on."""
    ids = list(user_ids)
    if notice_kind(verb).urgent:
        return {pk: {EMAIL, SMS} for pk in ids}
    chosen: dict[int, set[str]] = {pk: set() for pk in ids}
    for pref in NoticePreference.objects.filter(user_id__in=ids, verb=verb):
        chosen[pref.user_id] = {channel for channel, on in ((EMAIL, pref.email), (SMS, pref.sms)) if on}
    return chosen


def fan_out(notifications: Iterable[Notification]) -> None:
    """Queue each notice's other channels, in the caller's transaction (a subscriber's task)."""
    notifications = list(notifications)
    if not notifications:
        return
    channels = chosen_channels(user_ids=[n.recipient_id for n in notifications], verb=notifications[0].verb)
    for notification in notifications:
        chosen = channels.get(notification.recipient_id, ())
        if EMAIL in chosen:
            send_email.enqueue(notification.pk)
        if SMS in chosen:
            send_sms.enqueue(notification.pk)


def absolute(url: str) -> str:
    return f"{settings.GOVBRIEF_SITE_URL}{url}" if url.startswith("/") else url


def _deliverable(notification_id: int, address: str) -> Notification | None:
    """The notice, if its recipient is active and has this address (``email``, ``mobile``)."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or not getattr(notification.recipient, address) or not notification.recipient.is_active:
        return None
    return notification


def _headline(message: str) -> str:
    """The subject of an e-mail, the text of an SMS: 【政务信息】 and the notice."""
    return _("[Government information] %(message)s") % {"message": message}


@task()
@retrying()
def send_email(notification_id: int) -> bool:
    """One notice by e-mail, in Chinese, with its link. A person without an address is skipped."""
    if (notification := _deliverable(notification_id, "email")) is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _headline(notification.message[:60])
        lines = [notification.message, ""]
        if notification.url:
            lines += [_("Open: %(link)s") % {"link": absolute(notification.url)}, ""]
        lines.append(_("This notice was sent by govbrief. Choose how you are told: %(link)s")
                     % {"link": absolute("/notifications/preferences/")})
    EmailMessage(subject=subject, body="\n".join(lines), to=[notification.recipient.email]).send()
    return True


@task()
@retrying()
def send_sms(notification_id: int) -> bool:
    """One notice by SMS (notifications.sms), within one message. A person without a mobile number
    is skipped."""
    if (notification := _deliverable(notification_id, "mobile")) is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        text = _headline(notification.message)
    sms_backend().send(notification.recipient.mobile, fit(text))
    return True
