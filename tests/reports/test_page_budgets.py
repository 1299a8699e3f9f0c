"""Issue 14: every logged-in page stays within its query budget whatever an office's backlog, the
navigation costs one query, and reading a page writes nothing."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govbrief.reports import selectors, services
from govbrief.reports.choices import SubmissionState, Urgency

from ..factories import inbox_backlog, submitted_report

# The most queries any of these pages may make (issue 14's target: 12 or fewer).
PAGE_BUDGET = 12


def _pages(world, sub) -> dict[str, str]:
    return {
        "desk": reverse("dashboard"),
        "inbox": reverse("reports:inbox"),
        "queue mine": reverse("reports:inbox") + "?queue=mine",
        "queue overdue": reverse("reports:inbox") + "?queue=overdue",
        "submission": reverse("reports:submission", args=[sub.pk]),
        "report": reverse("reports:detail", args=[sub.report_id]),
        "api inbox": "/api/submissions/inbox/",
    }


def _count(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def _forwarded_item(world):
    """An item of the city's that it adopted and forwarded to the province: a page with lineage."""
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_adopt(submission=sub, editor=world.city_editor)
    services.submission_forward(submission=sub, editor=world.city_editor, targets=[world.province])
    return sub


def test_every_page_keeps_its_query_budget_from_10_to_1000_items(client, world):
    sub = _forwarded_item(world)
    inbox_backlog(sender=world.county2, office=world.city, count=10, author=world.county2_informant)
    client.force_login(world.city_editor)
    pages = _pages(world, sub)

    def warm():
        # First views write what a first view writes (a read mark, which drops the office's cached
        # figures); the second fills the caches a running server has filled.
        for _ in range(2):
            for url in pages.values():
                client.get(url)

    warm()
    small = {name: _count(client, url)[0] for name, url in pages.items()}
    inbox_backlog(sender=world.county, office=world.city, count=990, author=world.county_informant)
    cache.clear()  # the backlog is written around the event layer, which would have dropped the counts
    warm()
    for name, url in pages.items():
        queries, sql = _count(client, url)
        assert queries <= PAGE_BUDGET, (name, queries, sql)
        assert queries == small[name], (name, small[name], queries, sql)


def test_the_whole_navigation_is_one_query(client, world):
    """Queues, the inbox's new items and the notifications are counted together (core.registry)."""
    inbox_backlog(sender=world.county, office=world.city, count=20, author=world.county_informant)
    client.force_login(world.city_editor)
    client.get(reverse("dashboard"))
    cache.clear()
    _, sql = _count(client, reverse("dashboard"))  # the desk renders each card with the request too
    counting = [q for q in sql if "COUNT(" in q.upper()]
    navigation = [q for q in counting if "notifications_notification" in q]
    assert len(navigation) == 1, counting
    assert "queue_overdue" in navigation[0] and "inbox_new" in navigation[0]
    # Kept for the person: the next page counts nothing until something concerning them happens.
    _, sql = _count(client, reverse("dashboard"))
    assert not [q for q in sql if "notifications_notification" in q and "COUNT(" in q.upper()]


def test_cached_figures_change_with_the_events_that_change_them(client, world):
    """The navigation is kept per person (issue 14) and dropped by every event concerning the
    person's unit, by an item's first opening and by a notification, so no figure is ever stale."""
    from govbrief.notifications.services import notify

    client.force_login(world.city_editor)

    def figures():
        return client.get(reverse("reports:list")).context["nav_counts"]

    assert figures()["inbox_new"] == 0
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    assert figures()["inbox_new"] == 1 and figures()["queue_new"] == 1
    services.submission_mark_opened(submission=sub, user=world.city_chief)
    assert figures()["queue_new"] == 0
    services.submission_assign(submission=sub, assignee=world.city_editor, by=world.city_chief)
    assert figures()["queue_mine"] == 1
    page = client.get(reverse("reports:list"))
    assert page.context["nav_unread"] == 0
    notify(recipients=[world.city_editor], verb="message", message="测试")
    assert client.get(reverse("reports:list")).context["nav_unread"] == 1
    # The sending unit's figures follow the office's decision on its report.
    client.force_login(world.county_informant)
    assert figures()["returned"] == 0
    services.submission_return(submission=sub, editor=world.city_editor, reason="请补充")
    assert figures()["returned"] == 1


