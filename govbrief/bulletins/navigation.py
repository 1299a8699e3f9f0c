"""The bulletins' part of the shared pages: the sidebar section (registered from BulletinsConfig.ready)."""

from __future__ import annotations

from govbrief.core.registry import NavSection, nav_counts, register_concerned_units, register_nav

from . import permissions


def nav_context(request) -> dict:
    user = request.user
    return {"bulletin_editor": permissions.may_edit_bulletins(user),
            "bulletin_counts": nav_counts(request).get("bulletins", {})}


def _count_querysets(request) -> dict:
    from .selectors import navigation_querysets

    return navigation_querysets(user=request.user)


def _issue_units(issue) -> tuple[int, ...]:
    return (issue.publication.office_id,)


def register() -> None:
    register_concerned_units("bulletins.issue", _issue_units)
    register_concerned_units("bulletins.publication", lambda publication: (publication.office_id,))
    register_nav(NavSection("bulletins", "bulletins/_nav.html", order=20, context=nav_context,
                            counts=_count_querysets))
