from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "govbrief.core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import events  # noqa: F401 - declares the calendar's event kinds
        from .calendar import forget_calendar
        from .models import CalendarDay

        post_save.connect(forget_calendar, sender=CalendarDay, dispatch_uid="govbrief.calendar.saved")
        post_delete.connect(forget_calendar, sender=CalendarDay, dispatch_uid="govbrief.calendar.deleted")
