"""Real races on PostgreSQL: two people act on the same item at the same moment, each in a thread with
its own database connection, and both transactions commit for real (``transaction=True``).

How a race is staged (``Race``): both callers are released together by a barrier, and a checkpoint is
patched into a function the service calls right after its row lock and state check. Whoever reaches the
checkpoint first waits there, holding its locks, until either the other caller is blocked by it (seen in
``pg_locks``) or the other caller reaches the checkpoint too. With the row lock in place the second caller
can never get there while the first holds it, so the first goes on as soon as the second is waiting on its
lock (no fixed sleep, no deadlock); without the lock both get past the check before either writes, which is
exactly the race the lock exists to prevent.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from govbrief.reports import services
from govbrief.reports.choices import EventAction, SubmissionState
from govbrief.reports.models import Adoption, ReportEvent, Submission
from govbrief.reports.services import forwarding, screening, submitting

from ..conftest import build_world
from ..factories import signed_report, submitted_report

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="real concurrent writers need PostgreSQL (SQLite has no row locks and serialises every writer)"),
    pytest.mark.django_db(transaction=True),
]

BLOCKED_BY_ME = """
    SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid)))
"""


@pytest.fixture
def world(transactional_db):
    """The usual world, committed for real so the racing threads' own connections see it."""
    return build_world()


