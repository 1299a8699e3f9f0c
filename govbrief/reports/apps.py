from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "govbrief.reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import events, filters, reminders, rows, visibility  # noqa: F401 - event kinds, subscribers, row keys, rules
        from .navigation import register

        register()
