from django.contrib import admin

from govbrief.core.admin import ReadOnlyAdmin
from django.utils.translation import gettext_lazy as _

from .models import EditLock
from .selectors import is_expired


@admin.register(EditLock)
class EditLockAdmin(ReadOnlyAdmin):
    """Read-only: who is editing what. Locks are broken from the edit pages, where the break is
    checked against the policy and recorded in the timeline, never here."""

    list_display = ["object_type", "object_id", "holder", "acquired_at", "last_seen_at", "live"]
    list_filter = ["object_type"]
    search_fields = ["object_id", "holder__username", "holder__name"]
    list_select_related = ["holder"]

    @admin.display(boolean=True, description=_("live"))
    def live(self, obj: EditLock) -> bool:
        return not is_expired(obj)
