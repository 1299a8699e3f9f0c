"""The demo's bulletins (issue 16): the city and provincial offices' publications with published issues
(numbered, one with a composite item), an issue awaiting approval, a draft, reading receipts and a
leader's attention mark — made through the services from the adoptions the report flows left, so each
step is on the timeline and in the audit log like real work."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from govbrief.bulletins import services
from govbrief.bulletins.models import Attention, Issue, IssueEvent, Publication, ReadReceipt
from govbrief.bulletins.publications import ensure_publications
from govbrief.bulletins.selectors import unit_readers
from govbrief.events.delivery import delivering_inline
from govbrief.notifications.models import Notification
from govbrief.orgs.choices import Role, UnitKind
from govbrief.orgs.models import Unit, User
from govbrief.reports.choices import SubmissionState
from govbrief.reports.models import Adoption

from .province import DEMO_CITY_CODE, PROVINCE_CODE

# Bulletins already running before govbrief: their first issue here continues the running number.
TOTAL_OFFSETS = {"general": 268, "special": 87, "express": 35, "opinion": 12, "reference": 40}
EDITOR_NOTES = ("近期各地认真贯彻落实省委、省政府决策部署，现将有关情况摘编如下，供参阅。", "")
COMPOSITE_TITLES = ("各地多措并举推进重点工作落地见效", "基层创新做法综述")


def _staff(office: Unit, role: str) -> User | None:
    return User.objects.filter(unit=office, is_active=True, role_assignments__role=role).order_by("id").first()


def _standing(office: Unit, publication: Publication, exclude: set[int]) -> list[Adoption]:
    return list(Adoption.objects.filter(submission__to_unit=office, submission__state=SubmissionState.ADOPTED,
                                        publication=publication).exclude(pk__in=exclude)
                .select_related("submission", "submission__version", "submission__origin_unit")
                .order_by("adopted_at", "id"))


def _configure(office: Unit) -> list[Publication]:
    publications = ensure_publications(office)
    leaders = list(User.objects.filter(unit=office, is_active=True, role_assignments__role=Role.LEADER))
    below = list(Unit.objects.filter(parent=office, kind=UnitKind.OFFICE, is_active=True).order_by("sort_order", "id")[:12])
    for publication in publications:
        if publication.total_offset == 0 and not publication.issues.exists():
            publication.total_offset = TOTAL_OFFSETS.get(publication.code, 0)
            publication.save(update_fields=["total_offset"])
        publication.readers.set(leaders)
        if publication.code in ("general", "express"):
            publication.reader_units.set(below)
    return publications


def _backdate(issue: Issue, when) -> None:
    Issue.objects.filter(pk=issue.pk).update(created_at=when - timedelta(days=1), updated_at=when, sent_at=when,
                                             approved_at=when, published_at=when)
    IssueEvent.objects.filter(issue=issue).update(created_at=when)


def ensure_bulletins(now=None) -> int:
    """Make the demo issues once (an office that has issues is left alone). Returns issues made."""
    now = now or timezone.now()
    made = 0
    for code in (DEMO_CITY_CODE, PROVINCE_CODE):
        office = Unit.objects.filter(code=code).first()
        editor, chief = (_staff(office, Role.EDITOR), _staff(office, Role.CHIEF_EDITOR)) if office else (None, None)
        if office is None or editor is None or chief is None or Issue.objects.filter(publication__office=office).exists():
            continue
        made += _issues_of(office, editor, chief, now)
    return made


@contextmanager
def step(when):
    """One step of the demo's history: its notifications (written by the subscribers once it commits)
    are dated at the step's moment, like the reports' (loader.Stamper), never at "now"."""
    marker: list[int] = []

    def start() -> None:
        marker.append(Notification.objects.aggregate(m=Max("id"))["m"] or 0)

    def backdate() -> None:
        Notification.objects.filter(id__gt=marker[0]).update(created_at=when)

    # Callbacks run in the order registered: the marker, the step's subscribers, then the backdating
    # (also when an outer transaction, a test's, commits them all at its end).
    with delivering_inline(), transaction.atomic():
        transaction.on_commit(start)
        yield
        transaction.on_commit(backdate)


def _issues_of(office: Unit, editor: User, chief: User, now) -> int:
    publications = {p.code: p for p in _configure(office)}
    used: set[int] = set()
    made = 0
    general, special = publications["general"], publications["special"]
    # Four weekly issues of 《政务信息》 published, the third with a composite item (集零为整).
    for week in range(4, 0, -1):
        pool = _standing(office, general, used)
        if len(pool) < 3:
            break
        issued = (now - timedelta(weeks=week)).date()
        singles, merged = (pool[:2], pool[2:5]) if week == 2 and len(pool) >= 5 else (pool[:4], [])
        with step(_afternoon(issued)):
            issue = services.issue_create(publication=general, editor=editor)
            services.item_add(issue=issue, editor=editor, adoptions=singles)
            if merged:
                services.item_merge(issue=issue, editor=editor, adoptions=merged, title=COMPOSITE_TITLES[0],
                                    body=_composite_body(merged))
            services.issue_update(issue=issue, editor=editor, data={"editor_note": EDITOR_NOTES[week % 2]})
            _publish(issue, editor, chief, issued)
        used.update(a.pk for a in [*singles, *merged])
        made += 1
    # One 《专报》 published.
    pool = _standing(office, special, used) or _standing(office, general, used)
    if pool:
        issued = (now - timedelta(days=3)).date()
        with step(_afternoon(issued)):
            issue = services.issue_create(publication=special, editor=editor)
            services.item_add(issue=issue, editor=editor, adoptions=pool[:1])
            _publish(issue, editor, chief, issued)
        used.add(pool[0].pk)
        made += 1
    # This week's 《政务信息》: awaiting the chief editor; and a draft being composed.
    for state in ("pending", "draft"):
        pool = _standing(office, general, used)
        if len(pool) < 2:
            break
        when = now - timedelta(hours=3 if state == "pending" else 1)
        with step(when):
            issue = services.issue_create(publication=general, editor=editor)
            services.item_add(issue=issue, editor=editor, adoptions=pool[:3])
            if state == "pending":
                services.issue_send_for_approval(issue=issue, editor=editor)
        Issue.objects.filter(pk=issue.pk).update(created_at=when, updated_at=when, sent_at=when if state == "pending" else None)
        IssueEvent.objects.filter(issue=issue).update(created_at=when)
        used.update(a.pk for a in pool[:3])
        made += 1
    _readers_read(office)
    return made


def _composite_body(adoptions: list[Adoption]) -> str:
    """A composite as editors write one: a lead sentence, then each unit's point in a paragraph of its own."""
    numerals = "一二三四五六七八九十"
    parts = ["近期，各地结合实际创新举措、狠抓落实，取得阶段性成效。现将有关情况综合如下。"]
    for index, adoption in enumerate(adoptions):
        unit = adoption.submission.origin_unit.display_name
        parts.append(f"{numerals[index]}、{unit}。{adoption.submission.version.paragraphs[-1]}")
    return "\n".join(parts)


