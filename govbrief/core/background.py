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
from collections.abc import Callable
from datetime import timedelta

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


def worker(*, worker_id: str = "", interval: float = 1.0, batch: bool = False):
    """A worker of every queue, as `govbrief worker` runs it (``run()`` until ``running`` is set to
    False; ``batch`` stops when nothing is due). django-tasks-db's own Worker, used here so the demo
    can run one in a thread beside its web server."""
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(queue_names=["*"], excluded_queue_names=[], interval=interval, batch=batch, backend_name="default",
                  startup_delay=False, max_tasks=None, worker_id=worker_id or "govbrief")


def run_due_tasks(*, worker_id: str = "once") -> int:
    """Run every task that is due now, in this process, until none is left (tests, `govbrief worker
    --once`); returns how many ran. The worker's own loop, claim by claim, without its recycling of
    database connections before each claim: a long-running process needs that, a caller inside a
    transaction (a test) must not have its connection closed under it."""
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    runner = worker(batch=True, interval=0, worker_id=worker_id)
    ran = 0
    while True:
        due = DBTaskResult.objects.ready().filter(backend_name="default")
        with exclusive_transaction(due.db):
            result = due.get_locked()
            if result is not None:
                result.claim(runner.worker_id)
        if result is None:
            return ran
        runner.run_task(result)
        ran += 1
