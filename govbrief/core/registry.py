"""Where apps plug into the shared pages: the sidebar's sections and the cards of the desk (工作台).

Core knows no domain app: each app registers its section and cards from its AppConfig.ready, with
a context function that receives the request. Layers point down (STYLE): core calls the functions
it is given and never imports the apps that give them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ContextFn = Callable[..., dict | None]


@dataclass(frozen=True)
class NavSection:
    key: str
    template: str
    order: int = 100
    # Adds to every page's context (counts in the sidebar, what the user's roles allow).
    context: ContextFn | None = None
    # The querysets whose counts the section shows, by name: every section's are counted together
    # in one query per page (nav_counts), so a new app's figures add no query (issue 14).
    counts: Callable[..., dict] | None = None


@dataclass(frozen=True)
class DeskCard:
    key: str
    template: str
    # "actions" (buttons in the page head), "stats" (the figures row), "main" or "side" (the columns).
    column: str = "main"
    order: int = 100
    # Returns the card's context, or None when the card has nothing for this person.
    context: ContextFn | None = None


_nav: dict[str, NavSection] = {}
_cards: dict[str, DeskCard] = {}


def register_nav(section: NavSection) -> NavSection:
    _nav[section.key] = section
    return section


def register_desk_card(card: DeskCard) -> DeskCard:
    _cards[card.key] = card
    return card


def nav_sections() -> list[NavSection]:
    return sorted(_nav.values(), key=lambda s: (s.order, s.key))


def desk_cards() -> list[DeskCard]:
    return sorted(_cards.values(), key=lambda c: (c.order, c.key))


# A figure in the navigation or on the desk counts up to this and then reads "999+" (core_tags.count_badge).
NAV_COUNT_CAP = 999


def nav_counts(request) -> dict[str, dict[str, int]]:
    """The counts every section asked for (``NavSection.counts``), by section key, from one query
    made once per request: the sidebar and the desk's cards read the same figures."""
    from .counts import count_all

    def compute() -> dict[str, dict[str, int]]:
        sections = [s for s in nav_sections() if s.counts is not None]
        wanted = {f"{s.key}.{name}": qs for s in sections for name, qs in (s.counts(request) or {}).items()}
        counted = count_all(wanted, cap=NAV_COUNT_CAP)
        out: dict[str, dict[str, int]] = {s.key: {} for s in sections}
        for name, value in counted.items():
            section, _, figure = name.partition(".")
            out[section][figure] = value
        return out

    return per_request(request, "core.nav_counts", compute)


def per_request(request, key: str, compute: Callable[[], object]):
    """Compute a value once per request (the sidebar and the desk both show the same counts)."""
    cache = request.__dict__.setdefault("_govbrief_memo", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]
