"""The unit directory (SPEC §2): the network is visible to everyone in it, people's private numbers
only to their own unit and the offices above it."""

from django.urls import reverse

from govbrief.orgs.permissions import may_see_private_contacts


def test_mobile_numbers_show_to_the_unit_and_the_offices_above_only(client, world):
    person = world.county_informant
    person.mobile, person.office_phone = "13912345678", "0510-7654321"
    person.save(update_fields=["mobile", "office_phone"])
    url = reverse("orgs:detail", args=[world.county.pk])
    for viewer, sees_mobile in ((world.county_signer, True), (world.city_editor, True), (world.province_editor, True),
                                (world.county2_informant, False), (world.township_informant, False),
                                (world.county_b_informant, False)):
        client.force_login(viewer)
        html = client.get(url).content.decode()
        assert "0510-7654321" in html, viewer.username  # office phones are for the whole network
        assert ("13912345678" in html) is sees_mobile, viewer.username


def test_private_contacts_policy_matrix(world):
    assert may_see_private_contacts(world.county_informant, world.county)
    assert may_see_private_contacts(world.national_editor, world.township)
    assert not may_see_private_contacts(world.township_informant, world.county)  # below is not above
    assert not may_see_private_contacts(world.city2_editor, world.county)  # another city


def test_the_directory_shows_a_provinces_tree_a_page_at_a_time(client, world):
    """Six hundred units on one page cost about 100 ms (issue 14): the tree comes in pages, in tree order."""
    from govbrief.orgs.views import DIRECTORY_PAGE_SIZE

    from ..factories import UnitFactory

    for i in range(DIRECTORY_PAGE_SIZE):
        UnitFactory(name=f"第{i:03d}乡镇", code=f"town-{i}", level="township", parent=world.county)
    client.force_login(world.county_informant)
    first = client.get(reverse("orgs:directory"))
    assert len(first.context["page"].object_list) == DIRECTORY_PAGE_SIZE
    second = client.get(reverse("orgs:directory"), {"page": 2})
    names = [u.name for u, _depth in second.context["page"].object_list]
    assert names and "第059乡镇" in names + [u.name for u, _d in first.context["page"].object_list]
    assert first.context["page"].paginator.count == len(world.units) + DIRECTORY_PAGE_SIZE
