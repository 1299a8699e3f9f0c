"""The editor's desk: queues, assignment, bulk actions, comments (the desk issue)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from govbrief.notifications.models import Notification
from govbrief.reports.filters import inbox_filter
from govbrief.reports import selectors, services
from govbrief.reports.choices import CommentAudience, EventAction, Queue, SubmissionState
from govbrief.reports.models import Submission

from ..factories import submitted_report


def inbox_items(world, n, *, unit="county", target="city", **kwargs):
    informant, signer = world.users[f"{unit}_informant"], world.users[f"{unit}_signer"]
    return [submitted_report(informant, signer, [world.units[target]], title=f"第{i}条", **kwargs)[1][0] for i in range(n)]


# ---------------------------------------------------------------- bulk actions

def test_bulk_action_reports_each_item_and_leaves_refused_ones_untouched(world):
    open_a, open_b, done = inbox_items(world, 3)
    services.submission_archive(submission=done, editor=world.city_editor)
    (elsewhere,) = inbox_items(world, 1, unit="county_b", target="city2")
    results = services.submissions_bulk(user=world.city_editor, ids=[open_a.pk, done.pk, elsewhere.pk, open_b.pk],
                                        action="adopt", publication="special")
    assert [(r.id, r.ok) for r in results] == [(open_a.pk, True), (done.pk, False), (elsewhere.pk, False), (open_b.pk, True)]
    assert "存档备查" in results[1].message
    states = dict(Submission.objects.values_list("pk", "state"))
    assert states[done.pk] == SubmissionState.ARCHIVED and states[elsewhere.pk] == SubmissionState.SUBMITTED
    assert open_a.report.events.filter(action=EventAction.ADOPTED).count() == 1
    assert not elsewhere.report.events.filter(action=EventAction.ADOPTED).exists()


def test_bulk_return_needs_one_shared_reason_that_every_unit_sees(world):
    subs = inbox_items(world, 2)
    with pytest.raises(ValidationError):
        services.submissions_bulk(user=world.city_editor, ids=[s.pk for s in subs], action="return")
    services.submissions_bulk(user=world.city_editor, ids=[s.pk for s in subs], action="return", reason="请补充数据来源")
    assert set(Submission.objects.values_list("return_reason", flat=True)) == {"请补充数据来源"}


def test_bulk_through_the_pages_confirms_then_reports_each_item(client, world):
    a, b = inbox_items(world, 2)
    services.submission_adopt(submission=b, editor=world.city_editor)
    client.force_login(world.city_editor)
    confirm = client.post(reverse("reports:bulk"), {"ids": [a.pk, b.pk], "action": "archive"})
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "2" in html and a.version.title in html
    assert Submission.objects.get(pk=a.pk).state == SubmissionState.SUBMITTED  # nothing done before confirming
    result = client.post(reverse("reports:bulk"), {"ids": [a.pk, b.pk], "action": "archive", "confirm": "1"})
    assert result.status_code == 200
    assert Submission.objects.get(pk=a.pk).state == SubmissionState.ARCHIVED
    assert Submission.objects.get(pk=b.pk).state == SubmissionState.ADOPTED
    html = result.content.decode()
    assert "已采用" in html and "不能执行此操作" in html  # the refused item, with its reason


def test_bulk_through_the_api(world):
    a, b = inbox_items(world, 2)
    api = APIClient()
    api.force_authenticate(world.city_chief)
    response = api.post("/api/submissions/bulk/", {"action": "assign", "ids": [a.pk, b.pk, 999999],
                                                   "assignee": world.city_editor.pk}, format="json")
    assert response.status_code == 200
    assert [r["ok"] for r in response.json()] == [True, True, False]
    assert set(Submission.objects.filter(pk__in=[a.pk, b.pk]).values_list("assignee", flat=True)) == {world.city_editor.pk}


# ---------------------------------------------------------------- assignment

def test_the_chief_editor_assigns_and_an_editor_may_only_take_free_items(world, side_effects):
    sub, other = inbox_items(world, 2)
    with side_effects():
        services.submission_assign(submission=sub, assignee=world.city_editor, by=world.city_chief)
    assert Notification.objects.filter(recipient=world.city_editor, verb="assigned").exists()
    with pytest.raises(PermissionDenied):  # an editor cannot take an item already assigned to someone else
        services.submission_assign(submission=sub, assignee=world.city_chief, by=world.city_editor)
    services.submission_assign(submission=other, assignee=world.city_editor, by=world.city_editor)
    (free,) = inbox_items(world, 1)
    with pytest.raises(PermissionDenied):  # nor hand work to a colleague
        services.submission_assign(submission=free, assignee=world.city_chief, by=world.city_editor)
    with pytest.raises(PermissionDenied):  # nor assign to someone outside the office
        services.submission_assign(submission=other, assignee=world.province_editor, by=world.city_chief)


def test_assignment_and_release_are_on_the_timeline(world):
    (sub,) = inbox_items(world, 1)
    services.submission_assign(submission=sub, assignee=world.city_editor, by=world.city_editor)
    with pytest.raises(PermissionDenied):
        services.submission_release(submission=sub, by=world.county_editor)
    services.submission_release(submission=sub, by=world.city_chief)
    actions = list(sub.report.events.filter(submission=sub).values_list("action", flat=True))
    assert actions[-2:] == [EventAction.ASSIGNED, EventAction.RELEASED]


def test_closed_items_cannot_be_assigned(world):
    (sub,) = inbox_items(world, 1)
    services.submission_adopt(submission=sub, editor=world.city_editor)
    with pytest.raises(ValidationError):
        services.submission_assign(submission=sub, assignee=world.city_editor, by=world.city_chief)


# ---------------------------------------------------------------- queues

def _queue_ids(user, queue):
    return {s.pk for s in inbox_filter(user=user, queue=queue)}


def test_queue_counts_match_the_lists_for_every_queue_and_user(world):
    subs = inbox_items(world, 6)
    inbox_items(world, 2, unit="direct_point", target="city")
    inbox_items(world, 3, unit="county_b", target="city2")
    services.submission_assign(submission=subs[0], assignee=world.city_editor, by=world.city_chief)
    services.submission_assign(submission=subs[1], assignee=world.city_chief, by=world.city_chief)
    services.submission_return(submission=subs[2], editor=world.city_editor, reason="请补充")
    services.submission_mark_opened(submission=subs[3], user=world.city_chief)
    Submission.objects.filter(pk=subs[4].pk).update(submitted_at=timezone.now() - dt.timedelta(days=10))
    for user in (world.city_editor, world.city_chief, world.city2_editor, world.county_editor, world.county_informant):
        counts = selectors.queue_counts(user=user)
        for queue in Queue.values:
            assert counts[queue] == len(_queue_ids(user, queue)), (user.username, queue)
    editor = world.city_editor
    assert _queue_ids(editor, Queue.MINE) == {subs[0].pk}
    assert _queue_ids(world.city_chief, Queue.MINE) == {subs[1].pk}
    assert _queue_ids(editor, Queue.WAITING) == {subs[2].pk}
    assert subs[3].pk not in _queue_ids(editor, Queue.NEW) and subs[5].pk in _queue_ids(editor, Queue.NEW)
    assert _queue_ids(editor, Queue.OVERDUE) == {subs[4].pk}
    assert len(_queue_ids(world.city2_editor, Queue.UNASSIGNED)) == 3


def test_the_unread_state_is_per_editor(world):
    (sub,) = inbox_items(world, 1)
    services.submission_mark_opened(submission=sub, user=world.city_editor)
    assert selectors.inbox_for(user=world.city_editor).get(pk=sub.pk).is_read
    assert not selectors.inbox_for(user=world.city_chief).get(pk=sub.pk).is_read
    services.submission_mark_opened(submission=sub, user=world.county_informant)  # not office staff: no effect
    assert Submission.objects.get(pk=sub.pk).first_opened_at is not None


def test_opening_an_item_in_the_page_takes_it_out_of_new(client, world):
    (sub,) = inbox_items(world, 1)
    client.force_login(world.city_editor)
    client.get(sub.get_absolute_url())
    assert selectors.queue_counts(user=world.city_chief)[Queue.NEW] == 0


def test_urgent_items_come_first_and_the_overdue_are_flagged(client, world):
    routine = inbox_items(world, 1)[0]
    urgent = inbox_items(world, 1, urgency="extra")[0]
    Submission.objects.filter(pk=routine.pk).update(submitted_at=timezone.now() - dt.timedelta(days=10))
    client.force_login(world.city_editor)
    html = client.get(reverse("reports:inbox")).content.decode()
    page_ids = [s.pk for s in selectors.inbox_for(user=world.city_editor)]
    assert page_ids == [urgent.pk, routine.pk]
    assert "逾期" in html and "特急" in html


def test_saved_filters_belong_to_their_editor(client, world):
    client.force_login(world.city_editor)
    client.post(reverse("reports:saved-filter"), {"name": "特急未处理", "query": "queue=unassigned&sort=urgency"})
    assert "特急未处理" in client.get(reverse("reports:inbox")).content.decode()
    client.force_login(world.city_chief)
    assert "特急未处理" not in client.get(reverse("reports:inbox")).content.decode()


def test_every_queue_page_costs_the_same_number_of_queries(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fill(subs):
        """Put items in every queue: assigned to me, returned, overdue, opened, and new."""
        n = len(subs) // 5
        for sub in subs[:n]:
            services.submission_assign(submission=sub, assignee=world.city_editor, by=world.city_chief)
        for sub in subs[n:2 * n]:
            services.submission_return(submission=sub, editor=world.city_editor, reason="请补充")
        Submission.objects.filter(pk__in=[s.pk for s in subs[2 * n:3 * n]]).update(
            submitted_at=timezone.now() - dt.timedelta(days=9))
        for sub in subs[3 * n:4 * n]:
            services.submission_mark_opened(submission=sub, user=world.city_chief)

    fill(inbox_items(world, 10))
    client.force_login(world.city_editor)
    budgets = {}
    for queue in ["", *Queue.values]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reports:inbox"), {"queue": queue}).status_code == 200
        budgets[queue] = len(ctx.captured_queries)
    fill(inbox_items(world, 90))
    for queue, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            client.get(reverse("reports:inbox"), {"queue": queue})


# ---------------------------------------------------------------- comments

def test_internal_notes_never_reach_the_reporting_unit(client, world):
    (sub,) = inbox_items(world, 1)
    services.comment_add(submission=sub, author=world.city_editor, body="内部意见：此条可综合使用", audience=CommentAudience.INTERNAL)
    services.comment_add(submission=sub, author=world.city_editor, body="请补充今年的数据", audience=CommentAudience.UNIT)
    with pytest.raises(PermissionDenied):
        services.comment_add(submission=sub, author=world.county_informant, body="x", audience=CommentAudience.INTERNAL)
    for user in (world.county_informant, world.county_signer):
        client.force_login(user)
        for url in (sub.report.get_absolute_url(), sub.get_absolute_url()):
            html = client.get(url).content.decode()
            assert "内部意见" not in html and "请补充今年的数据" in html
        api = APIClient()
        api.force_authenticate(user)
        bodies = [c["body"] for c in api.get(f"/api/submissions/{sub.pk}/comments/").json()]
        assert bodies == ["请补充今年的数据"]
    client.force_login(world.city_chief)
    html = client.get(sub.get_absolute_url()).content.decode()
    assert "内部意见" in html and "请补充今年的数据" in html


def test_the_unit_answers_a_message_and_the_office_is_told(world, side_effects):
    (sub,) = inbox_items(world, 1)
    with side_effects():
        services.comment_add(submission=sub, author=world.county_informant, body="数据已核实", audience=CommentAudience.UNIT)
    assert Notification.objects.filter(recipient=world.city_editor, verb="message").exists()


def test_mentions_notify_only_people_who_may_read_the_comment(world, side_effects):
    (sub,) = inbox_items(world, 1)
    body = f"@{world.city_chief.name} 请审阅；@{world.county_informant.username} 不应看到"
    with side_effects():
        comment = services.comment_add(submission=sub, author=world.city_editor, body=body, audience=CommentAudience.INTERNAL)
    assert list(comment.mentions.all()) == [world.city_chief]
    assert Notification.objects.filter(recipient=world.city_chief, verb="mentioned").exists()
    assert not Notification.objects.filter(recipient=world.county_informant, verb="mentioned").exists()
