"""Login lockout (SPEC §9, 等保 2.0): after five failed logins in a row an account is locked for a
while. It covers every way in — the login page, the admin site and the API token — because all of
them go through Django's authenticate()."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from govbrief import events

from .models import User


def locked_message(username: str | None) -> str | None:
    """Why the right password does not work now, for every way in: the login page, the admin site
    and the API token endpoint (issue 13: only the login page said it)."""
    if not username:
        return None
    locked = User.objects.filter(username=username, locked_until__gt=timezone.now()).values_list(
        "locked_until", flat=True).first()
    if locked is None:
        return None
    return _("Too many failed logins: this account is locked until %(time)s. Ask your administrator if you "
             "need it sooner.") % {"time": timezone.localtime(locked).strftime("%H:%M")}


class LockoutBackend(ModelBackend):
    """Refuses a locked account even with the right password."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not getattr(user, "is_locked_out", False)

    def get_user(self, user_id):
        # Every page shows the person's unit (navigation, queues): read it with the person, not after.
        try:
            user = User._default_manager.select_related("unit").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username")
    if not username:
        return
    user = User.objects.filter(username=username).first()
    if user is None or user.is_locked_out:
        return
    with transaction.atomic():  # the lock and its audit entry, or neither
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        if user.failed_logins >= settings.GOVBRIEF_LOCKOUT_ATTEMPTS:
            user.locked_until = timezone.now() + timedelta(minutes=settings.GOVBRIEF_LOCKOUT_MINUTES)
            user.failed_logins = 0
            user.save(update_fields=["locked_until", "failed_logins"])
            events.record("account_locked", actor=None, target=user, data={"until": user.locked_until.isoformat()})


def on_logged_in(sender, user, request=None, **kwargs):
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
