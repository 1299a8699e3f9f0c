from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "govbrief.core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from django_tasks_db.compat import task_enqueued

        from . import events  # noqa: F401 - declares the calendar's event kinds
        from .background import wake_workers
        from .calendar import forget_calendar
        from .models import CalendarDay

        post_save.connect(forget_calendar, sender=CalendarDay, dispatch_uid="govbrief.calendar.saved")
        post_delete.connect(forget_calendar, sender=CalendarDay, dispatch_uid="govbrief.calendar.deleted")
        # Idle workers start a queued task at once instead of at their next look (core.background).
        task_enqueued.connect(wake_workers, dispatch_uid="govbrief.background.wake_workers")
