from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def lock_timeout() -> timedelta:
    """How long a lock lives without activity; read at call time so tests and deployments can change it."""
    return timedelta(minutes=getattr(settings, "GOVBRIEF_EDIT_LOCK_MINUTES", 5))


class LockTarget(NamedTuple):
    """What a lock is keyed by: a model label ("reports.report") and the object's primary key as text."""

    object_type: str
    object_id: str

    @classmethod
    def of(cls, target: models.Model | LockTarget) -> LockTarget:
        if isinstance(target, LockTarget):
            return target
        if target.pk is None:
            raise ValueError("An unsaved object cannot be locked.")
        return cls(target._meta.label_lower, str(target.pk))

    @classmethod
    def parse(cls, label: str, object_id: str) -> LockTarget:
        """A target named by the browser; raises ValueError unless the label names an installed model."""
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError) as exc:
            raise ValueError(f"Unknown model {label!r}.") from exc
        object_id = (object_id or "").strip()
        if not object_id or len(object_id) > 40:
            raise ValueError("Missing or overlong object id.")
        return cls(model._meta.label_lower, object_id)


class EditLockQuerySet(models.QuerySet):
    def for_target(self, target: models.Model | LockTarget) -> EditLockQuerySet:
        key = LockTarget.of(target)
        return self.filter(object_type=key.object_type, object_id=key.object_id)


class EditLock(models.Model):
    """One person editing one object. There is at most one row per object; breaking, releasing
    or taking over an expired lock deletes or rewrites that row, so the row always names the
    current (or last, if expired) holder."""

    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=40)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="edit_locks", verbose_name=_("held by")
    )
    acquired_at = models.DateTimeField(_("editing since"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last activity"), default=timezone.now)

    objects = EditLockQuerySet.as_manager()

    class Meta:
        verbose_name = _("edit lock")
        verbose_name_plural = _("edit locks")
        ordering = ["-last_seen_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["object_type", "object_id"], name="locks_one_lock_per_object")]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} · {self.holder}"

    @property
    def target(self) -> LockTarget:
        return LockTarget(self.object_type, self.object_id)

    @property
    def expires_at(self):
        """When the lock lapses unless its holder shows activity before then."""
        return self.last_seen_at + lock_timeout()
