"""Reads of the bulletins. Every list goes through the visibility rules (bulletins/visibility.py):
no page or endpoint filters for access itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet

from govbrief.orgs.choices import Role
from govbrief.orgs.models import User
from govbrief.reports.choices import SubmissionState
from govbrief.reports.models import Adoption, Report
from govbrief.reports.selectors import submissions_visible_to

from . import permissions
from .choices import IssueState
from .models import Attention, Issue, Item, ItemSource, Publication, ReadReceipt


def publications_visible_to(*, user) -> QuerySet[Publication]:
    return Publication.objects.restrict(user).select_related("office")


def issues_visible_to(*, user) -> QuerySet[Issue]:
    return Issue.objects.restrict(user)


def issue_list(*, user, publication: int | None = None, state: str = "", year: int | None = None) -> QuerySet[Issue]:
    qs = issues_visible_to(user=user).select_related("publication", "publication__office").annotate(
        item_count=Count("items", distinct=True))
    if publication:
        qs = qs.filter(publication_id=publication)
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-published_at", "-updated_at", "-id")


def _items_prefetch(user) -> Prefetch:
    return Prefetch("items", queryset=Item.objects.order_by("position", "id").select_related("version").prefetch_related(
        Prefetch("sources", queryset=ItemSource.objects.select_related("unit", "adoption__submission"))))


def issue_get(*, user, pk: int) -> Issue:
    return issues_visible_to(user=user).select_related(
        "publication", "publication__office", "created_by", "sent_by", "approved_by", "published_by", "withdrawn_by",
    ).prefetch_related(_items_prefetch(user)).get(pk=pk)


def item_get(*, user, pk: int) -> Item:
    return Item.objects.restrict(user).select_related("issue", "issue__publication", "version").get(pk=pk)


def adoptions_to_compose(*, user, issue: Issue, query: str = "", limit: int = 50) -> list[Adoption]:
    """The office's standing adoptions not yet in this issue, newest first: what the composing page
    offers to add or merge. Those for this publication come first."""
    subs = submissions_visible_to(user=user, to_unit_id=issue.publication.office_id).filter(
        to_unit_id=issue.publication.office_id, state=SubmissionState.ADOPTED)
    qs = Adoption.objects.filter(submission__in=subs.values("pk")).exclude(
        bulletin_sources__item__issue=issue).select_related(
        "publication", "submission", "submission__version", "submission__origin_unit")
    if query:
        qs = qs.filter(Q(submission__version__title__icontains=query) | Q(submission__origin_unit__name__icontains=query))
    rows = list(qs.order_by("-adopted_at", "-id")[:limit])
    rows.sort(key=lambda a: a.publication_id != issue.publication_id)
    return rows


def adoptions_by_ids(*, user, issue: Issue, ids) -> list[Adoption]:
    subs = submissions_visible_to(user=user, to_unit_id=issue.publication.office_id)
    found = {a.pk: a for a in Adoption.objects.filter(pk__in=list(ids), submission__in=subs.values("pk")).select_related(
        "submission__version", "submission__origin_unit")}
    return [found[pk] for pk in ids if pk in found]


@dataclass(frozen=True)
class Publishing:
    """Where a report was published: one line of its report page."""

    publication: str
    issue_label: str
    issued_on: object
    item_title: str
    composite: bool
    office: str
    issue_id: int
    readable: bool
    state: str


def _printed(report_id: int) -> bool:
    """Whether any bulletin item credits the report: one index probe, in plain SQL because every report
    and submission page asks it and building the ORM query cost more than running it (issue 14)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {ItemSource._meta.db_table} WHERE report_id = %s LIMIT 1", [report_id])
        return cursor.fetchone() is not None


