"""The audit log's sidebar section (core.registry), shown to the audit administrator only: the other
admin roles are not offered a page that would refuse them (三员分立, audit.permissions)."""

from govbrief.core.registry import NavSection, register_nav

from .permissions import may_review_audit_log


def _nav(request) -> dict:
    return {"nav_audit": may_review_audit_log(request.user)}


def register() -> None:
    register_nav(NavSection("audit", "audit/_nav.html", order=70, context=_nav))
