"""Loads the demo province: units, people and a few hundred reports in every state.

Idempotent: units are upserted by ``code``, people by ``username``, a unit's direct-point history
is written only when it has none, and reports come from a deterministic plan (``random.Random``
seeded with the plan's seed and index). A report is recognised by its unit and the title of its
first version, which the plan derives from the seed alone (never from the date), and which the
generated workflows never change (revisions touch the body, forwarding offices write versions of
their own). So a second run finds every planned report and creates nothing; a run with more
reports adds only the new ones.

Every report travels through ``govbrief.reports.services`` like a real one, so its timeline,
audit entries and notifications are real; each step is then backdated to its planned moment with
queryset ``update()``. The audit log keeps its real times: its hash chain covers them.

The receiving offices' desk is part of each report's workflow, so it follows the same scheme: an
editor opens an item before screening it (it is then read for him), the chief editor sometimes
hands it to an editor first, colleagues leave internal notes (with @mentions) and the office and
the sending unit exchange messages. Items left awaiting screening get a desk of their own: some
left new (never opened), some handed out by the chief editor, some taken by an editor, some read
by one editor and not another; the plan spreads these over each office, and makes every third
such item days old (overdue). An item that comes back resubmitted after a return stays with the
editor it was assigned to (no other editor takes it: an editor may take only a free item). A few
saved inbox filters for the well-known editor are created by name when missing.
"""

from __future__ import annotations

import random
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from govbrief.events.delivery import delivering_inline
from govbrief.notifications.models import Notification
from govbrief.orgs import services as org_services
from govbrief.orgs.choices import Role, UnitKind, UnitLevel
from govbrief.orgs.models import DirectPointStatusChange, RoleAssignment, Unit, User
from govbrief.reports import selectors, services
from govbrief.reports.choices import (
    AdoptionMode,
    CommentAudience,
    Distribution,
    ReportKind,
    SubmissionState,
    Urgency,
)
from govbrief.reports.models import (
    Adoption,
    Comment,
    Report,
    ReportEvent,
    ReportVersion,
    SavedFilter,
    Submission,
    SubmissionRead,
)

from . import content
from .content import Place
from .province import (
    DEMO_CITY_CODE,
    DEMO_COUNTY_CODE,
    NATIONAL_CODE,
    NATIONAL_DIRECT_POINT_CODE,
    PROVINCE_CODE,
    WELL_KNOWN,
    Layout,
    UnitSpec,
    build_layout,
)

DEMO_PASSWORD = "Demo@2026"
WELL_KNOWN_USERNAMES = frozenset(username for username, _label, _unit in WELL_KNOWN)
DEFAULT_REPORTS = 400
DEFAULT_SEED = 2026
BATCH_SIZE = 20
HISTORY_DAYS = 120  # reports are spread over the last four months

Progress = Callable[[str], None]


# ---------------------------------------------------------------- units and people

def place_for(spec: UnitSpec) -> Place:
    """How a unit names itself in the texts it writes."""
    if spec.kind == UnitKind.SPECIAL_INFORMANT:
        return Place("我省", "全省", "special", domains=spec.domains)
    if spec.kind == UnitKind.LIAISON_OFFICE:
        return Place(spec.short_name, "全省", "liaison", domains=spec.domains)
    if spec.kind == UnitKind.DEPARTMENT:
        scope = "全省" if spec.level == UnitLevel.PROVINCE else "全市"
        upper = "党中央、国务院和省委、省政府" if spec.level == UnitLevel.PROVINCE else "省委、省政府和市委、市政府"
        return Place(spec.short_name, scope, "department", domains=spec.domains, upper=upper)
    if spec.level == UnitLevel.CITY:
        return Place(spec.short_name, "全市", "city")
    if spec.level == UnitLevel.TOWNSHIP:
        return Place(spec.short_name, "全乡" if spec.short_name.endswith("乡") else "全镇", "township",
                     upper="县委、县政府")
    if spec.level == UnitLevel.COUNTY:
        district = spec.short_name.endswith("区")
        return Place(spec.short_name, "全区" if district else "全县", "district" if district else "county",
                     towns=spec.towns, upper="省委、省政府和市委、市政府")
    return Place(spec.short_name, "全省", "province")


def _days_ago(now: datetime, days: float) -> datetime:
    return now - timedelta(days=days)


def ensure_units(layout: Layout, now: datetime) -> tuple[dict[str, Unit], int]:
    """Upsert every unit by its code; parents come before their children in the layout."""
    units: dict[str, Unit] = {}
    created = 0
    for index, spec in enumerate(layout.units):
        values = {
            "name": spec.name, "short_name": spec.short_name, "kind": spec.kind, "level": spec.level,
            "parent": units[spec.parent] if spec.parent else None, "sort_order": (index + 1) * 10,
            "address": spec.address, "phone": spec.phone, "is_active": True,
        }
        unit, was_created = Unit.objects.update_or_create(
            code=spec.code, defaults=values, create_defaults={**values, "created_at": _days_ago(now, 1825)}
        )
        units[spec.code] = unit
        created += was_created
    return units, created


@contextmanager
def shared_password_hash(password: str) -> Iterator[None]:
    """Hash the one demo password once: Argon2 takes ~0.15 s per account, which for a few hundred
    demo accounts would dominate the load. Every demo account shares the same (public) password."""
    encoded = make_password(password)
    original = User.set_password

    def set_password(self: User, raw_password: str | None) -> None:
        if raw_password == password:
            self.password = encoded
            self._password = raw_password
        else:
            original(self, raw_password)

    User.set_password = set_password  # type: ignore[method-assign]
    try:
        yield
    finally:
        User.set_password = original  # type: ignore[method-assign]


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}0000{rng.randint(0, 9999):04d}"


