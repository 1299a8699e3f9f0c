from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportKind(models.TextChoices):
    NEWS = "news", _("News")
    RESEARCH = "research", _("Research")
    PROBLEM = "problem", _("Problem")
    COMPREHENSIVE = "comprehensive", _("Comprehensive")
    EXPERIENCE = "experience", _("Experience")
    REFERENCE = "reference", _("Reference from elsewhere")
    OPINION = "opinion", _("Public opinion")
    FEEDBACK = "feedback", _("Instruction feedback")
    EMERGENCY = "emergency", _("Emergency")


# The kinds the reports' own forms and API draft: an emergency report is drafted on its incident
# (emergencies app), which records its stage and required elements (SPEC §5).
DRAFTABLE_KINDS = [c for c in ReportKind.choices if c[0] != ReportKind.EMERGENCY]


class Urgency(models.TextChoices):
    # Sorted most urgent first by URGENCY_RANK.
    EXTRA_URGENT = "extra", _("Extra urgent")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


URGENCY_RANK = {Urgency.EXTRA_URGENT: 1, Urgency.URGENT: 2, Urgency.ROUTINE: 3}
# SPEC §5: an emergency report is on top of every inbox, above any other extra urgent item.
EMERGENCY_RANK = 0


def inbox_rank(kind: str, urgency: str) -> int:
    """Where a submitted version sorts in an inbox: emergency reports first, then by urgency."""
    if kind == ReportKind.EMERGENCY:
        return EMERGENCY_RANK
    return URGENCY_RANK.get(urgency, len(URGENCY_RANK) + 1)


def urgency_rank(field: str):
    """An expression ranking ``field`` by URGENCY_RANK, most urgent first: sorting on the codes
    themselves would be alphabetical ("extra" < "routine" < "urgent")."""
    from django.db.models import Case, IntegerField, Value, When

    return Case(*(When(**{field: code}, then=Value(rank)) for code, rank in URGENCY_RANK.items()),
                default=Value(len(URGENCY_RANK) + 1), output_field=IntegerField())


class Distribution(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    RESTRICTED = "restricted", _("Restricted to named readers")
    # SPEC §9: state secrets never enter this system; the choice exists only to refuse it clearly.
    SECRET = "secret", _("Classified (state secret)")


# What a report may carry through this system: every scope but 涉密 (SPEC §9).
REPORTABLE_DISTRIBUTIONS = [c for c in Distribution.choices if c[0] != Distribution.SECRET]


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_SIGNOFF = "pending", _("Awaiting sign-off")
    SIGNED = "signed", _("Signed")
    SUBMITTED = "submitted", _("Submitted")


class SubmissionState(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting screening")
    ADOPTED = "adopted", _("Adopted")
    ARCHIVED = "archived", _("Kept for reference")
    RETURNED = "returned", _("Returned")
    # "Adopted and forwarded" is not a state: it is an adopted submission with forwards
    # (Submission.is_forwarded), so readers never test two states for one fact.


class CommentAudience(models.TextChoices):
    INTERNAL = "internal", _("Internal note (our office only)")
    UNIT = "unit", _("Message to the reporting unit")


class AdoptionMode(models.TextChoices):
    AS_IS = "as_is", pgettext_lazy("adoption mode", "As is")
    EDITED = "edited", pgettext_lazy("adoption mode", "Edited")
    MERGED = "merged", pgettext_lazy("adoption mode", "Merged")


class EventAction(models.TextChoices):
    CREATED = "created", pgettext_lazy("event", "Drafted")
    IMPORTED = "imported", pgettext_lazy("event", "Imported from Word")
    EDITED = "edited", pgettext_lazy("event", "Edited")
    ATTACHMENT_ADDED = "attachment_added", pgettext_lazy("event", "Attachment added")
    ATTACHMENT_REMOVED = "attachment_removed", pgettext_lazy("event", "Attachment removed")
    SIGNOFF_REQUESTED = "signoff_requested", pgettext_lazy("event", "Sent for sign-off")
    SIGNED = "signed", pgettext_lazy("event", "Signed off")
    SENT_BACK = "sent_back", pgettext_lazy("event", "Sent back by signer")
    NEW_VERSION = "new_version", pgettext_lazy("event", "New version started")
    SUBMITTED = "submitted", pgettext_lazy("event", "Submitted")
    ADOPTED = "adopted", pgettext_lazy("event", "Adopted")
    ARCHIVED = "archived", pgettext_lazy("event", "Kept for reference")
    RETURNED = "returned", pgettext_lazy("event", "Returned")
    RESUBMITTED = "resubmitted", pgettext_lazy("event", "Resubmitted")
    FORWARDED = "forwarded", pgettext_lazy("event", "Forwarded")
    ADOPTION_WITHDRAWN = "adoption_withdrawn", pgettext_lazy("event", "Adoption withdrawn")
    ASSIGNED = "assigned", pgettext_lazy("event", "Assigned")
    RELEASED = "released", pgettext_lazy("event", "Assignment released")
    LOCK_BROKEN = "lock_broken", pgettext_lazy("event", "Edit lock broken")


# The allowed transitions, in one place (STYLE: a small table next to the state field).
REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    "request_signoff": frozenset({ReportState.DRAFT}),
    "sign_off": frozenset({ReportState.DRAFT, ReportState.PENDING_SIGNOFF}),
    "send_back": frozenset({ReportState.PENDING_SIGNOFF}),
    "edit": frozenset({ReportState.DRAFT, ReportState.PENDING_SIGNOFF}),
    "new_version": frozenset({ReportState.SIGNED, ReportState.SUBMITTED}),
    "submit": frozenset({ReportState.SIGNED, ReportState.SUBMITTED}),
}

SUBMISSION_TRANSITIONS: dict[str, frozenset[str]] = {
    "adopt": frozenset({SubmissionState.SUBMITTED}),
    "archive": frozenset({SubmissionState.SUBMITTED}),
    "return": frozenset({SubmissionState.SUBMITTED}),
    "forward": frozenset({SubmissionState.ADOPTED}),
    "withdraw_adoption": frozenset({SubmissionState.ADOPTED}),
    "resubmit": frozenset({SubmissionState.RETURNED}),
    "assign": frozenset({SubmissionState.SUBMITTED}),
}


class Queue(models.TextChoices):
    """The editor's work queues on the inbox."""

    NEW = "new", pgettext_lazy("queue", "New")
    MINE = "mine", pgettext_lazy("queue", "Assigned to me")
    UNASSIGNED = "unassigned", pgettext_lazy("queue", "Unassigned")
    WAITING = "waiting", pgettext_lazy("queue", "Waiting for the unit")
    OVERDUE = "overdue", pgettext_lazy("queue", "Overdue")
