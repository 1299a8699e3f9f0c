from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "govbrief.orgs"
    verbose_name = _("Units and people")

    def ready(self):
        from .roles import ensure_role_groups

        # Permissions of every app exist only after all apps migrated, so run after each (idempotent).
        post_migrate.connect(ensure_role_groups, dispatch_uid="govbrief.orgs.ensure_role_groups")