def ensure_people(layout: Layout, units: dict[str, Unit], now: datetime) -> int:
    """Upsert every person by user name: create the account through ``account_create`` (so the
    audit log shows who handed it out), or bring an existing one back to its unit and roles."""
    existing = {u.username: u for u in User.objects.filter(username__in=[p.username for p in layout.people])}
    roles_of: dict[int, set[str]] = defaultdict(set)
    for user_id, role in RoleAssignment.objects.filter(user__in=list(existing.values())).values_list("user_id", "role"):
        roles_of[user_id].add(role)
    well_known = {username for username, _label, _unit in WELL_KNOWN}
    created = 0
    admin = existing.get("admin")
    # The province's system administrator hands out the other accounts, so he comes first.
    for person in sorted(layout.people, key=lambda p: p.username != "admin"):
        rng = random.Random(f"person:{person.username}")
        name = person.name or content.person_name(rng)
        unit = units[person.unit]
        user = existing.get(person.username)
        if user is None:
            user, _pw = org_services.account_create(
                unit=unit, username=person.username, name=name, roles=list(person.roles), created_by=admin,
                password=DEMO_PASSWORD, post=person.post, mobile=_phone(rng), office_phone=unit.phone,
            )
            User.objects.filter(pk=user.pk).update(
                date_joined=_days_ago(now, rng.uniform(400, 1500)),
                is_superuser=person.superuser, is_staff=person.superuser,
            )
            created += 1
        else:
            changed = {}
            for attr, value in (("unit_id", unit.pk), ("post", person.post)):
                if getattr(user, attr) != value:
                    changed[attr] = value
            if person.superuser and not (user.is_superuser and user.is_staff):
                changed.update(is_superuser=True, is_staff=True)
            if person.username in well_known:
                # The printed logins must work: active, no forced change, the demo password.
                if not user.is_active or user.must_change_password:
                    changed.update(is_active=True, must_change_password=False)
                if not user.check_password(DEMO_PASSWORD):
                    user.set_password(DEMO_PASSWORD)
                    changed["password"] = user.password
            if changed:
                User.objects.filter(pk=user.pk).update(**changed)
            missing = set(person.roles) - roles_of[user.pk]
            RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=r) for r in sorted(missing)])
        if person.username == "admin":
            admin = User.objects.get(pk=user.pk)
    return created


def ensure_direct_points(layout: Layout, units: dict[str, Unit], now: datetime) -> int:
    """Appoint (and for some, later remove) the direct reporting points through the service, so the
    history is recorded; a unit that already has a history is left alone."""
    changed_by = User.objects.filter(username="sheng_zhubian").first()
    with_history = set(
        DirectPointStatusChange.objects.filter(unit__in=list(units.values())).values_list("unit_id", flat=True)
    )
    written = 0
    by_unit: dict[str, list] = defaultdict(list)
    for change in layout.direct_point_history:
        by_unit[change.unit].append(change)
    for code, changes in by_unit.items():
        unit = units[code]
        if unit.pk in with_history:
            continue
        for change in sorted(changes, key=lambda c: -c.days_ago):
            before = DirectPointStatusChange.objects.filter(unit=unit).aggregate(m=Max("id"))["m"] or 0
            org_services.unit_set_direct_point(unit=unit, is_direct_point=change.is_direct_point,
                                               changed_by=changed_by, reason=change.reason)
            when = _working_time(_days_ago(now, change.days_ago), random.Random(f"dp:{code}:{change.days_ago}"))
            written += DirectPointStatusChange.objects.filter(unit=unit, id__gt=before).update(changed_at=when)
    national = units[NATIONAL_CODE]
    units[NATIONAL_DIRECT_POINT_CODE].extra_report_targets.add(national)
    return written


# ---------------------------------------------------------------- time

def _working_time(t: datetime, rng: random.Random) -> datetime:
    """Move a moment into office hours (08:30–18:00, Monday to Friday)."""
    local = timezone.localtime(t)

    def morning(day: datetime) -> datetime:
        return day.replace(hour=8, minute=30, second=0, microsecond=0) + timedelta(minutes=rng.uniform(0, 70))

    if local.hour < 8 or (local.hour == 8 and local.minute < 30):
        local = morning(local)
    elif local.hour >= 18:
        local = morning(local + timedelta(days=1))
    while local.weekday() >= 5:
        local = morning(local + timedelta(days=1))
    return local


def _office_moment(t: datetime, rng: random.Random) -> datetime:
    """A moment in office hours of the day of ``t``; a weekend moves to a weekday of that week."""
    local = timezone.localtime(t)
    if local.weekday() >= 5:
        local -= timedelta(days=local.weekday() - rng.randint(0, 4))
    return local.replace(hour=8, minute=30, second=0, microsecond=0) + timedelta(minutes=rng.uniform(0, 540))


class Clock:
    """The planned moments of one report's steps: strictly increasing, in office hours unless the
    report is an emergency, and never later than ``cap`` (just before now)."""

    def __init__(self, rng: random.Random, start: datetime, cap: datetime, *, round_the_clock: bool = False):
        self.rng, self.cap, self.round_the_clock = rng, cap, round_the_clock
        self.t = min(start, cap - timedelta(minutes=30))

    def after(self, low_minutes: float, high_minutes: float) -> datetime:
        if self.round_the_clock:
            low_minutes, high_minutes = min(low_minutes, 5), min(high_minutes, 45)
        t = self.t + timedelta(minutes=self.rng.uniform(low_minutes, high_minutes))
        if not self.round_the_clock:
            t = _working_time(t, self.rng)
        if t >= self.cap:
            t = self.t + (self.cap - self.t) * self.rng.uniform(0.2, 0.5)
        self.t = t
        return t


# Minutes between steps (low, high).
GAP_EDIT = (30, 300)
GAP_REQUEST = (20, 240)
GAP_SIGN = (30, 1200)
GAP_SEND_BACK = (60, 1200)
GAP_SUBMIT = (5, 120)
GAP_OPEN = (10, 720)  # arrival to an editor opening the item
GAP_DECIDE = (15, 780)  # opening to the decision
GAP_DESK = (2, 90)  # between steps at the desk (handing out, a note, a question)
GAP_REPLY = (30, 900)  # the unit answers a message
GAP_FORWARD = (10, 240)
GAP_REVISE = (60, 1440)


