from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class InitialPasswordChanged(BasePermission):
    """SPEC §2: an account must change its initial password before it does anything — by API too."""

    message = _("Change the initial password of this account (log in on the web) before using the API.")

    def has_permission(self, request, view):
        return not getattr(request.user, "must_change_password", False)
