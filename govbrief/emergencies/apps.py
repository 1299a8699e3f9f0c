from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergenciesConfig(AppConfig):
    name = "govbrief.emergencies"
    verbose_name = _("Emergencies")

    def ready(self):
        from . import events, notices, reminders, subscribers, visibility  # noqa: F401 - kinds, subscribers, rules
        from .navigation import register

        register()
