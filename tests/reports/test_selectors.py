"""Visibility, the reports app's most important code (SPEC §9): which reports, versions, events and
items each person reaches. Each test names one rule and fails when that rule is removed."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from govbrief.notifications.models import Notification
from govbrief.reports import selectors, services
from govbrief.reports.choices import EventAction
from govbrief.reports.models import Report, Submission, SubmissionRead

from ..factories import draft_report, signed_report, submitted_report


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _revise(world, report, title):
    """The unit starts a new, unsigned version of a report it already sent."""
    services.report_new_version(report=report, user=world.county_informant)
    services.report_update(report=report, user=world.county_informant, title=title)


def test_a_new_version_and_an_office_version_keep_the_signed_particulars(world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city],
                                      kind="research", urgency="extra", distribution="public")
    services.submission_adopt(submission=sub, editor=world.city_editor)
    (up,) = services.submission_forward(submission=sub, editor=world.city_editor, targets=[world.province])
    v2 = services.report_new_version(report=report, user=world.county_informant)
    for version in (up.version, v2):
        assert (version.kind, version.urgency, version.distribution) == ("research", "extra", "public")


def test_an_office_reads_what_reached_it_and_its_provenance_never_the_units_revision(world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city], title="原稿")
    services.submission_adopt(submission=sub, editor=world.city_editor)
    (up,) = services.submission_forward(submission=sub, editor=world.city_editor, targets=[world.province],
                                        title="市里的编辑稿")
    _revise(world, report, "县里尚未签发的修改稿")

    def titles(user):
        return [v.title for v in selectors.report_versions_visible_to(user=user, report=report)]

    assert titles(world.county_informant) == ["原稿", "市里的编辑稿", "县里尚未签发的修改稿"]
    assert titles(world.city_editor) == ["原稿", "市里的编辑稿"]
    assert titles(world.province_editor) == ["原稿", "市里的编辑稿"]  # provenance of what reached it
    assert titles(world.county2_informant) == []
    report.refresh_from_db()
    assert selectors.report_text_for(user=world.province_editor, report=report).title == "市里的编辑稿"
    assert selectors.report_text_for(user=world.county_informant, report=report).title == "县里尚未签发的修改稿"


def test_desk_events_stay_with_the_office_and_are_hidden_from_the_sender(world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_assign(submission=sub, assignee=world.city_editor, by=world.city_chief)

    def actions(user):
        return [e.action for e in selectors.report_timeline(user=user, report=report)]

    assert EventAction.ASSIGNED in actions(world.city_editor)
    assert EventAction.ASSIGNED not in actions(world.county_informant)


def test_offices_api_titles_come_only_from_what_reached_them(world):
    report, _ = submitted_report(world.county_informant, world.county_signer, [world.city], title="已报送的标题")
    _revise(world, report, "未签发的新标题")
    listed = api(world.city_editor).get("/api/reports/").json()["results"]
    assert [(r["id"], r["title"], r["version"]) for r in listed] == [(report.pk, "已报送的标题", 1)]
    own = api(world.county_informant).get("/api/reports/").json()["results"]
    assert [(r["title"], r["version"]) for r in own] == [("未签发的新标题", 2)]


def test_api_search_looks_only_at_what_reached_the_office(world):
    report, _ = submitted_report(world.county_informant, world.county_signer, [world.city], title="秋粮收购进展")
    _revise(world, report, "秋粮收购进展（含未公开数字）")
    city = api(world.city_editor)
    assert [r["id"] for r in city.get("/api/reports/?q=秋粮").json()["results"]] == [report.pk]
    assert city.get("/api/reports/?q=未公开").json()["results"] == []
    assert [r["id"] for r in api(world.county_informant).get("/api/reports/?q=未公开").json()["results"]] == [report.pk]


def test_only_the_receiving_office_marks_an_item_opened(world, client):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    client.force_login(world.county_informant)
    assert client.get(reverse("reports:submission", args=[sub.pk])).status_code == 200
    sub.refresh_from_db()
    assert sub.first_opened_at is None and not SubmissionRead.objects.exists()
    client.force_login(world.city_editor)
    client.get(reverse("reports:submission", args=[sub.pk]))
    sub.refresh_from_db()
    assert sub.first_opened_at is not None
    assert list(SubmissionRead.objects.values_list("user", flat=True)) == [world.city_editor.pk]


def test_inactive_people_are_not_notified(world, side_effects):
    """Whoever the subscribers name — a unit's signers, a report's author — a deactivated account
    is told nothing."""
    report = draft_report(world.county_informant)
    for person in (world.county_signer, world.county_informant):
        person.is_active = False
        person.save(update_fields=["is_active"])
    with side_effects():
        services.report_request_signoff(report=report, user=world.county_informant)
        services.report_sign_off(report=report, signer=world.county_principal)
    asked = set(Notification.objects.filter(verb="signoff_requested").values_list("recipient", flat=True))
    assert asked == {world.county_principal.pk}  # the unit's other signer, still active
    assert not Notification.objects.filter(verb="signed").exists()  # the author's account is inactive


def test_bulk_actions_reach_only_the_users_own_inbox(world):
    _, (elsewhere,) = submitted_report(world.county_b_informant, world.county_b_signer, [world.city2],
                                       title="别处的报告")
    (result,) = services.submissions_bulk(user=world.city_editor, ids=[elsewhere.pk], action="archive")
    assert (result.ok, result.title) == (False, "")  # not even its title is revealed
    assert result.message == "不在您的收件箱中。"
    elsewhere.refresh_from_db()
    assert elsewhere.state == "submitted"


def test_a_unit_sees_its_reports_and_what_reached_it_nobody_else(world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    draft = draft_report(world.county_informant, title="草稿")
    assert set(Report.objects.restrict(world.county_informant)) == {report, draft}
    assert set(Report.objects.restrict(world.city_editor)) == {report}
    assert set(Report.objects.restrict(world.county2_informant)) == set()
    assert set(Submission.objects.restrict(world.city2_editor)) == set()
    assert set(Submission.objects.restrict(world.county_signer)) == {sub}


def test_a_signed_report_that_never_left_the_unit_is_invisible_above(world):
    report = signed_report(world.county_informant, world.county_signer)
    assert not Report.objects.restrict(world.city_editor).filter(pk=report.pk).exists()
    assert selectors.report_versions_visible_to(user=world.city_editor, report=report) == []
