"""A province at benchmark scale (issue 14): ``govbrief generate --reports N``.

The demo loader (``loader.py``) sends a few hundred reports through the real services, about 10 ms
each; a benchmark needs a hundred thousand to a million, so this module writes the same rows in bulk:
PostgreSQL ``COPY`` (SQLite: ``executemany``), a few large transactions, primary keys reserved from
each table's sequence beforehand so the rows of a batch can point at one another.

What it builds:

- The demo's province 江东省 (``province.build_layout``, same unit codes and logins, upserted by code
  and user name), expanded to about 600 units: two more cities, more counties and districts per city,
  townships under the counties, departments in every city, more direct reporting points. People get
  the demo's user names (``<unit code>-<role abbreviation>``) and password.
- N reports spread over ten years, denser towards now (the system's use grew), each a story written
  the way the services write it: the same columns, the same ``ReportEvent`` actions, states and data
  keys (reports/events.py), and one hash-chained ``AuditEntry`` per timeline row, appended after the
  chain's head exactly as ``audit_record`` computes them, so ``govbrief audit verify`` passes.
- Most of the history is closed (adopted, kept for reference, returned and perhaps revised and sent
  again); only recent submissions are still waiting, some of them opened, assigned or taken up.
  Adopted items go on up (转报) with an office's edited version derived from the one it received;
  direct reporting points report to their city and the province at once (多头报送), and the
  province keeps the copy that comes round by the city for reference.

Deterministic: report ``i`` depends only on the seed and ``i`` (its dates follow the day it is
generated, as the demo's do), so a larger N adds reports ``generated_reports()..N-1``. How many exist
is recorded by one audit entry per committed batch (``GENERATED_ACTION``), written in the batch's own
transaction: the count can never disagree with the rows.

Differences from rows the services would write, on purpose:

- Audit entries carry the moment of the step they record (ten years of log for the audit pages and
  their date filters), not the moment they were inserted; within a batch they are chained in time
  order. The demo loader keeps real times because its steps really run now.
- No notifications: a notice for each of millions of steps long past would be noise in every inbox.
  No comments, attachments or saved filters either: the demo has those.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import random
import re
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Count
from django.utils import timezone
from tqdm import tqdm

from govbrief.audit.models import AuditChainHead, AuditEntry
from govbrief.orgs.choices import Role, UnitKind, UnitLevel
from govbrief.orgs.models import RoleAssignment, Unit, User
from govbrief.orgs.roles import ADMIN_ROLE_MODELS, sync_admin_roles
from govbrief.reports.choices import (
    inbox_rank,
    AdoptionMode,
    Distribution,
    EventAction,
    ReportKind,
    ReportState,
    SubmissionState,
    Urgency,
)
from govbrief.reports.models import (
    Adoption,
    Report,
    ReportEvent,
    ReportVersion,
    Submission,
    SubmissionRead,
    content_hash,
)

from . import content, loader
from .content import Place
from .province import (
    CITIES,
    DEMO_CITY_CODE,
    DEMO_COUNTY_CODE,
    NATIONAL_CODE,
    NATIONAL_DIRECT_POINT_CODE,
    PROVINCE_CODE,
    PROVINCIAL_DEPARTMENTS,
    REASON_APPOINTED,
    REASON_REMOVED,
    DirectPointChange,
    Layout,
    UnitSpec,
    _people_for,
    build_layout,
)
from .topics import TOPICS, TOPICS_BY_DOMAIN, TOWN_FIRST, TOWN_SECOND, Topic

GENERATED_PASSWORD = loader.DEMO_PASSWORD
DEFAULT_SEED = 14  # issue 14
# The audit action of the entry each committed batch writes: how many reports exist, from which seed.
GENERATED_ACTION = "demo.generated"
HISTORY_DAYS = 3652  # ten years
# Reports built and written per transaction: large enough that COPY dominates, small enough that a
# batch's rows (about 25 per report) stay a few hundred megabytes of memory at most.
BATCH_REPORTS = 20_000
# The demo loader recognises its reports by unit and title; the generator never takes a title the
# demo plans for a unit in its first this-many reports, so either may run first.
DEMO_TITLES_GUARDED = 2_000
UTC = dt_timezone.utc
# One encoder each, made once (json.dumps with options builds a new one per call). CANONICAL is the
# audit chain's: audit.services._digest hashes exactly this encoding of the entry's payload.
CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode
PLAIN = json.JSONEncoder(ensure_ascii=False).encode


@dataclass(frozen=True)
class OfficeLoad:
    """A receiving office and how many submissions reached it (the benchmark picks offices by this)."""

    unit_id: int
    code: str
    name: str
    submissions: int
    editor_username: str


@dataclass(frozen=True)
class GenerationResult:
    reports_total: int
    reports_created: int
    seconds: float
    units: int = 0
    units_created: int = 0
    people_created: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # rows written per table (model name)
    reused: bool = False  # nothing was missing

    @property
    def rows_written(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows_written / self.seconds if self.seconds else 0.0


# ---------------------------------------------------------------- the province at scale

LAYOUT_SEED = "govbrief-generator-layout"  # the layout never depends on --seed: reruns add no units
NEW_CITY_AREAS = ("0582", "0583")  # the telephone area codes of the two cities the demo does not have
COUNTIES_PER_CITY = (8, 10)  # counties and districts per city, the demo's included
COUNTIES_PER_NEW_CITY = 6
DISTRICT_SHARE = 0.3  # a district (区) has streets, not townships, under it
TOWNSHIPS_PER_COUNTY = (3, 8)
CITY_DEPARTMENTS_PER_CITY = (7, 9)
# Provincial departments that have a counterpart in every city (市政府工作部门).
CITY_COUNTERPARTS = (
    "jd-fgw", "jd-jyt", "jd-gat", "jd-mzt", "jd-czt", "jd-rst", "jd-zrzyt", "jd-sthjt", "jd-zjt", "jd-jtt",
    "jd-slt", "jd-nynct", "jd-swt", "jd-wlt", "jd-wjw", "jd-yjglt", "jd-scjgj", "jd-ybj", "jd-xfj",
)
EXTRA_DIRECT_POINTS = 8  # appointed among the new counties, at various times
EXTRA_FORMER_DIRECT_POINTS = 2
# Unit codes are pinyin like the demo's: the syllables of the characters place names are made of.
PINYIN = {
    "东": "dong", "西": "xi", "南": "nan", "北": "bei", "新": "xin", "古": "gu", "平": "ping", "安": "an",
    "永": "yong", "丰": "feng", "金": "jin", "石": "shi", "龙": "long", "凤": "feng", "清": "qing", "柳": "liu",
    "桃": "tao", "杏": "xing", "梅": "mei", "湖": "hu", "桥": "qiao", "河": "he", "塘": "tang", "山": "shan",
    "溪": "xi", "岭": "ling", "港": "gang", "口": "kou", "坝": "ba",
}


def _pinyin(name: str) -> str:
    return "".join(PINYIN.get(ch, f"u{ord(ch):x}") for ch in name)


def _unique(base: str, taken: set[str]) -> str:
    value, n = base, 2
    while value in taken:
        value, n = f"{base}{n}", n + 1
    taken.add(value)
    return value


def _new_place(rng: random.Random, names: set[str], codes: set[str]) -> tuple[str, str]:
    """Two characters for a new city or county and their code, neither used in the province yet."""
    for _attempt in range(500):
        name = rng.choice(TOWN_FIRST) + rng.choice(TOWN_SECOND)
        code = _pinyin(name)
        if name not in names and code not in codes:
            names.add(name)
            codes.add(code)
            return name, code
    raise RuntimeError("No unused place name left for the generated province.")


def _city_department(city_code: str, city_name: str, prov_code: str, area: str, position: int) -> UnitSpec:
    """A city's counterpart of a provincial department: 江东省教育厅 → 东陵市教育局."""
    _code, full, short, domains = next(d for d in PROVINCIAL_DEPARTMENTS if d[0] == prov_code)
    base = full.removeprefix("江东省")
    short_base = short.removeprefix("省")
    suffix = prov_code.removeprefix("jd-")
    if base.endswith("厅"):
        base, short_base, suffix = base[:-1] + "局", short_base[:-1] + "局", suffix[:-1] + "j"
    return UnitSpec(f"{city_code}-{suffix}", f"{city_name}{base}", f"{city_name}{short_base}", UnitKind.DEPARTMENT,
                    UnitLevel.CITY, city_code, domains=domains, city=city_name, phone=f"{area}-8803{position:04d}")


