"""The event kinds of a bulletin issue's life (SPEC §4), declared with the event layer: each writes
a line of the issue's timeline and an audit entry; notifications, file rendering and (later)
scoring subscribe to them. Data holds ids and codes only."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from govbrief import events

from .choices import IssueAction


def _timeline(event: events.DomainEvent, target):
    from .models import IssueEvent

    return IssueEvent.objects.create(issue_id=target.pk, action=event.kind.removeprefix("bulletin."),
                                     **IssueEvent.columns_of(event))


# kind -> (required data keys, optional data keys)
ISSUE_EVENT_DATA: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    IssueAction.CREATED: (("publication",), ()),
    IssueAction.EDITED: (("fields",), ()),
    # adoptions: the adoptions the item credits (one, or several for a composite).
    IssueAction.ITEM_ADDED: (("item", "adoptions"), ("version",)),
    IssueAction.ITEM_EDITED: (("item", "fields"), ("version",)),
    IssueAction.ITEM_REMOVED: (("item", "adoptions"), ()),
    IssueAction.REORDERED: (("items",), ()),
    IssueAction.MERGED: (("item", "adoptions", "units"), ()),
    IssueAction.SENT: ((), ()),
    IssueAction.APPROVED: ((), ()),
    IssueAction.RETURNED: ((), ()),
    # The numbers given, and every credited adoption with its unit, so that scoring prices the
    # publication of each item without reading the issue back (publication: the tier is looked up).
    IssueAction.PUBLISHED: (("publication", "tier", "year", "number", "total_number", "credits"), ()),
    IssueAction.WITHDRAWN: (("year", "number", "credits"), ()),
}

for _action, (_required, _optional) in ISSUE_EVENT_DATA.items():
    events.declare(f"bulletin.{_action}", IssueAction(_action).label, required=_required, optional=_optional,
                   timeline=_timeline)

# Audit-only: what happens around an issue without a line on its timeline.
PUBLICATION_SAVED = events.declare("bulletin.publication_saved", pgettext_lazy("event", "Publication saved"),
                                   required=("publication", "fields"))
ISSUE_DELETED = events.declare("bulletin.issue_deleted", pgettext_lazy("event", "Draft issue deleted"),
                               required=("publication",))
FILES_RENDERED = events.declare("bulletin.files_rendered", pgettext_lazy("event", "Bulletin files rendered"),
                                required=("pages",))
# A leader's attention mark on an item: the office and the credited units are told.
ATTENTION = events.declare("bulletin.attention", pgettext_lazy("event", "Marked for attention"),
                           required=("item", "issue"), optional=("remark",))
