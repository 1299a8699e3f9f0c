"""Rules a review of the structure change found unguarded, each with its test."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from govbrief.locks.services import lock_acquire
from govbrief.notifications.models import Notification
from govbrief.orgs.models import User
from govbrief.reports import selectors, services
from govbrief.reports.models import Comment, Report

from ..factories import draft_report, submitted_report


def test_the_units_list_shows_each_reports_urgency_and_kind(client, world):
    draft_report(world.county_informant, title="特急草稿", urgency="extra", kind="research")
    client.force_login(world.county_informant)
    html = client.get(reverse("reports:list")).content.decode()
    assert '<span class="badge extra">特急</span>' in html and "调研信息" in html


def test_a_receiving_office_does_not_see_where_else_a_forward_went(world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_adopt(submission=sub, editor=world.city_editor)
    world.city.extra_report_targets.add(world.national)
    services.submission_forward(submission=sub, editor=world.city_editor, targets=[world.province, world.national])
    events = [e for e in selectors.report_timeline(user=world.province_editor, report=report) if e.action == "forwarded"]
    assert [e.data["to"] for e in events] == [world.province.pk]
    assert all("routes" not in e.data for e in events)


def test_an_offices_internal_notes_stay_inside_it_even_for_a_superuser(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.comment_add(submission=sub, author=world.city_editor, body="内部意见：数据待核", audience="internal")
    root = User.objects.create_superuser(username="root", password="Root#2026x")
    assert not Comment.objects.restrict(root).exists()
    assert Comment.objects.restrict(world.city_chief).count() == 1


def test_a_notice_names_the_text_the_event_concerned(world, side_effects):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city], title="原来的标题")
    with side_effects(), transaction.atomic():
        services.submission_return(submission=sub, editor=world.city_editor, reason="请补充数据")
        services.report_new_version(report=report, user=world.county_informant)
        services.report_update(report=Report.objects.get(pk=report.pk), user=world.county_informant, title="改后的标题")
    notice = Notification.objects.get(verb="returned", recipient=world.county_informant)
    assert "原来的标题" in notice.message and "改后的标题" not in notice.message


def test_the_unit_sees_a_lock_broken_on_its_own_draft(world):
    report = draft_report(world.county_informant)
    lock_acquire(target=report, user=world.county_informant)
    services.report_lock_break(report=report, user=world.county_signer)
    actions = [e.action for e in selectors.report_timeline(user=world.county_informant, report=report)]
    assert actions == ["created", "lock_broken"]


def test_the_shown_text_is_the_newest_version_the_rule_allows(world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city], title="v1")
    services.submission_adopt(submission=sub, editor=world.city_editor)
    (up,) = services.submission_forward(submission=sub, editor=world.city_editor, targets=[world.province], title="市稿")
    services.submission_return(submission=up, editor=world.province_editor, reason="请精简")
    services.submission_resubmit(submission=up, user=world.city_editor, title="市稿二")
    services.report_new_version(report=report, user=world.county_informant)
    for user in (world.county_informant, world.city_editor, world.province_editor, world.city_chief):
        shown = selectors.annotate_shown_text(user=user, queryset=Report.objects.filter(pk=report.pk)).get()
        fresh = Report.objects.get(pk=report.pk)
        expected = selectors.report_text_for(user=user, report=fresh)
        assert (shown.shown_version_id, shown.shown_title) == (expected.pk, expected.title), user.username


def test_the_edit_and_forward_pages_are_403_for_other_roles(client, world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_adopt(submission=sub, editor=world.city_editor)
    client.force_login(world.city_editor)  # sees the report, is no drafter of the county
    assert client.get(reverse("reports:edit", args=[report.pk])).status_code == 403
    client.force_login(world.county_informant)  # sees the submission, is no editor of the city
    assert client.get(reverse("reports:forward", args=[sub.pk])).status_code == 403
    assert client.get(reverse("reports:edit", args=[report.pk])).status_code == 302  # signed: a message, not 403
    client.force_login(world.city_editor)
    assert client.get(reverse("reports:forward", args=[sub.pk])).status_code == 200
