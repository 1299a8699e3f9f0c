"""Reads. Every list of reports or submissions a user sees comes through the visibility
selectors here (SPEC §9); views never filter for access themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from .choices import CommentAudience, Queue, ReportState, SubmissionState
from .models import Comment, Report, ReportEvent, ReportVersion, SavedFilter, Submission, SubmissionRead


def reports_visible_to(*, user) -> QuerySet[Report]:
    """A unit sees its own reports and those submitted to it, or sent on by it (forwarded through it)."""
    if not user.is_authenticated:
        return Report.objects.none()
    if user.is_superuser:
        return Report.objects.all()
    if user.unit_id is None:
        return Report.objects.none()
    routed = Submission.objects.filter(report=OuterRef("pk")).filter(
        Q(to_unit_id=user.unit_id) | Q(from_unit_id=user.unit_id)
    )
    return Report.objects.filter(Q(unit_id=user.unit_id) | Exists(routed))


def submissions_visible_to(*, user) -> QuerySet[Submission]:
    """The originating unit sees every submission of its report, wherever up the chain it went;
    any other unit sees the submissions it sent or received."""
    if not user.is_authenticated:
        return Submission.objects.none()
    if user.is_superuser:
        return Submission.objects.all()
    if user.unit_id is None:
        return Submission.objects.none()
    return Submission.objects.filter(
        Q(report__unit_id=user.unit_id) | Q(to_unit_id=user.unit_id) | Q(from_unit_id=user.unit_id)
    )


def report_get(*, user, pk: int) -> Report:
    return reports_visible_to(user=user).select_related(
        "unit", "author", "current_version", "current_version__signed_by"
    ).get(pk=pk)


def submission_get(*, user, pk: int) -> Submission:
    return submissions_visible_to(user=user).select_related(
        "report", "report__unit", "report__author", "version", "version__signed_by", "from_unit", "to_unit",
        "submitted_by", "decided_by", "adoption", "adoption__adopted_by", "parent",
    ).get(pk=pk)


@dataclass
class InboxFilters:
    queue: str = ""
    unit: int | None = None
    kind: str = ""
    state: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    sort: str = "urgency"


INBOX_SORTS = {
    "-submitted_at": ("-submitted_at", "-id"),
    "submitted_at": ("submitted_at", "id"),
    # Open items first, the most urgent of them on top (the desk's default).
    "urgency": ("is_closed", "urgency_rank", "-submitted_at", "-id"),
    "unit": ("report__unit__sort_order", "report__unit_id", "-submitted_at"),
}


def _with_list_relations(qs: QuerySet[Submission]) -> QuerySet[Submission]:
    return qs.select_related("report", "report__unit", "version", "from_unit", "to_unit", "assignee")


def overdue_cutoff_for(office) -> datetime:
    from govbrief.core.calendar import overdue_cutoff

    return overdue_cutoff(days=office.screening_days if office is not None else 1)


def _queue_q(queue: str, user, cutoff) -> Q:
    """The editor's work queues (SPEC §3.4, the desk): one definition for the lists and the counts."""
    open_ = Q(state=SubmissionState.SUBMITTED)
    return {
        Queue.NEW: open_ & Q(first_opened_at__isnull=True),
        Queue.MINE: open_ & Q(assignee_id=user.pk),
        Queue.UNASSIGNED: open_ & Q(assignee__isnull=True),
        Queue.WAITING: Q(state=SubmissionState.RETURNED),
        Queue.OVERDUE: open_ & Q(submitted_at__lt=cutoff),
    }.get(queue, Q())


def queue_counts(*, user) -> dict[str, int]:
    """Live counts of every queue, for the navigation, in one query."""
    if not user.is_authenticated or user.unit_id is None:
        return {q: 0 for q in Queue.values}
    cutoff = overdue_cutoff_for(user.unit)
    qs = submissions_visible_to(user=user).filter(to_unit_id=user.unit_id)
    return qs.aggregate(**{q: Count("pk", filter=_queue_q(q, user, cutoff)) for q in Queue.values})