def test_the_navigation_figures_are_the_lengths_of_their_lists(world):
    inbox_backlog(sender=world.county, office=world.city, count=30, open_items=7, author=world.county_informant)
    editor = world.city_editor
    counts = selectors.dashboard_counts(user=editor)
    inbox = selectors.inbox_for(user=editor)
    assert counts["inbox_new"] == inbox.filter(state=SubmissionState.SUBMITTED).count() == 7
    for queue, figure in selectors.queue_counts(user=editor).items():
        assert counts[f"queue_{queue}"] == figure
        assert figure == inbox.filter(selectors.queue_q(queue, editor, selectors.overdue_cutoff_for(editor.unit))).count()


def test_opening_a_submission_again_writes_nothing(client, world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    client.force_login(world.city_editor)
    url = reverse("reports:submission", args=[sub.pk])
    _, first = _count(client, url)
    assert any(q.startswith("INSERT") and "submissionread" in q for q in first)
    _, again = _count(client, url)
    writes = [q for q in again if q.split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


def test_a_page_view_does_not_write_the_session_until_the_refresh_interval(client, world, settings, monkeypatch):
    import time as real_time

    from govbrief.orgs import sessions

    client.force_login(world.city_editor)
    clock = [real_time.time()]
    monkeypatch.setattr(sessions.time, "time", lambda: clock[0])
    client.get(reverse("dashboard"))  # the first page after logging in marks the session
    _, sql = _count(client, reverse("dashboard"))
    assert not [q for q in sql if "django_session" in q and q.split()[0] in ("INSERT", "UPDATE")]
    clock[0] += settings.GOVBRIEF_SESSION_REFRESH_SECONDS
    _, sql = _count(client, reverse("dashboard"))
    assert [q for q in sql if "django_session" in q and q.split()[0] in ("INSERT", "UPDATE")]


def test_an_idle_session_still_ends_after_the_timeout(client, world, settings):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(world.city_editor)
    assert client.get(reverse("dashboard")).status_code == 200
    session = Session.objects.get()
    expires_in = (session.expire_date - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 <= expires_in <= settings.SESSION_COOKIE_AGE
    Session.objects.update(expire_date=timezone.now())
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_api_token_request_creates_no_session(world):
    from django.contrib.sessions.models import Session
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.city_editor).key}")
    assert api.get("/api/submissions/inbox/").status_code == 200
    assert Session.objects.count() == 0


def test_the_inbox_is_read_without_joining_every_report_for_visibility(world):
    """What an office received is visible to it: the scoped rule is ``to_unit`` alone, so the
    inbox's count and rows are served by its index (issue 14: a scan of all reports)."""
    sql = str(selectors.received_by_office(user=world.city_editor).query)
    assert "reports_report" not in sql


def test_a_scope_for_another_office_gives_the_whole_rule(world):
    """The scope only narrows the rule for the user's own office; naming another office grants nothing."""
    _, (sub,) = submitted_report(world.county_b_informant, world.county_b_signer, [world.city2])
    narrowed = selectors.submissions_visible_to(user=world.city_editor, to_unit_id=world.city2.pk)
    assert not narrowed.filter(pk=sub.pk).exists()


@pytest.mark.parametrize("urgency", [Urgency.EXTRA_URGENT, Urgency.URGENT, Urgency.ROUTINE])
def test_urgency_rank_follows_the_version(world, urgency):
    """Submission.urgency_rank is a copy of its version's urgency for the inbox's index: it must
    follow the version through submitting, forwarding and resubmitting."""
    from govbrief.reports.choices import URGENCY_RANK
    from govbrief.reports.models import Submission

    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city], urgency=urgency)
    services.submission_return(submission=sub, editor=world.city_editor, reason="请补充数据")
    services.report_new_version(report=report, user=world.county_informant)
    report.refresh_from_db()
    services.report_update(report=report, user=world.county_informant, urgency=Urgency.ROUTINE
                         if urgency != Urgency.ROUTINE else Urgency.EXTRA_URGENT)
    services.report_sign_off(report=report, signer=world.county_signer)
    services.submission_resubmit(submission=sub, user=world.county_informant)
    services.submission_adopt(submission=Submission.objects.get(pk=sub.pk), editor=world.city_editor)
    services.submission_forward(submission=Submission.objects.get(pk=sub.pk), editor=world.city_editor,
                                targets=[world.province])
    rows = Submission.objects.select_related("version")
    assert rows.count() == 2
    for row in rows:
        assert row.urgency_rank == URGENCY_RANK[row.version.urgency]
    assert Submission.objects.get(pk=sub.pk).urgency_rank != URGENCY_RANK[urgency]


