from django.contrib import admin

from .models import CalendarDay


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through their services (so the timeline and audit log stay
    complete) or never change at all (the audit log, SPEC §9)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
