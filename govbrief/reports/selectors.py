"""Reads. Every list of reports or submissions a user sees comes through the visibility rules
(reports/visibility.py, via ``objects.restrict(user)``); views never filter for access themselves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models import CharField, DateTimeField, IntegerField

from govbrief.core.columns import every, under
from govbrief.core.counts import count_all, row_flag
from govbrief.orgs.models import PERSON_COLUMNS, UNIT_COLUMNS, User
from govbrief.orgs.selectors import attach_units

from .choices import Queue, ReportState, SubmissionState, urgency_rank
from .compare import VersionComparison, compare_versions
from .models import Adoption, Attachment, Comment, Report, ReportEvent, ReportVersion, SavedFilter, Submission, SubmissionRead

# What a row shows of the publication an adoption names.
PUBLICATION_COLUMNS = ("id", "office_id", "code", "name")


def reports_visible_to(*, user, **scope) -> QuerySet[Report]:
    """``scope`` (e.g. ``unit_id=``) lets the rule drop branches a narrowed list cannot need."""
    return Report.objects.restrict(user, **scope)


def submissions_visible_to(*, user, **scope) -> QuerySet[Submission]:
    """``scope`` (e.g. ``to_unit_id=``) lets the rule drop branches a narrowed list cannot need."""
    return Submission.objects.restrict(user, **scope)


def versions_visible_to(*, user, report: Report | None = None) -> QuerySet[ReportVersion]:
    """The one answer to "which texts may this person read" (SPEC §9)."""
    if report is None:
        return ReportVersion.objects.restrict(user)
    return ReportVersion.objects.restrict(user, report_id=report.pk).filter(report=report)


def comments_visible_to(*, user) -> QuerySet[Comment]:
    return Comment.objects.restrict(user)


def with_forwarded(qs: QuerySet[Submission]) -> QuerySet[Submission]:
    """``has_forwards`` for Submission.is_forwarded, so a list costs no query per row."""
    return qs.annotate(has_forwards=row_flag(Submission.objects.filter(parent=OuterRef("pk"))))


def _people(*prefixes: str) -> tuple[str, ...]:
    return tuple(column for prefix in prefixes for column in under(prefix, PERSON_COLUMNS))


def _units(*prefixes: str) -> tuple[str, ...]:
    return tuple(column for prefix in prefixes for column in under(prefix, UNIT_COLUMNS))


# A report's page: the report, its unit and author, the current text and who signed it.
_REPORT_PAGE_COLUMNS = (
    *every(Report), *_units("unit__"), *_people("author__", "current_version__signed_by__"),
    *every(ReportVersion, prefix="current_version__"),
)


def report_get(*, user, pk: int) -> Report:
    return reports_visible_to(user=user).select_related(
        "unit", "author", "current_version", "current_version__signed_by"
    ).only(*_REPORT_PAGE_COLUMNS).get(pk=pk)


# A submission's page: the item, its report and text in full, the people and units it names.
_SUBMISSION_PAGE_COLUMNS = (
    *every(Submission), *every(Report, prefix="report__"), *every(ReportVersion, prefix="version__"),
    *every(Adoption, prefix="adoption__"), *under("adoption__publication__", PUBLICATION_COLUMNS),
    *_units("report__unit__", "origin_unit__", "from_unit__", "to_unit__"),
    *_people("report__author__", "version__signed_by__", "submitted_by__", "decided_by__", "assignee__",
             "adoption__adopted_by__"),
)


def submission_get(*, user, pk: int) -> Submission:
    """One submission with what its page shows, and ``is_read`` for this user (so opening it again
    writes nothing: services.submission_mark_opened)."""
    read_by_me = SubmissionRead.objects.filter(submission=OuterRef("pk"), user_id=user.pk)
    sub = with_forwarded(submissions_visible_to(user=user)).annotate(is_read=row_flag(read_by_me)).select_related(
        "report", "report__unit", "report__author", "origin_unit", "version", "version__signed_by", "from_unit",
        "to_unit", "submitted_by", "decided_by", "assignee", "adoption", "adoption__adopted_by",
        "adoption__publication",
    ).only(*_SUBMISSION_PAGE_COLUMNS).get(pk=pk)
    sub.is_read_for = user.pk
    return sub


INBOX_SORTS = {
    "-submitted_at": ("-submitted_at", "-id"),
    "submitted_at": ("submitted_at", "id"),
    # Open items first, the most urgent of them on top (the desk's default): the columns of the
    # index submission_inbox_order, so a page reads only its own rows whatever the office's history.
    "urgency": ("is_closed", "urgency_rank", "-submitted_at", "-id"),
    "unit": ("origin_unit__sort_order", "origin_unit_id", "-submitted_at"),
}


def overdue_cutoff_for(office) -> datetime:
    from govbrief.core.calendar import overdue_cutoff

    return overdue_cutoff(days=office.screening_days if office is not None else 1)


def queue_q(queue: str, user, cutoff) -> Q:
    """The editor's work queues (SPEC §3.4, the desk): one definition for the lists and the counts.
    "Open" is read from ``is_closed`` (state "submitted", computed by the database), the column the
    inbox's index leads with, so a queue of three items stops after the office's open items instead
    of walking its whole history."""
    open_ = Q(is_closed=0)
    return {
        Queue.NEW: open_ & Q(first_opened_at__isnull=True),
        Queue.MINE: open_ & Q(assignee_id=user.pk),
        Queue.UNASSIGNED: open_ & Q(assignee__isnull=True),
        Queue.WAITING: Q(state=SubmissionState.RETURNED),
        Queue.OVERDUE: open_ & Q(submitted_at__lt=cutoff),
    }.get(queue, Q())


def received_by_office(*, user) -> QuerySet[Submission]:
    """What the user's office received, through the visibility rule scoped to it."""
    return submissions_visible_to(user=user, to_unit_id=user.unit_id).filter(to_unit_id=user.unit_id)