def test_origin_unit_is_the_reports_unit(world):
    """Submission.origin_unit is the report's unit on every submission, the unit's own and the
    offices' forwards alike: the rule that a unit sees every submission of its reports reads it."""
    from govbrief.reports.models import Submission

    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_adopt(submission=sub, editor=world.city_editor)
    services.submission_forward(submission=sub, editor=world.city_editor, targets=[world.province])
    rows = Submission.objects.select_related("report")
    assert rows.count() == 2
    assert all(row.origin_unit_id == row.report.unit_id == world.county.pk for row in rows)
    forward = rows.get(parent=sub)
    assert selectors.submissions_visible_to(user=world.county_informant).filter(pk=forward.pk).exists()


def test_the_desk_s_recent_adoptions_read_only_their_own_rows(client, world):
    """The card lists the unit's newest adoptions from the index on (origin_unit, state, decided_at),
    whatever the number of reports the unit ever wrote."""
    inbox_backlog(sender=world.county, office=world.city, count=40, author=world.county_informant)
    client.force_login(world.county_informant)
    _, sql = _count(client, reverse("dashboard"))
    adoptions = [q for q in sql if '"reports_submission"."decided_at"' in q and "ORDER BY" in q and "LIMIT 6" in q]
    assert len(adoptions) == 1
    assert '"reports_report"' not in adoptions[0], "the card no longer joins every report of the unit"


def test_the_inbox_shows_open_items_first_most_urgent_first(world):
    subs = inbox_backlog(sender=world.county, office=world.city, count=40, open_items=10, author=world.county_informant)
    rows = list(selectors.inbox_for(user=world.city_editor))
    assert len(rows) == len(subs)
    keys = [(r.state != SubmissionState.SUBMITTED, r.urgency_rank, -r.submitted_at.timestamp()) for r in rows]
    assert keys == sorted(keys)
    assert rows[0].version.urgency == Urgency.EXTRA_URGENT and rows[0].state == SubmissionState.SUBMITTED


def test_the_unit_filter_lists_a_new_sender_once_its_report_arrives(client, world, django_capture_on_commit_callbacks):
    """The filter's senders are cached per office (issue 14) and dropped when a new route arrives."""
    submitted_report(world.county_informant, world.county_signer, [world.city])
    client.force_login(world.city_editor)
    def choices():
        return [c[0] for c in client.get(reverse("reports:inbox")).context["form"].fields["unit"].widget.choices]

    assert choices() == ["", world.county.pk]
    with django_capture_on_commit_callbacks(execute=True):
        submitted_report(world.county2_informant, world.county2_signer, [world.city])
    assert set(choices()) == {"", world.county.pk, world.county2.pk}


