from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "govbrief.reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import events, filters, rows, visibility  # noqa: F401 - event kinds, cache subscribers, row keys, visibility rules
        from .navigation import register

        register()