def build_generated_layout() -> Layout:
    """The demo's layout, its units and people first and unchanged (so ``loader.ensure_units`` gives
    them the same sort order whichever command runs first), then the generated ones, each unit after
    its parent."""
    demo = build_layout()
    layout = Layout(units=list(demo.units), people=list(demo.people),
                    direct_point_history=list(demo.direct_point_history))
    rng = random.Random(LAYOUT_SEED)
    codes = {spec.code for spec in demo.units}
    names = {spec.short_name.rstrip("市县区镇乡") for spec in demo.units}
    dept_names = {spec.name for spec in demo.units if spec.kind == UnitKind.DEPARTMENT}
    cities: list[tuple[str, str, str, int]] = [(code, name, area, len(counties))
                                               for code, name, area, counties in CITIES]
    units = layout.units
    for area in NEW_CITY_AREAS:
        name, code = _new_place(rng, names, codes)
        cities.append((code, name + "市", area, 0))
    new_counties: list[UnitSpec] = []
    for city_code, city_name, area, demo_counties in cities:
        if demo_counties == 0:
            units.append(UnitSpec(city_code, f"{city_name}人民政府办公室", city_name, UnitKind.OFFICE, UnitLevel.CITY,
                                  PROVINCE_CODE, receives=True, city=city_name, address=f"{city_name}市府大道8号",
                                  phone=f"{area}-88020000"))
        for prov_code in rng.sample(CITY_COUNTERPARTS, rng.randint(*CITY_DEPARTMENTS_PER_CITY)):
            spec = _city_department(city_code, city_name, prov_code, area, len(units))
            if spec.name not in dept_names and spec.code not in codes:
                dept_names.add(spec.name)
                codes.add(spec.code)
                units.append(spec)
        total = COUNTIES_PER_NEW_CITY if demo_counties == 0 else rng.randint(*COUNTIES_PER_CITY)
        for n in range(demo_counties, total):
            short, code = _new_place(rng, names, codes)
            district = rng.random() < DISTRICT_SHARE
            county = short + ("区" if district else "县")
            towns: list[tuple[str, str]] = []
            if not district:
                town_names: set[str] = set()
                for _t in range(rng.randint(*TOWNSHIPS_PER_COUNTY)):
                    town = content.town_name(rng)
                    if town not in town_names:
                        town_names.add(town)
                        towns.append((_unique(f"{code}-{_pinyin(town[:-1])}", codes), town))
            full = f"{city_name}{county}人民政府办公室" if district else f"{county}人民政府办公室"
            spec = UnitSpec(code, full, county, UnitKind.OFFICE, UnitLevel.COUNTY, city_code, receives=bool(towns),
                            towns=tuple(t for _c, t in towns), city=city_name, address=f"{county}政府路{n + 1}号",
                            phone=f"{area}-6{n + 1}220000")
            units.append(spec)
            new_counties.append(spec)
            for town_code, town in towns:
                units.append(UnitSpec(town_code, f"{county}{town}人民政府", town, UnitKind.OFFICE, UnitLevel.TOWNSHIP,
                                      code, city=city_name, address=f"{county}{town}",
                                      phone=f"{area}-6{n + 1}23{len(units):04d}"))
    for index in range(len(demo.units), len(units)):
        layout.people.extend(_people_for(units[index], index))
    # 总量控制、优胜劣汰: more points appointed over the decade, two of them removed again.
    candidates = [spec.code for spec in new_counties if spec.short_name.endswith("县")]
    chosen = rng.sample(candidates, min(len(candidates), EXTRA_DIRECT_POINTS + EXTRA_FORMER_DIRECT_POINTS))
    for code in chosen[:EXTRA_DIRECT_POINTS]:
        layout.direct_point_history.append(DirectPointChange(code, True, rng.randint(200, 3300), REASON_APPOINTED))
    for code in chosen[EXTRA_DIRECT_POINTS:]:
        since = rng.randint(2000, 3300)
        layout.direct_point_history.append(DirectPointChange(code, True, since, REASON_APPOINTED))
        until = since - rng.randint(700, 1500)
        layout.direct_point_history.append(DirectPointChange(code, False, until, REASON_REMOVED))
    return layout


# ---------------------------------------------------------------- writing rows in bulk

def _writable_columns(model: type[models.Model]) -> set[str]:
    return {f.column for f in model._meta.concrete_fields if not f.generated}


class TableWriter:
    """Reserves primary keys and writes rows: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

    Each table's columns are listed once (``COLUMNS``) and checked against the model when a writer is
    made, so a column added to a model later stops the generator with a clear message instead of
    leaving it at its database default (a ``GeneratedField`` is the database's to fill, never ours)."""

    COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
        Report: ("id", "unit_id", "author_id", "contact_name", "contact_phone", "state", "current_version_id",
                 "created_at", "updated_at"),
        ReportVersion: ("id", "report_id", "number", "unit_id", "derived_from_id", "title", "body", "keywords", "kind",
                        "urgency", "distribution", "created_by_id", "created_at", "signed_by_id", "signed_at",
                        "content_hash"),
        Submission: ("id", "report_id", "version_id", "from_unit_id", "to_unit_id", "parent_id", "state",
                     "submitted_by_id", "submitted_at", "decided_by_id", "decided_at", "return_reason", "assignee_id",
                     "assigned_at", "first_opened_at", "urgency_rank", "origin_unit_id"),
        Adoption: ("id", "submission_id", "level", "publication_id", "mode", "note", "adopted_by_id", "adopted_at"),
        SubmissionRead: ("id", "submission_id", "user_id", "read_at"),
        ReportEvent: ("id", "report_id", "submission_id", "action", "actor_id", "actor_unit_id", "from_state",
                      "to_state", "note", "data", "created_at"),
        AuditEntry: ("id", "created_at", "actor_id", "actor_name", "action", "object_type", "object_id", "data",
                     "prev_hash", "hash"),
    }

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.written: dict[str, int] = {}
        for model, columns in self.COLUMNS.items():
            expected = _writable_columns(model)
            if set(columns) != expected:
                raise RuntimeError(
                    f"The generator writes {sorted(columns)} to {model._meta.db_table}, whose writable columns are "
                    f"{sorted(expected)}: update TableWriter.COLUMNS and the rows it builds.")

    def reserve(self, model: type[models.Model], count: int) -> int:
        """The first of ``count`` consecutive primary keys nobody else will be given."""
        if count == 0:
            return 0
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                # nextval takes the first key; setval moves the sequence past the block in the same statement.
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                               "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)", [table, table, count])
                return cursor.fetchone()[0] - count + 1
            # SQLite: the write transaction holds the database, so nobody takes a key meanwhile;
            # AUTOINCREMENT moves sqlite_sequence past explicit keys by itself.
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
            highest = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            return max(highest, row[0] if row else 0) + 1

    def write(self, model: type[models.Model], rows: Sequence[tuple]) -> None:
        if not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        columns = self.COLUMNS[model]
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                adapt = connection.ops.adapt_datetimefield_value
                rows = [tuple(adapt(v) if isinstance(v, datetime) else v for v in row) for row in rows]
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)
        self.written[model.__name__] = self.written.get(model.__name__, 0) + len(rows)

    def check_sequences(self) -> None:
        """Every key came from the sequence, so it is already past them; make sure of it anyway, so
        a plain ``Report.objects.create`` after generating can never collide (PostgreSQL only:
        SQLite's AUTOINCREMENT follows the highest key by itself)."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for model in self.COLUMNS:
                table = model._meta.db_table
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
                cursor.execute(f"SELECT last_value FROM {sequence}")
                last = cursor.fetchone()[0]
                cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")
                highest = cursor.fetchone()[0]
                if highest is not None and highest > last:
                    cursor.execute("SELECT setval(%s, %s)", [sequence, highest])


@dataclass(frozen=True, slots=True)
class AuditRow:
    """An audit entry before it is chained: its columns and the canonical text its hash covers."""

    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: str
    data: str  # the JSON stored
    canonical: str  # audit.services._digest's encoding of the entry's payload


def audit_row(*, at: datetime, actor: Person | None, action: str, object_type: str, object_id: int,
              data: dict) -> AuditRow:
    """What ``audit_record`` would store for this entry (all but the hash, which needs the chain)."""
    at = at.astimezone(UTC)  # stored moments are read back in UTC; the hash covers their isoformat
    payload = {"created_at": at.isoformat(), "actor": actor.id if actor else None,
               "actor_name": actor.label if actor else "", "action": action, "object_type": object_type,
               "object_id": str(object_id), "data": data}
    return AuditRow(at, payload["actor"], payload["actor_name"], action, object_type, payload["object_id"],
                    PLAIN(data), CANONICAL(payload))


def audit_append(entries: Sequence[AuditRow], writer: TableWriter) -> None:
    """Append entries to the tamper-evident log after its head, hashed exactly as
    ``audit.services.audit_record`` hashes them (``_digest``), and move the head. Call inside the
    transaction that writes the rows they record: like ``audit_record`` it locks the head row until
    the commit, so nobody appends in between and the entries' keys (reserved here) follow the chain."""
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    first, last_hash, rows = writer.reserve(AuditEntry, len(entries)), head.last_hash, []
    for offset, e in enumerate(entries):
        digest = hashlib.sha256((last_hash + e.canonical).encode()).hexdigest()
        rows.append((first + offset, e.at, e.actor_id, e.actor_name, e.action, e.object_type, e.object_id, e.data,
                     last_hash, digest))
        last_hash = digest
    # Written in the order of the hash (the chain is the order of the keys): the two indexes on the
    # hash are then filled page by page rather than at random.
    rows.sort(key=lambda row: row[-1])
    writer.write(AuditEntry, rows)
    AuditChainHead.objects.filter(pk=1).update(last_hash=last_hash)


# ---------------------------------------------------------------- units and people

@dataclass(frozen=True, slots=True)
class Person:
    id: int
    username: str
    label: str  # str(user): the name the audit log records for the actor
    unit_id: int
    phone: str
    roles: frozenset[str]


