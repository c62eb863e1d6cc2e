from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.web.demo import accounts_file, demo_accounts_text, demo_allowed, demo_load


class Command(BaseCommand):
    help = "加载演示县（柞水县，2023年7月25日）。重复执行不会产生重复数据；--reset 清空数据库后重新加载。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="清空数据库后重新加载，并生成新的演示密码")

    def handle(self, *args: Any, reset: bool, **options: Any) -> None:
        try:
            demo_allowed()
            call_command("migrate", interactive=False, verbosity=0)  # a fresh data directory
            accounts = demo_load(reset=reset)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        created = sum(1 for account in accounts if account.password)
        self.stdout.write(
            self.style.SUCCESS(f"演示县已加载：{len(accounts)} 个演示账号，其中新建 {created} 个。")
        )
        self.stdout.write(demo_accounts_text())
        self.stdout.write(f"账号和密码保存在 {accounts_file()}")
