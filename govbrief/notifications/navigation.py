"""The notifications' sidebar entry (with the unread count) and desk card (core.registry)."""

from govbrief.core.registry import DeskCard, NavSection, nav_counts, register_desk_card, register_nav


def _counts(request) -> dict:
    from .selectors import unread

    return {"unread": unread(user=request.user)}


def _nav(request) -> dict:
    # Counted with the other sections' figures in the page's one navigation query (core.registry).
    return {"nav_unread": nav_counts(request).get("notifications", {}).get("unread", 0)}


def _card(request) -> dict:
    from .selectors import notifications_for

    return {"notifications": notifications_for(user=request.user)[:6]}


def register() -> None:
    register_nav(NavSection("notifications", "notifications/_nav.html", order=60, context=_nav, counts=_counts))
    register_desk_card(DeskCard("notifications", "notifications/_desk_card.html", column="side", order=90,
                                context=_card))