def queue_querysets(*, user) -> dict[str, QuerySet[Submission]]:
    """Each work queue as a plain queryset, for counting (navigation, API) without the list's joins."""
    cutoff = overdue_cutoff_for(user.unit)
    received = received_by_office(user=user)
    return {q: received.filter(queue_q(q, user, cutoff)) for q in Queue.values}


def queue_counts(*, user) -> dict[str, int]:
    """Live counts of every queue, for the navigation and the API, in one query."""
    if not user.is_authenticated or user.unit_id is None:
        return {q: 0 for q in Queue.values}
    return count_all(queue_querysets(user=user))


# An inbox row reads only the columns a list shows, the page's and the API's (issue 14: every row
# carried the text's body, and parsing and building wide rows was a third of the list's cost).
_INBOX_COLUMNS = (
    "id", "report_id", "version_id", "from_unit_id", "to_unit_id", "parent_id", "state", "submitted_at",
    "decided_at", "return_reason", "assignee_id", "first_opened_at", "urgency_rank",
    "origin_unit_id",
    "version__id", "version__report_id", "version__number", "version__unit_id", "version__title", "version__keywords",
    "version__kind", "version__urgency", "version__distribution",
)
# The assignee comes in a second, trivial query rather than as a sixth join: PostgreSQL's planner
# took 11 ms to order seven relations against under 1 ms to run the query (issue 14). The units a
# row names come from orgs' map of units (inbox_rows).
_ASSIGNEES = Prefetch("assignee", queryset=User.objects.only(*PERSON_COLUMNS))
# The API's rows show each adoption and who adopted it: one query for both.
INBOX_ADOPTIONS = Prefetch("adoption", queryset=Adoption.objects.select_related("adopted_by", "publication").only(
    *every(Adoption), *under("adopted_by__", PERSON_COLUMNS), *under("publication__", PUBLICATION_COLUMNS)))


def inbox_for(*, user) -> QuerySet[Submission]:
    """The receiving office's inbox: submissions addressed to the user's unit, with the flags a
    list shows. Filters and sorting are reports.filters.InboxFilterSet's (pages and API alike).
    The units a row names come from orgs' map of units: a list passes its rows to inbox_rows."""
    qs = received_by_office(user=user)
    # 多头报送 (SPEC §3.5): flag an item that reached this office by more than one route.
    other_route = Submission.objects.filter(report=OuterRef("report"), to_unit=OuterRef("to_unit")).exclude(pk=OuterRef("pk"))
    read_by_me = SubmissionRead.objects.filter(submission=OuterRef("pk"), user_id=user.pk)
    qs = with_forwarded(qs).annotate(has_other_route=row_flag(other_route), is_read=row_flag(read_by_me))
    return (qs.select_related("version").prefetch_related(_ASSIGNEES)
            .only(*_INBOX_COLUMNS).order_by(*INBOX_SORTS["urgency"]))


def inbox_rows(rows: Sequence[Submission]) -> Sequence[Submission]:
    """An inbox's rows as a list shows them: each row's units (sender, writing unit, the office it
    reached) from orgs' map of units rather than two joins and two units built per row (issue 14)."""
    attach_units(rows, "from_unit", "origin_unit", "to_unit")
    return rows