def _afternoon(day: date):
    return timezone.make_aware(datetime.combine(day, time(16, 0)))


def _publish(issue: Issue, editor: User, chief: User, issued: date) -> None:
    services.issue_send_for_approval(issue=issue, editor=editor)
    services.issue_approve(issue=issue, chief=chief)
    services.issue_publish(issue=issue, user=editor, issued_on=issued)
    _backdate(issue, _afternoon(issued))


def _readers_read(office: Unit) -> None:
    """Most leaders read the older issues; the newest is still unread by some (the receipts page)."""
    issues = list(Issue.objects.filter(publication__office=office, state="published").order_by("published_at"))
    for index, issue in enumerate(issues):
        readers = list(issue.readers.all())
        readers += list(unit_readers(issue=issue)[:6])
        share = 1.0 if index < len(issues) - 2 else 0.5
        read_at = min(issue.published_at + timedelta(hours=2), timezone.now() - timedelta(minutes=30))
        for reader in readers[: max(1, int(len(readers) * share))]:
            services.receipt_record(issue=issue, reader=reader)
            ReadReceipt.objects.filter(issue=issue, reader=reader).update(first_read_at=read_at, last_read_at=read_at)
        leader = next((r for r in readers if r.has_role(Role.LEADER)), None)
        if leader is not None and index == len(issues) - 2:
            item = issue.items.order_by("position").first()
            if item is not None:
                with step(read_at):
                    mark = services.attention_toggle(item=item, reader=leader, remark="请持续跟踪，适时报送进展。")
                Attention.objects.filter(pk=mark.pk).update(marked_at=read_at)
