"""Django's flush, which empties every table but the audit log's.

The audit log is nobody's to empty (the database refuses to delete its rows younger than 180 days,
and on PostgreSQL to truncate it): `luoshi flush`, `luoshi demo --reset` and the test runner's
clean-up between transactional tests empty everything else and leave it as it was.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.management.commands import flush
from django.core.management.sql import emit_post_migrate_signal
from django.db import connections

from luoshi.audit.models import AuditEvent


class Command(flush.Command):
    help = "清空数据库中除审计日志以外的所有表（审计日志只能追加，由到期清理删除）。"

    def handle(self, **options: Any) -> None:
        database = options["database"]
        connection = connections[database]
        tables = [
            table
            for table in connection.introspection.django_table_names(only_existing=True, include_views=False)
            if table != AuditEvent._meta.db_table
        ]
        sql_list = connection.ops.sql_flush(
            no_style(),
            tables,
            reset_sequences=options.get("reset_sequences", True),
            allow_cascade=options.get("allow_cascade", False),
        )
        if options["interactive"]:
            confirm = input(
                f"将清空数据库“{connection.settings_dict['NAME']}”中除审计日志以外的全部数据，且无法恢复。\n"
                "确定吗？输入 yes 继续，no 取消："
            )
            if confirm != "yes":
                self.stdout.write("已取消。")
                return
        try:
            connection.ops.execute_sql_flush(sql_list)
        except Exception as error:
            raise CommandError(f"无法清空数据库“{connection.settings_dict['NAME']}”：{error}") from error
        if sql_list and not options.get("inhibit_post_migrate", False):
            emit_post_migrate_signal(options["verbosity"], options["interactive"], database)
