"""The benchmark generator (issue 14): a province of about 600 units and N reports written in bulk,
consistent with what the services write, idempotent, extendable, deterministic, audit-chained, and
living side by side with the demo."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from govbrief.audit.models import AuditEntry
from govbrief.audit.services import audit_chain_verify
from govbrief.demo import generator
from govbrief.demo.generator import (
    GENERATED_ACTION,
    GENERATED_PASSWORD,
    Batch,
    Province,
    Setting,
    Story,
    build_generated_layout,
    generate,
    generated_reports,
    office_loads,
)
from govbrief.demo.loader import DEMO_PASSWORD, load_demo
from govbrief.demo.province import WELL_KNOWN, build_layout
from govbrief.orgs.choices import Role, UnitKind, UnitLevel
from govbrief.orgs.models import RoleAssignment, Unit, User
from govbrief.reports import services
from govbrief.reports.choices import (
    AdoptionMode,
    ReportState,
    SubmissionState,
    inbox_rank,
)
from govbrief.reports.events import PRIVATE_DATA, REPORT_EVENT_DATA
from govbrief.reports.models import (
    Adoption,
    Report,
    ReportEvent,
    ReportVersion,
    Submission,
    SubmissionRead,
)

SMALL = 240
# A fixed day, so every run of a test builds the same history (which items are still open depends on
# the weekdays around "now").
NOW = datetime(2026, 6, 16, 9, 30, tzinfo=dt_timezone.utc)
CJK = re.compile(r"[\u4e00-\u9fff]")
COUNTED = (Unit, User, RoleAssignment, Report, ReportVersion, Submission, Adoption, SubmissionRead, ReportEvent,
           AuditEntry)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def generated(db):
    return generate(reports=SMALL, progress=False, now=NOW)


# ---------------------------------------------------------------- the province (no database)

def test_the_generated_province_extends_the_demo_layout_to_about_600_units():
    demo, layout = build_layout(), build_generated_layout()
    # The demo's units and people come first and unchanged: the same codes, logins and sort order.
    assert layout.units[:len(demo.units)] == demo.units
    assert set(demo.people) <= set(layout.people)
    codes = [spec.code for spec in layout.units]
    assert len(codes) == len(set(codes))
    assert 550 <= len(codes) <= 650
    seen: set[str] = set()
    for spec in layout.units:
        assert spec.parent is None or spec.parent in seen, f"{spec.code} comes before its parent"
        seen.add(spec.code)
    usernames = [p.username for p in layout.people]
    assert len(usernames) == len(set(usernames))
    assert {r for p in layout.people for r in p.roles} == set(Role.values)
    # People are named as in the demo: <unit code>-<role abbreviation>.
    extra = [p for p in layout.people if p not in demo.people]
    assert extra and all(re.fullmatch(rf"{re.escape(p.unit)}-[a-z]+\d*", p.username) for p in extra)
    levels = Counter((spec.kind, spec.level) for spec in layout.units)
    assert 12 <= levels[(UnitKind.OFFICE, UnitLevel.CITY)] <= 13
    assert levels[(UnitKind.OFFICE, UnitLevel.COUNTY)] >= 90
    assert levels[(UnitKind.OFFICE, UnitLevel.TOWNSHIP)] >= 250
    assert levels[(UnitKind.DEPARTMENT, UnitLevel.CITY)] >= 80
    assert len(layout.direct_points()) >= 15
    receivers = {spec.code for spec in layout.units if spec.receives}
    for spec in layout.units:
        if spec.level == UnitLevel.TOWNSHIP:
            assert spec.parent in receivers  # a county with townships screens their reports


# ---------------------------------------------------------------- the rows

def test_every_generated_row_is_consistent(generated):
    assert Report.objects.count() == SMALL == generated_reports()
    offices = {u.pk: u for u in Unit.objects.all()}
    for report in Report.objects.select_related("current_version"):
        version = report.current_version
        assert version is not None and version.report_id == report.pk and version.unit_id == report.unit_id
        assert report.contact_name and report.contact_phone
        sent = report.submissions.filter(from_unit_id=report.unit_id).exists()
        if report.state == ReportState.SUBMITTED:
            assert sent
        elif report.state == ReportState.DRAFT and sent:
            assert version.number > 1 and not version.signed_at  # revising after a return
        else:
            assert not sent
    for version in ReportVersion.objects.all():
        assert 300 <= len(version.body) <= 2500
        assert len(version.title) <= 200 and CJK.search(version.title) and "{" not in version.title + version.body
        if version.signed_at:
            assert version.signed_by_id and version.hash_matches()
        else:
            assert version.content_hash == ""
    for sub in Submission.objects.select_related("version", "parent", "parent__version", "from_unit", "to_unit", "report"):
        assert sub.urgency_rank == inbox_rank(sub.version.kind, sub.version.urgency)
        assert sub.origin_unit_id == sub.report.unit_id
        assert sub.is_closed == (sub.state != SubmissionState.SUBMITTED)
        assert sub.version.signed_at is not None, "nothing leaves a unit unsigned"
        if sub.parent_id is not None:  # a forward: from the office that adopted it, its own edited text
            assert sub.parent.state == SubmissionState.ADOPTED
            assert sub.parent.to_unit_id == sub.from_unit_id
            assert sub.version.derived_from_id == sub.parent.version_id
            assert sub.version.unit_id == sub.from_unit_id
        if sub.to_unit_id != sub.from_unit.parent_id:  # skipping levels: only direct reporting points
            assert sub.from_unit.level == UnitLevel.COUNTY and sub.parent_id is None
            assert offices[sub.to_unit_id].level in (UnitLevel.PROVINCE, UnitLevel.NATIONAL)
        adoption = Adoption.objects.filter(submission=sub).first()
        assert (adoption is not None) == (sub.state == SubmissionState.ADOPTED)
        if adoption:
            assert adoption.level == sub.to_unit.level and adoption.publication.code in {"general", "special", "express", "opinion", "reference"} and adoption.publication.office_id == sub.to_unit_id
            assert adoption.mode in AdoptionMode.values
        if sub.state == SubmissionState.SUBMITTED:
            assert sub.decided_at is None and sub.decided_by_id is None
        else:
            assert sub.decided_at >= sub.submitted_at and sub.decided_by_id
        assert bool(sub.return_reason) == (sub.state == SubmissionState.RETURNED)
        assert (sub.first_opened_at is not None) == sub.reads.exists()
        if sub.assignee_id:
            assert sub.assignee.unit_id == sub.to_unit_id
        assert sub.events.filter(action__in=["submitted", "forwarded"]).count() == 1
    states = Counter(Submission.objects.values_list("state", flat=True))
    assert set(states) == set(SubmissionState.values)
    assert Submission.objects.filter(parent__isnull=False).exists()
    assert Submission.objects.filter(assignee__isnull=False).exists()


def test_timeline_rows_carry_the_data_the_services_write(generated):
    for event in ReportEvent.objects.select_related("actor"):
        required, optional = REPORT_EVENT_DATA[event.action]
        shown = set(required) - set(PRIVATE_DATA.get(event.action, ()))
        assert shown <= set(event.data) <= shown | set(optional), event.action
        assert event.actor_unit_id == event.actor.unit_id
        if event.action in ("submitted", "adopted", "archived", "returned", "resubmitted", "forwarded", "assigned"):
            assert event.submission_id is not None
    adopted = ReportEvent.objects.filter(action="adopted").first()
    assert Adoption.objects.get(pk=adopted.data["adoption"]).submission_id == adopted.submission_id
    signed = ReportEvent.objects.filter(action="signed").first()
    assert ReportVersion.objects.get(report_id=signed.report_id, number=signed.data["version"]).content_hash == \
        signed.data["content_hash"]
    returned = ReportEvent.objects.filter(action="returned").first()
    assert returned.note and returned.to_state == SubmissionState.RETURNED


def test_the_history_spans_ten_years_and_only_recent_items_are_open(generated):
    oldest = Report.objects.order_by("created_at").first().created_at
    assert oldest < NOW - timedelta(days=365 * 8)
    assert Report.objects.order_by("-created_at").first().created_at < NOW
    open_items = Submission.objects.filter(state=SubmissionState.SUBMITTED)
    assert open_items.exists()
    assert not open_items.filter(submitted_at__lt=NOW - timedelta(days=180)).exists()
    assert open_items.count() < Submission.objects.count() * 0.2  # most of the history is closed


def test_the_audit_chain_verifies_after_generating(generated):
    report = audit_chain_verify()
    assert report.ok, report.first_broken
    # One audit entry per timeline row, as real transitions write, and a record of each batch.
    assert AuditEntry.objects.filter(action__startswith="report.").count() == ReportEvent.objects.count()
    assert AuditEntry.objects.filter(action="account_created").count() == generated.people_created
    marker = AuditEntry.objects.filter(action=GENERATED_ACTION).latest("id")
    assert marker.data["reports"] == SMALL and marker.data["seed"] == generator.DEFAULT_SEED


# ---------------------------------------------------------------- runs

def test_rerunning_with_the_same_number_changes_nothing(generated):
    before = counts()
    again = generate(reports=SMALL, progress=False, now=NOW)
    assert again.reused and again.reports_created == 0 and again.reports_total == SMALL
    assert counts() == before
    # A smaller number removes nothing either.
    assert generate(reports=10, progress=False).reports_total == SMALL
    assert counts() == before


def test_a_larger_number_adds_only_the_missing_reports(db):
    generate(reports=150, progress=False, now=NOW)
    first = dict(ReportVersion.objects.filter(number=1).values_list("report_id", "title"))
    result = generate(reports=220, progress=False, now=NOW + timedelta(days=3))
    assert result.reports_created == 70 and result.people_created == 0 and result.units_created == 0
    assert Report.objects.count() == 220 == generated_reports()
    assert dict(ReportVersion.objects.filter(report_id__in=first, number=1).values_list("report_id", "title")) == first
    assert audit_chain_verify().ok


def test_a_report_depends_only_on_the_seed_its_index_and_the_day(generated):
    """Report i is the same whether made in one run or added by a later one (nothing carries over
    from the reports made before it), so it can be rebuilt in memory and compared."""
    setting = Setting(Province(build_generated_layout(), NOW), generator.DEFAULT_SEED, NOW,
                      NOW - timedelta(minutes=2), generator.demo_titles())
    batch = Batch()
    for index in reversed(range(SMALL)):  # backwards: a filled sentence must not depend on the order
        Story(index, setting, batch).tell()
    rebuilt = sorted((r.unit.id, r.current.title, r.current.body, r.state) for r in batch.reports)
    stored = sorted(Report.objects.values_list("unit_id", "current_version__title", "current_version__body", "state"))
    assert rebuilt == stored


def test_another_seed_is_refused(generated):
    with pytest.raises(ValueError, match="seed"):
        generate(reports=SMALL + 10, seed=generator.DEFAULT_SEED + 1, progress=False)


def test_new_rows_after_generating_get_fresh_keys(generated):
    informant = User.objects.get(username="xinxiyuan")
    report = services.report_create(author=informant, title="生成数据之后新建的报告", body="正文。", kind="news")
    assert report.pk > Report.objects.exclude(pk=report.pk).order_by("-pk").first().pk
    assert report.current_version.pk > ReportVersion.objects.exclude(pk=report.current_version.pk).latest("pk").pk
    assert audit_chain_verify().ok


# ---------------------------------------------------------------- working on generated data

def test_office_loads_are_busiest_first_and_name_an_editor_who_can_log_in(generated):
    loads = office_loads()
    assert loads and [load.submissions for load in loads] == sorted((load.submissions for load in loads), reverse=True)
    assert loads[0].code in ("jiangdong", "jiangzhou")
    totals = Counter(Submission.objects.values_list("to_unit_id", flat=True))
    for load in loads:
        assert totals[load.unit_id] == load.submissions
        editor = User.objects.get(username=load.editor_username)
        assert editor.unit_id == load.unit_id and editor.has_role(Role.EDITOR)
    assert {load.editor_username for load in loads} >= {"sheng_bianji", "bianji"}
    assert User.objects.get(username=loads[0].editor_username).check_password(GENERATED_PASSWORD)


def test_the_editor_of_a_busy_office_works_on_generated_items(generated, client):
    load = office_loads()[0]
    editor = User.objects.get(username=load.editor_username)
    client.force_login(editor)
    assert client.get(reverse("reports:inbox")).status_code == 200
    assert client.get(reverse("reports:inbox"), {"queue": "overdue"}).status_code == 200
    received = Submission.objects.filter(to_unit_id=load.unit_id)
    for sub in (received.filter(parent__isnull=False).first(), received.filter(state="adopted").first(),
                received.filter(state="returned").first()):
        if sub is not None:
            assert client.get(reverse("reports:submission", args=[sub.pk])).status_code == 200
            assert client.get(reverse("reports:detail", args=[sub.report_id])).status_code == 200
    # A real transition on a generated item waiting at some office, by that office's editor.
    waiting = Submission.objects.filter(state=SubmissionState.SUBMITTED, assignee__isnull=True).first()
    office_editor = User.objects.get(username=next(o.editor_username for o in office_loads()
                                                   if o.unit_id == waiting.to_unit_id))
    adoption = services.submission_adopt(submission=waiting, editor=office_editor, publication="special")
    waiting.refresh_from_db()
    assert waiting.state == SubmissionState.ADOPTED and adoption.level == waiting.to_unit.level
    assert audit_chain_verify().ok


# ---------------------------------------------------------------- with the demo

def test_the_demo_then_the_generator_then_the_demo_again(db):
    demo = load_demo(reports=20)
    demo_reports = Report.objects.count()
    result = generate(reports=120, progress=False, now=NOW)
    assert result.units_created == len(build_generated_layout().units) - len(build_layout().units)
    assert Report.objects.count() == demo_reports + 120
    again = load_demo(reports=20)
    assert again.reports_created == 0 and again.reports_skipped == demo.reports_created
    assert audit_chain_verify().ok
    for username, _label, unit_code in WELL_KNOWN:
        assert User.objects.get(username=username).unit.code == unit_code


def test_the_generator_then_the_demo(db):
    generate(reports=120, progress=False, now=NOW)
    demo = load_demo(reports=20)
    # The generator never takes a title the demo plans, so the demo finds none of its reports made.
    assert demo.reports_created == 20 and demo.units_created == 0 and demo.people_created == 0
    bianji = User.objects.get(username="bianji")
    assert bianji.check_password(DEMO_PASSWORD)
    years_ago = NOW - timedelta(days=365)
    assert Submission.objects.filter(to_unit_id=bianji.unit_id, report__created_at__lt=years_ago).exists()
    assert generate(reports=120, progress=False, now=NOW).reused
    assert audit_chain_verify().ok


# ---------------------------------------------------------------- the command

def test_the_generate_command_prints_a_summary(db):
    out = StringIO()
    call_command("generate", reports=100, no_progress=True, stdout=out)
    text = out.getvalue()
    assert "报告共 100 条" in text and "收文最多的办公室" in text and GENERATED_PASSWORD in text
    assert "每秒" in text
    out = StringIO()
    call_command("generate", reports=100, no_progress=True, stdout=out)
    assert "沿用现有数据" in out.getvalue()