class Stamper:
    """Runs a service call and moves what it wrote to the planned moment.

    Rows the call wrote carry a real "now", later than the wall clock read before the call, while
    everything written earlier is already backdated; so "timestamp ≥ wall clock" finds exactly this
    step's rows. Notifications are written when the batch commits (the event subscribers): a marker
    queued after each step notes the last notification id at that point of the commit, and a final
    callback backdates each step's range of notifications."""

    FIELDS: tuple[tuple[type, str, tuple[str, ...]], ...] = (
        (Report, "pk", ("created_at", "updated_at")),
        (ReportVersion, "report_id", ("created_at", "signed_at")),
        (Submission, "report_id", ("submitted_at", "decided_at")),
        (Adoption, "submission__report_id", ("adopted_at",)),
        (ReportEvent, "report_id", ("created_at",)),
    )

    # The desk's steps write only these (fewer updates per step).
    OPENED: tuple[tuple[type, str, tuple[str, ...]], ...] = (
        (Submission, "report_id", ("first_opened_at",)),
        (SubmissionRead, "submission__report_id", ("read_at",)),
    )
    ASSIGNED: tuple[tuple[type, str, tuple[str, ...]], ...] = (
        (Submission, "report_id", ("assigned_at",)),
        (ReportEvent, "report_id", ("created_at",)),
    )
    COMMENTED: tuple[tuple[type, str, tuple[str, ...]], ...] = ((Comment, "submission__report_id", ("created_at",)),)

    def __init__(self) -> None:
        self._start_id = 0
        self._marks: list[tuple[int, datetime]] = []

    def step(self, at: datetime, call: Callable, report_id: int | None = None,
             stamp: tuple[tuple[type, str, tuple[str, ...]], ...] | None = None, notifies: bool = True, **kwargs):
        """``stamp``: the fields this call may write (default ``FIELDS``); ``notifies=False`` for a
        call that never notifies anyone (it then needs no marker)."""
        wall = timezone.now()
        result = call(**kwargs)
        rid = report_id if report_id is not None else result.pk
        for model, key, fields in stamp or self.FIELDS:
            for name in fields:
                model.objects.filter(**{key: rid, f"{name}__gte": wall}).update(**{name: at})
        if notifies:
            transaction.on_commit(lambda: self._marks.append((self._last_notification_id(), at)))
        return result

    @staticmethod
    def _last_notification_id() -> int:
        return Notification.objects.aggregate(m=Max("id"))["m"] or 0

    def begin_batch(self) -> None:
        def start() -> None:
            self._start_id, self._marks = self._last_notification_id(), []

        transaction.on_commit(start)

    def end_batch(self) -> None:
        transaction.on_commit(self._backdate_notifications)

    def _backdate_notifications(self) -> None:
        with transaction.atomic():
            low = self._start_id
            for high, at in self._marks:
                if high > low:
                    Notification.objects.filter(id__gt=low, id__lte=high).update(created_at=at)
                    low = high
        self._marks = []


# ---------------------------------------------------------------- the plan

# The first block visits every workflow once, so even a small demo has every state; after it the
# weighted tail repeats.
FIRST_FLOWS = (
    "adopted", "awaiting", "draft", "pending", "sent_back", "signed", "archived", "returned", "resubmitted",
    "forward_province", "direct_dual", "forward_national", "direct_national", "forward_returned", "emergency",
    "revised_adopted", "signer_drafted",
)
FLOW_WEIGHTS = {
    "adopted": 13, "awaiting": 6, "draft": 4, "pending": 3, "sent_back": 2, "signed": 2, "archived": 5,
    "returned": 4, "resubmitted": 3, "revised_adopted": 2, "signer_drafted": 2, "forward_province": 7,
    "forward_national": 2, "direct_dual": 4, "direct_national": 1, "forward_returned": 1, "emergency": 2,
}
_tail = [flow for flow, weight in FLOW_WEIGHTS.items() for _ in range(weight)]
random.Random("govbrief-demo-flows").shuffle(_tail)
FLOW_TAIL = tuple(_tail)

KIND_CYCLE = (
    ReportKind.NEWS, ReportKind.RESEARCH, ReportKind.PROBLEM, ReportKind.OPINION, ReportKind.EXPERIENCE,
    ReportKind.COMPREHENSIVE, ReportKind.NEWS, ReportKind.FEEDBACK, ReportKind.REFERENCE, ReportKind.NEWS,
    ReportKind.RESEARCH, ReportKind.NEWS, ReportKind.PROBLEM, ReportKind.EXPERIENCE, ReportKind.NEWS,
    ReportKind.OPINION, ReportKind.NEWS, ReportKind.RESEARCH, ReportKind.COMPREHENSIVE, ReportKind.NEWS,
    ReportKind.EXPERIENCE, ReportKind.NEWS, ReportKind.PROBLEM,
)
# When does a report in this workflow start (days ago): open work is recent, finished work older.
FLOW_AGE = {"draft": (0.05, 10), "pending": (0.05, 6), "sent_back": (0.3, 10), "signed": (0.2, 12),
            "awaiting": (0.1, 6), "resubmitted": (1, 16)}
DEFAULT_AGE = (2, HISTORY_DAYS)

# The desk of each receiving office over its "awaiting" reports, in plan order (see the module
# docstring): "new" is never opened; "assigned" is handed out by the chief editor, the first to the
# office's well-known editor; "taken" by an editor himself; "read" opened by one editor only. Each
# office starts the cycle at its own place (so offices with one or two such items differ), except
# the demo city, which starts with a new item and then one for its well-known editor (bianji).
DESK_CYCLE = ("new", "assigned", "taken", "read", "assigned", "new", "taken", "read")
DESK_ROLES = ("new", "assigned", "taken", "read")  # for the other items left awaiting screening
DESK_WEIGHTS = (30, 25, 25, 20)
STALE_EVERY = 3  # every third awaiting item of an office arrived days ago: overdue
# Days: the workflow's steps may take a few days (over a weekend), and the planned moments know no
# public holidays; even so the item stays more than two working days old after a long holiday.
STALE_AGE = (12, 20)
OPEN_FLOWS = frozenset({"draft", "pending", "sent_back", "signed", "awaiting", "returned"})

# Who may write what (kind constraints of the less ordinary authors).
SOURCE_KINDS = {
    "special": {ReportKind.RESEARCH, ReportKind.OPINION, ReportKind.PROBLEM, ReportKind.REFERENCE},
    "liaison": {ReportKind.REFERENCE, ReportKind.NEWS, ReportKind.COMPREHENSIVE},
    "township": set(ReportKind.values) - {ReportKind.REFERENCE, ReportKind.COMPREHENSIVE},
}
SOURCE_WEIGHTS = {"county": 50, "township": 10, "prov_dept": 16, "city": 8, "city_dept": 6, "special": 5,
                  "liaison": 3}


def publication_for(kind: str, rng: random.Random) -> str:
    """Which publication (its code in the office's standard set, bulletins.publications) an office adopts
    a report of this kind into, as offices do: emergencies in the express bulletin, public opinion in
    its own, research and problems often as special reports."""
    if kind == ReportKind.EMERGENCY:
        return "express"
    if kind == ReportKind.OPINION and rng.random() < 0.8:
        return "opinion"
    if kind in (ReportKind.RESEARCH, ReportKind.PROBLEM) and rng.random() < 0.45:
        return "special"
    if kind == ReportKind.REFERENCE and rng.random() < 0.5:
        return "reference"
    return "general"


