"""``govbrief serve``: the web application under ASGI (uvicorn), the server the live streams of open
pages need (notifications.stream). ``--with-worker`` runs a background worker in the same process,
as the demo does; production runs `govbrief worker` processes of their own (README, Deploying).

In production it serves the live streams (the proxy sends ``/notifications/live/`` to it) while
gunicorn's sync workers serve the pages: measured on 100,000 reports, the pages answered in 11–14 ms
under gunicorn and in 31–41 ms under uvicorn, where each request's synchronous part takes a hop to a
thread of its own (`govbrief bench pages --server uvicorn`). It serves everything in the demo, and
can where a single server is simpler than the difference matters."""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

# Seconds the server waits, when it stops, for open streams to end before closing them: a page's
# stream never ends by itself, and the page reconnects to the next server anyway.
GRACEFUL_SHUTDOWN_SECONDS = 3


def start_worker_thread(*, worker_id: str = "serve") -> threading.Thread:
    """One background worker in this process, in a thread that ends with it (Ctrl-C stops both)."""
    from govbrief.core.background import worker

    thread = threading.Thread(target=worker(worker_id=worker_id).run, name="govbrief-worker", daemon=True)
    thread.start()
    return thread


def without_persistent_connections() -> None:
    """Under ASGI every request runs its synchronous part in a thread of its own, and a persistent
    database connection (CONN_MAX_AGE) is kept per thread: a loaded server opened connections until
    PostgreSQL refused more ("too many clients", `govbrief bench pages --server uvicorn`). Django's
    advice for ASGI is to close them after each request; set for this process and for the server
    processes uvicorn starts."""
    import os

    os.environ["GOVBRIEF_CONN_MAX_AGE"] = "0"
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0  # the connections' own settings_dict is this dict


def serve(*, host: str, port: int, workers: int = 1, access_log: bool = False) -> None:
    import uvicorn

    without_persistent_connections()
    uvicorn.run("govbrief.asgi:application", host=host, port=port, workers=workers if workers > 1 else None,
                timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS, access_log=access_log, lifespan="off",
                proxy_headers=True, forwarded_allow_ips=settings.GOVBRIEF_FORWARDED_ALLOW_IPS, log_level="info")


class Command(BaseCommand):
    help = ("在 ASGI 服务器（uvicorn）上运行本系统，支持页面实时通知推送。--with-worker 在同一进程中运行一个后台任务线程"
            "（演示和单机使用）；生产环境另行运行 govbrief worker。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1。")
        parser.add_argument("--port", type=int, default=8000, help="端口，默认 8000。")
        parser.add_argument("--workers", type=int, default=1,
                            help="服务进程数，默认 1。多于 1 个时，实时推送需要 REDIS_URL（各进程经 Redis 互通）。")
        parser.add_argument("--with-worker", action="store_true", help="在本进程中同时运行一个后台任务线程。")
        parser.add_argument("--access-log", action="store_true", help="打印每个请求。")

    def handle(self, *args, **options) -> None:
        workers = options["workers"]
        if workers < 1:
            raise CommandError("--workers 至少为 1。")
        if workers > 1 and options["with_worker"]:
            raise CommandError("--with-worker 只用于单个服务进程；多进程部署请另行运行 govbrief worker。")
        if workers > 1 and not settings.GOVBRIEF_LIVE_REDIS_URL:
            self.stderr.write(self.style.WARNING(
                "未设置 REDIS_URL：各服务进程之间无法互通实时推送，页面只收到本进程产生的通知（刷新页面仍可看到全部）。"))
        if options["with_worker"]:
            start_worker_thread()
        serve(host=options["host"], port=options["port"], workers=workers, access_log=options["access_log"])
