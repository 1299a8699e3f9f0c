from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "govbrief.bulletins"
    verbose_name = _("Bulletins")

    def ready(self):
        from . import events, notices, rendering, visibility  # noqa: F401 - event kinds, subscribers, rules
        from .navigation import register

        register()