def ensure_people(layout: Layout, units: dict[str, Unit], now: datetime, writer: TableWriter) -> int:
    """Create the layout's people who do not exist yet, in bulk, as ``orgs.services.account_create``
    would (same names, posts, phones and join dates as the demo loader gives them, the demo password,
    one ``account_created`` audit entry each); give existing ones any role the layout adds. Hashing the
    password once and sharing it is the demo loader's approach (``loader.shared_password_hash``)."""
    existing = dict(User.objects.filter(username__in=[p.username for p in layout.people])
                    .values_list("username", "pk"))
    have = set(RoleAssignment.objects.filter(user_id__in=list(existing.values())).values_list("user_id", "role"))
    RoleAssignment.objects.bulk_create([
        RoleAssignment(user_id=existing[p.username], role=role) for p in layout.people if p.username in existing
        for role in p.roles if (existing[p.username], role) not in have
    ])
    missing = [p for p in layout.people if p.username not in existing]
    if not missing:
        return 0
    encoded = make_password(GENERATED_PASSWORD)
    users = []
    for person in missing:
        rng = random.Random(f"person:{person.username}")  # the loader's draws, in the loader's order
        name = person.name or content.person_name(rng)
        unit = units[person.unit]
        mobile = loader._phone(rng)
        users.append(User(
            username=person.username, name=name, unit=unit, post=person.post, mobile=mobile, office_phone=unit.phone,
            password=encoded, is_superuser=person.superuser, is_staff=person.superuser,
            date_joined=now - timedelta(days=rng.uniform(400, 1500)),
        ))
    User.objects.bulk_create(users)  # both backends return the new keys (RETURNING)
    by_name = {u.username: u for u in users}
    RoleAssignment.objects.bulk_create([RoleAssignment(user=by_name[p.username], role=r) for p in missing
                                        for r in p.roles])
    for person in missing:
        if set(person.roles) & set(ADMIN_ROLE_MODELS):  # staff flag and admin groups (三员分立)
            sync_admin_roles(by_name[person.username])
    # Who handed the accounts out: the province's system administrator, as in the demo loader.
    admin = User.objects.filter(username="admin").first()
    actor = Person(admin.pk, admin.username, str(admin), admin.unit_id, "", frozenset()) if admin else None
    entries = []
    for person in sorted(missing, key=lambda p: (by_name[p.username].date_joined, p.username)):
        user = by_name[person.username]
        entries.append(audit_row(at=user.date_joined, actor=None if admin is None or user.pk == admin.pk else actor,
                                 action="account_created", object_type="orgs.user", object_id=user.pk,
                                 data={"unit": user.unit_id, "roles": list(person.roles)}))
    audit_append(entries, writer)
    return len(missing)


def ensure_province(layout: Layout, now: datetime, writer: TableWriter) -> tuple[dict[str, Unit], int, int]:
    """Units upserted by code and people by user name (as the demo loader does), direct points
    appointed through the service where a unit has no history yet."""
    with transaction.atomic():
        units, units_created = loader.ensure_units(layout, now)
        people_created = ensure_people(layout, units, now, writer)
        loader.ensure_direct_points(layout, units, now)
    return units, units_created, people_created


# ---------------------------------------------------------------- the province as the stories see it

# Who writes how much (shares of all reports; a product choice): county-level governments most, then
# townships, city departments and provincial departments.
SOURCE_SHARES = {"county": 40.0, "city_dept": 15.0, "township": 17.0, "prov_dept": 12.0, "city": 4.0,
                 "special": 1.5, "liaison": 1.5, "province": 0.5}
# How busy each city's network is: the demo's city (bianji's desk) the busiest, the two new ones quiet
# (the benchmark compares the inbox of a 1,000-submission office with a 10,000-submission one).
CITY_ACTIVITY = {DEMO_CITY_CODE: 2.6}
NEW_CITY_ACTIVITY = 0.3
UNIT_ACTIVITY_SIGMA = 0.35  # some units of a kind write much more than others
DEMO_COUNTY_ACTIVITY = 2.0  # the demo's county (xinxiyuan, qianfa) shows work in every stage
KIND_WEIGHTS = {
    ReportKind.NEWS: 38, ReportKind.RESEARCH: 10, ReportKind.PROBLEM: 10, ReportKind.COMPREHENSIVE: 8,
    ReportKind.EXPERIENCE: 12, ReportKind.REFERENCE: 4, ReportKind.OPINION: 8, ReportKind.FEEDBACK: 5,
    ReportKind.EMERGENCY: 5,
}
EMERGENCY_SOURCES = frozenset({"county", "township"})  # 突发事件 are reported where they happen


@dataclass(eq=False, slots=True)
class Node:
    """A unit with its people, read once; ``parent`` is the office it reports to."""

    id: int
    code: str
    name: str
    level: str
    kind: str
    place: Place
    parent: Node | None = None
    people: dict[str, tuple[Person, ...]] = field(default_factory=dict)
    # (since, until) while it was a direct reporting point; until None: it still is.
    direct: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    extra_targets: tuple[Node, ...] = ()  # the State Council direct reporting point's 国务院办公厅

    def staff(self, *roles: str) -> tuple[Person, ...]:
        """Its people in these roles, by user name: the same choice in every database, whichever
        command created the accounts first."""
        found: dict[int, Person] = {}
        for role in roles:
            for person in self.people.get(role, ()):
                found[person.id] = person
        return tuple(sorted(found.values(), key=lambda p: p.username))

    def is_direct_at(self, when: datetime) -> bool:
        return any(since <= when and (until is None or when < until) for since, until in self.direct)


def _source_category(spec: UnitSpec) -> str | None:
    if spec.kind == UnitKind.SPECIAL_INFORMANT:
        return "special"
    if spec.kind == UnitKind.LIAISON_OFFICE:
        return "liaison"
    if spec.kind == UnitKind.DEPARTMENT:
        return "prov_dept" if spec.level == UnitLevel.PROVINCE else "city_dept"
    return {UnitLevel.PROVINCE: "province", UnitLevel.CITY: "city", UnitLevel.COUNTY: "county",
            UnitLevel.TOWNSHIP: "township"}.get(spec.level)


class Province:
    """The generated province's units and people, and who writes how much."""

    def __init__(self, layout: Layout, now: datetime):
        specs = {spec.code: spec for spec in layout.units}
        self.nodes: dict[str, Node] = {}
        parents: dict[int, int | None] = {}
        for row in Unit.objects.filter(code__in=list(specs)).values("id", "code", "name", "level", "kind", "parent_id"):
            spec = specs[row["code"]]
            self.nodes[row["code"]] = Node(row["id"], row["code"], row["name"], row["level"], row["kind"],
                                           loader.place_for(spec))
            parents[row["id"]] = row["parent_id"]
        by_id = {node.id: node for node in self.nodes.values()}
        for node in self.nodes.values():
            node.parent = by_id.get(parents[node.id])
        self.province = self.nodes[PROVINCE_CODE]
        self.national = self.nodes[NATIONAL_CODE]
        self.nodes[NATIONAL_DIRECT_POINT_CODE].extra_targets = (self.national,)
        self._read_people(by_id)
        for change in sorted(layout.direct_point_history, key=lambda c: -c.days_ago):
            node, when = self.nodes[change.unit], now - timedelta(days=change.days_ago)
            if change.is_direct_point:
                node.direct.append((when, None))
            elif node.direct:
                node.direct[-1] = (node.direct[-1][0], when)
        self._weigh_sources(layout)

    def _read_people(self, by_id: dict[int, Node]) -> None:
        roles: dict[int, set[str]] = {}
        users = User.objects.filter(unit_id__in=list(by_id), is_active=True)
        for user_id, role in RoleAssignment.objects.filter(user__in=users).values_list("user_id", "role"):
            roles.setdefault(user_id, set()).add(role)
        for pk, username, name, unit_id, office_phone, mobile in users.order_by("username").values_list(
                "id", "username", "name", "unit_id", "office_phone", "mobile"):
            person = Person(pk, username, name or username, unit_id, office_phone or mobile,
                            frozenset(roles.get(pk, ())))
            for role in person.roles:
                node = by_id[unit_id]
                node.people[role] = (*node.people.get(role, ()), person)

    def _weigh_sources(self, layout: Layout) -> None:
        demo_cities = {code for code, _name, _area, _counties in CITIES}
        new_cities = {spec.code for spec in layout.units if spec.level == UnitLevel.CITY
                      and spec.kind == UnitKind.OFFICE and spec.code not in demo_cities}
        categories: dict[str, list[tuple[Node, float]]] = {}
        for spec in layout.units:
            category, node = _source_category(spec), self.nodes[spec.code]
            if category is None or node.parent is None or not node.staff(Role.INFORMANT, Role.SIGNER):
                continue
            city = next((n for n in self._chain(node) if n.level == UnitLevel.CITY and n.kind == UnitKind.OFFICE), None)
            activity = random.Random(f"activity:{spec.code}").lognormvariate(0, UNIT_ACTIVITY_SIGMA)
            if city is not None:
                activity *= NEW_CITY_ACTIVITY if city.code in new_cities else CITY_ACTIVITY.get(city.code, 1.0)
            if spec.code == DEMO_COUNTY_CODE:
                activity *= DEMO_COUNTY_ACTIVITY
            categories.setdefault(category, []).append((node, activity))
        self.sources: list[tuple[Node, str]] = []
        self.cumulative: list[float] = []
        total = 0.0
        for category, members in categories.items():
            mean = sum(a for _n, a in members) / len(members)
            for node, activity in members:
                total += SOURCE_SHARES[category] / len(members) * activity / mean
                self.sources.append((node, category))
                self.cumulative.append(total)
        self.kinds: dict[str, tuple[list[str], list[float]]] = {}
        for category in categories:
            allowed = loader.SOURCE_KINDS.get(category, set(ReportKind.values))
            kinds = [k.value for k in KIND_WEIGHTS if k in allowed
                     and (k != ReportKind.EMERGENCY or category in EMERGENCY_SOURCES)]
            running, cumulative = 0.0, []
            for kind in kinds:
                running += KIND_WEIGHTS[kind]
                cumulative.append(running)
            self.kinds[category] = (kinds, cumulative)

    @staticmethod
    def _chain(node: Node) -> list[Node]:
        chain, current = [], node
        while current is not None:
            chain.append(current)
            current = current.parent
        return chain

    def pick(self, rng: random.Random) -> tuple[Node, str]:
        """A source unit and the kind of report it writes."""
        node, category = rng.choices(self.sources, cum_weights=self.cumulative)[0]
        kinds, cumulative = self.kinds[category]
        return node, rng.choices(kinds, cum_weights=cumulative)[0]


