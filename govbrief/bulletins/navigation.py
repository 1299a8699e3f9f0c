"""The bulletins' part of the shared pages: the sidebar section (registered from BulletinsConfig.ready)."""

from __future__ import annotations

from govbrief.core.registry import (
    DeskCard,
    NavSection,
    nav_counts,
    register_concerned_units,
    register_desk_card,
    register_nav,
)

from . import permissions


def nav_context(request) -> dict:
    user = request.user
    return {"bulletin_editor": permissions.may_edit_bulletins(user),
            "bulletin_counts": nav_counts(request).get("bulletins", {})}


def _count_querysets(request) -> dict:
    from .selectors import navigation_querysets

    return navigation_querysets(user=request.user)


def _waiting(request):
    """The desk's card: issues published to the person and not yet opened, and for the chief editor the
    issues awaiting approval. The sidebar's figures (one query for every section) say whether there is
    anything at all, so a desk with nothing waiting here asks nothing more."""
    from .choices import IssueState
    from .selectors import issue_list, unread_issues

    figures = nav_counts(request).get("bulletins", {})
    if not figures.get("unread") and not figures.get("pending"):
        return None
    user = request.user
    unread = pending = []
    if figures.get("unread"):
        unread = list(issue_list(user=user, state=IssueState.PUBLISHED).filter(
            pk__in=unread_issues(user=user).values("pk"))[:5])
    if figures.get("pending"):
        pending = list(issue_list(user=user, state=IssueState.PENDING).filter(publication__office_id=user.unit_id)[:5])
    return {"bulletins_unread": unread, "bulletins_pending": pending, "bulletins_figures": figures}


def _issue_units(issue) -> tuple[int, ...]:
    return (issue.publication.office_id,)


def register() -> None:
    register_concerned_units("bulletins.issue", _issue_units)
    register_concerned_units("bulletins.publication", lambda publication: (publication.office_id,))
    register_nav(NavSection("bulletins", "bulletins/_nav.html", order=20, context=nav_context,
                            counts=_count_querysets))
    register_desk_card(DeskCard("bulletins.waiting", "bulletins/desk/waiting.html", column="side", order=5,
                                context=_waiting))
