"""`luoshi run`: everything a single machine needs, in one command.

Migrates the database, collects the static files, loads the demo county when the database is
empty (in demo mode), then serves the app with gunicorn together with the job worker (Huey).

DEBUG stays off (users run this): a wrong address gets the Chinese 404 page and an error the
Chinese 500 page, while the traceback goes to the log. A developer asks for Django's debugging
pages with ``--debug`` (or DEBUG=1).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.org.models import Region
from luoshi.web.demo import accounts_file, database_is_empty, demo_accounts_text, demo_load
from luoshi.web.setup import is_demo_database


def server_environment(*, debug: bool, demo: bool = True) -> dict[str, str]:
    """The environment of the web server and the job worker: this process's, DEBUG on only if asked.

    Without --debug, DEBUG is whatever the settings say (off unless DEBUG=1 is set); the static
    files collected above then match the storage the server uses (hashed names with DEBUG off).
    A database that is not the demo's (one `luoshi init` set up) is served as itself: demo mode
    off, so no demo banner and the real date, even in development.
    """
    env = dict(os.environ)
    if debug:
        env["DEBUG"] = "1"
    if not demo:
        env["LUOSHI_DEMO"] = "0"
    return env


EMPTY_HINT = "数据库为空：请先执行 luoshi init 建立本县（或以超级管理员登录，在“初始化”页面建立）。"


class Command(BaseCommand):
    help = "迁移数据库、（演示模式下）在空数据库中加载演示县，并启动网站和后台任务进程。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT", "8000")), help="端口，默认 8000"
        )
        parser.add_argument(
            "--host", default=os.environ.get("HOST", "127.0.0.1"), help="监听地址，默认 127.0.0.1"
        )
        parser.add_argument("--no-demo", action="store_true", help="不加载演示县")
        parser.add_argument("--workers", type=int, default=2, help="网站进程数，默认 2")
        parser.add_argument(
            "--debug",
            action="store_true",
            help="调试模式（DEBUG）：出错时页面显示程序细节，只供开发人员使用",
        )

    def handle(
        self, *args: Any, port: int, host: str, no_demo: bool, workers: int, debug: bool, **options: Any
    ) -> None:
        if debug and settings.PRODUCTION:
            raise CommandError("生产模式不允许调试模式：请去掉 --debug。")
        assets = settings.BASE_DIR / "assets" / "vendor"
        if not assets.is_dir():
            raise CommandError("前端库还没有构建：请先执行 make install（需要 Node.js 20）。")

        self.stdout.write("迁移数据库…")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)

        # Only a database with no region at all becomes the demo county: one that `luoshi init`
        # set up serves its own county.
        if settings.LUOSHI_DEMO and not no_demo and database_is_empty():
            self.stdout.write("数据库为空，加载演示县（柞水县）…")
            demo_load()
        demo = settings.LUOSHI_DEMO and is_demo_database()
        if not demo:
            counties = Region.objects.filter(level=Region.Level.COUNTY).values_list("name", flat=True)
            named = "、".join(counties)
            self.stdout.write(f"服务：{named}（非演示数据）。" if named else EMPTY_HINT)

        address = f"http://{'127.0.0.1' if host in {'0.0.0.0', ''} else host}:{port}"  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"\n落实 已启动：{address}\n"))
        if demo and accounts_file().exists():
            self.stdout.write(f"演示账号（保存在 {accounts_file()}）：")
            self.stdout.write(demo_accounts_text() + "\n")
        if debug or settings.DEBUG:
            self.stdout.write(
                self.style.WARNING("调试模式（DEBUG）已开启：出错时页面会显示程序细节，只供开发人员使用。\n")
            )
        self.stdout.write("按 Ctrl+C 停止。\n")
        self.stdout.flush()
        self._serve(host=host, port=port, workers=workers, env=server_environment(debug=debug, demo=demo))

    def _serve(self, *, host: str, port: int, workers: int, env: dict[str, str]) -> None:
        python = sys.executable
        worker = subprocess.Popen([python, "-m", "luoshi.cli", "run_huey", "--quiet"], env=env)  # noqa: S603
        server = subprocess.Popen(  # noqa: S603
            [
                python,
                "-m",
                "gunicorn",
                "luoshi.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--threads",
                "4",
                "--timeout",
                "120",
                "--access-logfile",
                "-",
                "--log-level",
                "warning",
            ],
            env=env,
        )
        children = [server, worker]

        def stop(signum: int, frame: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        # If either process ends, stop the other: a server without its worker would silently
        # stop sending reminders.
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        stop(signal.SIGTERM, None)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        code = server.returncode or worker.returncode
        if code and code not in (-signal.SIGTERM, -signal.SIGINT):
            raise CommandError(f"服务进程退出（代码 {code}）。")