# ---------------------------------------------------------------- texts

# Ten years of reports by the same units on the same fields: beyond the demo's main titles
# (content.KIND_TITLES) a title is often narrowed to a place, a period or a survey, as real ones are.
TITLE_VARIANT_SHARE = 0.55
TITLE_SUFFIXES: dict[str, tuple[str, ...]] = {
    ReportKind.NEWS: ("——来自{town}的报道", "——{town}{village}村见闻", "（{year}年{month}月）"),
    ReportKind.RESEARCH: ("——基于{town}等{n}个乡镇的调查", "——以{town}为例", "（{year}年）"),
    ReportKind.PROBLEM: ("——来自{town}{village}村的调查", "——{town}{n2}户群众走访情况"),
    ReportKind.COMPREHENSIVE: ("（{year}年{period}）",),
    ReportKind.EXPERIENCE: ("——{town}{village}村的实践", "——以{town}为例"),
    ReportKind.REFERENCE: ("（{year}年）",),
    ReportKind.OPINION: ("（{year}年{month}月）",),
    ReportKind.FEEDBACK: ("（{year}年{month}月）",),
    ReportKind.EMERGENCY: ("（{month}月{day}日{hour}时）",),
}
DATED_SUFFIX = ("（{year}年{month}月）",)
PERIODS = ("一季度", "上半年", "前三季度", "全年")
# Body lengths (characters): a 政务信息 runs to 1,000–3,000 characters, a research report longer
# (core/limits.py, after seed 000 §二(三)); the benchmark asks for 300–2,500.
BODY_MEDIANS = {ReportKind.RESEARCH: 1300, ReportKind.COMPREHENSIVE: 950, ReportKind.PROBLEM: 950,
                ReportKind.EMERGENCY: 420}
BODY_MEDIAN = 750
BODY_SPREAD = 0.45
BODY_MIN, BODY_MAX = 300, 2500
# Room left under BODY_MAX for the supplement a revision appends (content.revise_body).
REVISION_ROOM = 80
# Paragraphs added to the demo's composed body: how each begins, by the part of the topic it draws on.
EXTENSIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("measures", ("在具体工作中，", "与此同时，", "此外，", "为确保各项措施落地见效，")),
    ("results", ("从目前情况看，", "据统计，", "截至目前，")),
    ("examples", ("比如，", "典型的如：", "")),
    ("problems", ("同时也要看到，", "调研中也发现，", "但也存在一些不容忽视的问题：")),
    ("causes", ("究其原因，", "分析其原因，")),
    # Never "下一步": a forwarding office drops a last paragraph that begins so (content.forward_text).
    ("suggestions", ("为此，建议", "对此，建议", "有关方面建议，")),
)
# A body's last paragraph that closes it: added paragraphs go before it.
CLOSINGS = ("下一步", "（信息来源", "建议：", "启示与建议", "目前，相关诉求")


def vary_title(rng: random.Random, title: str, *, kind: str, place: Place, when: datetime) -> str:
    templates = TITLE_SUFFIXES[kind]
    if "——" in title:  # one subtitle is enough
        templates = tuple(t for t in templates if not t.startswith("——")) or DATED_SUFFIX
    template = rng.choice(templates)
    if place.kind == "township":
        town = place.name
    else:
        town = rng.choice(place.towns) if place.towns else content.town_name(rng)
    suffix = template.format(town=town, village=content.village_name(rng), year=when.year, month=when.month,
                             day=when.day, hour=when.hour, period=rng.choice(PERIODS), n=rng.randint(3, 12),
                             n2=rng.randint(40, 600))
    return (title + suffix)[:200]


def _sentences_of(topic: Topic) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    return tuple((leads, getattr(topic, part)) for part, leads in EXTENSIONS if getattr(topic, part))


def _head(text: str) -> str:
    """The words of a sentence that filling never changes, to recognise it in a composed body."""
    return re.sub(r"\{[^}]*\}", "", text)[:8]


TOPIC_SENTENCES = {topic.key: _sentences_of(topic) for topic in TOPICS}
TOPIC_DOMAINS = {topic.key: topic.domain for topic in TOPICS}
TOPIC_WORK = {topic.key: topic.work for topic in TOPICS}
HEADS = {text: _head(text) for topic in TOPICS for _leads, pool in TOPIC_SENTENCES[topic.key] for text in pool}
# Placeholders whose value depends on the unit writing (content.Filler); the others are numbers and
# village names any unit may use.
PLACE_FIELDS = ("{place}", "{scope}", "{avg}", "{company}", "{town}")
SENTENCE_VARIANTS_OF_PLACE = 4
SENTENCE_VARIANTS_SHARED = 16


class Sentences:
    """Topic sentences with their placeholders filled (content.fill), kept: filling is most of the
    cost of a body. A report picks variant j of a sentence, and variant j depends only on the
    sentence, j and (where a placeholder names it) the unit, never on which reports were made
    before: report i reads the same whether made in one run or added by a later one."""

    def __init__(self) -> None:
        self.filled: dict[tuple[str, str, int], str] = {}
        self.own: dict[str, bool] = {}

    def get(self, rng: random.Random, place: Place, text: str) -> str:
        if "{" not in text:
            return content._sentence(text)
        own = self.own.get(text)
        if own is None:
            own = self.own[text] = any(f in text for f in PLACE_FIELDS)
        variant = rng.randrange(SENTENCE_VARIANTS_OF_PLACE if own else SENTENCE_VARIANTS_SHARED)
        key = (place.name if own else "", text, variant)
        value = self.filled.get(key)
        if value is None:
            fill_rng = random.Random(f"{key[0]}:{variant}:{text}")
            value = self.filled[key] = content._sentence(content.fill(fill_rng, place, text))
        return value


def _unsaid(topic_key: str, said: str) -> list[tuple[tuple[str, ...], list[str]]]:
    """The topic's sentences by part (with their lead-ins) that ``said`` does not contain yet."""
    parts = []
    for leads, pool in TOPIC_SENTENCES[topic_key]:
        fresh = [text for text in pool if not said or HEADS[text] not in said]
        if fresh:
            parts.append((leads, fresh))
    return parts


def _related_topic(rng: random.Random, place: Place, main: str, used: list[str]) -> str | None:
    """Another field for a long text once its own is said (a text never says the same twice): the
    same domain's other topics, else the unit's own fields, else any."""
    domain = TOPIC_DOMAINS[main]
    own = [t for d in place.domains for t in TOPICS_BY_DOMAIN.get(d, ())]
    for candidates in (TOPICS_BY_DOMAIN.get(domain, ()), own, TOPICS):
        fresh = [t.key for t in candidates if t.key not in used]
        if fresh:
            return rng.choice(fresh)
    return None


def extend_body(rng: random.Random, body: str, *, kind: str, place: Place, topic_key: str,
                sentences: Sentences) -> str:
    """The composed body, grown to a length drawn for it with paragraphs of two to four sentences on
    its topic that it does not say yet (then on a related field, for a long one), in the main part
    before a closing paragraph. Every text made from it stays within ``BODY_MIN``–``BODY_MAX``
    characters: a revision appends a supplement, and a forwarding office drops a closing "下一步"
    paragraph (content.forward_text)."""
    paras = body.split("\n")
    closing = len(paras[-1]) + 1 if paras[-1].startswith("下一步") else 0
    limit = BODY_MAX - REVISION_ROOM
    target = rng.lognormvariate(math.log(BODY_MEDIANS.get(kind, BODY_MEDIAN)), BODY_SPREAD)
    target = min(limit, max(BODY_MIN + closing, int(target)))
    at = next((i for i, p in enumerate(paras) if i > 0 and p.startswith("二、")), None)
    if at is None:
        at = len(paras) - 1 if len(paras) > 1 and paras[-1].startswith(CLOSINGS) else len(paras)
    length, used, lead = len(body), [topic_key], None
    parts = _unsaid(topic_key, body)
    while length < target:
        if not parts:
            topic = _related_topic(rng, place, topic_key, used)
            if topic is None:
                break
            used.append(topic)
            parts, lead = _unsaid(topic, body), f"在{TOPIC_WORK[topic]}方面，"
            continue
        index = rng.randrange(len(parts))
        leads, pool = parts[index]
        chosen = [pool.pop(rng.randrange(len(pool))) for _ in range(min(len(pool), rng.choice((2, 3, 3, 4))))]
        if not pool:
            del parts[index]
        added = (lead or rng.choice(leads)) + "".join(sentences.get(rng, place, text) for text in chosen)
        lead = None
        if length + len(added) + 1 > limit:
            if length >= BODY_MIN + closing:
                break
            added = added[:limit - length - 1]
        paras.insert(at, added)
        at += 1
        length += len(added) + 1
    return "\n".join(paras)


