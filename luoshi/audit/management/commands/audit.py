"""luoshi audit purge [--as-of DATE]: delete the audit log's rows past their retention."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from luoshi.audit.context import acting
from luoshi.audit.services import audit_purge, purge_cutoff, retention_days
from luoshi.core import clock


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期应写作 2023-07-25，而不是 {value!r}") from None


class Command(BaseCommand):
    help = "审计日志：purge 删除保存期（LUOSHI_AUDIT_RETENTION_DAYS，至少 180 天）已满的记录"

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        purge = commands.add_parser("purge", help="删除保存期已满的审计记录（删除本身也记入审计日志）")
        purge.add_argument("--as-of", type=_day, default=None, help="按哪一天计算保存期，默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of: date = options["as_of"] or clock.today()
        cutoff = purge_cutoff(as_of)
        try:
            with acting("命令行：luoshi audit purge"):
                deleted = audit_purge(as_of=as_of)
        except DatabaseError as error:
            raise CommandError(f"数据库拒绝删除：{error}（保存不足 180 天的审计记录不能删除）") from error
        self.stdout.write(
            f"已删除 {cutoff:%Y年%m月%d日} 之前的审计记录 {deleted} 条（保存期 {retention_days()} 天）。"
        )
