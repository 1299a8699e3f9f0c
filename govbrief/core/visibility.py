"""One visibility rule per model, at the queryset level (in the spirit of NetBox's
``RestrictedQuerySet.restrict(user, action)``): pages, the API, search and exports all ask
``Model.objects.restrict(user)`` and never filter for access themselves (SPEC §9).

The app that owns a model registers its base rule; later apps add grants to it (leaders reading
the bulletins published to them, units concerned by an instruction) without touching the owner:

    @visibility.grant("reports.reportversion")
    def _in_published_issues(user) -> Q: ...

A rule or grant returns a ``Q`` on the model for an authenticated user; superusers see everything
unless the rule says otherwise (``superusers_see_all=False``), anonymous users nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.db.models import Q

RuleFn = Callable[..., Q]

_rules: dict[str, RuleFn] = {}
_grants: dict[str, list[RuleFn]] = {}
# Models whose rule applies to superusers too (an office's internal notes are its own even for them).
_binding_for_superusers: set[str] = set()


def _label(model) -> str:
    return model if isinstance(model, str) else model._meta.label_lower


def rule(model, *, superusers_see_all: bool = True) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        _rules[_label(model)] = fn
        if not superusers_see_all:
            _binding_for_superusers.add(_label(model))
        return fn

    return register


def grant(model) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        grants = _grants.setdefault(_label(model), [])
        if fn not in grants:
            grants.append(fn)
        return fn

    return register


def visible_q(model, user, **scope) -> Q | None:
    """The rule and its grants as one Q; None means "everything" (a superuser). ``scope`` narrows
    a rule that can use it (e.g. ``report_id`` for a report's versions) and is ignored otherwise."""
    label = _label(model)
    if user.is_superuser and label not in _binding_for_superusers:
        return None
    if not user.is_authenticated or label not in _rules:
        return Q(pk__in=[])
    q = _rules[label](user, **scope)
    for extra in _grants.get(label, ()):
        q |= extra(user)
    return q


def restrict(queryset: models.QuerySet, user, **scope) -> models.QuerySet:
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    q = visible_q(queryset.model, user, **scope)
    return queryset if q is None else queryset.filter(q)


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, **scope) -> RestrictedQuerySet:
        return restrict(self, user, **scope)