# ---------------------------------------------------------------- one report's story

# Plain strings (not the choices' members) go into rows and hashes.
DRAFT, PENDING, SIGNED, SENT = (s.value for s in (ReportState.DRAFT, ReportState.PENDING_SIGNOFF, ReportState.SIGNED,
                                                   ReportState.SUBMITTED))
WAITING, ADOPTED, ARCHIVED, RETURNED = (s.value for s in (SubmissionState.SUBMITTED, SubmissionState.ADOPTED,
                                                           SubmissionState.ARCHIVED, SubmissionState.RETURNED))
URGENCIES = [u.value for u in (Urgency.ROUTINE, Urgency.URGENT, Urgency.EXTRA_URGENT)]
URGENCY_WEIGHTS = (80, 16, 4)
EMERGENCY_URGENCIES = [Urgency.EXTRA_URGENT.value, Urgency.EXTRA_URGENT.value, Urgency.URGENT.value]
DISTRIBUTIONS = [d.value for d in (Distribution.INTERNAL, Distribution.PUBLIC, Distribution.RESTRICTED)]
DISTRIBUTION_WEIGHTS = (60, 25, 15)
MODES = [m.value for m in (AdoptionMode.AS_IS, AdoptionMode.EDITED, AdoptionMode.MERGED)]
MODE_WEIGHTS = (55, 40, 5)

# Where a report stops inside its unit, by its age in days: (younger than, shares of draft, awaiting
# sign-off, signed but not sent). Recent work is still in hand; an old draft was abandoned.
UNSENT_SHARES = ((2, (0.25, 0.15, 0.05)), (14, (0.06, 0.04, 0.02)), (math.inf, (0.006, 0.002, 0.0)))
# Which submissions still await screening, by days since they arrived: only recent ones.
OPEN_SHARES = ((2, 0.9), (7, 0.7), (21, 0.4), (60, 0.12), (180, 0.02))
# Decisions (SPEC §3.4): in the end about 35 % adopted, 10 % returned (some of the returned come back
# revised and are decided again), the rest kept for reference.
ADOPT_SHARE = {ReportKind.EMERGENCY: 0.9, ReportKind.RESEARCH: 0.5, ReportKind.PROBLEM: 0.45}
ADOPT_SHARE_DEFAULT = 0.27
ADOPT_BONUS_FORWARDED = 0.1  # an office sends on what it found worth it
RETURN_SHARE = 0.14
RETURN_SHARE_FORWARDED = 0.05
DUPLICATE_ARCHIVED = 0.85  # the copy that came round by the city, when the unit sent it straight too
# After a return: how often the unit revises and sends it again, or is still revising (recent returns).
RESUBMIT_SHARE = 0.35
RECENT_RETURN_DAYS = 14
RECENT_RESUBMIT_SHARE, RECENT_REVISING_SHARE = 0.3, 0.2
# Adopted items an office forwards to the office above (转报), by the office's level.
FORWARD_SHARE = {UnitLevel.COUNTY: 0.3, UnitLevel.CITY: 0.28, UnitLevel.PROVINCE: 0.04}
FORWARD_SHARE_EMERGENCY = {UnitLevel.COUNTY: 0.85, UnitLevel.CITY: 0.85, UnitLevel.PROVINCE: 0.2}
DIRECT_ROUTES = ((0.5, "both"), (0.75, "province"), (1.0, "city"))  # a direct point's choice, cumulative
NATIONAL_ROUTE_SHARE = 0.3  # the State Council direct reporting point also sends to 国务院办公厅
EDIT_SHARE, SEND_BACK_SHARE, SIGNER_DRAFTS_SHARE = 0.25, 0.06, 0.08
IMPORTANT_SIGNED_BY_HEAD = 0.6  # important reports are often signed by the unit's head (SPEC §3.2)
CHIEF_ASSIGNS_SHARE = 0.15


@dataclass(eq=False, slots=True)
class ReportRow:
    unit: Node
    author: Person
    state: str
    created_at: datetime
    updated_at: datetime
    current: VersionRow | None = None
    id: int = 0


@dataclass(eq=False, slots=True)
class VersionRow:
    report: ReportRow
    number: int
    unit_id: int
    derived_from: VersionRow | None
    title: str
    body: str
    keywords: str
    kind: str
    urgency: str
    distribution: str
    created_by: Person
    created_at: datetime
    signed_by: Person | None = None
    signed_at: datetime | None = None
    content_hash: str = ""
    id: int = 0

    def compute_hash(self) -> str:
        """``ReportVersion.compute_hash`` without a query: generated versions have no attachments."""
        return content_hash(report_id=self.report.id, number=self.number, title=self.title, body=self.body,
                            keywords=self.keywords, kind=self.kind, urgency=self.urgency,
                            distribution=self.distribution, attachments=[])


@dataclass(eq=False, slots=True)
class SubmissionRow:
    report: ReportRow
    version: VersionRow
    from_unit: Node
    to_unit: Node
    parent: SubmissionRow | None
    submitted_by: Person
    submitted_at: datetime
    other_route: bool = False  # the report reached this office by another route first (多头报送)
    state: str = WAITING
    decided_by: Person | None = None
    decided_at: datetime | None = None
    return_reason: str = ""
    assignee: Person | None = None
    assigned_at: datetime | None = None
    first_opened_at: datetime | None = None
    readers: set[int] = field(default_factory=set)
    id: int = 0


@dataclass(eq=False, slots=True)
class AdoptionRow:
    submission: SubmissionRow
    level: str
    publication: str
    mode: str
    note: str
    adopted_by: Person
    adopted_at: datetime
    id: int = 0


@dataclass(eq=False, slots=True)
class EventRow:
    """A timeline row and its audit entry. ``data`` is completed when keys are known (the adoption's
    id, a signed version's hash)."""

    at: datetime
    seq: int
    actor: Person
    action: str
    report: ReportRow
    submission: SubmissionRow | None
    from_state: str
    to_state: str
    note: str
    data: dict
    private: tuple[str, ...] = ()
    version: VersionRow | None = None
    adoption: AdoptionRow | None = None
    id: int = 0


@dataclass
class Batch:
    reports: list[ReportRow] = field(default_factory=list)
    versions: list[VersionRow] = field(default_factory=list)
    submissions: list[SubmissionRow] = field(default_factory=list)
    adoptions: list[AdoptionRow] = field(default_factory=list)
    reads: list[tuple[SubmissionRow, Person, datetime]] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)


@dataclass(frozen=True)
class Setting:
    """What every story of a run shares."""

    province: Province
    seed: int
    now: datetime
    cap: datetime  # nothing happens later than this
    avoid: frozenset[tuple[str, str]]  # (unit code, title) the demo loader plans
    sentences: Sentences = field(default_factory=Sentences)


class Clock:
    """``loader.Clock``'s moments (strictly increasing; in office hours, 08:30–18:00 on weekdays,
    unless round the clock; never past ``cap``), kept in the local zone throughout: the loader's
    clock looks the current zone up at every step, which cost a tenth of the generator's time."""

    def __init__(self, rng: random.Random, start: datetime, cap: datetime, *, round_the_clock: bool = False):
        self.rng, self.cap, self.round_the_clock = rng, cap, round_the_clock
        self.t = timezone.localtime(min(start, cap - timedelta(minutes=30)))

    def after(self, low_minutes: float, high_minutes: float) -> datetime:
        rng = self.rng
        if self.round_the_clock:
            low_minutes, high_minutes = min(low_minutes, 5), min(high_minutes, 45)
        t = self.t + timedelta(minutes=rng.uniform(low_minutes, high_minutes))
        if not self.round_the_clock:
            if t.hour < 8 or (t.hour == 8 and t.minute < 30):
                t = self._morning(t)
            elif t.hour >= 18:
                t = self._morning(t + timedelta(days=1))
            while t.weekday() >= 5:
                t = self._morning(t + timedelta(days=1))
        if t >= self.cap:
            t = self.t + (self.cap - self.t) * rng.uniform(0.2, 0.5)
        self.t = t
        return t

    def _morning(self, day: datetime) -> datetime:
        return day.replace(hour=8, minute=30, second=0, microsecond=0) + timedelta(minutes=self.rng.uniform(0, 70))


