"""The reports app's part of the shared pages: its sidebar section (with the live queue counts) and
its cards on the desk. Registered from ReportsConfig.ready (core.registry)."""

from __future__ import annotations

from govbrief.core.registry import DeskCard, NavSection, per_request, register_desk_card, register_nav
from govbrief.orgs.choices import DRAFTING_ROLES, SCREENING_ROLES, SIGNING_ROLES

from .choices import Queue, ReportState, SubmissionState


def _roles(request) -> dict[str, bool]:
    user = request.user
    in_unit = user.unit_id is not None
    return {
        "draft": in_unit and user.has_role(*DRAFTING_ROLES),
        "sign": in_unit and user.has_role(*SIGNING_ROLES),
        "screen": in_unit and user.has_role(*SCREENING_ROLES),
    }


def _counts(request) -> dict[str, int]:
    from .selectors import dashboard_counts

    return per_request(request, "reports.counts", lambda: dashboard_counts(user=request.user))


def nav_context(request) -> dict:
    from .selectors import queue_counts

    perms = _roles(request)
    nav_queues = []
    if perms["screen"]:
        counts = queue_counts(user=request.user)
        nav_queues = [(value, label, counts[value]) for value, label in Queue.choices]
    return {"perms_ui": perms, "nav_counts": _counts(request), "nav_queues": nav_queues}


def _actions(request):
    return {} if _roles(request)["draft"] else None


def _stats(request):
    return {"counts": _counts(request)} if request.user.unit_id else None


def _inbox_new(request):
    from .selectors import inbox_for

    if not _roles(request)["screen"]:
        return None
    return {"inbox_new": inbox_for(user=request.user).filter(state=SubmissionState.SUBMITTED)[:8]}


def _to_sign(request):
    from .selectors import reports_of_unit

    if not _roles(request)["sign"]:
        return None
    return {"to_sign": reports_of_unit(user=request.user, state=ReportState.PENDING_SIGNOFF)[:8]}


def _returned(request):
    from .selectors import submissions_visible_to

    user = request.user
    if user.unit_id is None:
        return None
    returned = list(submissions_visible_to(user=user).filter(from_unit_id=user.unit_id, state=SubmissionState.RETURNED)
                    .select_related("report", "version", "to_unit")[:6])
    return {"returned": returned} if returned else None


def _my_drafts(request):
    from .selectors import reports_of_unit

    user = request.user
    if user.unit_id is None:
        return None
    return {"my_drafts": reports_of_unit(user=user, state=ReportState.DRAFT).filter(author=user)[:6]}


def _recent_adoptions(request):
    from .selectors import submissions_visible_to

    user = request.user
    if user.unit_id is None:
        return None
    adopted = list(submissions_visible_to(user=user).filter(report__unit_id=user.unit_id, state=SubmissionState.ADOPTED)
                   .select_related("report", "version", "to_unit").order_by("-decided_at")[:6])
    return {"recent_adoptions": adopted} if adopted else None


def register() -> None:
    register_nav(NavSection("reports", "reports/_nav.html", order=10, context=nav_context))
    for key, column, order, context in (
        ("actions", "actions", 10, _actions),
        ("stats", "stats", 10, _stats),
        ("inbox_new", "main", 10, _inbox_new),
        ("to_sign", "main", 20, _to_sign),
        ("returned", "main", 30, _returned),
        ("my_drafts", "main", 40, _my_drafts),
        ("recent_adoptions", "side", 10, _recent_adoptions),
    ):
        register_desk_card(DeskCard(f"reports.{key}", f"reports/desk/{key}.html", column=column, order=order,
                                    context=context))
