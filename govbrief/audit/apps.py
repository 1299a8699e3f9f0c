from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "govbrief.audit"
    verbose_name = _("Audit")

    def ready(self):
        from . import events  # noqa: F401 - declares audit.exported
        from .navigation import register

        register()
