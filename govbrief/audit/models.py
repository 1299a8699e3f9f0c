from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditChainHead(models.Model):
    """A single row locked while appending, so concurrent writers never fork the hash chain."""

    last_hash = models.CharField(max_length=64, default="0" * 64)


class AuditEntry(models.Model):
    """Append-only audit log (SPEC §9): each entry's hash covers the previous entry's hash,
    so an edited or deleted row breaks the chain and ``audit_chain_verify`` finds it."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # PROTECT: the actor's id is part of the hash, so a person who acted can be deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor")
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    data = models.JSONField(_("data"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"
