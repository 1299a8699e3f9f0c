"""The audit administrator reviews the audit log (SPEC §9, 三员分立): a read-only page with filters,
an entry's detail, the chain check and exports, for the audit-admin role and no one else."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from govbrief.audit import exports
from govbrief.audit.events import EXPORTED
from govbrief.audit.models import AuditEntry
from govbrief.audit.permissions import AUDIT_ADMIN_ROLE
from govbrief.audit.selectors import audit_entries_visible_to
from govbrief.audit.services import audit_chain_verify, audit_record
from govbrief.orgs.choices import Role

from ..factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
LIST = reverse("audit:list")
EXPORT = reverse("audit:export")
VERIFY = reverse("audit:verify")
GUARD = "govbrief.core.guard.RequestGuardMiddleware"


def record(actor, action="account_changed", target=None, data=None, at: datetime | None = None) -> AuditEntry:
    """An entry written the normal way (hash chain and all), at a chosen instant if ``at`` is given."""
    target = target if target is not None else actor
    if at is None:
        return audit_record(actor=actor, action=action, target=target, data=data or {})
    with mock.patch.object(timezone, "now", return_value=at):
        return audit_record(actor=actor, action=action, target=target, data=data or {})


@pytest.fixture
def people(world):
    """The admins of 三员分立 and the auditors: one of the city (甲市), one with no unit (the province's)."""
    world.users["city_auditor"] = UserFactory(username="city_auditor", name="甲市审计员", unit=world.city,
                                              roles=[Role.AUDIT_ADMIN])
    world.users["province_auditor"] = UserFactory(username="province_auditor", name="省审计员", unit=None,
                                                  roles=[Role.AUDIT_ADMIN])
    world.users["city_secadmin"] = UserFactory(username="city_secadmin", unit=world.city, roles=[Role.SECURITY_ADMIN])
    world.users["superuser"] = UserFactory(username="root", unit=world.province, is_superuser=True, is_staff=True,
                                           roles=[Role.SYSTEM_ADMIN])
    return world


@pytest.fixture
def log(people):
    """Entries across the network: the city, a county and a township under it, a county of the other city."""
    w = people
    return {
        "city": record(w.city_sysadmin, "account_created", target=w.county_informant, data={"unit": w.county.pk}),
        "county": record(w.county_informant, "password_changed", data={"by_admin": False}),
        "township": record(w.township_signer, "registration_filed"),
        "other_city": record(w.county_b_informant, "password_changed", data={"by_admin": False}),
        "locked_in_scope": record(None, "account_locked", target=w.county_informant, data={"until": "2026-01-01"}),
        "locked_elsewhere": record(None, "account_locked", target=w.county_b_informant, data={"until": "2026-01-01"}),
    }


def listed(response) -> list[int]:
    assert response.status_code == 200, response.content.decode()[:2000]
    return [entry.pk for entry in response.context["page"].object_list]


# --- who may open it -------------------------------------------------------------------------------

MATRIX = [
    ("city_auditor", 200),
    ("province_auditor", 200),
    ("city_sysadmin", 403),  # 三员分立: the system administrator must not read the log
    ("city_secadmin", 403),  # nor the security administrator
    ("superuser", 403),  # a superuser is the system administrator's account, not an auditor's
    ("city_leader", 403),
    ("city_editor", 403),
    ("county_informant", 403),
]


@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_only_the_audit_admin_opens_the_audit_pages(client, people, log, who, status):
    client.force_login(people.users[who])
    entry = log["city"]
    assert client.get(LIST).status_code == status
    assert client.get(reverse("audit:detail", args=[entry.pk])).status_code == status
    assert client.get(VERIFY).status_code == status
    assert client.post(VERIFY).status_code == status
    response = client.post(EXPORT, {"format": "csv"})
    assert response.status_code == status
    if status == 403:
        assert not AuditEntry.objects.filter(action=EXPORTED).exists()


@pytest.mark.parametrize("url", [LIST, VERIFY, "/audit/1/"])
def test_anonymous_people_are_sent_to_the_login_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_anonymous_people_cannot_export(client, db):
    response = client.post(EXPORT, {"format": "csv"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_superuser_who_also_holds_the_audit_role_may_review(client, people):
    """The role decides, not the superuser flag: holding the role is what the three-admin split checks."""
    root = UserFactory(username="root_auditor", unit=None, is_superuser=True, roles=[Role.AUDIT_ADMIN])
    client.force_login(root)
    assert client.get(LIST).status_code == 200


def test_a_deactivated_auditor_is_refused(client, people):
    auditor = people.city_auditor
    auditor.is_active = False
    auditor.save()
    assert not audit_entries_visible_to(user=auditor).exists()


def test_the_role_code_is_the_audit_admin_role_of_orgs():
    assert AUDIT_ADMIN_ROLE == Role.AUDIT_ADMIN


def test_the_sidebar_offers_the_audit_log_to_the_audit_admin_only(client, people):
    client.force_login(people.city_auditor)
    assert f'href="{LIST}"' in client.get(reverse("dashboard")).content.decode()
    for who in ("city_sysadmin", "city_secadmin", "superuser", "city_editor"):
        client.force_login(people.users[who])
        assert f'href="{LIST}"' not in client.get(reverse("dashboard")).content.decode(), who


# --- what each auditor sees ------------------------------------------------------------------------


def test_a_city_auditor_sees_the_city_and_the_units_below_it_only(client, log, people):
    client.force_login(people.city_auditor)
    seen = listed(client.get(LIST))
    assert {log[k].pk for k in ("city", "county", "township", "locked_in_scope")} <= set(seen)
    assert log["other_city"].pk not in seen  # a county of another city
    assert log["locked_elsewhere"].pk not in seen  # the system acting on a person of another city


def test_an_entry_outside_the_scope_is_not_found(client, log, people):
    client.force_login(people.city_auditor)
    assert client.get(reverse("audit:detail", args=[log["other_city"].pk])).status_code == 404


def test_an_auditor_with_no_unit_sees_the_whole_log(client, log, people):
    client.force_login(people.province_auditor)
    assert set(listed(client.get(LIST))) == set(AuditEntry.objects.values_list("pk", flat=True))


def test_a_closed_unit_below_stays_in_the_auditor_scope(client, log, people):
    """等保 keeps the log 6 months: closing a county does not hide what its people did."""
    people.county.is_active = False
    people.county.save()
    client.force_login(people.city_auditor)
    assert log["county"].pk in listed(client.get(LIST))


def test_entries_without_an_actor_on_other_objects_are_for_the_auditor_with_no_unit(client, log, people):
    system = record(None, "unit_changed", target=people.county, data={"fields": ["name"]})
    client.force_login(people.city_auditor)
    assert system.pk not in listed(client.get(LIST))
    client.force_login(people.province_auditor)
    assert system.pk in listed(client.get(LIST))


def test_the_list_is_newest_first(client, log, people):
    client.force_login(people.province_auditor)
    seen = listed(client.get(LIST))
    assert seen == sorted(seen, reverse=True)


# --- filters ---------------------------------------------------------------------------------------


def test_the_person_filter_matches_the_recorded_name_or_the_user_name(client, log, people):
    client.force_login(people.province_auditor)
    assert listed(client.get(LIST, {"person": "county_informant"})) == [log["county"].pk]  # the account
    name = people.township_signer.name  # recorded as the actor's name
    assert listed(client.get(LIST, {"person": name[2:6]})) == [log["township"].pk]


def test_the_action_filter_offers_the_actions_present_with_their_labels(client, log, people):
    client.force_login(people.province_auditor)
    response = client.get(LIST, {"action": "account_locked"})
    assert set(listed(response)) == {log["locked_in_scope"].pk, log["locked_elsewhere"].pk}
    choices = dict(response.context["form"].fields["action"].choices)
    assert set(choices) == {"", "account_created", "password_changed", "registration_filed", "account_locked"}
    assert choices["account_locked"] != "account_locked"  # the label orgs declared, not the code


def test_an_action_not_in_the_log_is_a_form_error_not_a_500(client, log, people):
    client.force_login(people.province_auditor)
    response = client.get(LIST, {"action": "no_such_action"})
    assert listed(response) == [] and "action" in response.context["form"].errors


def test_the_object_filter_finds_one_object(client, log, people):
    client.force_login(people.province_auditor)
    target = people.county_informant
    response = client.get(LIST, {"object_type": "orgs.user", "object_id": str(target.pk)})
    assert set(listed(response)) == {log["city"].pk, log["county"].pk, log["locked_in_scope"].pk}


def test_the_period_is_inclusive_local_dates_in_shanghai(client, people):
    w = people
    late = record(w.county_informant, at=datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI))
    early_next = record(w.county_informant, at=datetime(2026, 3, 2, 0, 10, tzinfo=SHANGHAI))  # 03-01 16:10 UTC
    before = record(w.county_informant, at=datetime(2026, 2, 28, 23, 59, tzinfo=SHANGHAI))
    client.force_login(w.province_auditor)
    assert listed(client.get(LIST, {"date_from": "2026-03-01", "date_to": "2026-03-01"})) == [late.pk]
    assert listed(client.get(LIST, {"date_from": "2026-03-02"})) == [early_next.pk]
    assert listed(client.get(LIST, {"date_to": "2026-02-28"})) == [before.pk]


@pytest.mark.parametrize("params", [
    {"date_from": "2026-13-45"},
    {"date_to": "yesterday"},
    {"date_from": "0001-01-01"},
    {"date_to": "9999-12-31"},
    {"date_from": "2026-03-02", "date_to": "2026-03-01"},
    {"object_id": "9" * 41},
    {"person": "名" * 151},
], ids=["no-such-day", "not-a-date", "year-1", "year-9999", "reversed", "long-id", "long-name"])
def test_invalid_conditions_are_shown_on_the_form_and_list_nothing(client, log, people, params):
    client.force_login(people.province_auditor)
    response = client.get(LIST, params)
    assert listed(response) == []
    assert response.context["form"].errors
    assert 'class="field has-error"' in response.content.decode()


def test_an_invalid_date_says_so_in_chinese(client, log, people):
    client.force_login(people.province_auditor)
    errors = client.get(LIST, {"date_from": "2026-13-45"}).context["form"].errors["date_from"]
    assert any("日期" in e for e in errors), errors


@pytest.mark.parametrize("param", ["person", "action", "object_type", "object_id", "date_from", "date_to", "page"])
def test_a_nul_byte_is_refused_by_the_page_itself(client, log, people, settings, param):
    """Without the site-wide guard too: PostgreSQL cannot compare a NUL (it answered 500)."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != GUARD]
    client.force_login(people.province_auditor)
    response = client.get(LIST, {param: "2026\x0001"})
    assert response.status_code == 200
    if param != "page":
        assert param in response.context["form"].errors
    export = client.post(f"{EXPORT}?{param}=a%00b", {"format": "csv"})
    assert export.status_code in (200, 302)


def test_a_nul_byte_is_refused_by_the_guard_before_the_page(client, log, people):
    client.force_login(people.province_auditor)
    assert client.get(LIST, {"person": "a\x00b"}).status_code == 400


def test_a_huge_entry_id_is_not_found(client, people):
    client.force_login(people.province_auditor)
    assert client.get(f"/audit/{'9' * 30}/").status_code == 404


# --- the table ---------------------------------------------------------------------------------------


def test_the_table_shows_the_data_escaped(client, people):
    record(people.county_informant, data={"title": "<script>alert(1)</script>"})
    client.force_login(people.province_auditor)
    page = client.get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_table_pages_fifty_entries(client, people):
    for n in range(55):
        record(people.county_informant, data={"n": n})
    client.force_login(people.province_auditor)
    assert len(listed(client.get(LIST))) == 50
    assert len(listed(client.get(LIST, {"page": "2"}))) == 5
    assert len(listed(client.get(LIST, {"page": "999"}))) == 5  # past the end: the last page


def test_the_page_costs_the_same_queries_for_five_entries_or_a_full_page(client, people,
                                                                         django_assert_max_num_queries):
    client.force_login(people.city_auditor)
    for n in range(5):
        record(people.county_informant, data={"n": n})
    with CaptureQueriesContext(connection) as few:
        assert len(listed(client.get(LIST, {"action": "account_changed"}))) == 5
    for n in range(60):
        record(people.township_signer, data={"n": n})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(listed(client.get(LIST, {"action": "account_changed"}))) == 50
    # 13 measured: session, user, roles, the unit tree, actions, types, count, the page; the sidebar and topbar
    # (unread notices, the unit), and the session saved by the idle-timeout marker (three).
    assert len(few.captured_queries) <= 14, [q["sql"] for q in few.captured_queries]


# --- an entry --------------------------------------------------------------------------------------


def test_the_detail_shows_the_full_data_the_hashes_and_a_sound_chain(client, log, people):
    entry = record(people.county_informant, data={"title": "<b>县城供暖</b>", "fields": ["title", "body"]})
    client.force_login(people.city_auditor)
    response = client.get(reverse("audit:detail", args=[entry.pk]))
    page = response.content.decode()
    assert response.context["check"].ok
    assert entry.hash in page and entry.prev_hash in page
    assert "&lt;b&gt;县城供暖&lt;/b&gt;" in page  # Chinese as characters, markup escaped
    assert '"fields": [\n    "title",' in page.replace("&quot;", '"')  # indented JSON


def test_the_detail_of_an_edited_entry_says_the_chain_is_broken(client, log, people):
    AuditEntry.objects.filter(pk=log["county"].pk).update(data={"by_admin": True})
    client.force_login(people.city_auditor)
    check = client.get(reverse("audit:detail", args=[log["county"].pk])).context["check"]
    assert not check.ok and not check.hash_matches


def test_the_detail_of_an_entry_after_a_deleted_one_says_the_link_is_broken(client, log, people):
    AuditEntry.objects.filter(pk=log["county"].pk).delete()
    client.force_login(people.city_auditor)
    check = client.get(reverse("audit:detail", args=[log["township"].pk])).context["check"]
    assert check.hash_matches and not check.prev_links and not check.ok


def test_the_detail_of_a_rehashed_entry_is_caught_by_the_next_link(client, log, people):
    from govbrief.audit import services

    edited = log["county"]
    edited.actor_name = "someone else"
    AuditEntry.objects.filter(pk=edited.pk).update(
        actor_name=edited.actor_name, hash=services._digest(edited.prev_hash, services._payload(edited)))
    client.force_login(people.city_auditor)
    check = client.get(reverse("audit:detail", args=[edited.pk])).context["check"]
    assert check.hash_matches and check.next_links is False and not check.ok


def test_the_verify_page_walks_the_whole_chain_on_request(client, log, people):
    client.force_login(people.city_auditor)
    assert client.get(VERIFY).context["report"] is None  # only on request: it reads every entry
    assert client.post(VERIFY).context["report"].ok
    AuditEntry.objects.filter(pk=log["county"].pk).update(data={"by_admin": True})
    response = client.post(VERIFY)
    assert not response.context["report"].ok and response.context["broken_visible"]
    assert str(log["county"].pk) in response.context["broken"]
    assert reverse("audit:detail", args=[log["county"].pk]) in response.content.decode()


# --- exports ---------------------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # the BOM: Excel reads the Chinese as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[tuple]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


def test_the_csv_export_holds_the_filtered_entries_newest_first(client, log, people):
    client.force_login(people.city_auditor)
    response = client.post(f"{EXPORT}?action=password_changed", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert len(header) == len(exports.COLUMNS)
    assert [int(r[0]) for r in rows] == [log["county"].pk]  # the other city's entry is out of scope
    (row,) = rows
    assert row[2] == people.county_informant.name and row[3] == "county_informant"
    assert row[4] == people.county.name and row[5] == "password_changed"
    assert row[10] == '{"by_admin": false}' and row[12] == log["county"].hash
    local = timezone.localtime(log["county"].created_at)
    assert row[1] == f"{local:%Y-%m-%d %H:%M:%S}"


def test_the_xlsx_export_holds_the_same_entries(client, log, people):
    client.force_login(people.city_auditor)
    response = client.post(f"{EXPORT}?action=password_changed", {"format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    header, *rows = xlsx_rows(response)
    assert len(header) == len(exports.COLUMNS)
    assert [r[0] for r in rows] == [log["county"].pk]
    local = timezone.localtime(log["county"].created_at).replace(tzinfo=None)
    assert abs((rows[0][1] - local).total_seconds()) < 1  # a date cell in local time (Excel keeps no zone)
    assert rows[0][3] == "county_informant"


def test_exported_text_never_runs_as_a_formula(client, people):
    """CSV injection: a name typed as a formula stays text in Excel, in both formats."""
    people.county_informant.name = "=HYPERLINK(\"http://evil\")"
    people.county_informant.save()
    record(people.county_informant, data={"note": "=1+1"})
    client.force_login(people.province_auditor)
    _header, row = csv_rows(client.post(f"{EXPORT}?person=county_informant", {"format": "csv"}))
    assert row[2] == "'=HYPERLINK(\"http://evil\")"
    from openpyxl import load_workbook

    response = client.post(f"{EXPORT}?person=county_informant", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    name = sheet.cell(row=2, column=3)
    assert (name.value, name.data_type) == ("=HYPERLINK(\"http://evil\")", "s")  # text, not a formula ("f")


def test_a_control_character_excel_refuses_is_dropped_not_the_file(client, people):
    people.county.name = "乙县\x0b政府办公室"  # pasted from Word
    people.county.save()
    record(people.county_informant)
    client.force_login(people.province_auditor)
    _header, xrow = xlsx_rows(client.post(f"{EXPORT}?person=county_informant", {"format": "xlsx"}))
    assert xrow[4] == "乙县政府办公室"


def test_the_csv_is_written_in_the_language_of_the_request_that_asked(client, log, people, settings):
    """The lines are produced after the view returned, while the thread may have switched language."""
    from django.utils import translation

    client.force_login(people.province_auditor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(EXPORT, {"format": "csv"})
    translation.activate("zh-hans")
    header = csv_rows(response)[0]
    assert header[0] == "Entry #" and header[4] == "Unit"


def test_every_export_is_recorded_in_the_audit_log(client, log, people):
    client.force_login(people.city_auditor)
    csv_rows(client.post(f"{EXPORT}?action=password_changed&person=county", {"format": "csv"}))
    exported = AuditEntry.objects.get(action=EXPORTED)
    assert exported.actor == people.city_auditor
    assert exported.data == {"format": "csv", "rows": 1, "truncated": False,
                             "filters": {"action": "password_changed", "person": "county"}}
    # The auditor reviews their own exports too, and the chain stays sound.
    assert exported.pk in listed(client.get(LIST, {"action": EXPORTED}))
    assert audit_chain_verify().ok


def test_an_export_does_not_contain_its_own_record(client, log, people):
    client.force_login(people.province_auditor)
    _header, *rows = csv_rows(client.post(EXPORT, {"format": "csv"}))
    assert len(rows) == len(log)


def test_an_export_is_capped_at_the_newest_entries_and_says_so(client, log, people, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_MAX_ROWS", 3)
    client.force_login(people.province_auditor)
    _header, *rows = csv_rows(client.post(EXPORT, {"format": "csv"}))
    newest = list(AuditEntry.objects.exclude(action=EXPORTED).order_by("-pk").values_list("pk", flat=True)[:3])
    assert [int(r[0]) for r in rows] == newest
    assert AuditEntry.objects.get(action=EXPORTED).data["truncated"] is True


def test_the_page_states_the_export_cap(client, people):
    client.force_login(people.province_auditor)
    assert "100,000" in client.get(LIST).content.decode()


def test_an_export_with_invalid_conditions_goes_back_to_the_page(client, log, people):
    client.force_login(people.province_auditor)
    response = client.post(f"{EXPORT}?date_from=2026-13-45", {"format": "csv"})
    assert response.status_code == 302 and response.url == f"{LIST}?date_from=2026-13-45"
    assert client.post(EXPORT, {"format": "pdf"}).status_code == 302
    assert not AuditEntry.objects.filter(action=EXPORTED).exists()


def test_an_export_is_a_post(client, people):
    client.force_login(people.province_auditor)
    assert client.get(EXPORT, {"format": "csv"}).status_code == 405


def test_an_empty_result_exports_the_header_only(client, log, people):
    client.force_login(people.province_auditor)
    header, *rows = csv_rows(client.post(f"{EXPORT}?date_to=2001-01-01", {"format": "csv"}))
    assert len(header) == len(exports.COLUMNS) and rows == []


def test_the_admin_site_shows_the_audit_log_to_no_superuser_without_the_auditor_role(db):
    from django.test import Client

    from govbrief.orgs.models import User

    admin_user = User.objects.create_superuser("root", password="x", email="")
    client = Client()
    client.force_login(admin_user)
    assert client.get("/admin/audit/auditentry/").status_code == 403