def report_publishing(*, user, report: Report) -> list[Publishing]:
    """The bulletins that printed the report (its own or a composite it went into): the published issues
    the user may read, those crediting the user's unit (the credited unit sees where its report went),
    and to the office's editors their issues in every state.

    Read as plain rows and checked here rather than through the visibility rules' nested subqueries:
    every report page asks this, and most reports were never printed (one indexed query then)."""
    if not _printed(report.pk):
        return []
    sources = list(ItemSource.objects.filter(report_id=report.pk).select_related(
        "item", "item__issue", "item__issue__publication", "item__issue__publication__office")
        .order_by("item__issue__published_at", "item_id"))
    issue_ids = {s.item.issue_id for s in sources}
    readable = set(issues_visible_to(user=user).filter(pk__in=issue_ids).values_list("pk", flat=True))
    editor = permissions.may_edit_bulletins(user)
    rows, seen = [], set()
    for source in sources:
        issue = source.item.issue
        own_office = editor and issue.publication.office_id == user.unit_id
        credited = issue.state == IssueState.PUBLISHED and source.unit_id == user.unit_id
        if not (issue.pk in readable or own_office or credited) or (issue.pk, source.item_id) in seen:
            continue
        seen.add((issue.pk, source.item_id))
        rows.append(Publishing(publication=str(issue.publication), issue_label=issue.number_label,
                               issued_on=issue.issued_on, item_title=source.item.title,
                               composite=source.item.is_composite, office=issue.publication.office.name,
                               issue_id=issue.pk, readable=issue.pk in readable, state=issue.get_state_display()))
    return rows


@dataclass
class ReceiptRow:
    reader: User
    unit_name: str
    first_read_at: datetime | None
    times: int


def unit_readers(*, issue: Issue) -> QuerySet[User]:
    """The people a distribution reaches through the units it names: their leaders and heads."""
    return User.objects.filter(unit__in=issue.reader_units.all(), is_active=True,
                               role_assignments__role__in=permissions.READING_ROLES).distinct()


def issue_receipts(*, issue: Issue) -> list[ReceiptRow]:
    """阅读回执 for the office: every reader the distribution names (people, and the leaders and heads
    of the units it names), read or not, and anyone else who read it."""
    receipts = {r.reader_id: r for r in ReadReceipt.objects.filter(issue=issue).select_related("reader__unit")}
    named = list(issue.readers.select_related("unit"))
    unit_people = unit_readers(issue=issue).select_related("unit")
    people = {u.pk: u for u in [*named, *unit_people]}
    for receipt in receipts.values():
        people.setdefault(receipt.reader_id, receipt.reader)
    rows = [ReceiptRow(reader=u, unit_name=u.unit.name if u.unit_id else "",
                       first_read_at=receipts[u.pk].first_read_at if u.pk in receipts else None,
                       times=receipts[u.pk].times if u.pk in receipts else 0) for u in people.values()]
    rows.sort(key=lambda r: (r.first_read_at is None, r.first_read_at or datetime.min, r.unit_name))
    return rows


def attention_marks(*, issue: Issue) -> dict[int, list[Attention]]:
    marks: dict[int, list[Attention]] = {}
    for mark in Attention.objects.filter(item__issue=issue).select_related("reader"):
        marks.setdefault(mark.item_id, []).append(mark)
    return marks


def unread_issues(*, user) -> QuerySet[Issue]:
    """Published issues the person may read and has not opened; an office's editors are not readers of
    their own bulletins (receipt_record), its leaders are."""
    qs = issues_visible_to(user=user).filter(state=IssueState.PUBLISHED).exclude(receipts__reader=user)
    if permissions.may_edit_bulletins(user):
        qs = qs.exclude(publication__office_id=user.unit_id)
    return qs


def navigation_querysets(*, user) -> dict[str, QuerySet]:
    """The sidebar's figures, counted with every other section's in one query (core.registry): issues
    of the office awaiting approval, and published issues the person has not opened yet."""
    if not user.is_authenticated:
        return {}
    wanted = {"unread": unread_issues(user=user)}
    qs = issues_visible_to(user=user)
    if user.unit_id is not None and user.has_role(Role.CHIEF_EDITOR):
        wanted["pending"] = qs.filter(state=IssueState.PENDING, publication__office_id=user.unit_id)
    return wanted