class Race:
    def __init__(self, patience: float = 5.0):
        self.patience = patience
        self.start = threading.Barrier(2, timeout=10)
        self.guard = threading.Lock()
        self.passed: list[str] = []  # the callers that got past the service's check, in order
        self.waited_on_lock = False  # the first caller saw the other blocked on its locks

    def checkpoint(self) -> None:
        with self.guard:
            self.passed.append(threading.current_thread().name)
            first = len(self.passed) == 1
        if not first:
            return
        deadline = time.monotonic() + self.patience
        while time.monotonic() < deadline:
            if len(self.passed) == 2:
                return  # both got past the check: let both write
            with connection.cursor() as cursor:
                cursor.execute(BLOCKED_BY_ME)
                if cursor.fetchone()[0]:
                    self.waited_on_lock = True
                    return
            time.sleep(0.005)

    def after(self, func):
        """``func``, followed by the checkpoint (for a function that holds the check)."""

        def wrapped(*args, **kwargs):
            result = func(*args, **kwargs)
            self.checkpoint()
            return result

        return wrapped

    def before(self, func):
        """The checkpoint, followed by ``func`` (for a function that comes right after the check)."""

        def wrapped(*args, **kwargs):
            self.checkpoint()
            return func(*args, **kwargs)

        return wrapped

    def run(self, **calls) -> dict[str, object]:
        """Run the calls at once, one thread each; the result or the exception of each, by name."""
        results: dict[str, object] = {}

        def go(name, call):
            try:
                self.start.wait()
                results[name] = call()
            except Exception as exc:  # noqa: BLE001 — the test's assertions report it
                results[name] = exc
            finally:
                connection.close()

        threads = [threading.Thread(target=go, args=item, name=item[0]) for item in calls.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not any(t.is_alive() for t in threads), "a racing call hung"
        return results


def split(results: dict[str, object]) -> tuple[list, list]:
    failed = [r for r in results.values() if isinstance(r, Exception)]
    won = [r for r in results.values() if not isinstance(r, Exception)]
    return won, failed


def test_two_editors_adopting_one_submission_at_once_adopt_it_once(world, monkeypatch):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    race = Race()
    monkeypatch.setattr(screening, "require_state", race.after(screening.require_state))

    results = race.run(
        editor=lambda: services.submission_adopt(submission=sub, editor=world.city_editor),
        chief=lambda: services.submission_adopt(submission=sub, editor=world.city_chief),
    )

    won, failed = split(results)
    assert len(won) == 1 and len(failed) == 1, results
    (refused,) = failed
    assert not isinstance(refused, IntegrityError), results
    assert isinstance(refused, ValidationError) and refused.code == "illegal_transition", results
    assert Adoption.objects.filter(submission=sub).count() == 1
    assert ReportEvent.objects.filter(report=report, action=EventAction.ADOPTED).count() == 1
    sub.refresh_from_db()
    assert sub.state == SubmissionState.ADOPTED and sub.decided_by == won[0].adopted_by
    # The loser was stopped by the state check after waiting on the winner's row lock, not by the
    # one-adoption constraint after both had read "submitted".
    assert len(race.passed) == 1 and race.waited_on_lock, (race.passed, race.waited_on_lock)


def test_a_double_submit_submits_once(world, monkeypatch):
    report = signed_report(world.county_informant, world.county_signer)
    race = Race()
    # report_targets_for is called after the report's row lock and before the existing submissions are read.
    monkeypatch.setattr(submitting, "report_targets_for", race.after(submitting.report_targets_for))

    def submit():
        return services.report_submit(report=report, user=world.county_informant, targets=[world.city])

    results = race.run(tab1=submit, tab2=submit)

    won, failed = split(results)
    assert len(won) == 1 and len(failed) == 1, results
    (refused,) = failed
    assert isinstance(refused, ValidationError), results  # TransitionError is one; never an IntegrityError
    assert world.city.name in " ".join(refused.messages)  # "Already submitted to 甲市政府办公室"
    assert Submission.objects.filter(report=report).count() == 1
    assert ReportEvent.objects.filter(report=report, action=EventAction.SUBMITTED).count() == 1
    # The second submit waited on the report's row lock and then saw the first one's submission.
    assert race.waited_on_lock, "both submits read the report's submissions at once"


def test_two_editors_forwarding_two_routes_of_one_report_forward_it_once(world, monkeypatch):
    # Two routes into the city, both through the services: the township reports to its county and,
    # configured by an admin, straight to the city as well; the county forwards its copy to the city.
    world.township.extra_report_targets.add(world.city)
    report, subs = submitted_report(world.township_informant, world.township_signer, [world.county, world.city])
    to_county = next(s for s in subs if s.to_unit_id == world.county.pk)
    direct = next(s for s in subs if s.to_unit_id == world.city.pk)
    services.submission_adopt(submission=to_county, editor=world.county_editor)
    (via_county,) = services.submission_forward(submission=to_county, editor=world.county_editor, targets=[world.city])
    for route in (direct, via_county):
        services.submission_adopt(submission=route, editor=world.city_editor)
    assert {s.from_unit_id for s in Submission.objects.filter(report=report, to_unit=world.city)} == {
        world.township.pk, world.county.pk}

    race = Race()
    # office_version writes the forwarding office's version right after the already-forwarded check.
    monkeypatch.setattr(forwarding, "office_version", race.before(forwarding.office_version))

    results = race.run(
        editor=lambda: services.submission_forward(submission=direct, editor=world.city_editor, targets=[world.province]),
        chief=lambda: services.submission_forward(submission=via_county, editor=world.city_chief,
                                                  targets=[world.province]),
    )

    won, failed = split(results)
    assert len(won) == 1 and len(failed) == 1, results
    (refused,) = failed
    assert not isinstance(refused, IntegrityError), results
    assert isinstance(refused, ValidationError) and hasattr(refused, "error_dict"), results
    assert list(refused.error_dict) == ["targets[0]"], refused
    assert world.province.name in " ".join(refused.message_dict["targets[0]"])  # "Already forwarded to 省政府办公厅"
    forwards = Submission.objects.filter(report=report, from_unit=world.city, to_unit=world.province)
    assert forwards.count() == 1 and forwards.get() == won[0][0]
    assert ReportEvent.objects.filter(report=report, action=EventAction.FORWARDED,
                                      submission__from_unit=world.city).count() == 1
    # The loser waited on the report's row lock and then saw the forward: it was refused by the check
    # before writing a version of its own, not by the route constraint after writing one.
    assert len(race.passed) == 1 and race.waited_on_lock, (race.passed, race.waited_on_lock)
