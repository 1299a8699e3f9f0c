"""Work outside the request: Django's Tasks API (``django-tasks``, the backport of Django 6's
``django.tasks``, so moving to Django 6 is a settings change) on the database backend
(``django-tasks-db``).

Why this backend (issue 15): ``enqueue()`` writes the task's row in the caller's transaction, so a
service that rolls back leaves no task and one that commits can never lose its task, even if the
process dies right after the commit; and a worker cannot start a task before its transaction
committed, because it cannot see the row. Workers on several machines claim rows with ``SELECT …
FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite (the embedded demo) an exclusive transaction
serialises the claims. ``govbrief worker`` runs a worker; ``govbrief demo`` runs one beside the web
server.

The Tasks API runs a task once and records a failure; it has no retries. ``retrying`` adds them:
a failed attempt is recorded as failed (with its traceback, for the system admin) and the next
attempt is queued with a longer delay, up to ``attempts``; the last failure stays failed, shown on
the admin's task page with a button to run it again.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import close_old_connections, connections, router, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

ATTEMPTS = 5
# Seconds before the 2nd, 3rd, … attempt: a mail server or a gateway that is down for a minute or an
# hour is tried again, not hammered.
BACKOFF_SECONDS = (10, 60, 300, 1800)
ATTEMPT_KWARG = "_attempt"


def backoff(attempt: int) -> timedelta:
    """The delay before attempt ``attempt + 1``."""
    return timedelta(seconds=BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS)) - 1])


def retrying(attempts: int = ATTEMPTS) -> Callable[[Callable], Callable]:
    """Put under ``@task()``: a failure queues the next attempt (``backoff``) before it is recorded,
    up to ``attempts`` in all. The task function must be safe to run again (idempotent)."""

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def run(*args, **kwargs):
            attempt = kwargs.pop(ATTEMPT_KWARG, 1)
            try:
                return fn(*args, **kwargs)
            except Exception:
                if attempt < attempts:
                    task = import_string(f"{fn.__module__}.{fn.__qualname__}")
                    task.using(run_after=timezone.now() + backoff(attempt)).enqueue(
                        *args, **kwargs, **{ATTEMPT_KWARG: attempt + 1})
                    logger.warning("Task %s failed (attempt %d of %d); retrying in %s.", fn.__qualname__, attempt,
                                   attempts, backoff(attempt))
                else:
                    logger.error("Task %s failed for the last time (attempt %d of %d).", fn.__qualname__,
                                 attempt, attempts)
                raise

        return run

    return decorate


def attempt_of(kwargs: dict) -> int:
    """Which attempt a queued task's keyword arguments are (1 for the first)."""
    return int(kwargs.get(ATTEMPT_KWARG, 1))


# Idle workers are woken when a task is queued rather than finding it at their next look: on
# PostgreSQL by NOTIFY, which the database delivers when the enqueuing transaction commits and drops
# when it rolls back, to workers on every machine; in one process (the demo's worker thread) by an
# event set after the commit. A worker still looks every ``interval`` seconds, for tasks that became
# due (``run_after``) and for wake-ups it missed.
WAKE_CHANNEL = "govbrief_tasks"
LOCKED_RETRY_SECONDS = 0.05
_local_wake = threading.Event()


def wake_workers(sender=None, task_result=None, **kwargs) -> None:
    """``task_enqueued`` receiver: wake idle workers once the task's transaction commits."""
    run_after = getattr(getattr(task_result, "task", None), "run_after", None)
    if run_after is not None and run_after > timezone.now():
        return  # deferred: the workers' regular look finds it when it is due
    wake_idle_workers()


def wake_idle_workers() -> None:
    """Wake every idle worker when the current transaction commits (at once outside one)."""
    connection = connections[router.db_for_write(_task_model())]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {WAKE_CHANNEL}")
    transaction.on_commit(_local_wake.set, using=connection.alias)


def _task_model():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult


