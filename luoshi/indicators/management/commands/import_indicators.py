from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.core import clock
from luoshi.indicators import excel, services
from luoshi.items.services import ServiceError
from luoshi.org.commands import region_named


def _month(text: str) -> date:
    year, _, month = text.partition("-")
    try:
        return date(int(year), int(month), 1)
    except ValueError:
        raise CommandError(f"--month 应写成 2023-06 这样的年月，而不是“{text}”。") from None


class Command(BaseCommand):
    help = (
        "导入统计部门一个月的考核指标数据：luoshi import_indicators FILE --month 2023-06 "
        "[--region 柞水县] [--dry-run]。有错就一项也不导入，并列出错误单元格。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--month", required=True, help="数据的年月，如 2023-06")
        parser.add_argument("--region", help="行政区名称或代码（只有一个县时可省略）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        month = _month(options["month"])
        region = region_named(options["region"])
        with path.open("rb") as source:
            result = excel.read_indicators_sheet(source, region=region, year=month.year, month=month.month)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            if result.errors_not_listed:
                self.stderr.write(f"另有 {result.errors_not_listed} 处错误未列出。")
            raise CommandError(f"有 {result.error_count} 处错误，没有导入任何数据。")
        try:
            counts = services.values_import(
                actor=None,
                region=region,
                year=month.year,
                month=month.month,
                rows=result.rows,
                as_of=clock.today(),
                dry_run=options["dry_run"],
            )
        except ServiceError as error:
            raise CommandError(f"{error.message}没有导入任何数据。") from error
        when = f"{month.year}年{month.month}月"
        if options["dry_run"]:
            self.stdout.write(self.style.SUCCESS(f"检查通过（未导入）：{when}{counts.summary()}。"))
            return
        self.stdout.write(self.style.SUCCESS(f"已导入{when}的统计数据：{counts.summary()}。"))
