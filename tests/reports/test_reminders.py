"""Issue 15: reminders of the screening deadline (reports.reminders on core.reminders): scheduled
when an item arrives, moved with its deadline, dropped when it is screened, sent exactly once, even
by two workers at once."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from govbrief.core.models import Reminder
from govbrief.core.reminders import cancel, schedule, send_reminder
from govbrief.notifications.models import Notification
from govbrief.reports import services
from govbrief.reports.models import Submission
from govbrief.reports.reminders import SCREENING, screening_deadline

from ..factories import inbox_backlog, submitted_report

ROOT = Path(__file__).resolve().parents[2]


def _item(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    return sub


def _queued(sub) -> list[tuple[str, dt.datetime]]:
    reminders = Reminder.objects.filter(purpose=SCREENING, target_id=str(sub.pk), sent_at__isnull=True)
    tasks = {str(t.id): t for t in DBTaskResult.objects.filter(id__in=[r.task_id for r in reminders])}
    assert all(tasks[r.task_id].status == "READY" and tasks[r.task_id].run_after == r.remind_at for r in reminders)
    return sorted((r.stage, timezone.localtime(r.remind_at).replace(tzinfo=None)) for r in reminders)


def test_an_arriving_item_schedules_its_reminders_and_screening_drops_them(world, run_tasks):
    sub = _item(world)
    run_tasks()  # the subscriber of report.submitted
    deadline = timezone.localtime(screening_deadline(sub))
    assert deadline.time() == dt.time(17, 30)
    day = deadline.date()
    assert _queued(sub) == [("due_today", dt.datetime.combine(day, dt.time(9))),
                            ("overdue", dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9)))]
    services.submission_adopt(submission=sub, editor=world.city_editor)
    run_tasks()
    assert _queued(sub) == []
    assert not DBTaskResult.objects.filter(task_path="govbrief.core.reminders.send_reminder").exists()


def test_a_moved_deadline_moves_its_reminders_and_a_passed_one_is_told_at_once(world):
    sub = _item(world)
    now = timezone.make_aware(dt.datetime(2026, 12, 7, 10, 0))
    first = timezone.make_aware(dt.datetime(2026, 12, 9, 17, 30))
    schedule(purpose=SCREENING, target=sub, deadline=first, now=now)
    old_tasks = set(Reminder.objects.values_list("task_id", flat=True))
    assert schedule(purpose=SCREENING, target=sub, deadline=first, now=now)  # the same deadline: kept
    assert set(Reminder.objects.values_list("task_id", flat=True)) == old_tasks
    moved = timezone.make_aware(dt.datetime(2026, 12, 11, 17, 30))
    schedule(purpose=SCREENING, target=sub, deadline=moved, now=now)
    assert not DBTaskResult.objects.filter(id__in=old_tasks).exists()
    assert [timezone.localtime(r.remind_at).day for r in Reminder.objects.order_by("remind_at")] == [11, 12]
    # A deadline already behind us: the morning reminder is pointless, the overdue notice goes now.
    late = timezone.make_aware(dt.datetime(2026, 12, 4, 17, 30))
    (overdue,) = schedule(purpose=SCREENING, target=sub, deadline=late, now=now)
    assert (overdue.stage, overdue.remind_at) == ("overdue", now)
    assert cancel(purpose=SCREENING, target=sub) == 1 and not DBTaskResult.objects.filter(status="READY").exclude(
        task_path="govbrief.events.delivery.deliver").exists()


def test_a_reminder_tells_whoever_works_on_it_and_overdue_the_chief_too(world, run_tasks):
    sub = _item(world)
    services.submission_assign(submission=sub, assignee=world.city_editor, by=world.city_chief)
    run_tasks()
    Notification.objects.all().delete()
    now = timezone.now()
    schedule(purpose=SCREENING, target=sub, deadline=now + dt.timedelta(hours=1), now=now - dt.timedelta(hours=9))
    DBTaskResult.objects.filter(task_path="govbrief.core.reminders.send_reminder").update(run_after=now)
    run_tasks()
    told = {(n.recipient.username, n.verb) for n in Notification.objects.select_related("recipient")}
    assert told == {("city_editor", "due_today"), ("city_editor", "deadline_passed"), ("city_chief", "deadline_passed")}
    assert "今日到期" in Notification.objects.get(verb="due_today").message
    # Sent once: running the same reminder's task again sends nothing.
    reminder = Reminder.objects.filter(stage="overdue").get()
    assert reminder.outcome == "sent" and send_reminder.call(reminder.pk) is False
    assert Notification.objects.filter(verb="deadline_passed").count() == 2


def test_a_reminder_of_an_item_screened_meanwhile_tells_nobody(world, run_tasks):
    sub = _item(world)
    run_tasks()
    (reminder, _) = Reminder.objects.order_by("remind_at")
    Submission.objects.filter(pk=sub.pk).update(state="archived")  # screened around the subscribers
    assert send_reminder.call(reminder.pk) is False
    reminder.refresh_from_db()
    assert reminder.outcome == "skipped" and not Notification.objects.filter(verb="due_today").exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_reminder_exactly_once(world):
    """Two worker processes drain the same due reminders at once: row locks that the other skips
    (PostgreSQL's SKIP LOCKED) and the reminder's own lock make every reminder go out once."""
    if connection.vendor != "postgresql":
        pytest.skip("several workers share the queue on PostgreSQL; SQLite (the demo) runs one")
    subs = inbox_backlog(sender=world.county, office=world.city, count=40, author=world.county_informant, open_items=40)
    now = timezone.now()
    for sub in subs:
        schedule(purpose=SCREENING, target=sub, deadline=now - dt.timedelta(days=1), now=now)
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "govbrief.settings"}
    workers = [subprocess.Popen([sys.executable, "-m", "django", "worker", "--once", "--worker-id", f"w{i}"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in (1, 2)]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0
    assert set(Reminder.objects.values_list("outcome", flat=True)) == {"sent"}
    ran = DBTaskResult.objects.filter(task_path="govbrief.core.reminders.send_reminder")
    assert ran.count() == 40 and set(ran.values_list("status", flat=True)) == {"SUCCESSFUL"}
    claimed = [w for ids in ran.values_list("worker_ids", flat=True) for w in ids]
    assert len(claimed) == 40 and set(claimed) <= {"w1", "w2"}  # each task claimed once (seen: 21 and 19)
    editors = 2  # the city's editor and chief editor screen; the chief is also told when it is overdue
    per_item = Notification.objects.filter(verb="deadline_passed").values("message").distinct().count()
    assert per_item == 40 and Notification.objects.filter(verb="deadline_passed").count() == 40 * editors