def inbox_for(*, user, filters: InboxFilters | None = None) -> QuerySet[Submission]:
    """The receiving office's inbox: submissions addressed to the user's unit."""
    from django.db.models import Case, IntegerField, Value, When

    filters = filters or InboxFilters()
    qs = submissions_visible_to(user=user).filter(to_unit_id=user.unit_id)
    cutoff = overdue_cutoff_for(user.unit) if user.unit_id else None
    if filters.queue:
        qs = qs.filter(_queue_q(filters.queue, user, cutoff))
    if filters.unit:
        qs = qs.filter(Q(from_unit_id=filters.unit) | Q(report__unit_id=filters.unit))
    if filters.kind:
        qs = qs.filter(version__kind=filters.kind)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.date_from:
        qs = qs.filter(submitted_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(submitted_at__date__lte=filters.date_to)
    if filters.q:
        qs = qs.filter(Q(version__title__icontains=filters.q) | Q(version__keywords__icontains=filters.q))
    # 多头报送 (SPEC §3.5): flag an item that reached this office by more than one route.
    other_route = Submission.objects.filter(report=OuterRef("report"), to_unit=OuterRef("to_unit")).exclude(pk=OuterRef("pk"))
    read_by_me = SubmissionRead.objects.filter(submission=OuterRef("pk"), user_id=user.pk)
    qs = qs.annotate(
        has_other_route=Exists(other_route),
        is_read=Exists(read_by_me),
        is_closed=Case(When(state=SubmissionState.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField()),
        urgency_rank=Case(
            When(version__urgency="extra", then=Value(0)),
            When(version__urgency="urgent", then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    )
    return _with_list_relations(qs).order_by(*INBOX_SORTS.get(filters.sort, INBOX_SORTS["-submitted_at"]))


def reports_of_unit(*, user, state: str = "", q: str = "", kind: str = "") -> QuerySet[Report]:
    qs = reports_visible_to(user=user).filter(unit_id=user.unit_id)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(current_version__title__icontains=q) | Q(current_version__keywords__icontains=q))
    adopted = Submission.objects.filter(report=OuterRef("pk"), state__in=[SubmissionState.ADOPTED, SubmissionState.FORWARDED])
    returned = Submission.objects.filter(report=OuterRef("pk"), state=SubmissionState.RETURNED)
    return (
        qs.select_related("unit", "author", "current_version")
        .annotate(adoption_count=Count("submissions__adoption", distinct=True), has_adoption=Exists(adopted), has_return=Exists(returned))
        .order_by("-updated_at", "-id")
    )


def _is_origin(user, report: Report) -> bool:
    return user.is_superuser or (user.unit_id is not None and user.unit_id == report.unit_id)


def report_timeline(*, user, report: Report) -> QuerySet[ReportEvent]:
    """The originating unit sees its report's whole history; an office sees the events of the
    submissions it may see — not the unit's internal drafting and sign-off comments."""
    events = report.events.select_related("actor", "actor_unit", "submission__to_unit", "submission__from_unit")
    if not _is_origin(user, report):
        events = events.filter(submission__in=submissions_visible_to(user=user).filter(report=report))
    if user.is_superuser:
        return events
    # Who on an office's desk works on an item is that office's business, not the sender's.
    return events.exclude(Q(action__in=DESK_ACTIONS) & ~Q(submission__to_unit_id=user.unit_id))


DESK_ACTIONS = ("assigned", "released", "lock_broken")


def attachment_get(*, user, pk: int):
    """An attachment, reached only through a version this user may see."""
    from .models import Attachment

    attachment = Attachment.objects.select_related("version__report").filter(pk=pk).first()
    if attachment is None:
        raise Attachment.DoesNotExist
    report = reports_visible_to(user=user).filter(pk=attachment.version.report_id).first()
    if report is None or attachment.version_id not in {v.pk for v in report_versions_visible_to(user=user, report=report)}:
        raise Attachment.DoesNotExist
    return attachment


def annotate_shown_text(*, user, queryset: QuerySet[Report]) -> QuerySet[Report]:
    """``shown_title`` and ``shown_version``: the unit's current text for its own reports, and for
    an office the newest version that reached it — never another unit's unsigned draft."""
    from django.db.models import Case, F, Subquery, When

    reached = (
        submissions_visible_to(user=user).filter(report=OuterRef("pk")).order_by("-version__number")
    )
    own = Q(unit_id=user.unit_id) if not user.is_superuser else Q(pk__isnull=False)
    return queryset.annotate(
        shown_title=Case(When(own, then=F("current_version__title")),
                         default=Subquery(reached.values("version__title")[:1])),
        shown_version=Case(When(own, then=F("current_version__number")),
                           default=Subquery(reached.values("version__number")[:1])),
    )


def report_versions_visible_to(*, user, report: Report) -> list[ReportVersion]:
    """The originating unit sees every version, drafts included; an office sees the versions that
    were sent along routes it may see and the signed texts they derive from (the provenance)."""
    versions = list(report.versions.select_related("unit", "signed_by", "created_by", "derived_from")
                    .prefetch_related("attachments"))
    if _is_origin(user, report):
        return versions
    by_id = {v.pk: v for v in versions}
    wanted: set[int] = set()
    for version_id in submissions_visible_to(user=user).filter(report=report).values_list("version_id", flat=True):
        while version_id is not None and version_id not in wanted:
            wanted.add(version_id)
            version_id = by_id[version_id].derived_from_id
    return [v for v in versions if v.pk in wanted]


def report_text_for(*, user, report: Report) -> ReportVersion | None:
    """The text to show this user: the current one to its own unit, otherwise the newest version
    that reached the user's unit (never the unit's unsigned revision)."""
    if _is_origin(user, report):
        return report.current_version
    visible = report_versions_visible_to(user=user, report=report)
    return visible[-1] if visible else None


def report_submissions(*, user, report: Report) -> list[Submission]:
    return list(
        submissions_visible_to(user=user)
        .filter(report=report)
        .select_related("from_unit", "to_unit", "version", "adoption", "decided_by")
        .order_by("submitted_at", "id")
    )


def report_lineage(*, user, report: Report) -> list[tuple[Submission, int]]:
    """The path the report took up the levels, as (submission, depth) depth-first, among the
    submissions this user may see."""
    subs = report_submissions(user=user, report=report)
    by_parent: dict[int | None, list[Submission]] = {}
    visible_ids = {s.pk for s in subs}
    for s in subs:
        parent = s.parent_id if s.parent_id in visible_ids else None
        by_parent.setdefault(parent, []).append(s)
    out: list[tuple[Submission, int]] = []

    def walk(parent, depth):
        for s in by_parent.get(parent, []):
            out.append((s, depth))
            walk(s.pk, depth + 1)

    walk(None, 0)
    return out


def dashboard_counts(*, user) -> dict[str, int]:
    """The to-do numbers on the dashboard and in the navigation."""
    from govbrief.orgs.choices import DRAFTING_ROLES, SCREENING_ROLES, SIGNING_ROLES

    counts = {"drafts": 0, "pending_signoff": 0, "returned": 0, "inbox_new": 0, "signed_unsubmitted": 0}
    if not user.is_authenticated or user.unit_id is None:
        return counts
    own = Report.objects.filter(unit_id=user.unit_id)
    if user.has_role(*DRAFTING_ROLES):
        counts["drafts"] = own.filter(state=ReportState.DRAFT, author=user).count()
        counts["returned"] = Submission.objects.filter(from_unit_id=user.unit_id, state=SubmissionState.RETURNED).count()
        counts["signed_unsubmitted"] = own.filter(state=ReportState.SIGNED).count()
    if user.has_role(*SIGNING_ROLES):
        counts["pending_signoff"] = own.filter(state=ReportState.PENDING_SIGNOFF).count()
    if user.has_role(*SCREENING_ROLES):
        counts["inbox_new"] = Submission.objects.filter(to_unit_id=user.unit_id, state=SubmissionState.SUBMITTED).count()
    return counts


def annotate_due(*, submissions, office) -> None:
    """Set ``due_date``, ``is_overdue`` and ``is_due_today`` on the open items of a page (one
    calendar query for the whole page): reminders before the deadline, flags after it."""
    from django.utils import timezone

    from govbrief.core.calendar import WorkCalendar

    items = list(submissions)
    if not items or office is None:
        return
    today = timezone.localdate()
    dates = [timezone.localtime(s.submitted_at).date() for s in items]
    calendar = WorkCalendar(min(dates), max(max(dates), today))
    for sub, arrived in zip(items, dates):
        sub.due_date = calendar.add_working_days(arrived, office.screening_days)
        is_open = sub.state == SubmissionState.SUBMITTED
        sub.is_overdue = is_open and sub.due_date < today
        sub.is_due_today = is_open and sub.due_date == today


def comments_visible_to(*, user) -> QuerySet[Comment]:
    """Internal notes only ever reach the receiving office's staff; messages reach both ends."""
    if not user.is_authenticated or user.unit_id is None:
        return Comment.objects.none()
    unit = user.unit_id
    return Comment.objects.filter(
        Q(audience=CommentAudience.INTERNAL, submission__to_unit_id=unit)
        | Q(audience=CommentAudience.UNIT) & (Q(submission__to_unit_id=unit) | Q(submission__from_unit_id=unit))
    )


def report_history(*, user, report: Report) -> list:
    """The timeline as a page shows it: the events this user may see, and the comments this
    user may read, in order."""
    events = list(report_timeline(user=user, report=report))
    comments = list(
        comments_visible_to(user=user).filter(submission__report=report)
        .select_related("author", "author_unit", "submission__to_unit", "submission__from_unit")
    )
    for c in comments:
        c.is_comment = True
    return sorted([*events, *comments], key=lambda e: (e.created_at, e.pk))


def saved_filters_for(*, user) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(user=user)
