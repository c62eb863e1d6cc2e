"""`luoshi backup --out FILE`: the database and the uploaded files in one archive (tar.gz, mode 0600)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.web.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "备份数据库和上传文件到一个归档文件（tar.gz，仅所有者可读）。网站运行时也可以备份："
        "luoshi backup --out /srv/luoshi/backups/luoshi-$(date +%F).tar.gz"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", required=True, type=Path, help="备份文件路径，如 luoshi-2023-07-25.tar.gz"
        )

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        try:
            manifest = backup_create(out=out)
        except BackupError as error:
            raise CommandError(error.message) from error
        counts = manifest.counts
        size = out.stat().st_size / 1024 / 1024
        self.stdout.write(
            self.style.SUCCESS(
                f"备份已写入 {out}（{size:.1f} MB）：{manifest.engine} 数据库，"
                f"{counts['items']} 个事项、{counts['users']} 个用户、{counts['reports']} 份进度报告，"
                f"{len(manifest.uploads)} 个上传文件。"
            )
        )
