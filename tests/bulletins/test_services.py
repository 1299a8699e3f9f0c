"""The bulletins' rules, each test named after the rule it protects (SPEC §4, issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govbrief.audit.models import AuditEntry
from govbrief.bulletins import selectors, services
from govbrief.bulletins.choices import IssueState
from govbrief.bulletins.models import Issue, Item, ItemSource, ReadReceipt
from govbrief.core.errors import ActionNotAllowed, TransitionError
from govbrief.notifications.models import Notification
from govbrief.reports.choices import AdoptionMode, SubmissionState
from govbrief.reports.models import Adoption, ReportVersion

pytestmark = pytest.mark.django_db


def test_numbers_are_given_at_publication_per_year_and_in_total(desk):
    desk.general.total_offset = 311
    desk.general.save()
    first = desk.publish(desk.issue(items=1))
    second = desk.issue(items=0)
    services.item_add(issue=second, editor=desk.world.city_editor, adoptions=desk.adoptions[1:2])
    second = desk.publish(second)
    assert (first.year, first.number, first.total_number) == (dt.date.today().year, 1, 312)
    assert (second.number, second.total_number) == (2, 313)


def test_a_new_year_starts_again_at_number_one_but_the_total_runs_on(desk):
    w = desk.world
    first = desk.issue()
    services.issue_send_for_approval(issue=first, editor=w.city_editor)
    services.issue_approve(issue=first, chief=w.city_chief)
    services.issue_publish(issue=first, user=w.city_editor, issued_on=dt.date(2025, 12, 30))
    second = desk.issue(items=0)
    services.item_add(issue=second, editor=w.city_editor, adoptions=desk.adoptions[1:2])
    services.issue_send_for_approval(issue=second, editor=w.city_editor)
    services.issue_approve(issue=second, chief=w.city_chief)
    second = services.issue_publish(issue=second, user=w.city_editor, issued_on=dt.date(2026, 1, 4))
    assert (second.year, second.number, second.total_number) == (2026, 1, 2)


def test_a_withdrawn_issue_keeps_its_number_and_the_next_takes_the_following_one(desk):
    w = desk.world
    first = desk.publish(desk.issue())
    services.issue_withdraw(issue=first, chief=w.city_chief, reason="数据有误")
    first.refresh_from_db()
    assert first.state == IssueState.WITHDRAWN and first.number == 1
    second = desk.issue(items=0)
    services.item_add(issue=second, editor=w.city_editor, adoptions=desk.adoptions[1:2])
    assert desk.publish(second).number == 2


def test_publications_number_their_issues_independently(desk):
    first = desk.publish(desk.issue(desk.general))
    special = desk.issue(desk.special, items=0)
    services.item_add(issue=special, editor=desk.world.city_editor, adoptions=desk.adoptions[:1])
    assert desk.publish(special).number == 1 and first.number == 1


def test_an_issue_goes_draft_pending_approved_published_and_each_step_is_on_the_timeline_and_audited(desk):
    issue = desk.publish(desk.issue())
    actions = list(issue.events.values_list("action", flat=True))
    assert actions == ["created", "item_added", "sent", "approved", "published"]
    audited = set(AuditEntry.objects.filter(action__startswith="bulletin.").values_list("action", flat=True))
    assert {"bulletin.created", "bulletin.sent", "bulletin.approved", "bulletin.published"} <= audited


def test_only_the_chief_editor_approves(desk):
    issue = desk.issue()
    services.issue_send_for_approval(issue=issue, editor=desk.world.city_editor)
    with pytest.raises(ActionNotAllowed):
        services.issue_approve(issue=issue, chief=desk.world.city_editor)


def test_an_issue_cannot_be_published_before_it_is_approved(desk):
    issue = desk.issue()
    with pytest.raises(TransitionError):
        services.issue_publish(issue=issue, user=desk.world.city_editor)


def test_an_empty_issue_cannot_be_sent_for_approval(desk):
    issue = desk.issue(items=0)
    with pytest.raises(ValidationError) as exc:
        services.issue_send_for_approval(issue=issue, editor=desk.world.city_editor)
    assert "items" in exc.value.message_dict


def test_a_returned_issue_goes_back_to_draft_with_the_reason(desk, side_effects):
    w = desk.world
    issue = desk.issue()
    services.issue_send_for_approval(issue=issue, editor=w.city_editor)
    with side_effects():
        services.issue_return(issue=issue, chief=w.city_chief, reason="第二篇标题太长")
    issue.refresh_from_db()
    assert issue.state == IssueState.DRAFT and issue.return_reason == "第二篇标题太长"
    assert Notification.objects.filter(recipient=w.city_editor, verb="issue_returned").exists()


def test_another_office_cannot_compose_this_offices_issue(desk):
    with pytest.raises(ActionNotAllowed):
        services.item_add(issue=desk.issue(items=0), editor=desk.world.city2_editor, adoptions=desk.adoptions[:1])


def test_only_adoptions_of_the_issues_office_can_be_added(desk, world):
    from .conftest import adopt_from

    issue = desk.issue(items=0)
    foreign = adopt_from(world, "county_b", "庚县信息", office="city2")  # another office's adoption
    with pytest.raises(ValidationError) as exc:
        services.item_add(issue=issue, editor=world.city_editor, adoptions=[foreign])
    assert "adoptions[0]" in exc.value.message_dict


def test_the_same_adoption_is_not_added_twice_to_one_issue(desk):
    issue = desk.issue(items=1)
    with pytest.raises(ValidationError):
        services.item_add(issue=issue, editor=desk.world.city_editor, adoptions=desk.adoptions[:1])


def test_one_adoption_may_be_printed_in_several_publications_of_its_office(desk):
    desk.publish(desk.issue(desk.general))
    desk.publish(desk.issue(desk.special))
    assert ItemSource.objects.filter(adoption=desk.adoptions[0]).count() == 2


def test_editing_an_item_keeps_the_units_signed_text_and_adds_an_office_version_in_the_lineage(desk):
    w = desk.world
    issue = desk.issue()
    item = issue.items.get()
    signed = item.version
    services.item_edit(item=item, editor=w.city_editor, title="乙县农村人居环境整治见实效", body="改写后的正文。")
    item.refresh_from_db()
    signed.refresh_from_db()
    assert signed.title == "乙县推进农村人居环境整治" and signed.hash_matches()
    assert item.version.derived_from_id == signed.pk and item.version.unit_id == w.city.pk
    assert item.title == "乙县农村人居环境整治见实效" and item.body == "改写后的正文。"
    assert Adoption.objects.get(pk=desk.adoptions[0].pk).mode == AdoptionMode.EDITED
    # The unit reads the office's edit of its report, the office its own edit; another unit neither.
    assert ReportVersion.objects.restrict(w.county_informant).filter(pk=item.version_id).exists()
    assert ReportVersion.objects.restrict(w.city_editor).filter(pk=item.version_id).exists()
    assert not ReportVersion.objects.restrict(w.county2_informant).filter(pk=item.version_id).exists()


def test_a_composite_credits_every_source_unit_and_marks_the_adoptions_merged(desk, side_effects):
    w = desk.world
    issue = desk.issue(items=1)
    item = services.item_merge(issue=issue, editor=w.city_editor, adoptions=desk.adoptions, title="各地推进农村人居环境整治",
                               body="乙县、丙县、戊县多措并举。")
    assert set(item.sources.values_list("unit_id", flat=True)) == {w.county.pk, w.county2.pk, w.direct_point.pk}
    assert set(Adoption.objects.values_list("mode", flat=True)) == {AdoptionMode.MERGED}
    # The report printed alone went into the composite instead.
    assert list(issue.items.values_list("is_composite", flat=True)) == [True]
    with side_effects():
        desk.publish(issue)
    for unit in ("county", "county2", "direct_point"):
        informant = w.users[f"{unit}_informant"]
        report = desk.adoptions[["county", "county2", "direct_point"].index(unit)].submission.report
        rows = selectors.report_publishing(user=informant, report=report)
        assert [(r.composite, r.item_title) for r in rows] == [(True, "各地推进农村人居环境整治")]
        assert Notification.objects.filter(recipient=informant, verb="published_in_bulletin").exists()
    assert issue.events.filter(action="merged").get().data["units"] == [w.county.pk, w.county2.pk, w.direct_point.pk]


def test_a_composite_needs_two_sources(desk):
    with pytest.raises(ValidationError):
        services.item_merge(issue=desk.issue(items=0), editor=desk.world.city_editor, adoptions=desk.adoptions[:1],
                            title="标题", body="正文")


def test_items_are_reordered_and_each_item_given_once(desk):
    issue = desk.issue(items=3)
    ids = list(issue.items.values_list("pk", flat=True))
    services.items_reorder(issue=issue, editor=desk.world.city_editor, order=list(reversed(ids)))
    assert list(issue.items.order_by("position").values_list("pk", flat=True)) == list(reversed(ids))
    with pytest.raises(ValidationError):
        services.items_reorder(issue=issue, editor=desk.world.city_editor, order=ids[:2])


def test_a_published_issue_cannot_be_composed(desk):
    issue = desk.publish(desk.issue())
    with pytest.raises(TransitionError):
        services.item_remove(item=issue.items.first(), editor=desk.world.city_editor)


def test_publishing_credits_every_adoption_in_the_event_for_scoring(desk):
    w = desk.world
    issue = desk.issue(items=1)
    services.item_merge(issue=issue, editor=w.city_editor, adoptions=desk.adoptions[1:], title="综合", body="正文")
    issue = desk.publish(issue)
    data = issue.events.get(action="published").data
    assert data["tier"] == "general" and data["number"] == 1
    assert sorted(c["adoption"] for c in data["credits"]) == sorted(a.pk for a in desk.adoptions)


def test_an_unpublished_adoption_can_be_withdrawn_and_the_unit_sees_the_reason(desk, side_effects):
    w = desk.world
    issue = desk.issue(items=1)
    sub = desk.adoptions[0].submission
    with side_effects():
        services.adoption_withdraw(submission=sub, editor=w.city_editor, reason="与省办信息重复")
    sub.refresh_from_db()
    assert sub.state == SubmissionState.ARCHIVED and not Adoption.objects.filter(submission=sub).exists()
    assert not issue.items.exists()  # the draft's item that printed it alone is gone
    event = sub.events.get(action="adoption_withdrawn")
    assert event.note == "与省办信息重复"
    assert Notification.objects.filter(recipient=w.county_informant, verb="adoption_withdrawn").exists()


def test_a_published_adoption_cannot_be_withdrawn(desk):
    desk.publish(desk.issue(items=1))
    with pytest.raises(TransitionError):
        services.adoption_withdraw(submission=desk.adoptions[0].submission, editor=desk.world.city_editor, reason="x")


def test_withdrawing_an_adoption_needs_a_reason(desk):
    with pytest.raises(ValidationError):
        services.adoption_withdraw(submission=desk.adoptions[0].submission, editor=desk.world.city_editor, reason=" ")


def test_reading_receipts_record_first_and_latest_read_of_readers_only(desk):
    w = desk.world
    issue = desk.publish(desk.issue())
    services.receipt_record(issue=issue, reader=w.city_leader)
    services.receipt_record(issue=issue, reader=w.city_leader)
    services.receipt_record(issue=issue, reader=w.city_editor)  # the office's own editor is no reader
    receipt = ReadReceipt.objects.get()
    assert receipt.reader == w.city_leader and receipt.times == 2
    rows = selectors.issue_receipts(issue=issue)
    assert {r.reader.username: bool(r.first_read_at) for r in rows} == {"city_leader": True, "county_principal": False}


def test_a_leader_marks_an_item_and_the_office_is_told(desk, side_effects):
    w = desk.world
    issue = desk.publish(desk.issue())
    item = issue.items.get()
    with side_effects():
        mark = services.attention_toggle(item=item, reader=w.city_leader, remark="请跟踪")
    assert mark.remark == "请跟踪"
    assert Notification.objects.filter(recipient=w.city_editor, verb="attention").exists()
    assert services.attention_toggle(item=item, reader=w.city_leader) is None  # a second click takes it back
    with pytest.raises(ActionNotAllowed):
        services.attention_toggle(item=item, reader=w.county_informant)


def test_publishing_tells_the_readers(desk, side_effects):
    with side_effects():
        desk.publish(desk.issue())
    assert Notification.objects.filter(recipient=desk.world.city_leader, verb="issue_published").exists()
    assert Notification.objects.filter(recipient=desk.world.county_principal, verb="issue_published").exists()


def test_the_files_are_rendered_and_kept_when_an_issue_is_published(desk, side_effects):
    with side_effects():
        issue = desk.publish(desk.issue(items=2))
    issue.refresh_from_db()
    assert issue.docx_file.name.endswith(".docx") and issue.rendered_at is not None
    assert issue.pdf_file.name.endswith(".pdf") and issue.pdf_pages >= 1, issue.render_error


def test_only_a_draft_can_be_deleted_and_it_leaves_no_number(desk):
    issue = desk.issue()
    services.issue_delete(issue=issue, editor=desk.world.city_editor)
    assert not Issue.objects.exists() and not Item.objects.exists()