class Story:
    """One report from its draft to where it stands now, told in the order things happen and
    recorded as the services record them (reports/services/*.py)."""

    def __init__(self, index: int, setting: Setting, batch: Batch):
        self.rng = rng = random.Random(f"{setting.seed}:{index}")
        self.setting, self.batch = setting, batch
        self.unit, kind = setting.province.pick(rng)
        self.kind = kind
        if kind == ReportKind.EMERGENCY:
            urgency = rng.choice(EMERGENCY_URGENCIES)
        else:
            urgency = rng.choices(URGENCIES, weights=URGENCY_WEIGHTS)[0]
        distribution = rng.choices(DISTRIBUTIONS, weights=DISTRIBUTION_WEIGHTS)[0]
        # Denser towards now: the network's use grew over the decade.
        start = setting.now - timedelta(days=HISTORY_DAYS * (1 - math.sqrt(rng.random())))
        if kind != ReportKind.EMERGENCY:
            start = loader._office_moment(start, rng)
        if start >= setting.cap - timedelta(minutes=30):
            start = setting.now - timedelta(hours=rng.uniform(1, 5))
        self.age_days = (setting.now - start).total_seconds() / 86400
        when = timezone.localtime(start)
        draft = content.compose(f"gen:{setting.seed}:{index}", kind=kind, place=self.unit.place, when=when)
        title = draft.title
        if rng.random() < TITLE_VARIANT_SHARE or (self.unit.code, title) in setting.avoid:
            title = vary_title(rng, title, kind=kind, place=self.unit.place, when=when)
        body = extend_body(rng, draft.body, kind=kind, place=self.unit.place, topic_key=draft.topic,
                           sentences=setting.sentences)
        writers = self.unit.staff(Role.INFORMANT) or self.unit.staff(Role.SIGNER)
        signers = self.unit.staff(Role.SIGNER)
        self.author = rng.choice(writers)
        principals = self.unit.staff(Role.PRINCIPAL)
        important = urgency != Urgency.ROUTINE or kind in (ReportKind.RESEARCH, ReportKind.EMERGENCY)
        if principals and important and rng.random() < IMPORTANT_SIGNED_BY_HEAD:
            self.signer = rng.choice(principals)
        else:
            self.signer = rng.choice(signers)
        if rng.random() < SIGNER_DRAFTS_SHARE:  # the signer writes it and signs it himself
            self.author = self.signer = rng.choice(signers)
        # Someone who may sign drafts and signs his own (a special informant reports as himself).
        self.signs_own = self.author is self.signer or Role.SIGNER in self.author.roles
        if self.signs_own:
            self.signer = self.author
        self.clock = Clock(rng, start, setting.cap, round_the_clock=kind == ReportKind.EMERGENCY)
        self.report = ReportRow(self.unit, self.author, DRAFT, self.clock.t, self.clock.t)
        self.v1 = self.version(number=1, unit_id=self.unit.id, derived_from=None, title=title, body=body,
                               keywords=draft.keywords, kind=kind, urgency=urgency, distribution=distribution,
                               by=self.author, at=self.clock.t)
        self.report.current = self.v1
        self.numbers = 1
        self.submissions: list[SubmissionRow] = []
        batch.reports.append(self.report)

    # -- recording

    def record(self, at: datetime, actor: Person, action: str, *, submission: SubmissionRow | None = None,
               from_state: str = "", to_state: str = "", note: str = "", data: dict | None = None,
               private: tuple[str, ...] = (), version: VersionRow | None = None,
               adoption: AdoptionRow | None = None) -> None:
        self.batch.events.append(EventRow(at, len(self.batch.events), actor, str(action), self.report, submission,
                                          from_state, to_state, note, data or {}, private, version, adoption))

    def version(self, *, number: int, unit_id: int, derived_from: VersionRow | None, title: str, body: str,
                keywords: str, kind: str, urgency: str, distribution: str, by: Person, at: datetime) -> VersionRow:
        version = VersionRow(self.report, number, unit_id, derived_from, title, body, keywords, kind, urgency,
                             distribution, by, at)
        self.batch.versions.append(version)
        return version

    def derived(self, base: VersionRow, *, unit_id: int, by: Person, at: datetime, title: str, body: str) -> VersionRow:
        """The next version, derived from ``base`` with its signed particulars (versions.derived_version)."""
        self.numbers += 1
        return self.version(number=self.numbers, unit_id=unit_id, derived_from=base, title=title, body=body,
                            keywords=base.keywords, kind=base.kind, urgency=base.urgency,
                            distribution=base.distribution, by=by, at=at)

    def unit_step(self, gap: tuple[float, float]) -> datetime:
        at = self.clock.after(*gap)
        self.report.updated_at = at
        return at

    # -- the unit

    def tell(self) -> None:
        self.record(self.report.created_at, self.author, EventAction.CREATED, to_state=DRAFT)
        if self.rng.random() < EDIT_SHARE:
            self.edit()
        stage = self.stage()
        if stage == DRAFT or (stage == PENDING and self.signs_own):
            return
        if not self.signs_own:
            self.request()
            if stage == PENDING:
                return
            if self.rng.random() < SEND_BACK_SHARE:
                at = self.unit_step(loader.GAP_SEND_BACK)
                self.report.state = DRAFT
                self.record(at, self.signer, EventAction.SENT_BACK, from_state=PENDING, to_state=DRAFT,
                            note=self.rng.choice(content.SEND_BACK_COMMENTS))
                self.edit()
                self.request()
        self.sign(self.v1)
        if stage == SIGNED:
            return
        at = self.unit_step(loader.GAP_SUBMIT)
        for target in self.targets(at):
            sub = self.submission(version=self.v1, from_unit=self.unit, to_unit=target, parent=None, by=self.author,
                                  at=at)
            self.record(at, self.author, EventAction.SUBMITTED, submission=sub, to_state=WAITING,
                        data={"to": target.id, "version": 1})
        self.report.state = SENT
        for sub in list(self.submissions):
            self.screen(sub)

    def stage(self) -> str:
        for younger_than, (draft, pending, signed) in UNSENT_SHARES:
            if self.age_days < younger_than:
                u = self.rng.random()
                if u < draft:
                    return DRAFT
                if u < draft + pending:
                    return PENDING
                return SIGNED if u < draft + pending + signed else SENT
        return SENT  # pragma: no cover - the last row takes every age

    def edit(self, gap: tuple[float, float] = loader.GAP_EDIT) -> None:
        self.record(self.unit_step(gap), self.author, EventAction.EDITED, data={"fields": ["body"]})

    def request(self, gap: tuple[float, float] = loader.GAP_REQUEST) -> None:
        self.report.state = PENDING
        self.record(self.unit_step(gap), self.author, EventAction.SIGNOFF_REQUESTED, from_state=DRAFT, to_state=PENDING)

    def sign(self, version: VersionRow, gap: tuple[float, float] = loader.GAP_SIGN) -> None:
        at = self.unit_step(gap)
        version.signed_by, version.signed_at = self.signer, at
        previous, self.report.state = self.report.state, SIGNED
        self.record(at, self.signer, EventAction.SIGNED, from_state=previous, to_state=SIGNED,
                    note=self.rng.choice(content.SIGN_OFF_COMMENTS),
                    data={"version": version.number, "content_hash": ""}, version=version)

    def targets(self, when: datetime) -> list[Node]:
        """Its office; a direct reporting point the province too, or instead (SPEC §2)."""
        unit, province = self.unit, self.setting.province.province
        if not unit.is_direct_at(when) or unit.parent is province:
            return [unit.parent]
        u = self.rng.random()
        route = next(name for bound, name in DIRECT_ROUTES if u < bound)
        targets = {"both": [unit.parent, province], "province": [province], "city": [unit.parent]}[route]
        if unit.extra_targets and province in targets and self.rng.random() < NATIONAL_ROUTE_SHARE:
            targets = [*targets, *unit.extra_targets]
        return targets

    def submission(self, *, version: VersionRow, from_unit: Node, to_unit: Node, parent: SubmissionRow | None,
                   by: Person, at: datetime) -> SubmissionRow:
        other_route = any(s.to_unit is to_unit for s in self.submissions)
        sub = SubmissionRow(self.report, version, from_unit, to_unit, parent, by, at, other_route)
        self.submissions.append(sub)
        self.batch.submissions.append(sub)
        return sub

    # -- the receiving offices

    def screen(self, sub: SubmissionRow, *, again: bool = False) -> None:
        if self.still_open(sub):
            self.desk(sub)
            return
        editor = self.take_up(sub)
        at = self.clock.after(*loader.GAP_DECIDE)
        sub.decided_by, sub.decided_at = editor, at
        outcome = self.outcome(sub, again)
        if outcome == ADOPTED:
            self.adopt(sub, editor, at)
            if self.forwards(sub):
                self.forward(sub, editor)
        elif outcome == ARCHIVED:
            sub.state = ARCHIVED
            note = (content.DUPLICATE_NOTE.format(unit=self.unit.name) if sub.other_route
                    else self.rng.choice(content.ARCHIVE_NOTES))
            self.record(at, editor, EventAction.ARCHIVED, submission=sub, from_state=WAITING, to_state=ARCHIVED,
                        note=note, data={"version": sub.version.number})
        else:
            sub.state, sub.return_reason = RETURNED, self.rng.choice(content.RETURN_REASONS)
            self.record(at, editor, EventAction.RETURNED, submission=sub, from_state=WAITING, to_state=RETURNED,
                        note=sub.return_reason, data={"version": sub.version.number})
            if sub.parent is None:
                self.after_return(sub)

    def still_open(self, sub: SubmissionRow) -> bool:
        age = (self.setting.now - sub.submitted_at).total_seconds() / 86400
        share = next((s for younger_than, s in OPEN_SHARES if age < younger_than), 0.0)
        return self.rng.random() < share

    def outcome(self, sub: SubmissionRow, again: bool) -> str:
        u = self.rng.random()
        if sub.other_route:
            return ARCHIVED if u < DUPLICATE_ARCHIVED else ADOPTED
        forwarded = sub.parent is not None
        adopt = ADOPT_SHARE.get(self.kind, ADOPT_SHARE_DEFAULT) + (ADOPT_BONUS_FORWARDED if forwarded else 0)
        back = 0.0 if again else (RETURN_SHARE_FORWARDED if forwarded else RETURN_SHARE)
        return ADOPTED if u < adopt else RETURNED if u < adopt + back else ARCHIVED

    def open(self, sub: SubmissionRow, person: Person, gap: tuple[float, float]) -> None:
        """``submission_mark_opened``: read for this editor, and no longer new for the office."""
        at = self.clock.after(*gap)
        if sub.first_opened_at is None:
            sub.first_opened_at = at
        if person.id not in sub.readers:
            sub.readers.add(person.id)
            self.batch.reads.append((sub, person, at))

    def assign(self, sub: SubmissionRow, assignee: Person, by: Person, gap: tuple[float, float]) -> None:
        at = self.clock.after(*gap)
        previous = sub.assignee.id if sub.assignee else None
        sub.assignee, sub.assigned_at = assignee, at
        self.record(at, by, EventAction.ASSIGNED, submission=sub, data={"assignee": assignee.id, "previous": previous})

    def take_up(self, sub: SubmissionRow) -> Person:
        """The editor who decides opens it first; now and then the chief editor hands it out. An item
        that came back resubmitted stays with its assignee."""
        office, rng = sub.to_unit, self.rng
        if sub.assignee is not None:
            self.open(sub, sub.assignee, loader.GAP_OPEN)
            return sub.assignee
        chiefs, editors = office.staff(Role.CHIEF_EDITOR), office.staff(Role.EDITOR)
        if chiefs and editors and rng.random() < CHIEF_ASSIGNS_SHARE:
            chief, editor = rng.choice(chiefs), rng.choice(editors)
            self.open(sub, chief, loader.GAP_OPEN)
            self.assign(sub, editor, chief, loader.GAP_DESK)
            self.open(sub, editor, loader.GAP_DESK)
            return editor
        editor = rng.choice(office.staff(Role.EDITOR, Role.CHIEF_EDITOR))
        self.open(sub, editor, loader.GAP_OPEN)
        return editor

    def desk(self, sub: SubmissionRow) -> None:
        """An item still awaiting screening, as the office's desk has it now (loader.DESK_ROLES):
        never opened, handed out by the chief editor, taken by an editor, or read by one of them."""
        rng, office = self.rng, sub.to_unit
        role = rng.choices(loader.DESK_ROLES, weights=loader.DESK_WEIGHTS)[0]
        chiefs, editors = office.staff(Role.CHIEF_EDITOR), office.staff(Role.EDITOR)
        if sub.assignee is not None:  # resubmitted: its assignee reads the revision, or will
            if rng.random() < 0.5:
                self.open(sub, sub.assignee, loader.GAP_OPEN)
        elif role == "new":
            return
        elif role == "assigned" and chiefs and editors:
            chief, editor = rng.choice(chiefs), rng.choice(editors)
            self.open(sub, chief, loader.GAP_OPEN)
            self.assign(sub, editor, chief, loader.GAP_DESK)
            if rng.random() < 0.5:
                self.open(sub, editor, loader.GAP_DESK)
        elif role == "taken" and editors:
            editor = rng.choice(editors)
            self.open(sub, editor, loader.GAP_OPEN)
            self.assign(sub, editor, editor, (1, 20))
        else:
            self.open(sub, rng.choice(office.staff(Role.EDITOR, Role.CHIEF_EDITOR)), loader.GAP_OPEN)

    def adopt(self, sub: SubmissionRow, editor: Person, at: datetime) -> None:
        rng = self.rng
        publication = str(loader.publication_for(self.kind, rng))
        mode = rng.choices(MODES, weights=MODE_WEIGHTS)[0]
        note = rng.choice(content.ADOPTION_NOTES[publication])
        adoption = AdoptionRow(sub, sub.to_unit.level, publication, mode, note, editor, at)
        self.batch.adoptions.append(adoption)
        sub.state = ADOPTED
        self.record(at, editor, EventAction.ADOPTED, submission=sub, from_state=WAITING, to_state=ADOPTED, note=note,
                    data={"adoption": 0, "publication": publication, "mode": mode, "version": sub.version.number},
                    adoption=adoption)

    def forwards(self, sub: SubmissionRow) -> bool:
        office = sub.to_unit
        target = office.parent
        if target is None or sub.other_route or office.level not in FORWARD_SHARE:
            return False
        if any(s.from_unit is office and s.to_unit is target for s in self.submissions):
            return False  # one route per sender and office (unique_submission_route)
        shares = FORWARD_SHARE_EMERGENCY if self.kind == ReportKind.EMERGENCY else FORWARD_SHARE
        return self.rng.random() < shares[office.level]

    def forward(self, sub: SubmissionRow, editor: Person) -> None:
        """``submission_forward``: the office's edited version, issued by its editor, sent up."""
        at = self.clock.after(*loader.GAP_FORWARD)
        office = sub.to_unit
        target = office.parent
        name = office.place.name if office.level in (UnitLevel.CITY, UnitLevel.COUNTY) else ""
        title, body = content.forward_text(sub.version.title, sub.version.body, origin=self.unit.place,
                                           office_name=name)
        version = self.derived(sub.version, unit_id=office.id, by=editor, at=at, title=title, body=body)
        version.signed_by, version.signed_at = editor, at
        child = self.submission(version=version, from_unit=office, to_unit=target, parent=sub, by=editor, at=at)
        self.record(at, editor, EventAction.FORWARDED, submission=child, from_state=sub.state, to_state=WAITING,
                    note=self.rng.choice(content.FORWARD_NOTES),
                    data={"from": office.id, "to": target.id, "version": version.number,
                          "other_route": child.other_route, "routes": [target.id]},
                    private=("routes",))
        self.screen(child)

    def after_return(self, sub: SubmissionRow) -> None:
        """The unit revises: a new version, edited, signed again and resubmitted (or, recently
        returned, still being revised, or not yet taken up)."""
        rng, report = self.rng, self.report
        if report.current is not sub.version or report.state != SENT:
            return  # already revising after another office's return
        recent = (self.setting.now - sub.decided_at).days < RECENT_RETURN_DAYS
        u = rng.random()
        resubmit = u < (RECENT_RESUBMIT_SHARE if recent else RESUBMIT_SHARE)
        revising = recent and not resubmit and u < RECENT_RESUBMIT_SHARE + RECENT_REVISING_SHARE
        if not (resubmit or revising):
            return
        at = self.unit_step(loader.GAP_REVISE)
        base = report.current
        version = self.derived(base, unit_id=self.unit.id, by=self.author, at=at, title=base.title,
                               body=content.revise_body(rng, base.body, self.unit.place))
        report.current, report.state = version, DRAFT
        self.record(at, self.author, EventAction.NEW_VERSION, from_state=SENT, to_state=DRAFT,
                    data={"version": version.number})
        if not resubmit:
            return
        self.edit(gap=(10, 120))
        if self.signs_own:
            self.sign(version, gap=(20, 600))
        else:
            self.request(gap=(5, 60))
            self.sign(version, gap=(20, 600))
        at = self.unit_step(loader.GAP_SUBMIT)
        sub.version, sub.state, sub.return_reason = version, WAITING, ""
        sub.submitted_at, sub.submitted_by, sub.decided_at, sub.decided_by = at, self.author, None, None
        report.state = SENT
        self.record(at, self.author, EventAction.RESUBMITTED, submission=sub, from_state=RETURNED, to_state=WAITING,
                    note=rng.choice(content.RESUBMIT_NOTES), data={"version": version.number})
        self.screen(sub, again=True)


