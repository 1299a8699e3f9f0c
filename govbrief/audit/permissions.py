"""Who may read the audit log (SPEC §9, 三员分立): the audit administrator, and no one else.

The three admin roles cannot act as each other: the system administrator changes the network, the
security administrator the accounts, and the audit administrator reviews what both (and everyone
else) did. An admin who could read the log could also learn what is noticed and what is not, so the
system and security administrators are refused here like any editor or leader.

The audit app sits below the domain apps (tests/events/test_layers.py): it may not import
``govbrief.orgs``, so the role's code is restated here; tests/audit pins it to ``Role.AUDIT_ADMIN``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

# Role.AUDIT_ADMIN (govbrief.orgs.choices); restated, not imported: see the module docstring.
AUDIT_ADMIN_ROLE = "auditor"


def may_review_audit_log(user) -> bool:
    """Only a person holding the audit-admin role. A superuser without it is refused too: the
    superuser is the system administrator's account (the demo's ``admin``), and 三员分立 means the
    system administrator must not review the log of its own actions. (The Django admin still shows
    superusers everything; that is the admin site's rule, not this page's.)"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.has_role(AUDIT_ADMIN_ROLE)


def audit_admin_required(view):
    """Anonymous: the login page. Logged in without the audit-admin role: 403.

    Unlike ``core.web.role_required`` a unit is not required: an auditor with no unit reviews the
    whole province (audit.selectors.audit_scope_units)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_review_audit_log(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
