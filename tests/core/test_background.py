"""Issue 15: background work (core.background). A task is queued in the transaction of the change
that queues it, a failure is retried with growing delays a bounded number of times, and the last
failure is shown to the system admin, who can run it again."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.utils import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from govbrief.core.background import ATTEMPT_KWARG, backoff, retrying
from govbrief.notifications.models import Notification
from govbrief.orgs.models import User
from govbrief.reports import services

from ..factories import submitted_report

CALLS: list[str] = []


@task()
@retrying(attempts=3)
def flaky(failures: int, key: str) -> str:
    """Fails its first ``failures`` runs for ``key``, as a mail server that is down would."""
    CALLS.append(key)
    if CALLS.count(key) <= failures:
        raise ConnectionError(f"the gateway is down ({key})")
    return "sent"


def _time_passes() -> None:
    """Every queued task is due now (a retry's delay has passed)."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now() - timedelta(seconds=1))


def test_a_committed_change_queues_its_tasks_and_a_rolled_back_one_none(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submission_adopt(submission=sub, editor=world.city_editor)
        assert DBTaskResult.objects.count() > before  # written in the service's own transaction
        raise RuntimeError("something after the adoption failed")
    assert DBTaskResult.objects.count() == before
    services.submission_adopt(submission=sub, editor=world.city_editor)
    queued = DBTaskResult.objects.order_by("enqueued_at")[before:]
    assert queued and all(t.status == "READY" for t in queued)
    assert {t.args_kwargs["args"][1]["kind"] for t in queued} == {"report.adopted"}


def test_the_people_concerned_are_told_when_the_worker_runs(world, run_tasks):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    run_tasks()
    services.submission_adopt(submission=sub, editor=world.city_editor)
    assert not Notification.objects.filter(verb="adopted").exists()  # not in the request
    assert run_tasks() >= 1
    assert Notification.objects.filter(verb="adopted", recipient=world.county_informant).exists()


def test_a_failed_task_is_retried_with_growing_delays_then_left_failed(db, run_tasks):
    CALLS.clear()
    flaky.enqueue(5, "always")
    assert run_tasks() == 1
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"][ATTEMPT_KWARG] == 2
    assert retry.run_after - timezone.now() > backoff(1) - timedelta(seconds=5)  # not before its delay
    assert run_tasks() == 0  # not due yet
    _time_passes()
    run_tasks()
    _time_passes()
    run_tasks()
    assert CALLS == ["always"] * 3
    assert not DBTaskResult.objects.filter(status="READY").exists(), "three attempts in all, then no more"
    failed = DBTaskResult.objects.filter(status="FAILED").order_by("enqueued_at")
    assert failed.count() == 3
    assert "the gateway is down" in failed.last().traceback
    assert backoff(1) < backoff(2) < backoff(3)


def test_a_task_that_succeeds_on_a_retry_is_done(db, run_tasks):
    CALLS.clear()
    flaky.enqueue(1, "once")
    run_tasks()
    _time_passes()
    run_tasks()
    assert CALLS == ["once", "once"]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").get().return_value == "sent"


def test_the_admin_sees_failed_tasks_and_runs_them_again(client, db, run_tasks):
    CALLS.clear()
    flaky.enqueue(1, "admin")
    run_tasks()
    DBTaskResult.objects.filter(status="READY").delete()  # as if every attempt had failed
    failed = DBTaskResult.objects.get(status="FAILED")
    admin = User.objects.create_superuser(username="root", password="Root#2026x")
    client.force_login(admin)
    changelist = reverse("admin:core_backgroundtask_changelist")
    page = client.get(changelist, {"status__exact": "FAILED"})
    assert page.status_code == 200 and "flaky" in page.content.decode() and "后台任务" in page.content.decode()
    assert "ConnectionError" in client.get(reverse("admin:core_backgroundtask_change",
                                                   args=[failed.pk])).content.decode()
    response = client.post(changelist, {"action": "run_again", "_selected_action": [str(failed.pk)]})
    assert response.status_code == 302
    again = DBTaskResult.objects.get(status="READY")
    assert again.args_kwargs == {"args": [1, "admin"], "kwargs": {}}
    run_tasks()
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").exists()


def test_the_worker_command_runs_what_is_due(db):
    CALLS.clear()
    flaky.enqueue(0, "command")
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert CALLS == ["command"] and "1" in out.getvalue()


def test_the_system_admin_sees_the_background_work_and_the_audit_admin_does_not(client, world):
    from govbrief.orgs import services as org_services
    from govbrief.orgs.choices import Role

    changelist = reverse("admin:core_backgroundtask_changelist")
    for username, role, status in (("xitong", Role.SYSTEM_ADMIN, 200), ("shenji", Role.AUDIT_ADMIN, 403)):
        person, _ = org_services.account_create(unit=world.city, username=username, name=username, roles=[role],
                                                password="Admin#2026x")
        client.force_login(person)
        assert client.get(changelist).status_code == status, role


# ---------------------------------------------------------------- waking idle workers

@pytest.fixture
def wakeups(transactional_db):
    """An idle worker's wait (core.background.Wakeups), listening before the test queues anything;
    the database writes of a transactional test commit, as a service's do."""
    from govbrief.core import background

    background._local_wake.clear()
    with background.Wakeups() as waiting:
        waiting._listen()  # PostgreSQL: LISTEN now, so a NOTIFY of the test reaches it
        yield waiting


@task()
def nothing() -> None:
    """A task that does nothing, to be queued."""


def test_an_idle_worker_is_woken_when_a_task_is_queued_and_committed(wakeups):
    # The wait returns True only for a wake-up: the interval given is long enough that reaching it
    # could not be mistaken for one.
    nothing.enqueue()
    assert wakeups.wait(30) is True
    assert wakeups.wait(0.2) is False  # one wake-up per commit, not a stuck flag


def test_a_rolled_back_task_wakes_no_worker(wakeups):
    with pytest.raises(RuntimeError), transaction.atomic():
        nothing.enqueue()
        raise RuntimeError("the change failed")
    assert wakeups.wait(0.5) is False


def test_a_task_queued_for_later_wakes_no_worker_now(wakeups):
    nothing.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    assert wakeups.wait(0.5) is False


def test_the_worker_command_runs_tasks_until_stopped(transactional_db, monkeypatch):
    """`govbrief worker` runs queued tasks with django-tasks-db's worker, woken by the commit that
    queued them rather than finding them at its next look."""
    import threading

    from govbrief.core import background

    made = []
    real = background.worker

    def capture(**kwargs):
        runner = real(**kwargs)
        made.append(runner)
        return runner

    monkeypatch.setattr("govbrief.core.management.commands.worker.worker", capture)
    monkeypatch.setattr(background._base_worker(), "configure_signals", lambda self: None)
    out = StringIO()
    # It looks for due tasks only every 60 seconds: a task queued while it waits runs because the
    # commit wakes it.
    thread = threading.Thread(target=call_command, args=("worker", "--interval", "60", "--worker-id", "t1"),
                              kwargs={"stdout": out}, daemon=True)
    thread.start()
    threading.Event().wait(1.0)  # it has looked, found nothing and waits
    queued = nothing.enqueue()
    for _ in range(300):
        try:
            if DBTaskResult.objects.get(pk=queued.id).status == "SUCCESSFUL":
                break
        except OperationalError:  # SQLite's shared in-memory test database: the worker is writing
            pass
        threading.Event().wait(0.05)
    made[0].running = False
    background.wake_idle_workers()  # end its wait now
    thread.join(10)
    assert not thread.is_alive()
    result = DBTaskResult.objects.get(pk=queued.id)
    assert result.status == "SUCCESSFUL" and result.worker_ids == ["t1"]
    assert "t1" in out.getvalue()
