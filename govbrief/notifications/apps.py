from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "govbrief.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import subscribers  # noqa: F401 - registers the event subscribers
        from .navigation import register
        from .stream import connect_signals

        register()
        connect_signals()  # a logout or a new password ends the person's live streams