@dataclass(frozen=True)
class ReportPlan:
    index: int
    seed: str
    flow: str
    unit: str
    kind: str
    urgency: str
    distribution: str
    start: datetime
    title: str
    body: str
    keywords: str
    desk: str = ""  # the receiving office's desk for an item left awaiting screening (DESK_CYCLE)
    desk_slot: int = 0  # how many items of this desk role the office had before this one


def _desk_offset(office: str) -> int:
    return 0 if office == DEMO_CITY_CODE else zlib.crc32(office.encode()) % len(DESK_CYCLE)


def flow_for(index: int) -> str:
    if index < len(FIRST_FLOWS):
        return FIRST_FLOWS[index]
    return FLOW_TAIL[(index - len(FIRST_FLOWS)) % len(FLOW_TAIL)]


@dataclass
class SourcePools:
    county: list[str] = field(default_factory=list)
    township: list[str] = field(default_factory=list)
    prov_dept: list[str] = field(default_factory=list)
    city: list[str] = field(default_factory=list)
    city_dept: list[str] = field(default_factory=list)
    special: list[str] = field(default_factory=list)
    liaison: list[str] = field(default_factory=list)
    direct: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, layout: Layout) -> SourcePools:
        pools = cls()
        for spec in layout.units:
            if spec.kind == UnitKind.SPECIAL_INFORMANT:
                pools.special.append(spec.code)
            elif spec.kind == UnitKind.LIAISON_OFFICE:
                pools.liaison.append(spec.code)
            elif spec.kind == UnitKind.DEPARTMENT:
                (pools.prov_dept if spec.level == UnitLevel.PROVINCE else pools.city_dept).append(spec.code)
            elif spec.level == UnitLevel.CITY:
                pools.city.append(spec.code)
            elif spec.level == UnitLevel.COUNTY:
                pools.county.append(spec.code)
            elif spec.level == UnitLevel.TOWNSHIP:
                pools.township.append(spec.code)
        pools.direct = layout.direct_points()
        return pools


def _pick_source(rng: random.Random, pools: SourcePools, flow: str, kind: str) -> str:
    if flow == "direct_national":
        return NATIONAL_DIRECT_POINT_CODE
    if flow == "direct_dual":
        return rng.choice(pools.direct)
    if flow == "forward_national":
        return rng.choice(pools.township)
    if flow == "emergency":
        return rng.choice(pools.township) if rng.random() < 0.25 else rng.choice(pools.county)
    if flow in ("forward_province", "forward_returned"):
        if rng.random() < 0.15:
            return rng.choice(pools.city_dept)
        return DEMO_COUNTY_CODE if rng.random() < 0.25 else rng.choice(pools.county)
    categories = [c for c in SOURCE_WEIGHTS if kind in SOURCE_KINDS.get(c, set(ReportKind.values))]
    category = rng.choices(categories, weights=[SOURCE_WEIGHTS[c] for c in categories])[0]
    # The demo county (xinxiyuan, qianfa) should show work in every stage.
    if category == "county" and rng.random() < (0.6 if flow in OPEN_FLOWS else 0.3):
        return DEMO_COUNTY_CODE
    return rng.choice(getattr(pools, category))


def plan_reports(layout: Layout, *, count: int, seed: int, now: datetime) -> list[ReportPlan]:
    """The same seed and layout give the same reports (unit, kind, workflow, title) on every run;
    only their dates follow ``now``."""
    pools = SourcePools.of(layout)
    specs = {spec.code: spec for spec in layout.units}
    cap = now - timedelta(minutes=2)
    plans: list[ReportPlan] = []
    taken: set[tuple[str, str]] = set()
    awaiting_at: Counter = Counter()  # awaiting items planned so far, by receiving office
    role_at: Counter = Counter()  # (office, desk role) planned so far
    for index in range(count):
        key = f"{seed}:{index}"
        rng = random.Random(key)
        flow = flow_for(index)
        kind = ReportKind.EMERGENCY if flow == "emergency" else KIND_CYCLE[index % len(KIND_CYCLE)]
        unit = _pick_source(rng, pools, flow, kind)
        if kind == ReportKind.REFERENCE and specs[unit].level == UnitLevel.TOWNSHIP:
            kind = ReportKind.EXPERIENCE
        if kind == ReportKind.EMERGENCY:
            urgency = rng.choice((Urgency.EXTRA_URGENT, Urgency.EXTRA_URGENT, Urgency.URGENT))
        else:
            urgency = rng.choices((Urgency.ROUTINE, Urgency.URGENT, Urgency.EXTRA_URGENT), weights=(80, 16, 4))[0]
        distribution = rng.choices(
            (Distribution.INTERNAL, Distribution.PUBLIC, Distribution.RESTRICTED), weights=(60, 25, 15)
        )[0]
        low, high = FLOW_AGE.get(flow, DEFAULT_AGE)
        desk, desk_slot = "", 0
        if flow == "awaiting":  # submitted to the parent office and left there
            office = specs[unit].parent
            position = awaiting_at[office]
            awaiting_at[office] += 1
            desk = DESK_CYCLE[(position + _desk_offset(office)) % len(DESK_CYCLE)]
            desk_slot = role_at[(office, desk)]
            role_at[(office, desk)] += 1
            if position % STALE_EVERY == 1:
                low, high = STALE_AGE
        start = now - timedelta(days=rng.uniform(low, high))
        if kind != ReportKind.EMERGENCY:
            start = _office_moment(start, rng)
        if start >= cap - timedelta(minutes=30):
            start = now - timedelta(hours=rng.uniform(1, 5))
        place = place_for(specs[unit])
        for attempt in range(30):
            draft = content.compose(f"{key}:{attempt}" if attempt else key, kind=kind, place=place,
                                    when=timezone.localtime(start))
            if (unit, draft.title) not in taken:
                break
        title = draft.title
        while (unit, title) in taken:  # a unit that writes very many reports on few topics
            title = title + "（续）"
        taken.add((unit, title))
        plans.append(ReportPlan(index=index, seed=key, flow=flow, unit=unit, kind=kind, urgency=urgency,
                                distribution=distribution, start=start, title=title, body=draft.body,
                                keywords=draft.keywords, desk=desk, desk_slot=desk_slot))
    return plans


# ---------------------------------------------------------------- running a plan