class Wakeups:
    """How an idle worker waits: until a task is queued (``wake_workers``) or ``interval`` passes."""

    def __init__(self) -> None:
        self._listener = None

    def __enter__(self) -> Wakeups:
        return self

    def __exit__(self, *exc) -> None:
        self._close()

    def _close(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            except Exception:  # noqa: BLE001 - it is going anyway
                pass
            self._listener = None

    def _listen(self):
        # A connection of its own, in autocommit, that does nothing but LISTEN: the worker's own
        # connection is recycled between tasks (close_old_connections) and runs transactions.
        alias = router.db_for_write(_task_model())
        if connections[alias].vendor != "postgresql":
            return None
        if self._listener is None:
            wrapper = connections.create_connection(alias)
            wrapper.ensure_connection()
            wrapper.set_autocommit(True)
            with wrapper.cursor() as cursor:
                cursor.execute(f"LISTEN {WAKE_CHANNEL}")
            self._listener = wrapper
        return self._listener

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; whether a wake-up came."""
        if timeout <= 0:
            return False
        try:
            listener = self._listen()
        except Exception:  # noqa: BLE001 - the database is away: poll, and listen again later
            logger.warning("Could not LISTEN for queued tasks; looking every interval instead.", exc_info=True)
            listener = None
        if listener is None:
            woken = _local_wake.wait(timeout)
            _local_wake.clear()
            return woken
        try:
            return any(True for _ in listener.connection.notifies(timeout=timeout, stop_after=1))
        except Exception:  # noqa: BLE001 - the connection broke: open a new one next time
            logger.warning("Lost the LISTEN connection for queued tasks.", exc_info=True)
            self._close()
            time.sleep(min(timeout, 1.0))
            return False


def _base_worker():
    from django_tasks_db.management.commands.db_worker import Worker as DbWorker

    return DbWorker


def claim_and_run(runner) -> bool | None:
    """Claim one due task and run it: True if one ran, False if none was due, None if the database
    was locked (SQLite) and the caller should look again."""
    from django.db.utils import OperationalError
    from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

    due = _task_model().objects.ready().filter(backend_name=runner.backend_name)
    try:
        with exclusive_transaction(due.db):
            result = due.get_locked()
            if result is not None:
                result.claim(runner.worker_id)  # running: no other worker takes it
    except OperationalError as error:
        if is_locked_database_exception(error):
            return None
        raise
    if result is None:
        return False
    runner.run_task(result)
    return True


def worker(*, worker_id: str = "", interval: float = 1.0, batch: bool = False):
    """A worker of every queue, as `govbrief worker` runs it (``run()`` until ``running`` is set to
    False; ``batch`` stops when nothing is due): django-tasks-db's Worker (its task running, failure
    recording and signal handling), with a loop that sleeps until woken (``Wakeups``)."""

    class Worker(_base_worker()):
        def run(self) -> None:
            logger.info("Starting worker %s", self.worker_id)
            with Wakeups() as wakeups:
                while self.running:
                    close_old_connections()  # a long-running process: drop broken or expired connections
                    ran = claim_and_run(self)
                    if ran:
                        self._run_tasks += 1
                    if self.batch and ran is False:
                        return
                    close_old_connections()
                    if self.running and ran is None:
                        time.sleep(LOCKED_RETRY_SECONDS)  # SQLite was busy: look again soon, not at the interval
                    elif self.running and not ran:
                        wakeups.wait(self.interval)

    return Worker(queue_names=["*"], excluded_queue_names=[], interval=interval, batch=batch, backend_name="default",
                  startup_delay=False, max_tasks=None, worker_id=worker_id or "govbrief")


def run_due_tasks(*, worker_id: str = "once") -> int:
    """Run every task that is due now, in this process, until none is left (tests, `govbrief worker
    --once`); returns how many ran. The worker's own loop, claim by claim, without its recycling of
    database connections before each claim: a long-running process needs that, a caller inside a
    transaction (a test) must not have its connection closed under it."""
    runner = worker(batch=True, interval=0, worker_id=worker_id)
    ran = 0
    while (outcome := claim_and_run(runner)) is not False:
        ran += bool(outcome)
    return ran