SHOWN_FIELDS = ("id", "title", "number", "kind", "urgency", "distribution")
_SHOWN_OUTPUT = {"id": IntegerField(), "number": IntegerField()}


def own_reports_q(user) -> Q:
    """The reports whose working state this user sees (permissions.sees_work_in_progress)."""
    return Q(pk__isnull=False) if user.is_superuser else Q(unit_id=user.unit_id)


def annotate_shown_text(*, user, queryset: QuerySet[Report]) -> QuerySet[Report]:
    """``shown_<field>`` of the text this user reads of each report — the unit's current version
    for its own reports, for an office the newest version it may read — so lists and the API never
    show another unit's unsigned draft.

    The newest version an office may read (versions_visible_to) is always one that reached it or
    left it: the provenance it may also read is older by construction, since a derived version takes
    the next number. So the newest can be read straight from the office's own submissions, one
    indexed lookup per field, instead of embedding the recursive provenance query six times
    (test_the_shown_text_is_the_newest_version_the_rule_allows guards the equivalence)."""
    own = own_reports_q(user)
    reached = submissions_visible_to(user=user).filter(report=OuterRef("pk")).filter(
        Q(to_unit_id=user.unit_id) | Q(from_unit_id=user.unit_id))
    newest = reached.order_by("-version__number")
    qs = queryset.annotate(**{
        f"shown_{'version_id' if field == 'id' else field}": Case(
            When(own, then=F(f"current_version__{field}")),
            default=Subquery(newest.values(f"version__{field}")[:1]),
            **({"output_field": _SHOWN_OUTPUT[field]} if field in _SHOWN_OUTPUT else {}),
        )
        for field in SHOWN_FIELDS
    })
    # The state and time an office is shown: "submitted", when the newest item reached or left it;
    # never the unit's draft state or the time of its latest edit (issue 13).
    latest = reached.order_by("-submitted_at").values("submitted_at")[:1]
    qs = qs.annotate(
        shown_state=Case(When(own, then=F("state")), default=Value(ReportState.SUBMITTED.value),
                         output_field=CharField()),
        shown_updated_at=Case(When(own, then=F("updated_at")), default=Subquery(latest),
                              output_field=DateTimeField()),
    )
    return qs.annotate(urgency_rank=urgency_rank("shown_urgency"))


def own_reports(*, user) -> QuerySet[Report]:
    """The user's unit's own reports, through the visibility rule scoped to them."""
    return reports_visible_to(user=user, unit_id=user.unit_id).filter(unit_id=user.unit_id)


def _returned_submissions() -> QuerySet[Submission]:
    """A report's returned submissions (correlated with the report): "returned to us" in lists and counts."""
    return Submission.objects.filter(report=OuterRef("pk"), state=SubmissionState.RETURNED)


def _returned(qs: QuerySet[Report]) -> QuerySet[Report]:
    return qs.filter(Exists(_returned_submissions()))


def reports_of_unit(*, user, state: str = "", q: str = "", kind: str = "") -> QuerySet[Report]:
    qs = own_reports(user=user)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(current_version__kind=kind)
    if q:
        qs = qs.filter(Q(current_version__title__icontains=q) | Q(current_version__keywords__icontains=q))
    adopted = Submission.objects.filter(report=OuterRef("pk"), state=SubmissionState.ADOPTED)
    returned = _returned_submissions()
    return (
        qs.select_related("unit", "author", "current_version")
        .defer("current_version__body", "author__password")
        .annotate(adoption_count=Count("submissions__adoption", distinct=True), has_adoption=Exists(adopted), has_return=Exists(returned))
        .order_by("-updated_at", "-id")
    )


def _is_origin(user, report: Report) -> bool:
    return user.is_superuser or (user.unit_id is not None and user.unit_id == report.unit_id)


DESK_ACTIONS = ("assigned", "released", "lock_broken")

# A timeline entry names its submission's route (from → to), its actor and the actor's unit.
_ROUTE_COLUMNS = ("submission__id", "submission__from_unit_id", "submission__to_unit_id",
                  *_units("submission__from_unit__", "submission__to_unit__"))
_TIMELINE_COLUMNS = (*every(ReportEvent), *_people("actor__"), *_units("actor_unit__"), *_ROUTE_COLUMNS)
_COMMENT_COLUMNS = (*every(Comment), *_people("author__"), *_units("author_unit__"), *_ROUTE_COLUMNS)