class Directory:
    """The demo's units and people, read once."""

    def __init__(self, layout: Layout):
        self.specs = {spec.code: spec for spec in layout.units}
        self.units = {u.code: u for u in Unit.objects.filter(code__in=list(self.specs))}
        self.by_id = {u.pk: u for u in self.units.values()}
        self.places = {code: place_for(spec) for code, spec in self.specs.items()}
        self._people: dict[tuple[int, str], list[User]] = defaultdict(list)
        users = User.objects.filter(unit__in=list(self.units.values()), is_active=True).order_by("username")
        roles: dict[int, set[str]] = defaultdict(set)
        for user_id, role in RoleAssignment.objects.filter(user__in=users).values_list("user_id", "role"):
            roles[user_id].add(role)
        for user in users:
            user.__dict__["role_set"] = frozenset(roles[user.pk])
            for role in roles[user.pk]:
                self._people[(user.unit_id, role)].append(user)
        # Who reports to each office (its child units, by code), for the desk's notes.
        self.children: dict[str, list[str]] = defaultdict(list)
        for spec in layout.units:
            if spec.parent and spec.kind != UnitKind.SPECIAL_INFORMANT:
                self.children[spec.parent].append(spec.code)

    def people(self, unit: Unit, *roles: str) -> list[User]:
        found: dict[int, User] = {}
        for role in roles:
            for user in self._people.get((unit.pk, role), []):
                found[user.pk] = user
        return sorted(found.values(), key=lambda u: u.username)

    def desk_staff(self, office: Unit, *roles: str) -> list[User]:
        """The office's editors (or the given roles), its well-known editor first."""
        people = self.people(office, *(roles or (Role.EDITOR,)))
        return sorted(people, key=lambda u: (u.username not in WELL_KNOWN_USERNAMES, u.username))

    def parent(self, unit: Unit) -> Unit:
        return self.by_id[unit.parent_id]