# ---------------------------------------------------------------- writing a batch

def _id(row) -> int | None:
    return row.id if row is not None else None


@dataclass
class PreparedBatch:
    """A batch's rows with their keys, ready to write; its audit entries wait for the chain."""

    rows: list[tuple[type[models.Model], list[tuple]]]
    audit: list[AuditRow]



_publication_ids: dict[tuple[int, str], int] = {}


def publication_id(office_id: int, code: str) -> int:
    """The id of the office's publication with ``code`` (bulletins: each office has its own, the standard
    set created on first use), cached for the run."""
    key = (office_id, code)
    if key not in _publication_ids:
        from govbrief.bulletins.publications import ensure_publications
        from govbrief.orgs.models import Unit

        for publication in ensure_publications(Unit.objects.get(pk=office_id)):
            _publication_ids[(office_id, publication.code)] = publication.pk
    return _publication_ids[key]


def prepare_batch(batch: Batch, writer: TableWriter, *, marker: dict, marker_unit_id: int) -> PreparedBatch:
    """Give the batch's rows their keys (reserved in blocks from the sequences, so this may run outside
    the transaction that writes them), complete what depends on keys (content hashes, the adoption an
    event names) and build every row: the timeline's, and the audit entries' as ``events.record``
    makes them (data, note, states)."""
    for model, rows in ((Report, batch.reports), (ReportVersion, batch.versions), (Submission, batch.submissions),
                        (Adoption, batch.adoptions)):
        first = writer.reserve(model, len(rows))
        for offset, row in enumerate(rows):
            row.id = first + offset
    for version in batch.versions:
        if version.signed_at is not None:
            version.content_hash = version.compute_hash()
    # The log and the timeline in time order (ties: the order the story recorded them).
    events = sorted(batch.events, key=lambda e: (e.at, e.seq))
    first_event = writer.reserve(ReportEvent, len(events))
    timeline, audit = [], []
    for offset, event in enumerate(events):
        data = event.data
        if event.version is not None:
            data["content_hash"] = event.version.content_hash
        if event.adoption is not None:
            data["adoption"] = event.adoption.id
        shown = {k: v for k, v in data.items() if k not in event.private} if event.private else data
        target = event.submission
        timeline.append((first_event + offset, event.report.id, _id(target), event.action, event.actor.id,
                         event.actor.unit_id, event.from_state, event.to_state, event.note, PLAIN(shown), event.at))
        audited = dict(data)
        if event.note:
            audited["note"] = event.note
        if event.from_state or event.to_state:
            audited.update({"from": event.from_state, "to": event.to_state})
        audit.append(audit_row(at=event.at, actor=event.actor, action=f"report.{event.action}",
                               object_type="reports.submission" if target is not None else "reports.report",
                               object_id=target.id if target is not None else event.report.id, data=audited))
    audit.append(audit_row(at=timezone.now(), actor=None, action=GENERATED_ACTION, object_type="orgs.unit",
                           object_id=marker_unit_id, data=marker))
    first_read = writer.reserve(SubmissionRead, len(batch.reads))
    rows = [
        (Report, [(r.id, r.unit.id, r.author.id, r.author.label[:50], r.author.phone[:40], r.state, r.current.id,
                   r.created_at, r.updated_at) for r in batch.reports]),
        (ReportVersion, [
            (v.id, v.report.id, v.number, v.unit_id, _id(v.derived_from), v.title, v.body, v.keywords, v.kind,
             v.urgency, v.distribution, v.created_by.id, v.created_at, _id(v.signed_by), v.signed_at, v.content_hash)
            for v in batch.versions]),
        (Submission, [
            (s.id, s.report.id, s.version.id, s.from_unit.id, s.to_unit.id, _id(s.parent), s.state, s.submitted_by.id,
             s.submitted_at, _id(s.decided_by), s.decided_at, s.return_reason, _id(s.assignee), s.assigned_at,
             s.first_opened_at, inbox_rank(s.version.kind, s.version.urgency), s.report.unit.id)
            for s in batch.submissions]),
        (Adoption, [(a.id, a.submission.id, a.level, publication_id(a.submission.to_unit.id, a.publication), a.mode,
                     a.note, a.adopted_by.id, a.adopted_at)
                    for a in batch.adoptions]),
        (SubmissionRead, [(first_read + offset, sub.id, person.id, at)
                          for offset, (sub, person, at) in enumerate(batch.reads)]),
        (ReportEvent, timeline),
    ]
    return PreparedBatch(rows, audit)


