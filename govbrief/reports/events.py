"""The event kinds of a report's life (SPEC §3), declared with the event layer. Each one writes a
line of the report's timeline (ReportEvent) and an audit entry; notifications and, later, scoring
and search subscribe to them. Data holds ids and codes only (unit ids, version numbers, choice codes)."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from govbrief import events

from .choices import CommentAudience, EventAction


def _timeline(event: events.DomainEvent, target):
    from .models import Report, ReportEvent, Submission

    if isinstance(target, Submission):
        report_id, submission_id = target.report_id, target.pk
    elif isinstance(target, Report):
        report_id, submission_id = target.pk, None
    else:  # pragma: no cover - a kind below declared with the wrong target
        raise TypeError(f"A report event targets a report or a submission, not {type(target).__name__}.")
    return ReportEvent.objects.create(
        report_id=report_id, submission_id=submission_id, action=event.kind.removeprefix("report."),
        **ReportEvent.columns_of(event),
    )


# kind -> (required data keys, optional data keys)
REPORT_EVENT_DATA: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    EventAction.CREATED: ((), ()),
    EventAction.IMPORTED: ((), ()),
    EventAction.EDITED: (("fields",), ()),
    EventAction.ATTACHMENT_ADDED: (("name", "sha256"), ()),
    EventAction.ATTACHMENT_REMOVED: (("name",), ()),
    EventAction.SIGNOFF_REQUESTED: ((), ()),
    EventAction.SIGNED: (("version", "content_hash"), ()),
    EventAction.SENT_BACK: ((), ()),
    EventAction.NEW_VERSION: (("version",), ()),
    EventAction.SUBMITTED: (("to", "version"), ()),
    # version: which text was screened (a later resubmission sends another one).
    EventAction.ADOPTED: (("adoption", "publication", "mode", "version"), ()),
    # publication: the publication's code (its id changes between offices; the code is what the API takes).
    EventAction.ADOPTION_WITHDRAWN: (("adoption", "publication", "version"), ()),
    EventAction.ARCHIVED: (("version",), ()),
    EventAction.RETURNED: (("version",), ()),
    EventAction.RESUBMITTED: (("version",), ()),
    # routes: every office the same forward went to, so one notice can name them all.
    EventAction.FORWARDED: (("from", "to", "version", "other_route", "routes"), ()),
    EventAction.ASSIGNED: (("assignee",), ("previous",)),
    EventAction.RELEASED: ((), ("previous",)),
    EventAction.LOCK_BROKEN: (("holder", "since"), ()),
}

# Each office sees only its own route of a forward; the notice to the originating unit names them all.
PRIVATE_DATA = {EventAction.FORWARDED: ("routes",)}

for _action, (_required, _optional) in REPORT_EVENT_DATA.items():
    events.declare(f"report.{_action}", EventAction(_action).label, required=_required, optional=_optional,
                   timeline=_timeline, private=PRIVATE_DATA.get(_action, ()))

# The screening deadline (reports.reminders): the morning of the due day, and the next morning if the
# item is still open. Recorded by the system (no actor), so audit-only: a timeline line names a person.
DEADLINE_KINDS = {
    "due_today": events.declare("report.due_today", pgettext_lazy("event", "Due today"), required=("deadline",)),
    "overdue": events.declare("report.overdue", pgettext_lazy("event", "Overdue"), required=("deadline",)),
}

# A comment is its own history line (the Comment row); its event is for the audit log and subscribers.
COMMENT_KINDS = {
    CommentAudience.INTERNAL: events.declare("comment.internal", pgettext_lazy("event", "Internal note"),
                                             required=("submission", "mentions")),
    CommentAudience.UNIT: events.declare("comment.unit", pgettext_lazy("event", "Message"),
                                         required=("submission", "mentions")),
}