class ReportRun:
    """One planned report taken through its workflow."""

    def __init__(self, plan: ReportPlan, directory: Directory, stamper: Stamper, cap: datetime):
        self.plan, self.dir, self.stamper = plan, directory, stamper
        self.rng = random.Random(f"{plan.seed}:run")
        self.unit = directory.units[plan.unit]
        self.place = directory.places[plan.unit]
        self.clock = Clock(self.rng, plan.start, cap, round_the_clock=plan.kind == ReportKind.EMERGENCY)
        self.report: Report | None = None
        self.body = plan.body
        informants = directory.people(self.unit, Role.INFORMANT) or directory.people(self.unit, Role.SIGNER)
        self.author = self.rng.choice(informants)
        signers = directory.people(self.unit, Role.SIGNER)
        principals = directory.people(self.unit, Role.PRINCIPAL)
        important = plan.urgency != Urgency.ROUTINE or plan.kind in (ReportKind.RESEARCH, ReportKind.EMERGENCY)
        # Important reports are often signed by the unit's head (SPEC §3.2).
        if principals and important and self.rng.random() < 0.6:
            self.signer = self.rng.choice(principals)
        else:
            self.signer = self.rng.choice(signers)
        self.deciders: dict[int, User] = {}  # submission id → the editor who screened it
        # Submission id → its assignee. Every assignment of this report's submissions is made by this
        # run, so its own record is complete (the ``sub`` copies it holds are not refreshed).
        self.holders: dict[int, User] = {}

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _do(self, gap: tuple[float, float], call: Callable, *, stamp=None, notifies: bool = True, **kwargs):
        at = self.clock.after(*gap)
        return self.stamper.step(at, call, report_id=self.report.pk, stamp=stamp, notifies=notifies, **kwargs)

    @property
    def parent(self) -> Unit:
        return self.dir.parent(self.unit)

    @property
    def province(self) -> Unit:
        return self.dir.units[PROVINCE_CODE]

    @property
    def national(self) -> Unit:
        return self.dir.units[NATIONAL_CODE]

    def screener(self, office: Unit) -> User:
        editors = self.dir.people(office, Role.EDITOR, Role.CHIEF_EDITOR)
        return self.rng.choice(editors)

    # -- the receiving office's desk

    def open_(self, sub: Submission, user: User, gap: tuple[float, float] = GAP_OPEN) -> None:
        """``user`` opens the item: read for him, and no longer new for the office."""
        self._do(gap, services.submission_mark_opened, stamp=Stamper.OPENED, notifies=False, submission=sub, user=user)

    def assign(self, sub: Submission, assignee: User, *, by: User, gap: tuple[float, float] = GAP_DESK) -> None:
        self._do(gap, services.submission_assign, stamp=Stamper.ASSIGNED, submission=sub, assignee=assignee, by=by)
        self.holders[sub.pk] = assignee

    def _comment(self, gap: tuple[float, float], sub: Submission, author: User, body: str, audience: str) -> None:
        at = self.clock.after(*gap)
        body = body.format(months=content.months_so_far(timezone.localtime(at)))
        self.stamper.step(at, services.comment_add, report_id=self.report.pk, stamp=Stamper.COMMENTED,
                          submission=sub, author=author, body=body, audience=audience)

    def note(self, sub: Submission, author: User, *, templates: tuple[str, ...] = content.DESK_NOTES,
             colleague: User | None = None, gap: tuple[float, float] = GAP_DESK) -> None:
        """An internal note: a merging hint naming another unit that reports to the office, an
        @mention of a colleague, or a plain remark."""
        office = sub.to_unit
        others = [p for p in self.dir.people(office, Role.EDITOR, Role.CHIEF_EDITOR) if p.pk != author.pk]
        siblings = [c for c in self.dir.children.get(office.code, ())
                    if c not in (sub.from_unit.code, self.unit.code)]
        usable = [t for t in templates
                  if ("{sibling}" not in t or siblings) and ("{colleague}" not in t or colleague or others)]
        template = self.rng.choice(usable)
        colleague = colleague or (self.rng.choice(others) if others else None)
        sibling = self.dir.specs[self.rng.choice(siblings)].short_name if siblings else ""
        body = template.format(sibling=sibling, colleague=colleague.get_full_name() if colleague else "",
                               months="{months}")
        self._comment(gap, sub, author, body, CommentAudience.INTERNAL)

    def unit_voice(self, sub: Submission) -> User:
        """Who answers for the sending unit: the report's author, or an editor of a forwarding office."""
        return self.author if sub.from_unit_id == self.report.unit_id else self.screener(sub.from_unit)

    def ask_unit(self, sub: Submission, editor: User, *, answer: float,
                 questions: tuple[str, ...] = content.DATA_REQUESTS) -> None:
        """The office asks the sending unit something; the unit answers with probability ``answer``."""
        self._comment(GAP_DESK, sub, editor, self.rng.choice(questions), CommentAudience.UNIT)
        if self.chance(answer):
            self._comment(GAP_REPLY, sub, self.unit_voice(sub), self.rng.choice(content.UNIT_ANSWERS),
                          CommentAudience.UNIT)

    def take_up(self, sub: Submission, *, ask: bool | None = None) -> User:
        """Before a decision: the editor who decides opens the item. Now and then the chief editor
        opens it first and hands it to an editor, a colleague leaves a note, or the office asks the
        sending unit something (``ask``: always, never, or by chance). An item that is already
        assigned (it came back resubmitted) stays with its assignee, who decides. Returns the deciding
        editor."""
        office = sub.to_unit
        chiefs, editors = self.dir.desk_staff(office, Role.CHIEF_EDITOR), self.dir.desk_staff(office)
        if (holder := self.holders.get(sub.pk)) is not None:
            editor = holder
            self.open_(sub, editor)
        elif chiefs and editors and self.chance(0.15):
            chief, editor = self.rng.choice(chiefs), self.rng.choice(editors)
            self.open_(sub, chief)
            self.assign(sub, editor, by=chief)
            self.open_(sub, editor, gap=GAP_DESK)
        else:
            editor = self.screener(office)
            self.open_(sub, editor)
        if self.chance(0.12):
            self.note(sub, self.screener(office))
        if ask:  # asked for more, then returned: the unit answers when it resubmits
            self.ask_unit(sub, editor, answer=0.0, questions=content.SUPPLEMENT_REQUESTS)
        elif ask is None and self.chance(0.08):
            self.ask_unit(sub, editor, answer=0.8)
        self.deciders[sub.pk] = editor
        return editor

    def desk(self, sub: Submission, role: str, slot: int) -> None:
        """An item left awaiting screening, as the office's desk has it now (``DESK_CYCLE``)."""
        office = sub.to_unit
        chiefs, editors = self.dir.desk_staff(office, Role.CHIEF_EDITOR), self.dir.desk_staff(office)
        staff = self.dir.people(office, Role.EDITOR, Role.CHIEF_EDITOR)
        if not staff or role == "new":
            return
        holder = self.holders.get(sub.pk)
        if holder is not None:
            # Resubmitted after a return, the item is still assigned to the editor who had it
            # (submission_resubmit keeps the assignee), so he reads the revision. Nobody else takes
            # it: an editor may take only a free item (permissions.may_assign).
            self.open_(sub, holder)
            if self.chance(0.5):
                self.note(sub, holder)
        elif role == "assigned" and chiefs and editors:
            chief, assignee = chiefs[slot % len(chiefs)], editors[slot % len(editors)]
            self.open_(sub, chief)
            self.assign(sub, assignee, by=chief)
            self.note(sub, chief, templates=content.ASSIGN_NOTES, colleague=assignee, gap=(1, 10))
            if self.chance(0.5):
                self.open_(sub, assignee)
        elif role == "taken":
            editor = self.rng.choice(editors or staff)
            self.open_(sub, editor)
            self.assign(sub, editor, by=editor, gap=(1, 20))
            self.ask_unit(sub, editor, answer=0.5)
        else:  # read by one of them, not yet by the others
            reader = self.rng.choice(staff)
            self.open_(sub, reader)
            if self.chance(0.5):
                self.note(sub, reader)

    def finish(self) -> None:
        """The desks of the offices where this report still awaits screening."""
        if self.report is None:
            return
        for sub in self.waiting_submissions():
            if self.plan.desk:
                role, slot = self.plan.desk, self.plan.desk_slot
            else:
                role, slot = self.rng.choices(DESK_ROLES, weights=DESK_WEIGHTS)[0], self.rng.randrange(4)
            self.desk(sub, role, slot)

    # -- what the run reads back from the database (a dry run answers these itself)

    def waiting_submissions(self) -> list[Submission]:
        return list(Submission.objects.filter(report=self.report, state=SubmissionState.SUBMITTED)
                    .select_related("to_unit", "from_unit").order_by("id"))

    def version_of(self, sub: Submission) -> ReportVersion:
        """The version the submission carries now (``sub`` may be an older copy of the row)."""
        return ReportVersion.objects.get(pk=sub.version_id)

    # -- the unit's own steps

    def create(self, *, by: User | None = None) -> Report:
        self.author = by or self.author
        plan = self.plan
        self.report = self.stamper.step(
            self.clock.t, services.report_create, author=self.author, title=plan.title, body=plan.body,
            kind=plan.kind, urgency=plan.urgency, distribution=plan.distribution, keywords=plan.keywords,
            contact_name=self.author.get_full_name(), contact_phone=self.author.office_phone or self.author.mobile,
        )
        return self.report

    def edit(self, gap: tuple[float, float] = GAP_EDIT) -> None:
        self.body = content.revise_body(self.rng, self.body, self.place)
        self._do(gap, services.report_update, report=self.report, user=self.author, body=self.body)

    def request(self, gap: tuple[float, float] = GAP_REQUEST) -> None:
        self._do(gap, services.report_request_signoff, report=self.report, user=self.author)

    def sign(self, *, by: User | None = None, gap: tuple[float, float] = GAP_SIGN) -> None:
        self._do(gap, services.report_sign_off, report=self.report, signer=by or self.signer,
                 comment=self.rng.choice(content.SIGN_OFF_COMMENTS))

    def send_back(self) -> None:
        self._do(GAP_SEND_BACK, services.report_send_back, report=self.report, signer=self.signer,
                 comment=self.rng.choice(content.SEND_BACK_COMMENTS))

    def submit(self, targets: list[Unit]) -> list[Submission]:
        return self._do(GAP_SUBMIT, services.report_submit, report=self.report, user=self.author, targets=targets)

    def signed_and_submitted(self, targets: list[Unit] | None = None) -> list[Submission]:
        self.create()
        self.request()
        self.sign()
        return self.submit(targets or [self.parent])

    def revise_and_resubmit(self, sub: Submission) -> None:
        """After a return: a new version, revised, signed again, and sent back to the same office,
        with a word to the office that asked for more."""
        self._do(GAP_REVISE, services.report_new_version, report=self.report, user=self.author)
        self.edit(gap=(10, 120))
        self.request(gap=(5, 60))
        self.sign(gap=(20, 600))
        self._do(GAP_SUBMIT, services.submission_resubmit, submission=sub, user=self.author,
                 note=self.rng.choice(content.RESUBMIT_NOTES))
        self._comment((1, 15), sub, self.author, self.rng.choice(content.REVISED_ANSWERS), CommentAudience.UNIT)

    # -- the receiving offices' steps

    def adopt(self, sub: Submission, *, publication: str | None = None) -> None:
        kind, rng = self.plan.kind, self.rng
        if publication is None:
            publication = publication_for(kind, rng)
        mode = rng.choices((AdoptionMode.AS_IS, AdoptionMode.EDITED, AdoptionMode.MERGED), weights=(55, 40, 5))[0]
        note = rng.choice(content.ADOPTION_NOTES[publication])
        editor = self.take_up(sub)
        self._do(GAP_DECIDE, services.submission_adopt, submission=sub, editor=editor,
                 publication=publication, mode=mode, note=note)

    def archive(self, sub: Submission, note: str | None = None) -> None:
        editor = self.take_up(sub)
        self._do(GAP_DECIDE, services.submission_archive, submission=sub, editor=editor,
                 note=self.rng.choice(content.ARCHIVE_NOTES) if note is None else note)

    def return_(self, sub: Submission, *, ask: bool | None = None) -> None:
        editor = self.take_up(sub, ask=ask)
        self._do(GAP_DECIDE, services.submission_return, submission=sub, editor=editor,
                 reason=self.rng.choice(content.RETURN_REASONS))

    def forward(self, sub: Submission, targets: list[Unit]) -> list[Submission]:
        office = sub.to_unit
        version = self.version_of(sub)
        office_name = self.dir.places[office.code].name if office.level in (UnitLevel.CITY, UnitLevel.COUNTY) else ""
        title, body = content.forward_text(version.title, version.body, origin=self.place, office_name=office_name)
        # Usually whoever adopted it forwards it too.
        editor = self.deciders.get(sub.pk) or self.screener(office)
        return self._do(GAP_FORWARD, services.submission_forward, submission=sub, editor=editor,
                        targets=targets, title=title, body=body, note=self.rng.choice(content.FORWARD_NOTES))

    def office_resubmit(self, sub: Submission) -> None:
        version = self.version_of(sub)
        body = content.revise_body(self.rng, version.body, self.dir.places[sub.from_unit.code])
        self._do(GAP_REVISE, services.submission_resubmit, submission=sub, user=self.screener(sub.from_unit),
                 body=body, note=self.rng.choice(content.RESUBMIT_NOTES))

    def screen(self, sub: Submission) -> None:
        """An ordinary screening: mostly adopted, sometimes kept or returned, a few still waiting."""
        outcome = self.rng.choices(("adopt", "archive", "return", "wait"), weights=(62, 18, 10, 10))[0]
        if outcome == "adopt":
            self.adopt(sub)
        elif outcome == "archive":
            self.archive(sub)
        elif outcome == "return":
            self.return_(sub)


