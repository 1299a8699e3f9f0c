from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "govbrief.core"
    verbose_name = _("Core")

    def ready(self):
        from . import events  # noqa: F401 - declares the calendar's event kinds