def report_timeline(*, user, report: Report) -> QuerySet[ReportEvent]:
    """The originating unit sees its report's whole history; an office sees the events of the
    submissions it may see — not the unit's internal drafting and sign-off comments."""
    events = report.events.select_related(
        "actor", "actor_unit", "submission__to_unit", "submission__from_unit",
    ).only(*_TIMELINE_COLUMNS)
    if not _is_origin(user, report):
        events = events.filter(submission__in=submissions_visible_to(user=user).filter(report=report))
    if user.is_superuser:
        return events
    # Who on an office's desk works on an item is that office's business, not the sender's; a lock
    # broken on the unit's own draft (no submission) is the unit's.
    return events.exclude(Q(action__in=DESK_ACTIONS, submission__isnull=False) & ~Q(submission__to_unit_id=user.unit_id))


def attachment_get(*, user, pk: int) -> Attachment:
    """An attachment, reached only through a version this user may read."""
    return Attachment.objects.restrict(user).select_related("version__report").get(pk=pk)


def report_versions_visible_to(*, user, report: Report) -> list[ReportVersion]:
    return list(versions_visible_to(user=user, report=report)
                .select_related("unit", "signed_by", "created_by", "derived_from").prefetch_related("attachments")
                .order_by("number"))


def report_text_for(*, user, report: Report, versions: list[ReportVersion] | None = None) -> ReportVersion | None:
    """The text to show this user: the current one to its own unit, otherwise the newest version
    the user may read (never the unit's unsigned revision). A caller that already holds
    report_versions_visible_to passes it as ``versions`` instead of reading them again."""
    if _is_origin(user, report):
        return report.current_version
    visible = versions if versions is not None else report_versions_visible_to(user=user, report=report)
    return visible[-1] if visible else None


# The path up the levels: each step's route, state, text number and adoption.
_LINEAGE_COLUMNS = (
    *every(Submission), *_units("from_unit__", "to_unit__"), *every(Adoption, prefix="adoption__"),
    *under("adoption__publication__", PUBLICATION_COLUMNS), *_people("decided_by__"),
    *under("version__", ("id", "report_id", "number", "unit_id", "derived_from_id", "title", "kind", "urgency",
                         "distribution", "signed_at", "content_hash")),
)


def report_submissions(*, user, report: Report) -> list[Submission]:
    return list(
        with_forwarded(submissions_visible_to(user=user))
        .filter(report=report)
        .select_related("from_unit", "to_unit", "version", "adoption", "adoption__publication", "decided_by")
        .only(*_LINEAGE_COLUMNS)
        .order_by("submitted_at", "id")
    )


# How long a rendered history (the path up the levels and the timeline) is kept. Its key changes with
# every event and comment, so this only bounds how long a renamed person or unit keeps the old name
# there.
HISTORY_CACHE_SECONDS = 300


def report_history_stamp(*, report: Report) -> str:
    """A value that changes whenever the report's path or timeline changes, the key of its rendered
    history (issue 14: reading and rendering both cost a detail page 7-8 ms of its ~20). The rows
    only ever grow: every change to a submission (sent, screened, adopted, forwarded, returned,
    assigned) records a timeline event in the same transaction (the event layer), and comments are
    never edited or removed. So the newest event and the newest comment say it all, in one query."""
    newest_event = ReportEvent.objects.filter(report=OuterRef("pk")).order_by("-id").values("id")[:1]
    newest_comment = Comment.objects.filter(submission__report=OuterRef("pk")).order_by("-id").values("id")[:1]
    event_id, comment_id = Report.objects.filter(pk=report.pk).values_list(
        Subquery(newest_event), Subquery(newest_comment)).get()
    return f"{event_id or 0}.{comment_id or 0}"


def report_lineage(*, user, report: Report) -> list[tuple[Submission, int]]:
    """The path the report took up the levels, as (submission, depth) depth-first, among the
    submissions this user may see."""
    subs = report_submissions(user=user, report=report)
    # The office that edited a version is one of the path's units, already loaded: name it from
    # them instead of a query per step (issue 14).
    units = {unit.pk: unit for sub in subs for unit in (sub.from_unit, sub.to_unit)}
    for sub in subs:
        if sub.version.unit_id in units:
            ReportVersion.unit.field.set_cached_value(sub.version, units[sub.version.unit_id])
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


def reports_returned_to_unit(*, user) -> QuerySet[Report]:
    """"Returned to us": the unit's reports with a returned submission — what the report list shows
    for ``?returned=1``. The desk's figure, its card and that page read this one query, so the
    figure is always the length of the list it links to (issue 13: the desk said 7, the card
    showed 6 and the page another number)."""
    return reports_of_unit(user=user).filter(has_return=True)


def my_drafts(*, user) -> QuerySet[Report]:
    return reports_of_unit(user=user, state=ReportState.DRAFT).filter(author=user)


