from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.core import clock
from luoshi.items import excel, services
from luoshi.org.commands import region_named


class Command(BaseCommand):
    help = "从 Excel 台账导入：luoshi import items FILE [--dry-run]。有错就一项也不导入，并列出错误单元格。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ledger", choices=["items"], help="导入哪种台账")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")
        parser.add_argument("--region", help="行政区名称或代码（只有一个县时可省略）")
        parser.add_argument("--year", type=int, help="“8月底前”这类时限按哪一年解析，默认今年")
        parser.add_argument("--assign", action="store_true", help="导入后直接交办")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        region = region_named(options["region"])
        year = options["year"] or clock.today().year
        with path.open("rb") as source:
            result = excel.read_sheet(source, region=region, year=year)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"有 {len(result.errors)} 处错误，没有导入任何事项。")
        if options["dry_run"]:
            self.stdout.write(self.style.SUCCESS(f"检查通过：{len(result.rows)} 项都可以导入（未导入）。"))
            return
        try:
            items = services.items_import(
                actor=None, region=region, rows=result.rows, assign=options["assign"], as_of=clock.today()
            )
        except services.ServiceError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"已导入 {len(items)} 项：{items[0].code} — {items[-1].code}"))
