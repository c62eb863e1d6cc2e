from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.core import clock
from luoshi.items import excel, services
from luoshi.org.commands import region_named


class Command(BaseCommand):
    help = (
        "从 Excel 台账导入：luoshi import items FILE [--dry-run]。没有编号的行新增事项，带编号和版本的行"
        "（导出的表格）按编号更新事项。有错就一项也不导入，并列出错误单元格。"
    )

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
        try:
            outcome = services.items_import(
                actor=None,
                region=region,
                rows=result.rows,
                updates=result.updates,
                assign=options["assign"],
                as_of=clock.today(),
                dry_run=options["dry_run"],
            )
        except services.ServiceError as error:
            raise CommandError(f"{error.message}没有导入任何事项。") from error
        summary = outcome.summary(assigned=options["assign"])
        if options["dry_run"]:
            rows = len(result.rows) + len(result.updates)
            self.stdout.write(self.style.SUCCESS(f"检查通过：{rows} 项都可以导入，将{summary}（未导入）。"))
            return
        self.stdout.write(self.style.SUCCESS(f"已导入：{summary}。"))
        if outcome.created:
            self.stdout.write(f"新增事项编号：{outcome.created[0].code} — {outcome.created[-1].code}")
