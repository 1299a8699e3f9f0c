"""Map the admin roles onto Django's staff flag and permission groups, so the three separated
admin roles (三员分立, SPEC §9) each reach only their part of the administration site."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from .choices import Role

# role -> (app_label, model) pairs whose permissions the role's group holds; "view" only for auditors.
ADMIN_ROLE_MODELS: dict[str, tuple[tuple[str, str], ...]] = {
    Role.SYSTEM_ADMIN: (
        ("orgs", "unit"), ("orgs", "user"), ("orgs", "roleassignment"), ("orgs", "informantregistration"),
        ("orgs", "directpointstatuschange"), ("core", "calendarday"),
        ("core", "backgroundtask"),  # the background work: failed tasks and running them again (issue 15)
    ),
    Role.SECURITY_ADMIN: (("orgs", "user"),),
    Role.AUDIT_ADMIN: (("audit", "auditentry"),),
}
VIEW_ONLY = {Role.AUDIT_ADMIN, Role.SECURITY_ADMIN}


def ensure_role_groups(**kwargs) -> None:
    for role, models in ADMIN_ROLE_MODELS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(
            content_type__app_label__in=[a for a, _m in models], content_type__model__in=[m for _a, m in models]
        )
        if role in VIEW_ONLY:
            perms = perms.filter(codename__startswith="view_")
        group.permissions.set(perms)


def sync_admin_roles(user) -> None:
    """Give a user the staff flag and groups that match their admin roles (and take them away)."""
    roles = set(user.role_assignments.values_list("role", flat=True))
    admin_roles = roles & set(ADMIN_ROLE_MODELS)
    groups = Group.objects.filter(name__in=admin_roles)
    user.groups.set(groups)
    staff = bool(admin_roles) or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("role_set", None)
