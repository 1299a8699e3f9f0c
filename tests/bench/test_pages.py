"""``govbrief bench pages``: the figures it reports, the offices and pages it picks, and logging in
and checking pages over HTTP as it does against the real server."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.core.management.base import CommandError

from govbrief.bench.harness import LoadResult, json_line, login
from govbrief.bench.pages import (
    EXTRA_KEYS,
    FLOOR,
    REQUIRED_KEYS,
    Page,
    PageResult,
    check_page,
    choose_offices,
    count_queries,
    pages_for,
    sample_submission,
    summarize,
    verdicts,
)
from govbrief.demo.generator import OfficeLoad as Office
from govbrief.reports import services

from ..factories import TEST_PASSWORD, submitted_report

# The keys issue 14 names for the JSON line, in its order.
ISSUE_KEYS = ["reports", "office_submissions", "inbox_p50_ms", "pages_p50_ms_max", "pages_p95_ms_20",
              "rps_ratio_min", "queries_max", "errors"]


def phase(clients: int, latencies: list[float], *, seconds: float = 1.0, errors: int = 0) -> LoadResult:
    result = LoadResult(clients=clients, seconds=seconds, latencies_ms=list(latencies), errors=errors)
    if errors:
        result.error_kinds["HTTP 500"] = errors
    return result


def measured(key: str, *, single: list[float], concurrent: list[float], seconds: float = 1.0, queries: int = 5,
             errors: int = 0) -> PageResult:
    return PageResult(Page(key, key, f"/{key}/"), phase(1, single, errors=errors),
                      phase(20, concurrent, seconds=seconds), queries)


BIG = Office(1, "big", "大单位", 12_000, "big-bj")
SMALL = Office(2, "small", "小单位", 1_050, "small-bj")


def figures(**overrides):
    results = overrides.pop("results", [
        measured("desk", single=[4, 6, 8], concurrent=[10] * 200, queries=6),
        measured("inbox", single=[9, 10, 11], concurrent=[30, 40] * 50, queries=9),
        measured("api_inbox", single=[12, 14, 30], concurrent=[20] * 80, queries=11, errors=1),
    ])
    floor = PageResult(FLOOR, phase(1, [50, 50, 50]), phase(20, [2] * 400, errors=0), None)
    floor.concurrent.errors = 2
    arguments = dict(reports=100_000, big=BIG, small=SMALL, results=results, floor=floor,
                     small_inbox=phase(1, [8, 8, 8], errors=3), workers=4, clients=20, seconds=1.0)
    arguments.update(overrides)
    return summarize(**arguments)


def test_the_json_line_has_the_issues_keys_in_its_order_then_the_documented_extras():
    found = json.loads(json_line(figures()))
    assert list(found)[:len(ISSUE_KEYS)] == ISSUE_KEYS
    assert list(found) == [*REQUIRED_KEYS, *EXTRA_KEYS]


def test_the_figures_are_the_slowest_page_at_one_and_at_c_clients_never_the_floor():
    found = figures()
    assert found["pages_p50_ms_max"] == 14.0  # the API inbox; the floor's 50 ms is not a page
    assert found["pages_p95_ms_20"] == 40.0  # the inbox under load
    assert found["inbox_p50_ms"] == 10.0
    assert found["queries_max"] == 11


def test_the_throughput_ratio_is_the_slowest_page_over_the_floor():
    found = figures()
    assert found["floor_rps"] == 400.0
    assert found["rps_ratio_min"] == pytest.approx(80 / 400)


def test_every_measured_error_counts_the_floors_and_the_small_inbox_included():
    assert figures()["errors"] == 1 + 2 + 3


def test_the_inbox_growth_is_the_big_offices_p50_over_the_small_offices():
    found = figures()
    assert found["inbox_small_p50_ms"] == 8.0
    assert found["inbox_growth"] == pytest.approx(10 / 8, abs=0.01)
    assert (found["office_submissions"], found["small_office_submissions"]) == (12_000, 1_050)


def test_without_a_second_office_the_inbox_growth_is_left_open():
    found = figures(small=None, small_inbox=None)
    assert found["inbox_growth"] is None and found["small_office_submissions"] is None
    growth = next(v for v in verdicts(found) if "收件箱" in v.target)
    assert growth.met is None


def test_the_targets_are_judged_from_the_figures():
    met = {v.target: v.met for v in verdicts(figures())}
    assert list(met.values()) == [True, True, False, True, False]  # inbox 1.25 > 1.20; 6 errors
    fast = figures(results=[measured("inbox", single=[20, 20], concurrent=[5] * 10, queries=13)],
                   small_inbox=phase(1, [19, 19]))
    met = [v.met for v in verdicts(fast)]
    assert met == [False, False, True, False, False]  # 20 ms, 13 queries, growth 1.05, 10/400 < 0.10


def test_the_busiest_office_and_the_one_nearest_to_a_thousand_are_chosen():
    offices = [Office(3, "c", "丙", 3_000, "c-bj"), Office(1, "a", "甲", 40_000, "a-bj"),
               Office(4, "d", "丁", 1_150, "d-bj"), Office(5, "e", "戊", 800, "e-bj"),
               Office(6, "f", "己", 1_000, "")]  # no editor: cannot be logged in as
    big, small = choose_offices(offices)
    assert big.code == "a"
    assert small.code == "d"  # 1,150 is nearer to 1,000 than 800 is (by ratio)


def test_a_province_without_a_receiving_office_cannot_be_measured():
    with pytest.raises(CommandError):
        choose_offices([Office(1, "a", "甲", 0, "a-bj")])
    big, small = choose_offices([Office(1, "a", "甲", 10, "a-bj")])
    assert small is None


def test_the_submission_page_is_an_item_adopted_and_forwarded_further_up(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        forwarded_report, (forwarded,) = submitted_report(world.county_informant, world.county_signer, [world.city])
        services.submission_adopt(submission=forwarded, editor=world.city_editor)
        services.submission_forward(submission=forwarded, editor=world.city_editor, targets=[world.province])
        submitted_report(world.county_informant, world.county_signer, [world.city], title="后来报送但未处理的信息")
    chosen, why = sample_submission(world.city.pk)
    assert chosen == forwarded and "转报" in why
    paths = {page.key: page.path for page in pages_for(chosen)}
    assert paths["submission"] == f"/reports/submissions/{forwarded.pk}/"
    assert paths["report"] == f"/reports/{forwarded_report.pk}/"
    assert paths["queue_mine"] == "/reports/inbox/?queue=mine"


def test_queries_are_counted_for_every_page_as_the_editor_sees_it(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    pages = pages_for(sub)
    counts = count_queries(username="city_editor", pages=pages)
    assert set(counts) == {page.key for page in pages}
    assert all(count > 0 for count in counts.values())


def test_a_page_the_editor_cannot_open_is_not_counted(world):
    with pytest.raises(CommandError, match="404"):
        count_queries(username="city_editor", pages=[Page("gone", "不存在", "/reports/999999/")])


@pytest.mark.django_db(transaction=True)
def test_logging_in_and_checking_pages_over_http_as_a_browser_does(world, live_server):
    port = urlsplit(live_server.url).port
    session = login(port, username="city_editor", password=TEST_PASSWORD)
    assert {"csrftoken", "sessionid"} <= set(session.cookies)
    inbox = Page("inbox", "收件箱", "/reports/inbox/")
    check_page(port, inbox, session)
    check_page(port, FLOOR, None)
    with pytest.raises(CommandError, match="302.*/accounts/login/"):
        check_page(port, inbox, None)  # anonymous: sent to the login page, which must not be measured
    with pytest.raises(CommandError, match="登录失败"):
        login(port, username="city_editor", password="not-the-password")