# ---------------------------------------------------------------- the workflows

def flow_draft(r: ReportRun) -> None:
    r.create()
    if r.chance(0.4):
        r.edit()


def flow_pending(r: ReportRun) -> None:
    r.create()
    if r.chance(0.3):
        r.edit()
    r.request()


def flow_sent_back(r: ReportRun) -> None:
    r.create()
    r.request()
    r.send_back()
    if r.chance(0.5):
        r.edit()


def flow_signed(r: ReportRun) -> None:
    r.create()
    r.request()
    r.sign()


def flow_awaiting(r: ReportRun) -> None:
    r.signed_and_submitted()


def flow_adopted(r: ReportRun) -> None:
    (sub,) = r.signed_and_submitted()
    r.adopt(sub)


def flow_archived(r: ReportRun) -> None:
    (sub,) = r.signed_and_submitted()
    r.archive(sub)


def flow_returned(r: ReportRun) -> None:
    (sub,) = r.signed_and_submitted()
    r.return_(sub)


def flow_resubmitted(r: ReportRun) -> None:
    """The office asks for more data, returns the item, and the unit resubmits it revised."""
    (sub,) = r.signed_and_submitted()
    r.return_(sub, ask=True)
    r.revise_and_resubmit(sub)
    if r.chance(0.5):
        r.adopt(sub)


def flow_revised_adopted(r: ReportRun) -> None:
    r.create()
    r.request()
    r.send_back()
    r.edit()
    r.request()
    r.sign()
    (sub,) = r.submit([r.parent])
    r.adopt(sub)


def flow_signer_drafted(r: ReportRun) -> None:
    """The signer writes and signs the report himself (签发 straight from the draft)."""
    signer = r.rng.choice(r.dir.people(r.unit, Role.SIGNER))
    r.create(by=signer)
    r.sign(by=signer, gap=(10, 90))
    (sub,) = r.submit([r.parent])
    r.screen(sub)


def flow_forward_province(r: ReportRun) -> None:
    (sub,) = r.signed_and_submitted()
    r.adopt(sub)
    (up,) = r.forward(sub, [r.province])
    outcome = r.rng.choices(("adopt", "archive", "wait"), weights=(70, 12, 18))[0]
    if outcome == "adopt":
        r.adopt(up)
    elif outcome == "archive":
        r.archive(up)


def flow_forward_national(r: ReportRun) -> None:
    """Township → county → city → province → State Council office, adopted and edited at each level."""
    (sub,) = r.signed_and_submitted()
    r.adopt(sub)
    (city_sub,) = r.forward(sub, [r.dir.parent(sub.to_unit)])
    r.adopt(city_sub)
    (prov_sub,) = r.forward(city_sub, [r.province])
    r.adopt(prov_sub, publication="special")
    (nat_sub,) = r.forward(prov_sub, [r.national])
    if r.chance(0.7):
        r.adopt(nat_sub)


def flow_direct_dual(r: ReportRun) -> None:
    """A direct reporting point reports to its city and to the province at once (多头报送); the city
    adopts and forwards it too, and the province keeps the second copy for reference."""
    city_sub, prov_sub = r.signed_and_submitted([r.parent, r.province])
    r.adopt(prov_sub)
    r.adopt(city_sub)
    if r.chance(0.6):
        (dup,) = r.forward(city_sub, [r.province])
        r.archive(dup, note=content.DUPLICATE_NOTE.format(unit=r.unit.name))


