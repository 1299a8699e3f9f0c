"""Where apps plug into the shared pages: the sidebar's sections and the cards of the desk (工作台).

Core knows no domain app: each app registers its section and cards from its AppConfig.ready, with
a context function that receives the request. Layers point down (STYLE): core calls the functions
it is given and never imports the apps that give them."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
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


@dataclass(frozen=True)
class Panel:
    """A box another app adds to an object's page (the report page shows the incident an emergency
    report is about), so the page's app never imports the apps that add to it."""

    key: str
    template: str
    order: int = 100
    # (request, obj) -> the panel's context, or None when it has nothing for this object.
    context: Callable[..., dict | None] | None = None


_nav: dict[str, NavSection] = {}
_cards: dict[str, DeskCard] = {}
_panels: dict[str, dict[str, Panel]] = {}


def register_panel(page: str, panel: Panel) -> Panel:
    """Add ``panel`` to the pages called ``page`` (e.g. "reports.report", "reports.submission")."""
    _panels.setdefault(page, {})[panel.key] = panel
    return panel


def panels(page: str) -> list[Panel]:
    return sorted(_panels.get(page, {}).values(), key=lambda p: (p.order, p.key))


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


# The figures are kept per person this long. Any domain event that concerns the person's unit, or the
# person, drops them at once (forget_navigation, called by the event layer and by the apps that
# change a person's own figures), so the expiry only bounds what the events cannot see: the clock
# moving an item into "overdue", or a change made around the services.
NAV_CACHE_SECONDS = 30
_GENERATION_SECONDS = 24 * 3600


def _unit_generation_key(unit_id) -> str:
    return f"govbrief:nav-gen:unit:{unit_id}"


def _person_generation_key(user_id) -> str:
    return f"govbrief:nav-gen:person:{user_id}"


def forget_navigation(*, unit_ids: Iterable[int | None] = (), user_ids: Iterable[int | None] = ()) -> None:
    """The figures of these units' people and of these people changed: their next page counts afresh.
    A new generation makes every cached entry of theirs unreachable (it expires on its own)."""
    from django.core.cache import cache

    stamp = time.time_ns()
    keys = [_unit_generation_key(u) for u in unit_ids if u is not None]
    keys += [_person_generation_key(u) for u in user_ids if u is not None]
    if keys:
        cache.set_many(dict.fromkeys(keys, stamp), _GENERATION_SECONDS)


def unit_cache_key(request, name: str, *parts) -> str:
    """A cache key for something computed from what a person's unit holds (the navigation's figures,
    a list's count): any domain event that concerns the unit or the person gives them a new key
    (forget_navigation), and the key also holds what such a value depends on beyond the data: the
    person, the unit, the roles and the day (overdue), and ``parts`` (e.g. a list's query)."""
    from django.core.cache import cache
    from django.utils import timezone

    user = request.user
    unit_key, person_key = _unit_generation_key(user.unit_id), _person_generation_key(user.pk)
    generations = cache.get_many([unit_key, person_key])
    suffix = f":{hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()}" if parts else ""
    return (f"govbrief:{name}:{user.pk}:{user.unit_id}:{','.join(sorted(user.role_set))}:{timezone.localdate()}:"
            f"{generations.get(unit_key, 0)}:{generations.get(person_key, 0)}{suffix}")


def cached_figures(key: str | None, compute: Callable[[], object]):
    """``compute()`` kept under ``key`` (unit_cache_key) for NAV_CACHE_SECONDS: the navigation's
    figures, and a list's count, which is its page's slowest part for a province's inbox (issue 14).
    ``None`` computes every time."""
    from django.core.cache import cache

    if key is None:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, NAV_CACHE_SECONDS)
    return value


def list_query(params) -> tuple:
    """A list's query (request.GET or an API's query_params) without its page number, in a fixed
    order: what a list's count or filter form depends on, for their cache keys."""
    return tuple(sorted((name, tuple(values)) for name, values in params.lists() if name != "page"))


def nav_counts(request) -> dict[str, dict[str, int]]:
    """The counts every section asked for (``NavSection.counts``), by section key, from one query,
    kept per person for a few seconds (issue 14: counting cost every page about 4 ms of building and
    compiling queries) and made once per request: the sidebar and the desk's cards read the same
    figures."""
    from .counts import count_all

    def count() -> dict[str, dict[str, int]]:
        sections = [s for s in nav_sections() if s.counts is not None]
        wanted = {f"{s.key}.{name}": qs for s in sections for name, qs in (s.counts(request) or {}).items()}
        counted = count_all(wanted, cap=NAV_COUNT_CAP)
        out: dict[str, dict[str, int]] = {s.key: {} for s in sections}
        for name, value in counted.items():
            section, _, figure = name.partition(".")
            out[section][figure] = value
        return out

    return per_request(request, "core.nav_counts", lambda: cached_figures(unit_cache_key(request, "nav"), count))


def per_request(request, key: str, compute: Callable[[], object]):
    """Compute a value once per request (the sidebar and the desk both show the same counts)."""
    cache = request.__dict__.setdefault("_govbrief_memo", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


# Which units' figures an event on an object of a model can change, for forget_navigation: the app
# that owns the model says (a submission concerns the office it reached, its sender and the unit that
# wrote the report). Without a resolver, the actor's unit and the object's own ``unit_id``.
_concerned: dict[str, Callable[[object], Iterable[int | None]]] = {}


def register_concerned_units(model_label: str, fn: Callable[[object], Iterable[int | None]]) -> None:
    _concerned[model_label.lower()] = fn


def concerned_units(target, actor_unit_id: int | None) -> set[int]:
    resolver = _concerned.get(target._meta.label_lower)
    units = set(resolver(target)) if resolver is not None else {getattr(target, "unit_id", None)}
    units.add(actor_unit_id)
    units.discard(None)
    return units
