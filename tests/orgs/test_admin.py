"""The administration site respects the three separated admin roles and the tree (SPEC §2, §9)."""

from govbrief.orgs import services
from govbrief.orgs.choices import Role
from govbrief.orgs.models import User


def admin_client(client, world):
    admin, _ = services.account_create(unit=world.city, username="city_admin", name="市系统管理员",
                                       roles=[Role.SYSTEM_ADMIN], password="Admin#2026x")
    client.force_login(admin)
    return admin


def change_form_data(user, **extra):
    data = {"username": user.username, "name": user.name, "unit": user.unit_id, "post": "", "mobile": "", "office_phone": "",
            "email": "", "is_active": "on", "must_change_password": "",
            "role_assignments-TOTAL_FORMS": "1", "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-MIN_NUM_FORMS": "0", "role_assignments-MAX_NUM_FORMS": "1000",
            "role_assignments-0-role": "", "role_assignments-0-user": user.pk}
    data.update(extra)
    return data


def test_a_system_admin_cannot_make_anyone_a_superuser(client, world):
    admin = admin_client(client, world)
    client.post(f"/admin/orgs/user/{world.county_informant.pk}/change/",
                change_form_data(world.county_informant, is_superuser="on", is_staff="on"))
    world.county_informant.refresh_from_db()
    assert not world.county_informant.is_superuser and not world.county_informant.is_staff
    admin.refresh_from_db()
    assert not admin.is_superuser


def test_a_system_admin_manages_only_the_units_below(client, world):
    admin_client(client, world)
    listing = client.get("/admin/orgs/user/").content.decode()
    assert world.county_informant.username in listing and world.county_b_informant.username not in listing
    outside = world.county_b_informant
    response = client.get(f"/admin/orgs/user/{outside.pk}/change/", follow=True)
    # Django's admin answers an object outside the queryset as one that does not exist.
    assert response.redirect_chain == [("/admin/", 302)]
    assert outside.username not in response.content.decode() and outside.name not in response.content.decode()


def test_one_person_holds_at_most_one_admin_role(client, world):
    admin_client(client, world)
    user = world.county_informant
    data = change_form_data(user, **{"role_assignments-TOTAL_FORMS": "2", "role_assignments-0-role": "sysadmin",
                                     "role_assignments-1-role": "auditor", "role_assignments-1-user": user.pk})
    response = client.post(f"/admin/orgs/user/{user.pk}/change/", data)
    assert response.status_code == 200  # the form comes back with the error
    assert not User.objects.get(pk=user.pk).has_role(Role.AUDIT_ADMIN)



def test_an_account_created_in_the_admin_must_change_its_initial_password(client, world):
    admin_client(client, world)
    response = client.post("/admin/orgs/user/add/", {
        "username": "new_informant", "name": "新信息员", "unit": world.county.pk,
        "password1": "Init#2026pass", "password2": "Init#2026pass",
        "role_assignments-TOTAL_FORMS": "0", "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0", "role_assignments-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302, response.content[:500]
    assert User.objects.get(username="new_informant").must_change_password


def test_the_registration_form_bounds_the_resume_and_the_birth_month(world):
    from govbrief.orgs.forms import RegistrationForm

    data = {"address": "某路1号", "office_phone": "123", "leader_name": "王", "leader_post": "副县长",
            "leader_mobile": "13800000000", "informant_name": "李", "informant_gender": "f",
            "informant_post": "科员", "informant_birth_month": "0001-01", "informant_mobile": "13900000000",
            "informant_resume": "简" * 5000}
    form = RegistrationForm(data)
    assert not form.is_valid()
    assert {"informant_resume", "informant_birth_month"} <= set(form.errors)
    assert form.fields["informant_gender"].choices[0][1] != "---------"