def test_sessions_and_cache_live_in_redis_when_redis_url_is_set(tmp_path):
    """The README's deployment: with REDIS_URL several app servers share cache and sessions."""
    import os
    import subprocess
    import sys

    code = ("from django.conf import settings; import django; django.setup(); "
            "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE, settings.SESSION_SAVE_EVERY_REQUEST)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "govbrief.settings", "GOVBRIEF_DATA_DIR": str(tmp_path)}
    with_redis = subprocess.run([sys.executable, "-c", code], env={**env, "REDIS_URL": "redis://127.0.0.1:6379/9"},
                                capture_output=True, text=True, check=True).stdout.split()
    assert with_redis == ["django.core.cache.backends.redis.RedisCache", "django.contrib.sessions.backends.cached_db",
                          "False"]
    env.pop("REDIS_URL", None)
    without = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert without[1] == "django.contrib.sessions.backends.db"


def test_a_long_inbox_is_counted_only_up_to_the_limit(client, world, monkeypatch):
    """An office's whole history is never counted on each view: past the limit the page says "more than"."""
    from govbrief.core.web import BoundedPaginator

    monkeypatch.setattr(BoundedPaginator, "COUNT_LIMIT", 30)
    inbox_backlog(sender=world.county, office=world.city, count=60, author=world.county_informant)
    client.force_login(world.city_editor)
    page = client.get(reverse("reports:inbox"))
    assert page.context["page"].paginator.count == 31
    assert "超过30条" in page.content.decode()
    assert client.get(reverse("reports:inbox"), {"page": 2}).context["page"].number == 2
    monkeypatch.setattr(BoundedPaginator, "COUNT_LIMIT", 100)
    cache.clear()  # a new limit comes with a new deployment, not under a kept count
    page = client.get(reverse("reports:inbox"))
    assert page.context["page"].paginator.count == 60 and "共60条" in page.content.decode()


def test_a_read_mark_belongs_to_the_editor_who_opened_it(world):
    """The page's knowledge that its reader has read an item is never taken for someone else's."""
    from govbrief.reports.models import SubmissionRead

    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_mark_opened(submission=sub, user=world.city_editor)
    item = selectors.submission_get(user=world.city_editor, pk=sub.pk)
    assert item.is_read
    services.submission_mark_opened(submission=item, user=world.city_chief)
    assert set(SubmissionRead.objects.values_list("user_id", flat=True)) == {world.city_editor.pk, world.city_chief.pk}


def test_a_figure_past_the_cap_reads_999_plus_and_costs_no_more(client, world, monkeypatch):
    """Navigation figures are counted up to a cap (core.registry.NAV_COUNT_CAP), so a ten-year
    backlog of returned items costs the navigation no more than a short one."""
    from govbrief.core import registry
    from govbrief.core.templatetags import core_tags

    monkeypatch.setattr(registry, "NAV_COUNT_CAP", 5)
    monkeypatch.setattr(core_tags, "NAV_COUNT_CAP", 5)
    inbox_backlog(sender=world.county, office=world.city, count=40, open_items=8, author=world.county_informant)
    client.force_login(world.city_editor)
    page = client.get(reverse("reports:inbox"))
    assert page.context["nav_counts"]["inbox_new"] == 6
    assert 'data-nav-queue="waiting">5+</span>' in page.content.decode()
    assert core_tags.count_badge(5) == "5" and core_tags.count_badge(6) == "5+"


def test_a_kept_inbox_count_follows_every_event_of_the_office(client, world):
    """The inbox's count is kept between views (core.registry.cached_figures) and is new after any
    event concerning the office: a submission arriving, one screened, an editor's first opening."""
    _, (first,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    client.force_login(world.city_editor)
    api = lambda: client.get("/api/submissions/inbox/", {"state": "submitted"}).json()["count"]  # noqa: E731
    page = lambda: client.get(reverse("reports:inbox"), {"queue": "new"}).context["page"].paginator.count  # noqa: E731
    assert (api(), page()) == (1, 1)
    _, counted = _count(client, reverse("reports:inbox") + "?queue=new")
    assert not [q for q in counted if "COUNT(" in q.upper() and "reports_submission" in q and "LIMIT 2001" in q]
    submitted_report(world.county2_informant, world.county2_signer, [world.city])
    assert (api(), page()) == (2, 2)
    services.submission_return(submission=first, editor=world.city_editor, reason="请补充")
    assert (api(), page()) == (1, 1)
    services.submission_mark_opened(submission=selectors.inbox_for(user=world.city_editor).get(state="submitted"),
                                    user=world.city_chief)
    assert page() == 0  # no longer new for the office
