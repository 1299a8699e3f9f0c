from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from govbrief import events
from govbrief.core.admin import AuditedAdmin, ReadOnlyAdmin

from .choices import Role
from .forms import LockoutAwareAdminAuthenticationForm
from .models import DirectPointStatusChange, InformantRegistration, RoleAssignment, Unit, User
from .permissions import units_administered_by
from .roles import sync_admin_roles


ADMIN_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}


class RoleFormSet(forms.BaseInlineFormSet):
    """三员分立 (SPEC §9): one person holds at most one of the three admin roles, and nobody
    changes their own roles."""

    def clean(self):
        super().clean()
        roles = [f.cleaned_data.get("role") for f in self.forms
                 if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("role")]
        if len(ADMIN_ROLES.intersection(roles)) > 1:
            raise forms.ValidationError(_("One person may hold only one of the three administrator roles."))
        if self.instance.pk and self.instance.pk == getattr(self, "acting_user_id", None) and self.has_changed():
            raise forms.ValidationError(_("You cannot change your own roles."))


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    formset = RoleFormSet
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.acting_user_id = request.user.pk
        return formset


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "name", "unit", "post", "is_active", "must_change_password"]
    list_filter = ["is_active", "role_assignments__role", "unit__level"]
    search_fields = ["username", "name", "unit__name"]
    autocomplete_fields = ["unit"]
    inlines = [RoleInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(unit_id__in=units_administered_by(request.user))

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return ("is_superuser", "is_staff", "last_login", "date_joined")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = Unit.objects.filter(pk__in=units_administered_by(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "unit", "post", "mobile", "office_phone", "email")}),
        (_("Status"), {"fields": ("is_active", "must_change_password", "failed_logins", "locked_until", "is_staff",
                                  "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    event_prefix = "account"

    def created_event_data(self, obj) -> dict:
        return {"unit": obj.unit_id, "roles": []}  # the roles follow as their own event

    def save_model(self, request, obj, form, change):
        if not change:
            # SPEC §2 账户下发: the administrator chose the initial password; the person must replace it.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        user = form.instance
        before = sorted(user.role_assignments.values_list("role", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        sync_admin_roles(user)
        after = sorted(user.role_assignments.values_list("role", flat=True))
        if after != before:
            events.record("account_roles_changed", actor=request.user, target=user,
                          data={"before": before, "after": after})

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                from .services import account_password_changed

                account_password_changed(user=User.objects.get(pk=id), by=request.user, by_admin=True)
        return response

    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "name", "unit", "password1", "password2")}),
    )


class DirectPointHistoryInline(admin.TabularInline):
    model = DirectPointStatusChange
    extra = 0
    readonly_fields = ["is_direct_point", "reason", "changed_by", "changed_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "kind", "level", "parent", "is_direct_point", "is_active"]
    list_filter = ["kind", "level", "is_direct_point", "is_active"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["extra_report_targets"]
    inlines = [DirectPointHistoryInline]
    readonly_fields = ["created_at"]
    event_prefix = "unit"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(pk__in=units_administered_by(request.user))

    def save_model(self, request, obj, form, change):
        from .services import unit_set_direct_point

        # Status changes go through the service, so the history and audit log record them.
        wanted = obj.is_direct_point
        if change:
            obj.is_direct_point = Unit.objects.get(pk=obj.pk).is_direct_point
        else:
            obj.is_direct_point = False
        super().save_model(request, obj, form, change)
        unit_set_direct_point(unit=obj, is_direct_point=wanted, changed_by=request.user, reason=str(_("Changed by administrator")))
        obj.refresh_from_db()


@admin.register(InformantRegistration)
class InformantRegistrationAdmin(ReadOnlyAdmin):
    """Read-only: a registration is filed, approved and rejected only through its services, so
    every step is on the audit log and the filer is told (seed 004's two approvals)."""

    list_display = ["unit", "informant_name", "leader_name", "state", "filed_at"]
    list_filter = ["state"]
    search_fields = ["informant_name", "leader_name", "unit__name"]


# The admin roles' permission groups are set from orgs/roles.py (ensure_role_groups) after every
# migration; editing them by hand would let one admin role act as another (三员分立, SPEC §9).
admin.site.unregister(Group)
# A locked account is told so on the admin's login too (issue 13), as on the login page and the API.
admin.site.login_form = LockoutAwareAdminAuthenticationForm


@admin.register(Group)
class RoleGroupAdmin(ReadOnlyAdmin):
    list_display = ["name"]
    filter_horizontal = ["permissions"]
