"""A unit sees how each office rewrote its report: its signed text and each office's edited
version side by side, the differences marked; nobody else reaches texts they may not read."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from govbrief.reports import services

from ..factories import submitted_report

BODY = "今年以来，我县扎实推进集中供暖工作。\n供暖面积比上年增长12%。"


def _forwarded(world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city],
                                      title="县城区集中供暖工作进展顺利", body=BODY)
    services.submission_adopt(submission=sub, editor=world.city_editor)
    (up,) = services.submission_forward(submission=sub, editor=world.city_editor, targets=[world.province],
                                        title="乙县集中供暖工作进展顺利",
                                        body="今年以来，乙县扎实推进集中供暖工作。\n供暖面积比上年增长15%。\n群众满意度明显提升。")
    return report, sub, up


def test_the_unit_sees_each_offices_rewrite_with_the_differences_marked(client, world):
    report, _sub, up = _forwarded(world)
    client.force_login(world.county_informant)
    detail = client.get(report.get_absolute_url()).content.decode()
    assert reverse("reports:compare", args=[report.pk]) in detail
    html = client.get(reverse("reports:compare", args=[report.pk])).content.decode()
    assert '<ins class="diff-ins">乙</ins>县' in html and '<del class="diff-del">城区</del>' in html  # the title
    assert '<del class="diff-del">12</del>' in html and '<ins class="diff-ins">15</ins>' in html
    assert "群众满意度明显提升。" in html


def test_the_api_lists_the_rewrites_with_their_segments(world):
    report, _sub, up = _forwarded(world)
    client = APIClient()
    client.force_authenticate(world.county_informant)
    (rewrite,) = client.get(f"/api/reports/{report.pk}/rewrites/").json()
    assert (rewrite["base"]["number"], rewrite["version"]["number"]) == (1, up.version.number)
    assert rewrite["version"]["unit"]["id"] == world.city.pk
    comparison = rewrite["comparison"]
    assert comparison["paragraphs_added"] == 1 and comparison["chars_added"] > comparison["chars_deleted"] > 0
    kinds = [row["kind"] for row in comparison["rows"]]
    assert kinds == ["changed", "changed", "added"]


def test_other_units_reach_no_comparison(client, world):
    report, sub, up = _forwarded(world)
    client.force_login(world.county2_informant)
    assert client.get(reverse("reports:compare", args=[report.pk])).status_code == 404
    url = reverse("reports:versions-compare") + f"?a={sub.version_id}&b={up.version_id}"
    assert client.get(url).status_code == 404
    api = APIClient()
    api.force_authenticate(world.county2_informant)
    response = api.get(f"/api/reports/{report.pk}/rewrites/")
    assert response.status_code == 404 and "供暖" not in response.content.decode()


def test_two_texts_are_compared_only_when_the_user_may_read_both(client, world):
    report, sub, up = _forwarded(world)
    other, (other_sub,) = submitted_report(world.county2_informant, world.county2_signer, [world.city],
                                           title="丙县供暖", body=BODY)
    client.force_login(world.city_editor)  # reads both: they reached the city
    url = reverse("reports:versions-compare")
    ok = client.get(f"{url}?a={sub.version_id}&b={other_sub.version_id}")
    assert ok.status_code == 200 and "1.00" in ok.content.decode()  # the same body
    client.force_login(world.county_informant)  # reads its own text, not the other county's
    assert client.get(f"{url}?a={sub.version_id}&b={other_sub.version_id}").status_code == 404
    for odd in ("abc", "99999999999999999999999", "", "²"):
        assert client.get(f"{url}?a={odd}&b={sub.version_id}").status_code == 404
