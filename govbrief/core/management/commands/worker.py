"""``govbrief worker``: run the background tasks (core.background) until stopped.

Several workers, on one machine or several, share the queue in the database: each claims a task
with a row lock that the others skip. Stop with Ctrl-C or SIGTERM: the task that is running
finishes first.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from govbrief.core.background import run_due_tasks


class Command(BaseCommand):
    help = "运行后台任务（提醒、邮件、短信、通知推送等），直到按 Ctrl-C 停止。可在多台机器上各运行若干个。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0,
                            help="队列为空时每隔多少秒查看一次新任务。默认 1 秒。")
        parser.add_argument("--worker-id", default="", help="本工作进程的名称（显示在任务记录中），默认自动生成。")
        parser.add_argument("--once", action="store_true", help="只运行当前已到期的任务，然后退出（用于定时任务或排查问题）。")

    def handle(self, *args, **options) -> None:
        if options["once"]:
            ran = run_due_tasks(worker_id=options["worker_id"] or "once")
            self.stdout.write(f"运行了 {ran} 个到期任务。")
            return
        worker_options = {"queue_name": "*", "interval": options["interval"], "startup_delay": False,
                          "reload": False, "verbosity": options["verbosity"]}
        if options["worker_id"]:
            worker_options["worker_id"] = options["worker_id"]
        call_command("db_worker", **worker_options)
