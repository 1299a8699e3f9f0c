"""The notifications' sidebar entry (with the unread count) and desk card (core.registry)."""

from govbrief.core.registry import DeskCard, NavSection, register_desk_card, register_nav


def _nav(request) -> dict:
    from .selectors import unread_count

    return {"nav_unread": unread_count(user=request.user)}


def _card(request) -> dict:
    from .selectors import notifications_for

    return {"notifications": notifications_for(user=request.user)[:6]}


def register() -> None:
    register_nav(NavSection("notifications", "notifications/_nav.html", order=60, context=_nav))
    register_desk_card(DeskCard("notifications", "notifications/_desk_card.html", column="side", order=90,
                                context=_card))
