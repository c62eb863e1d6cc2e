from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.core import clock
from luoshi.items import excel, services
from luoshi.org.commands import region_named

CAPS_HINT = "（上限可用 --max-rows、--max-unpacked-mb 调整）"


class Command(BaseCommand):
    help = (
        "从 Excel 台账导入：luoshi import items FILE [--dry-run]。没有编号的行新增事项，带编号和版本的行"
        "（导出的表格）按编号更新事项。有错就一项也不导入，并列出错误单元格。表格的行数和解压后的大小"
        "有上限（LUOSHI_IMPORT_MAX_ROWS、LUOSHI_IMPORT_MAX_UNPACKED_MB），这次导入可用 --max-rows、"
        "--max-unpacked-mb 调高。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ledger", choices=["items"], help="导入哪种台账")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")
        parser.add_argument("--region", help="行政区名称或代码（只有一个县时可省略）")
        parser.add_argument("--year", type=int, help="“8月底前”这类时限按哪一年解析，默认今年")
        parser.add_argument("--assign", action="store_true", help="导入后直接交办")
        parser.add_argument(
            "--max-rows",
            type=int,
            help=f"这次最多导入多少行，默认 LUOSHI_IMPORT_MAX_ROWS（{settings.LUOSHI_IMPORT_MAX_ROWS}）",
        )
        parser.add_argument(
            "--max-unpacked-mb",
            type=int,
            help="表格解压后最多多少 MB，默认 LUOSHI_IMPORT_MAX_UNPACKED_MB"
            f"（{settings.LUOSHI_IMPORT_MAX_UNPACKED_MB}）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        region = region_named(options["region"])
        year = options["year"] or clock.today().year
        for name in ("max_rows", "max_unpacked_mb"):
            if options[name] is not None and options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} 应为正整数。")
        limits = excel.ImportLimits.from_settings(
            max_rows=options["max_rows"], max_unpacked_mb=options["max_unpacked_mb"]
        )
        with path.open("rb") as source:
            result = excel.read_sheet(source, region=region, year=year, limits=limits)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            if result.errors_not_listed:
                self.stderr.write(f"另有 {result.errors_not_listed} 处错误未列出。")
            if len(result.errors) == 1 and isinstance(result.errors[0], excel.SheetError):
                raise CommandError(f"{result.errors[0]}{CAPS_HINT}")
            raise CommandError(f"有 {result.error_count} 处错误，没有导入任何事项。")
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
