from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .roles import sync_admin_roles
from .models import DirectPointStatusChange, InformantRegistration, RoleAssignment, Unit, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "name", "unit", "post", "is_active", "must_change_password"]
    list_filter = ["is_active", "role_assignments__role", "unit__level"]
    search_fields = ["username", "name", "unit__name"]
    autocomplete_fields = ["unit"]
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "unit", "post", "mobile", "office_phone", "email")}),
        (_("Status"), {"fields": ("is_active", "must_change_password", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sync_admin_roles(form.instance)

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
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "parent", "is_direct_point", "is_active"]
    list_filter = ["kind", "level", "is_direct_point", "is_active"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["extra_report_targets"]
    inlines = [DirectPointHistoryInline]

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
class InformantRegistrationAdmin(admin.ModelAdmin):
    list_display = ["unit", "informant_name", "leader_name", "state", "filed_at"]
    list_filter = ["state"]
    search_fields = ["informant_name", "leader_name", "unit__name"]
    readonly_fields = ["state", "unit_approved_by", "unit_approved_at", "office_approved_by", "office_approved_at",
                       "leader_account", "informant_account"]
