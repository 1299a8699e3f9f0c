"""The reports app's part of the shared pages: its sidebar section (with the live queue counts) and
its cards on the desk. Registered from ReportsConfig.ready (core.registry)."""

from __future__ import annotations

from django.urls import reverse

from govbrief.core.registry import (
    DeskCard,
    NavSection,
    nav_counts,
    register_concerned_units,
    register_desk_card,
    register_nav,
)
from govbrief.orgs.choices import DRAFTING_ROLES, SCREENING_ROLES, SIGNING_ROLES
from govbrief.orgs.models import UNIT_COLUMNS

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
    """The section's figures: counted with every other section's in one query (core.registry)."""
    from .selectors import dashboard_figures

    return dashboard_figures(nav_counts(request).get("reports", {}))


def _count_querysets(request) -> dict:
    from .selectors import navigation_querysets

    return navigation_querysets(user=request.user)


def nav_context(request) -> dict:
    perms = _roles(request)
    counts = _counts(request)
    nav_queues = [(value, label, counts[f"queue_{value}"]) for value, label in Queue.choices] if perms["screen"] else []
    return {"perms_ui": perms, "nav_counts": counts, "nav_queues": nav_queues}


def _actions(request):
    return {} if _roles(request)["draft"] else None


def _stats(request):
    # Only the figures of the person's roles; someone with none of them gets no row at all.
    return {"counts": _counts(request)} if any(_roles(request).values()) else None


def _listing(items, *, total: int, limit: int, more_url: str) -> dict:
    """A capped list on the desk: up to ``limit`` items, and when there are more, how many in all
    and the page that lists them all. ``total`` is the count of the same query (dashboard_counts),
    so the card and its figure never disagree (issue 13)."""
    items = list(items[:limit])
    return {"items": items, "total": total, "more_url": more_url if total > len(items) else ""}


def _inbox_new(request):
    """The office's new arrivals; empty, it says the inbox is clear (an editor's desk is this card)."""
    from .selectors import inbox_for, inbox_rows

    if not _roles(request)["screen"]:
        return None
    qs = inbox_for(user=request.user).filter(is_closed=0)  # state "submitted", as the inbox's index knows it
    listing = _listing(qs, total=_counts(request)["inbox_new"], limit=8,
                       more_url=f"{reverse('reports:inbox')}?state={SubmissionState.SUBMITTED}")
    inbox_rows(listing["items"])
    return listing


def _to_sign(request):
    from .selectors import reports_of_unit

    # Nothing to sign is no card: the figure above already says 0, and the cards that need
    # something done come first.
    if not _roles(request)["sign"] or not _counts(request)["pending_signoff"]:
        return None
    qs = reports_of_unit(user=request.user, state=ReportState.PENDING_SIGNOFF)
    return _listing(qs, total=_counts(request)["pending_signoff"], limit=8,
                    more_url=f"{reverse('reports:list')}?state={ReportState.PENDING_SIGNOFF}")


def _returned(request):
    """The unit's reports sent back by an office, with the office's reason: for the people who
    revise and resubmit them. Nothing returned is no card (the figure still says 0)."""
    from .selectors import reports_returned_to_unit, submissions_visible_to

    if not _roles(request)["draft"]:
        return None
    total = _counts(request)["returned"]
    if not total:
        return None
    listing = _listing(reports_returned_to_unit(user=request.user), total=total, limit=6,
                       more_url=f"{reverse('reports:list')}?returned=1")
    # Each report's latest return (who sent it back, when, why), in one query for the card; a
    # return of the unit's own submission before one of an office's forward further up.
    unit_id, latest = request.user.unit_id, {}
    returns = (submissions_visible_to(user=request.user)
               .filter(report__in=[r.pk for r in listing["items"]], state=SubmissionState.RETURNED)
               .select_related("to_unit"))
    for sub in sorted(returns, key=lambda s: (s.from_unit_id == unit_id, s.decided_at, s.pk)):
        latest[sub.report_id] = sub
    for report in listing["items"]:
        report.latest_return = latest.get(report.pk)
    return listing


def _my_drafts(request):
    """The person's own drafts. Only for drafting roles; empty, it invites a first report."""
    from .selectors import my_drafts

    if not _roles(request)["draft"]:
        return None
    return _listing(my_drafts(user=request.user), total=_counts(request)["drafts"], limit=6,
                    more_url=f"{reverse('reports:list')}?state={ReportState.DRAFT}")


def _recent_adoptions(request):
    from .selectors import submissions_visible_to

    user = request.user
    if user.unit_id is None:
        return None
    adopted = list(submissions_visible_to(user=user, report_unit_id=user.unit_id)
                   .filter(origin_unit_id=user.unit_id, state=SubmissionState.ADOPTED)
                   .select_related("version", "to_unit")
                   .only("id", "report_id", "state", "decided_at", "version__id", "version__title",
                         *(f"to_unit__{column}" for column in UNIT_COLUMNS))
                   .order_by("-decided_at", "-id")[:6])
    return {"recent_adoptions": adopted} if adopted else None


def _submission_units(submission) -> tuple[int | None, ...]:
    # The office it reached (its queues), the sender and the writing unit (returned, adopted, drafts).
    return submission.to_unit_id, submission.from_unit_id, submission.origin_unit_id


def register() -> None:
    register_concerned_units("reports.submission", _submission_units)
    register_concerned_units("reports.report", lambda report: (report.unit_id,))
    register_nav(NavSection("reports", "reports/_nav.html", order=10, context=nav_context, counts=_count_querysets))
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