def store_batch(prepared: PreparedBatch, writer: TableWriter) -> None:
    """Write a prepared batch and its audit entries in one transaction."""
    with transaction.atomic():
        if writer.postgres:
            with connection.cursor() as cursor:
                # A lost batch is rebuilt from the seed by the next run: no need to wait for the disk.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
                # Bodies are compressed as they are stored (TOAST); lz4 does it several times faster than
                # the default pglz, and readers decompress either transparently.
                cursor.execute("SET LOCAL default_toast_compression TO lz4")
        for model, rows in prepared.rows:
            writer.write(model, rows)
        audit_append(prepared.audit, writer)


# ---------------------------------------------------------------- entry points

def generated_reports() -> int:
    """How many reports the generator has made in this database (0 if none)."""
    data = (AuditEntry.objects.filter(action=GENERATED_ACTION).order_by("-id").values_list("data", flat=True).first())
    return int(data["reports"]) if data else 0


def generated_seed() -> int | None:
    data = (AuditEntry.objects.filter(action=GENERATED_ACTION).order_by("id").values_list("data", flat=True).first())
    return int(data["seed"]) if data else None


@functools.cache
def demo_titles() -> frozenset[tuple[str, str]]:
    """(unit code, title) of the demo loader's first reports: titles the generator leaves to it.
    A demo title depends on the seed alone, never on the day (loader.plan_reports), so once is enough."""
    plans = loader.plan_reports(build_layout(), count=DEMO_TITLES_GUARDED, seed=loader.DEFAULT_SEED,
                                now=timezone.now())
    return frozenset((plan.unit, plan.title) for plan in plans)


def generate(*, reports: int, seed: int = DEFAULT_SEED, progress: bool = True, batch_size: int = BATCH_REPORTS,
             now: datetime | None = None) -> GenerationResult:
    """Build the province and make sure it has ``reports`` generated reports: reports already there
    are kept, the missing ones are added. Idempotent: a second run with the same arguments only
    checks the units and people. ``now``: the day the history leads up to (default: now); with the
    same seed and day, every report is the same."""
    started = time.monotonic()
    if reports < 0:
        raise ValueError("The number of reports cannot be negative.")
    previous_seed = generated_seed()
    if previous_seed is not None and previous_seed != seed:
        raise ValueError(f"This database was generated with seed {previous_seed}; generate more with that seed "
                         f"(a different one would mix two histories).")
    now = now or timezone.now()
    _publication_ids.clear()  # ids of an earlier run (or a rolled-back test) are not this database's
    layout = build_generated_layout()
    writer = TableWriter()
    units, units_created, people_created = ensure_province(layout, now, writer)
    have = generated_reports()
    if have >= reports:
        return GenerationResult(reports_total=have, reports_created=0, seconds=time.monotonic() - started,
                                units=len(units), units_created=units_created, people_created=people_created,
                                rows=dict(writer.written), reused=True)
    setting = Setting(Province(layout, now), seed, now, now - timedelta(minutes=2), demo_titles())
    bar = tqdm(total=reports - have, unit="条", unit_scale=True, desc="生成报告", dynamic_ncols=True,
               disable=not progress)
    committer = BatchCommitter(background=writer.postgres and not connection.in_atomic_block)
    try:
        for first in range(have, reports, batch_size):
            last = min(reports, first + batch_size)
            batch = Batch()
            for index in range(first, last):
                Story(index, setting, batch).tell()
                if (index - first + 1) % 1000 == 0:
                    bar.update(1000)
            marker = {"seed": seed, "reports": last, "first": first, "created": last - first}
            committer.submit(batch, writer, marker=marker, marker_unit_id=setting.province.province.id)
            bar.update((last - first) % 1000)
        bar.set_description("写入最后一批")
        committer.close()
    finally:
        committer.abandon()
        bar.close()
    writer.check_sequences()
    refresh_statistics(writer)
    return GenerationResult(reports_total=reports, reports_created=reports - have, seconds=time.monotonic() - started,
                            units=len(units), units_created=units_created, people_created=people_created,
                            rows=dict(writer.written))


def refresh_statistics(writer: TableWriter) -> None:
    """Bulk-written tables need fresh planner statistics and visibility maps at once: with the
    estimates of an empty table PostgreSQL chose bitmap scans over the whole history for the inbox's
    counts, and without a visibility map no count is answered from an index alone (issue 14).
    Autovacuum would get there eventually; a benchmark run right after generating would not wait."""
    if not writer.postgres:
        return
    tables = [model._meta.db_table for model in (Report, ReportVersion, Submission, Adoption, ReportEvent,
                                                  SubmissionRead, AuditEntry)]
    with connection.cursor() as cursor:
        for table in tables:
            # VACUUM cannot run inside a transaction (the tests generate inside theirs): ANALYZE can.
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM (ANALYZE)'} {table}")


class BatchCommitter:
    """Writes each batch in its own transaction, in order. On PostgreSQL, outside a caller's
    transaction, a background thread writes on its own connection, so the database inserts, indexes
    and checks batch k while Python builds and prepares batch k+1 (two cores, both busy); at most one
    batch waits. Inside a caller's transaction (tests) everything stays on the caller's connection."""

    def __init__(self, *, background: bool):
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="generate") if background else None
        self.pending: Future | None = None

    def submit(self, batch: Batch, writer: TableWriter, *, marker: dict, marker_unit_id: int) -> None:
        if self.executor is None:  # keys reserved and rows written in one transaction
            with transaction.atomic():
                store_batch(prepare_batch(batch, writer, marker=marker, marker_unit_id=marker_unit_id), writer)
            return
        prepared = prepare_batch(batch, writer, marker=marker, marker_unit_id=marker_unit_id)
        self.wait()
        self.pending = self.executor.submit(store_batch, prepared, writer)

    def wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()  # a failed batch stops the run here, with its own error

    def close(self) -> None:
        self.wait()

    def abandon(self) -> None:
        """Let the thread finish what it has (or fail), close its connection and stop it."""
        if self.executor is None:
            return
        if self.pending is not None:
            self.pending.exception()
        self.executor.submit(lambda: connection.close()).result()  # the thread's own connection
        self.executor.shutdown()
        self.executor = None


def office_loads() -> list[OfficeLoad]:
    """Every receiving office of the generated province with the number of submissions it received,
    busiest first, and an editor there whose password is ``GENERATED_PASSWORD`` (the office's
    well-known demo login if it has one)."""
    layout = build_generated_layout()
    editors: dict[str, list[str]] = {}
    for person in layout.people:
        if Role.EDITOR in person.roles:
            editors.setdefault(person.unit, []).append(person.username)
    well_known = loader.WELL_KNOWN_USERNAMES
    active = set(User.objects.filter(username__in=[u for names in editors.values() for u in names], is_active=True)
                 .values_list("username", flat=True))
    units = {u.pk: u for u in Unit.objects.filter(code__in=list(editors))}
    counts = Submission.objects.filter(to_unit_id__in=list(units)).values("to_unit_id").annotate(n=Count("id"))
    loads = []
    for row in counts:
        unit = units[row["to_unit_id"]]
        usable = sorted((u for u in editors[unit.code] if u in active), key=lambda u: (u not in well_known, u))
        if usable:
            loads.append(OfficeLoad(unit.pk, unit.code, unit.name, row["n"], usable[0]))
    return sorted(loads, key=lambda load: (-load.submissions, load.code))