def navigation_querysets(*, user) -> dict[str, QuerySet]:
    """The to-do numbers on the desk and in the navigation, as querysets to count together
    (core.counts: the whole navigation is one query). Each is the list its desk card shows and its
    figure links to, without the list's annotations: the report list filtered by state,
    ``?returned=1`` (reports_returned_to_unit), the inbox's open items and its queues. Only the
    figures of the person's roles are asked for; the others are 0 (dashboard_counts)."""
    from govbrief.orgs.choices import DRAFTING_ROLES, SCREENING_ROLES, SIGNING_ROLES

    if not user.is_authenticated or user.unit_id is None:
        return {}
    wanted: dict[str, QuerySet] = {}
    own = own_reports(user=user)
    if user.has_role(*DRAFTING_ROLES):
        wanted.update(drafts=own.filter(state=ReportState.DRAFT, author_id=user.pk),
                      signed_unsubmitted=own.filter(state=ReportState.SIGNED), returned=_returned(own))
    if user.has_role(*SIGNING_ROLES):
        wanted["pending_signoff"] = own.filter(state=ReportState.PENDING_SIGNOFF)
    if user.has_role(*SCREENING_ROLES):
        wanted["inbox_new"] = received_by_office(user=user).filter(is_closed=0)  # open: state "submitted"
        wanted.update({f"queue_{q}": qs for q, qs in queue_querysets(user=user).items()})
    return wanted


DASHBOARD_FIGURES = ("drafts", "pending_signoff", "returned", "inbox_new", "signed_unsubmitted")


def dashboard_figures(counted: dict[str, int]) -> dict[str, int]:
    """Counts of navigation_querysets with the figures a person's roles did not ask for as 0."""
    return {name: 0 for name in DASHBOARD_FIGURES} | {f"queue_{q}": 0 for q in Queue.values} | counted


def dashboard_counts(*, user) -> dict[str, int]:
    """Every figure of navigation_querysets, counted in one query; the queues as ``queue_<name>``."""
    return dashboard_figures(count_all(navigation_querysets(user=user)))


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


# Event data keys that hold a person's id, shown by name on the timeline.
_PERSON_KEYS = ("assignee", "previous", "holder")


def report_history(*, user, report: Report) -> list:
    """The timeline as a page shows it: the events this user may see, and the comments this
    user may read, in order. People named in event data by id are shown by name."""
    events = list(report_timeline(user=user, report=report))
    comments = list(
        comments_visible_to(user=user).filter(submission__report=report)
        .select_related("author", "author_unit", "submission__to_unit", "submission__from_unit")
        .only(*_COMMENT_COLUMNS)
    )
    ids = {e.data.get(k) for e in events for k in _PERSON_KEYS if isinstance(e.data.get(k), int)}
    names = {u.pk: u.get_full_name() for u in User.objects.filter(pk__in=ids).only(*PERSON_COLUMNS)} if ids else {}
    for e in events:
        e.people = {k: names.get(e.data.get(k), "") for k in _PERSON_KEYS if e.data.get(k)}
    for c in comments:
        c.is_comment = True
    return sorted([*events, *comments], key=lambda e: (e.created_at, e.pk))


@dataclass(frozen=True)
class Rewrite:
    """An office's edited version next to the unit's signed text it derives from."""

    base: ReportVersion
    version: ReportVersion
    comparison: VersionComparison


def report_rewrites(*, user, report: Report) -> list[Rewrite]:
    """How each office rewrote the report (SPEC §3.5: the lineage of edited versions), among the
    versions this user may read: each office version against the unit's own signed text it was
    derived from, so an informant sees what the offices above changed."""
    versions = report_versions_visible_to(user=user, report=report)
    by_id = {v.pk: v for v in versions}
    rewrites = []
    for version in versions:
        if version.unit_id == report.unit_id:
            continue
        base = by_id.get(version.derived_from_id)
        while base is not None and base.unit_id != report.unit_id:
            base = by_id.get(base.derived_from_id)
        if base is not None:
            rewrites.append(Rewrite(base, version, compare_versions(base, version)))
    return rewrites


def versions_compare(*, user, first: int, second: int) -> tuple[ReportVersion, ReportVersion, VersionComparison]:
    """Any two texts this user may read, compared (the near-duplicate check compares two units'
    reports the same way). Raises ReportVersion.DoesNotExist for a text the user may not read."""
    found = versions_visible_to(user=user).select_related("unit", "report").in_bulk([first, second])
    if first not in found or second not in found:
        raise ReportVersion.DoesNotExist
    return found[first], found[second], compare_versions(found[first], found[second])


def saved_filters_for(*, user) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(user=user)
