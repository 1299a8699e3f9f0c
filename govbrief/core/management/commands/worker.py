"""``govbrief worker``: run the background tasks (core.background) until stopped.

Several workers, on one machine or several, share the queue in the database: each claims a task
with a row lock that the others skip. An idle worker is woken when a task is queued (PostgreSQL's
NOTIFY) and looks for due tasks every ``--interval`` seconds besides. Stop with Ctrl-C or SIGTERM:
the task that is running finishes first.
"""

from __future__ import annotations

import os
import socket

from django.core.management.base import BaseCommand, CommandParser

from govbrief.core.background import run_due_tasks, worker


class Command(BaseCommand):
    help = "运行后台任务（提醒、邮件、短信、通知推送等），直到按 Ctrl-C 停止。可在多台机器上各运行若干个。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0,
                            help="除了有新任务时被唤醒，空闲时每隔多少秒查看一次到期的任务。默认 1 秒。")
        parser.add_argument("--worker-id", default="", help="本工作进程的名称（显示在任务记录中），默认为主机名和进程号。")
        parser.add_argument("--once", action="store_true", help="只运行当前已到期的任务，然后退出（用于定时任务或排查问题）。")

    def handle(self, *args, **options) -> None:
        if options["once"]:
            ran = run_due_tasks(worker_id=options["worker_id"] or "once")
            self.stdout.write(f"运行了 {ran} 个到期任务。")
            return
        runner = worker(worker_id=options["worker_id"] or f"{socket.gethostname()}-{os.getpid()}",
                        interval=max(0.05, options["interval"]))
        runner.configure_signals()  # Ctrl-C / SIGTERM: finish the running task, then stop
        self.stdout.write(f"后台任务工作进程 {runner.worker_id} 已启动，按 Ctrl-C 停止。")
        runner.run()
