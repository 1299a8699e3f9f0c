"""The kinds of notice people receive, each with a label for the preferences page, and whether it is
urgent (issue 15): an urgent kind (an emergency requested or reported, a deadline passed) reaches
every channel and cannot be switched off. Apps declare the kinds they send (``declare``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NoticeKind:
    verb: str
    label: str | Promise
    urgent: bool = False


_kinds: dict[str, NoticeKind] = {}


def declare(verb: str, label, *, urgent: bool = False) -> NoticeKind:
    kind = NoticeKind(verb, label, urgent)
    if (existing := _kinds.get(verb)) is not None and existing != kind:
        raise ValueError(f"Notice kind {verb!r} is already declared differently.")
    _kinds[verb] = kind
    return kind


def notice_kind(verb: str) -> NoticeKind:
    try:
        return _kinds[verb]
    except KeyError:
        raise LookupError(f"Undeclared notice kind {verb!r}: declare it in notifications.kinds.") from None


def describe(verb: str) -> NoticeKind:
    """The kind of a stored notice, for showing it: one no longer declared shows its verb."""
    try:
        return notice_kind(verb)
    except LookupError:
        return NoticeKind(verb, verb)


def notice_kinds() -> list[NoticeKind]:
    return list(_kinds.values())


# The kinds the reports and accounts workflows send (notifications.subscribers).
for _verb, _label in (
    ("signoff_requested", _("A report awaits my sign-off")),
    ("signed", _("My report was signed off")),
    ("sent_back", _("My report was sent back")),
    ("submitted", _("A report reached my office")),
    ("returned", _("A report was returned to us")),
    ("adopted", _("A report of ours was adopted")),
    ("forwarded", _("A report of ours was forwarded further up")),
    ("assigned", _("An item was assigned to me")),
    ("lock_broken", _("My edit lock was taken over")),
    ("mentioned", _("I was mentioned in a comment")),
    ("message", _("A message about a report")),
    ("registration", _("Informant registrations")),
    ("due_today", _("An item is due today")),
):
    declare(_verb, _label)
declare("deadline_passed", _("A deadline passed"), urgent=True)
