from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "govbrief.orgs"
    verbose_name = _("Units and people")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from govbrief.core.registry import NavSection, register_nav

        from . import events  # noqa: F401 - declares the event kinds of accounts and units
        from . import sessions  # noqa: F401 - marks an explicit logout (the idle-timeout message)
        from .lockout import on_logged_in, on_login_failed
        from .roles import ensure_role_groups

        register_nav(NavSection("orgs", "orgs/_nav.html", order=50))

        user_login_failed.connect(on_login_failed, dispatch_uid="govbrief.orgs.lockout.failed")
        user_logged_in.connect(on_logged_in, dispatch_uid="govbrief.orgs.lockout.success")

        from django.db.models.signals import post_delete, post_save

        from .models import Unit
        from .selectors import forget_units

        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: forget_units(), sender=Unit, weak=False,
                           dispatch_uid=f"govbrief.orgs.forget_units.{signal is post_save}")

        # Permissions of every app exist only after all apps migrated, so run after each (idempotent).
        post_migrate.connect(ensure_role_groups, dispatch_uid="govbrief.orgs.ensure_role_groups")
