from django.contrib import admin, messages
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from govbrief import events

from .background import ATTEMPT_KWARG, attempt_of
from .models import BackgroundTask, CalendarDay


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through their services (so the timeline and audit log stay
    complete) or never change at all (the audit log, SPEC §9)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _plain(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (list, tuple, set)) or hasattr(value, "model"):  # a queryset of an M2M field
        return sorted(_plain(v) for v in value)
    return value


class AuditedAdmin(admin.ModelAdmin):
    """Admin-page edits of security-relevant records go through the event layer like any service
    (SPEC §9): the audit log says who changed which fields, from what to what.

    ``event_prefix`` names the kinds ``<prefix>_created``, ``<prefix>_changed`` (data: the changed
    fields) and ``<prefix>_deleted``, declared by the model's app."""

    event_prefix = ""
    # Never copied into the log, whatever the form holds.
    secret_fields = frozenset({"password", "password1", "password2"})

    def created_event_data(self, obj) -> dict:
        return {}

    def _changes(self, form) -> tuple[list[str], dict, dict]:
        fields = sorted(f for f in form.changed_data if f not in self.secret_fields)
        before = {f: _plain(form.initial.get(f)) for f in fields}
        after = {f: _plain(form.cleaned_data.get(f)) for f in fields}
        return fields, before, after

    def save_model(self, request, obj, form, change):
        fields, before, after = self._changes(form)
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:
                events.record(f"{self.event_prefix}_created", actor=request.user, target=obj,
                              data=self.created_event_data(obj), audit_data={"after": after})
            elif fields:
                events.record(f"{self.event_prefix}_changed", actor=request.user, target=obj, data={"fields": fields},
                              audit_data={"before": before, "after": after})

    def delete_model(self, request, obj):
        with transaction.atomic():
            events.record(f"{self.event_prefix}_deleted", actor=request.user, target=obj, audit_data={"name": str(obj)})
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                events.record(f"{self.event_prefix}_deleted", actor=request.user, target=obj,
                              audit_data={"name": str(obj)})
            super().delete_queryset(request, queryset)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    event_prefix = "calendar_day"


# ---------------------------------------------------------------- background tasks (core.background)


class TaskResultAdmin(DBTaskResultAdmin):
    """The system admin's view of the background work: queued, running, failed with the error (the
    traceback on each task's page), and a button to run failed tasks again (issue 15)."""

    list_display = ("id", "task_name", "status", "attempt", "enqueued_at", "run_after", "finished_at",
                    "exception_class_path")
    actions = ["run_again"]

    @admin.display(description=_("attempt"))
    def attempt(self, obj: BackgroundTask) -> int:
        return attempt_of(obj.args_kwargs.get("kwargs", {}))

    def has_retry_permission(self, request) -> bool:
        return self.has_view_permission(request)

    @admin.action(description=_("Run the selected failed tasks again"), permissions=["retry"])
    def run_again(self, request, queryset):
        count = 0
        for result in queryset.filter(status="FAILED"):
            args, kwargs = result.args_kwargs.get("args", []), dict(result.args_kwargs.get("kwargs", {}))
            kwargs.pop(ATTEMPT_KWARG, None)  # a fresh series of attempts
            import_string(result.task_path).enqueue(*args, **kwargs)
            count += 1
        self.message_user(request, ngettext("%(count)d task queued again.", "%(count)d tasks queued again.", count)
                          % {"count": count}, messages.SUCCESS)


admin.site.unregister(DBTaskResult)  # shown once, as BackgroundTask
admin.site.register(BackgroundTask, TaskResultAdmin)