def flow_direct_national(r: ReportRun) -> None:
    """The State Council direct reporting point reports to the province and 国务院办公厅 at once."""
    prov_sub, nat_sub = r.signed_and_submitted([r.province, r.national])
    r.adopt(prov_sub)
    if r.chance(0.75):
        r.adopt(nat_sub)
    if r.chance(0.5):
        (dup,) = r.forward(prov_sub, [r.national])
        r.archive(dup, note=content.DUPLICATE_NOTE.format(unit=r.unit.name))


def flow_forward_returned(r: ReportRun) -> None:
    """The province returns a forwarded item; the forwarding office revises and resubmits it."""
    (sub,) = r.signed_and_submitted()
    r.adopt(sub)
    (up,) = r.forward(sub, [r.dir.parent(sub.to_unit)])
    r.return_(up)
    r.office_resubmit(up)
    r.adopt(up)


def flow_emergency(r: ReportRun) -> None:
    """紧急信息: minutes apart, round the clock, reported on up to the province in the express bulletin."""
    (sub,) = r.signed_and_submitted()
    r.adopt(sub)
    office = sub.to_unit
    while office.level != UnitLevel.PROVINCE:
        (sub,) = r.forward(sub, [r.dir.parent(office)])
        r.adopt(sub)
        office = sub.to_unit


FLOWS: dict[str, Callable[[ReportRun], None]] = {
    "draft": flow_draft, "pending": flow_pending, "sent_back": flow_sent_back, "signed": flow_signed,
    "awaiting": flow_awaiting, "adopted": flow_adopted, "archived": flow_archived, "returned": flow_returned,
    "resubmitted": flow_resubmitted, "revised_adopted": flow_revised_adopted, "signer_drafted": flow_signer_drafted,
    "forward_province": flow_forward_province, "forward_national": flow_forward_national,
    "direct_dual": flow_direct_dual, "direct_national": flow_direct_national,
    "forward_returned": flow_forward_returned, "emergency": flow_emergency,
}


# ---------------------------------------------------------------- entry point

@dataclass
class LoadResult:
    units_created: int = 0
    people_created: int = 0
    direct_point_changes: int = 0
    reports_created: int = 0
    reports_skipped: int = 0
    saved_filters_created: int = 0
    issues_created: int = 0
    incidents_created: int = 0
    seconds: float = 0.0


def existing_report_keys(units: dict[str, Unit]) -> set[tuple[int, str]]:
    return set(
        ReportVersion.objects.filter(number=1, report__unit__in=list(units.values())).values_list(
            "report__unit_id", "title"
        )
    )


def load_demo(*, reports: int = DEFAULT_REPORTS, seed: int = DEFAULT_SEED, now: datetime | None = None,
              progress: Progress | None = None) -> LoadResult:
    """Create (or complete) the demo province. Safe to run again: it adds only what is missing."""
    started = time.monotonic()
    say = progress or (lambda message: None)
    now = now or timezone.now()
    result = LoadResult()
    layout = build_layout()
    with transaction.atomic():
        units, result.units_created = ensure_units(layout, now)
        with shared_password_hash(DEMO_PASSWORD):
            result.people_created = ensure_people(layout, units, now)
        result.direct_point_changes = ensure_direct_points(layout, units, now)
    say(f"单位 {len(units)} 个（新建 {result.units_created}），人员新建 {result.people_created} 人")

    directory = Directory(layout)
    plans = plan_reports(layout, count=reports, seed=seed, now=now)
    existing = existing_report_keys(directory.units)
    todo = [p for p in plans if (directory.units[p.unit].pk, p.title) not in existing]
    result.reports_skipped = len(plans) - len(todo)
    cap = now - timedelta(minutes=2)
    stamper = Stamper()
    for offset in range(0, len(todo), BATCH_SIZE):
        batch = todo[offset:offset + BATCH_SIZE]
        # Each step's notifications are written right after its batch commits, in order, so the
        # Stamper dates them at the step's moment (not by a worker, minutes later, all "now").
        with delivering_inline(), transaction.atomic():
            stamper.begin_batch()
            for plan in batch:
                run = ReportRun(plan, directory, stamper, cap)
                FLOWS[plan.flow](run)
                run.finish()
            stamper.end_batch()
        result.reports_created += len(batch)
        say(f"报告 {result.reports_created}/{len(todo)}")
    result.saved_filters_created = ensure_saved_filters()
    from .bulletins import ensure_bulletins

    result.issues_created = ensure_bulletins(now)
    say(f"刊物期次新建 {result.issues_created} 期")
    from .emergencies import ensure_emergencies

    result.incidents_created = ensure_emergencies(now)
    say(f"突发事件新建 {result.incidents_created} 起")
    result.seconds = time.monotonic() - started
    return result


# The well-known editors' saved inbox filters (name, query string of the inbox).
SAVED_FILTERS: dict[str, tuple[tuple[str, str], ...]] = {
    "bianji": (("特急未处理", "queue=unassigned&sort=urgency"), ("调研信息", "kind=research"),
               ("逾期待办", "queue=overdue&sort=submitted_at")),
    "zhubian": (("未分派", "queue=unassigned&sort=urgency"), ("待单位修改", "queue=waiting")),
}


def ensure_saved_filters() -> int:
    """Save the filters a user does not have by that name yet (one he changed is left alone)."""
    created = 0
    for username, filters in SAVED_FILTERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        have = set(SavedFilter.objects.filter(user=user).values_list("name", flat=True))
        for name, query in filters:
            if name not in have:
                services.saved_filter_save(user=user, name=name, query=query)
                created += 1
    return created


def desk_counts(username: str = "bianji") -> dict[str, int] | None:
    """The work queues of one editor, as the navigation counts them (None: no such user)."""
    user = User.objects.select_related("unit").filter(username=username).first()
    return selectors.queue_counts(user=user) if user is not None else None


def demo_summary() -> dict[str, Counter]:
    """Counts for the command's closing lines: units by kind and level, roles, reports by state."""
    return {
        "units": Counter(Unit.objects.values_list("kind", "level")),
        "direct_points": Counter({"direct": Unit.objects.filter(is_direct_point=True).count()}),
        "roles": Counter(RoleAssignment.objects.values_list("role", flat=True)),
        "report_states": Counter(Report.objects.values_list("state", flat=True)),
        "submission_states": Counter(Submission.objects.values_list("state", flat=True)) + Counter(
            {"forwarded": Submission.objects.filter(state=SubmissionState.ADOPTED, forwards__isnull=False).distinct().count()}),
        "report_kinds": Counter(Report.objects.values_list("current_version__kind", flat=True)),
        "comments": Counter(Comment.objects.values_list("audience", flat=True)),
    }
