"""Security-relevant changes reach the tamper-evident audit log through the event layer, whether
they are made by a service or on an admin page (SPEC §9, 等保 2.0 安全审计)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from govbrief.audit.models import AuditEntry
from govbrief.core.models import CalendarDay
from govbrief.orgs import services
from govbrief.orgs.choices import Role
from govbrief.orgs.models import InformantRegistration

from ..factories import TEST_PASSWORD
from .test_admin import admin_client, change_form_data


def _entries(action, target):
    return AuditEntry.objects.filter(action=action, object_type=target._meta.label_lower, object_id=str(target.pk))


def test_a_role_change_on_the_admin_page_is_audited_with_before_and_after(client, world):
    admin = admin_client(client, world)
    user = world.county_informant
    data = change_form_data(user, failed_logins=0, **{"role_assignments-0-role": "signer"})
    response = client.post(f"/admin/orgs/user/{user.pk}/change/", data)
    assert response.status_code == 302
    (entry,) = _entries("account_roles_changed", user)
    assert entry.actor == admin
    assert (entry.data["before"], entry.data["after"]) == (["informant"], ["informant", "signer"])


def test_an_edit_of_a_person_on_the_admin_page_is_audited_field_by_field(client, world):
    admin_client(client, world)
    user = world.county_informant
    client.post(f"/admin/orgs/user/{user.pk}/change/", change_form_data(user, failed_logins=0, mobile=user.mobile, post="信息科科长"))
    (entry,) = _entries("account_changed", user)
    assert entry.data["fields"] == ["post"] and entry.data["after"] == {"post": "信息科科长"}


def test_a_unit_edit_on_the_admin_page_is_audited(client, world):
    admin_client(client, world)
    unit = world.county
    data = {"name": "乙县人民政府办公室", "short_name": "", "code": unit.code, "kind": unit.kind, "level": unit.level,
            "parent": unit.parent_id, "address": "", "phone": "0510-8888", "fax": "", "screening_days": 1,
            "is_active": "on", "sort_order": 0,
            "direct_point_history-TOTAL_FORMS": "0", "direct_point_history-INITIAL_FORMS": "0",
            "direct_point_history-MIN_NUM_FORMS": "0", "direct_point_history-MAX_NUM_FORMS": "1000"}
    response = client.post(f"/admin/orgs/unit/{unit.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    (entry,) = _entries("unit_changed", unit)
    assert entry.data["fields"] == ["name", "phone"]
    assert entry.data["before"]["name"] == "乙县政府办公室" and entry.data["after"]["name"] == "乙县人民政府办公室"


def test_calendar_edits_on_the_admin_page_are_audited(admin_client_superuser):
    client, _admin = admin_client_superuser
    response = client.post("/admin/core/calendarday/add/", {"date": "2030-01-01", "is_workday": "", "name": "元旦"})
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=dt.date(2030, 1, 1))
    assert _entries("calendar_day_created", day).exists()
    client.post(f"/admin/core/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert _entries("calendar_day_deleted", day).get().data["name"].startswith("2030-01-01")


def test_a_password_change_is_audited(client, world):
    user = world.county_informant
    client.force_login(user)
    response = client.post(reverse("password_change"), {"old_password": TEST_PASSWORD, "new_password1": "Xin-mima-2026",
                                                         "new_password2": "Xin-mima-2026"})
    assert response.status_code == 302
    (entry,) = _entries("password_changed", user)
    assert entry.data == {"by_admin": False}


def test_an_initial_password_change_clears_the_must_change_flag(client, world):
    user, initial = services.account_create(unit=world.county, username="new_informant", name="新信息员",
                                            roles=[Role.INFORMANT])
    assert user.must_change_password
    client.force_login(user)
    client.post(reverse("password_change"), {"old_password": initial, "new_password1": "Xin-mima-2026",
                                             "new_password2": "Xin-mima-2026"})
    user.refresh_from_db()
    assert not user.must_change_password


def test_registrations_cannot_be_edited_on_the_admin_page(admin_client_superuser, world):
    client, _admin = admin_client_superuser
    reg = InformantRegistration.objects.create(
        unit=world.county, leader_name="王某", leader_post="副主任", leader_mobile="13900000000", informant_name="李某",
        informant_gender="f", informant_post="科员", informant_birth_month=dt.date(1990, 5, 1),
        informant_native_place="江苏南京", informant_mobile="13800000000", informant_resume="简历",
        filed_by=world.county_informant)
    page = client.get(f"/admin/orgs/informantregistration/{reg.pk}/change/")
    assert page.status_code == 200 and 'name="informant_name"' not in page.content.decode()
    client.post(f"/admin/orgs/informantregistration/{reg.pk}/change/", {"informant_name": "张某", "state": "approved"})
    reg.refresh_from_db()
    assert (reg.informant_name, reg.state) == ("李某", "submitted")
    assert client.get("/admin/orgs/informantregistration/add/").status_code == 403
