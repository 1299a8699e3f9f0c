from django.contrib import admin

from govbrief.core.admin import ReadOnlyAdmin

from .models import AuditEntry
from .permissions import may_review_audit_log
from .selectors import audit_entries_visible_to


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the audit log cannot be edited (SPEC §9). And the admin site obeys the audit page's
    rule (三员分立): only the audit administrator reads it, within the scope of their unit; a
    superuser is the system administrator's account and is refused like any other admin."""

    list_display = ["created_at", "actor_name", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_id"]

    def has_module_permission(self, request):
        return may_review_audit_log(request.user)

    def has_view_permission(self, request, obj=None):
        return may_review_audit_log(request.user)

    def get_queryset(self, request):
        return audit_entries_visible_to(user=request.user)
