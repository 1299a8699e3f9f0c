"""The network (SPEC §2): who reports to whom, direct-point history, registration and accounts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from govbrief.orgs import services
from govbrief.orgs.choices import RegistrationState, Role
from govbrief.orgs.models import User
from govbrief.orgs.selectors import report_targets_for

REGISTRATION = dict(
    address="乙县人民路1号", office_phone="0510-1111111", fax="0510-2222222",
    leader_name="王建国", leader_post="县政府办公室副主任", leader_duties="分管信息工作", leader_office_phone="0510-3333333",
    leader_mobile="13900000001", leader_email="wang@example.gov.cn",
    informant_name="李晓梅", informant_gender="f", informant_post="信息科科员", informant_birth_month=datetime.date(1990, 5, 1),
    informant_native_place="江苏无锡", informant_party_member=True, informant_mobile="13900000002",
    informant_qq="123456", informant_email="li@example.gov.cn", informant_resume="2012年参加工作，2018年起从事信息工作。",
)


def test_a_unit_reports_to_its_parent_office(world):
    assert report_targets_for(unit=world.township) == [world.county]
    assert report_targets_for(unit=world.county) == [world.city]
    assert report_targets_for(unit=world.city_dept) == [world.city]


def test_a_direct_reporting_point_also_reports_to_the_province(world):
    assert report_targets_for(unit=world.direct_point) == [world.city, world.province]


def test_extra_targets_let_a_direct_point_reach_the_state_council(world):
    world.direct_point.extra_report_targets.add(world.national)
    assert report_targets_for(unit=world.direct_point) == [world.city, world.province, world.national]


def test_direct_point_status_changes_are_kept_in_history(world):
    services.unit_set_direct_point(unit=world.county, is_direct_point=True, changed_by=world.city_sysadmin, reason="年度评选")
    services.unit_set_direct_point(unit=world.county, is_direct_point=False, changed_by=world.city_sysadmin, reason="积分不足")
    history = list(world.county.direct_point_history.order_by("changed_at", "id").values_list("is_direct_point", "reason"))
    assert history == [(True, "年度评选"), (False, "积分不足")]


def test_registration_is_approved_by_the_unit_head_then_the_office_above(world):
    reg = services.registration_file(filed_by=world.county_informant, **REGISTRATION)
    with pytest.raises(PermissionDenied):
        services.registration_unit_approve(registration=reg, user=world.county_signer)
    with pytest.raises(ValidationError):
        services.registration_office_approve(registration=reg, user=world.city_sysadmin)
    services.registration_unit_approve(registration=reg, user=world.county_principal, opinion="同意")
    with pytest.raises(PermissionDenied):
        services.registration_office_approve(registration=reg, user=world.city2_chief)
    reg = services.registration_office_approve(registration=reg, user=world.city_sysadmin, opinion="同意备案")
    assert reg.state == RegistrationState.APPROVED
    informant = User.objects.get(pk=reg.informant_account_id)
    leader = User.objects.get(pk=reg.leader_account_id)
    assert informant.unit == world.county and informant.role_set == {Role.INFORMANT} and informant.must_change_password
    assert leader.role_set == {Role.SIGNER} and leader.name == "王建国"
    assert informant.check_password(reg.initial_passwords[informant.username])


def test_a_rejection_needs_a_reason(world):
    reg = services.registration_file(filed_by=world.county_informant, **REGISTRATION)
    with pytest.raises(ValidationError):
        services.registration_reject(registration=reg, user=world.county_principal, opinion="")
    reg = services.registration_reject(registration=reg, user=world.county_principal, opinion="信息员人选需调整")
    assert reg.state == RegistrationState.REJECTED


def test_a_new_account_must_change_its_initial_password_first(client, world):
    user, password = services.account_create(unit=world.county, username="newbie", name="新同志", roles=[Role.INFORMANT])
    assert client.login(username="newbie", password=password)
    assert client.get(reverse("reports:list")).url == reverse("password_change")
    response = client.post(reverse("password_change"), {"old_password": password, "new_password1": "Xinmima#2026",
                                                        "new_password2": "Xinmima#2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("reports:list")).status_code == 200


def test_passwords_need_three_kinds_of_characters(client, world):
    user, password = services.account_create(unit=world.county, username="newbie", name="新同志", roles=[Role.INFORMANT])
    client.login(username="newbie", password=password)
    response = client.post(reverse("password_change"), {"old_password": password, "new_password1": "abcdefghij",
                                                        "new_password2": "abcdefghij"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.must_change_password


def test_registration_through_the_pages(client, world):
    client.force_login(world.county_informant)
    data = {k: v for k, v in REGISTRATION.items()}
    data["informant_birth_month"] = "1990-05"
    data["informant_party_member"] = "on"
    response = client.post(reverse("orgs:registration-new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.force_login(world.county_principal)
    reg_url = response.url
    client.post(reg_url, {"opinion": "同意", "decision": "approve"})
    client.force_login(world.city_chief)
    response = client.post(reg_url, {"opinion": "同意", "decision": "approve"}, follow=True)
    assert "county-" in response.content.decode()  # the created account names are shown once
    assert User.objects.filter(unit=world.county, name="李晓梅").exists()


def test_admin_roles_reach_only_their_part_of_the_administration(client, world):
    sysadmin, _ = services.account_create(unit=world.province, username="xitong", name="系统管理员", roles=[Role.SYSTEM_ADMIN])
    auditor, _ = services.account_create(unit=world.province, username="shenji", name="审计管理员", roles=[Role.AUDIT_ADMIN],
                                         password="Shenji#2026")
    informant, _ = services.account_create(unit=world.county, username="xxy", name="信息员", roles=[Role.INFORMANT])
    assert sysadmin.is_staff and auditor.is_staff and not informant.is_staff
    assert sysadmin.has_perm("orgs.change_unit") and not sysadmin.has_perm("audit.view_auditentry")
    assert auditor.has_perm("audit.view_auditentry") and not auditor.has_perm("orgs.change_unit")
    client.force_login(auditor)
    assert client.get("/admin/orgs/unit/").status_code == 403
    assert client.get("/admin/audit/auditentry/").status_code == 200


def test_five_failed_logins_lock_the_account_everywhere(client, world, settings):
    from rest_framework.test import APIClient

    from ..factories import TEST_PASSWORD

    for _ in range(settings.GOVBRIEF_LOCKOUT_ATTEMPTS):
        client.post(reverse("login"), {"username": "county_informant", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "county_informant", "password": TEST_PASSWORD})
    assert response.status_code == 200 and "锁定" in response.content.decode()
    assert APIClient().post("/api/auth/token/", {"username": "county_informant", "password": TEST_PASSWORD}).status_code == 400
    User.objects.filter(username="county_informant").update(locked_until=None)
    response = client.post(reverse("login"), {"username": "county_informant", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(username="county_informant").failed_logins == 0
