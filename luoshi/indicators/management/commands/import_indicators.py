from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.indicators.imports import indicators_import_arguments, indicators_import_file


class Command(BaseCommand):
    help = (
        "luoshi import indicators 的旧名：luoshi import_indicators FILE --month 2023-06 "
        "[--region 柞水县] [--dry-run]。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        indicators_import_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        done = indicators_import_file(path=path, options=options, stderr=self.stderr.write)
        self.stdout.write(self.style.SUCCESS(done))
