"""Reads of the audit log for the audit administrator (SPEC §9): the page, an entry's detail, the
exports. Every read goes through ``audit_entries_visible_to``; the views never filter for access.

The audit app sits below the domain apps and may not import them (tests/events/test_layers.py). It
reaches people and units through the user model (``settings.AUTH_USER_MODEL``, whose ``unit`` points
to a unit with a ``parent``) and the event kinds through the event layer, which the apps fill."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from govbrief import events

from . import services
from .models import AuditEntry
from .permissions import may_review_audit_log

SUMMARY_MAX_CHARS = 120


def _unit_model():
    return get_user_model()._meta.get_field("unit").related_model


def audit_scope_units(*, user) -> list[int] | None:
    """The units whose people's actions ``user`` reviews, or None for the whole log.

    - An auditor with no unit is the province-wide auditor: None, everything.
    - An auditor of a unit reviews that unit and every unit below it (``Unit.parent``), the way an
      office's administrator manages the units below it (orgs.permissions.units_administered_by).
      That helper cannot be reused here (audit may not import orgs) and would not fit anyway: it walks
      active units only, and a unit closed since must stay auditable for the 6 months 等保 requires.

    One query reads the whole tree (a province has some thousands of units, a few kilobytes), once per
    user object: the page asks for the rows and for the scope's heading."""
    if user.unit_id is None:
        return None
    cached = user.__dict__.get("_audit_scope_units")
    if cached is not None and cached[0] == user.unit_id:
        return cached[1]
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in _unit_model().objects.order_by().values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = [], [user.unit_id]
    while stack:
        pk = stack.pop()
        if pk in found:  # a parent loop typed into the admin must not hang the page
            continue
        found.append(pk)
        stack.extend(children.get(pk, ()))
    user.__dict__["_audit_scope_units"] = (user.unit_id, found)
    return found


def audit_entries_visible_to(*, user) -> QuerySet[AuditEntry]:
    """The entries ``user`` may review, newest first; nothing for anyone but the audit administrator.

    Scope (``audit_scope_units``): a unit's auditor sees what the people of the unit and the units below
    it did, judged by the unit the person belongs to now (the log records the person, not their unit
    at the time), plus what the system did to those people with no one acting (an account locked after
    failed logins). Everything else, entries with no actor on other objects and people without a unit
    (a superuser made on the console), only the auditor with no unit sees. What people of other
    units did to this unit (the province's administrator changing a county account) is for their own
    auditor: each auditor reviews the actions of the people in their care."""
    if not may_review_audit_log(user):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.select_related("actor", "actor__unit").order_by("-id")
    units = audit_scope_units(user=user)
    if units is None:
        return entries
    people = get_user_model()
    their_ids = people.objects.filter(unit_id__in=units).annotate(key=Cast("pk", CharField())).values("key")
    system_acts_on_them = Q(actor__isnull=True, object_type=people._meta.label_lower, object_id__in=their_ids)
    return entries.filter(Q(actor__unit_id__in=units) | system_acts_on_them)


def audit_entry_get(*, user, pk: int) -> AuditEntry:
    """One entry in ``user``'s scope; ``AuditEntry.DoesNotExist`` otherwise (the page answers 404,
    so an id outside the scope reveals nothing)."""
    return audit_entries_visible_to(user=user).get(pk=pk)


def action_label(action: str) -> str:
    """The label the owning app declared for the event kind, or the code itself for an action
    recorded before a kind was renamed or without the event layer."""
    kind = events.kinds().get(action)
    return str(kind.label) if kind is not None else action


def object_type_label(object_type: str) -> str:
    """``orgs.user`` -> the model's name for people ("用户"); the code if no model has that label now."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def audit_action_choices() -> list[tuple[str, str]]:
    """The actions present in the log, by code (so an app's actions stay together), with their labels.

    Read from the whole log, not the auditor's scope: they are names of kinds of action, not who did
    what, and the distinct read on the indexed column needs no join."""
    present = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    return [(action, action_label(action)) for action in present]


def audit_object_type_choices() -> list[tuple[str, str]]:
    """The object types present in the log (the first column of its object index), with model names."""
    present = AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    return [(value, object_type_label(value)) for value in present]


def data_summary(data, limit: int = SUMMARY_MAX_CHARS) -> str:
    """One line of an entry's data for the table (``key=value; …``), cut at ``limit`` characters;
    the detail page shows all of it."""
    if isinstance(data, dict):
        text = "; ".join(f"{key}={_compact(value)}" for key, value in data.items())
    else:
        text = _compact(data)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _compact(value) -> str:
    if isinstance(value, str):
        return " ".join(value.split())  # a report's body on one line
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class EntryCheck:
    """The chain around one entry, checked the way ``audit_chain_verify`` checks every link.

    ``next_links`` is None for the newest entry. The whole log is verified on the verify page or with
    ``govbrief audit verify``: this says only that the entry and its two links are sound."""

    hash_matches: bool
    prev_links: bool
    next_links: bool | None

    @property
    def ok(self) -> bool:
        return self.hash_matches and self.prev_links and self.next_links is not False


def audit_entry_check(*, entry: AuditEntry) -> EntryCheck:
    """Two small reads on the id index, whatever the log's size (the full walk reads every row).

    It uses the digest of ``audit.services`` so both checks hash the same way: the entry must still
    match its hash (not edited), link to the entry before it (nothing deleted or moved in between),
    and the entry after it must link to it (it was not edited and re-hashed to hide the change)."""
    own = entry.hash == services._digest(entry.prev_hash, services._payload(entry))
    prev_hash = AuditEntry.objects.filter(pk__lt=entry.pk).order_by("-pk").values_list("hash", flat=True).first()
    next_prev = AuditEntry.objects.filter(pk__gt=entry.pk).order_by("pk").values_list("prev_hash", flat=True).first()
    return EntryCheck(
        hash_matches=own,
        prev_links=entry.prev_hash == (prev_hash if prev_hash is not None else services.GENESIS),
        next_links=None if next_prev is None else next_prev == entry.hash,
    )
