from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimelineEntry(models.Model):
    """The columns every timeline row shares; an app's timeline model adds the foreign keys that
    say whose timeline it is (a report and its submission, a bulletin issue, an instruction)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    actor_unit = models.ForeignKey("orgs.Unit", null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    from_state = models.CharField(_("from state"), max_length=12, blank=True)
    to_state = models.CharField(_("to state"), max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    @classmethod
    def columns_of(cls, event) -> dict:
        """The shared columns filled from a DomainEvent, for an app's timeline writer; the kind's
        private data stays with the subscribers and the audit log."""
        from .registry import get_kind

        private = get_kind(event.kind).private
        return {
            "actor_id": event.actor_id, "actor_unit_id": event.actor_unit_id, "from_state": event.from_state,
            "to_state": event.to_state, "note": event.note, "created_at": event.occurred_at,
            "data": {k: v for k, v in event.data.items() if k not in private},
        }
