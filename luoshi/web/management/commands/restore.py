"""`luoshi restore FILE [--yes] [--check]`: put a backup back, after checking every file in it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.web.backup import STOP_THE_SERVER, BackupError, backup_check, backup_restore


class Command(BaseCommand):
    help = (
        "从 luoshi backup 的备份文件恢复数据库和上传文件。先校验清单和每个文件的校验和；"
        "当前已有数据时需加 --yes 确认覆盖。恢复前请先停止网站和后台任务进程。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="备份文件")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前已有的数据")
        parser.add_argument("--check", action="store_true", help="只校验备份文件，不恢复")

    def handle(self, *args: Any, archive: Path, yes: bool, check: bool, **options: Any) -> None:
        try:
            if check:
                manifest = backup_check(archive=archive)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"备份文件完好：{manifest.created_at} 由 luoshi {manifest.luoshi_version} 写入，"
                        f"{manifest.engine} 数据库，{self._counts(manifest.counts)}，"
                        f"{len(manifest.uploads)} 个上传文件，校验和全部相符。"
                    )
                )
                return
            self.stdout.write(STOP_THE_SERVER)
            result = backup_restore(archive=archive, overwrite=yes)
        except BackupError as error:
            raise CommandError(error.message) from error
        manifest = result.manifest
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        removed = result.removed_uploads
        removed_text = f"，删除了备份之后新增的 {removed} 个上传文件" if removed else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复到 {manifest.created_at} 的备份：{self._counts(result.counts)}，"
                f"{len(manifest.uploads)} 个上传文件{removed_text}。"
            )
        )
        self.stdout.write(
            "接下来：执行 luoshi migrate（备份来自旧版本时补齐数据库结构），然后启动网站和后台任务进程。"
        )

    @staticmethod
    def _counts(counts: dict[str, int]) -> str:
        return (
            f"{counts.get('items', 0)} 个事项、{counts.get('users', 0)} 个用户、"
            f"{counts.get('reports', 0)} 份进度报告、{counts.get('evidence', 0)} 份佐证材料"
        )
