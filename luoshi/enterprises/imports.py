"""`luoshi import taxes FILE --month 2023-06`: the tax office's monthly list of key taxpayers, as a
target of the import command (registered from `EnterprisesConfig.ready()`)."""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from luoshi.core import clock
from luoshi.core.registry import ImportTarget
from luoshi.enterprises import excel, services
from luoshi.items.services import ServiceError
from luoshi.org.commands import region_named


def month_parsed(text: str) -> date:
    year, _, month = str(text).partition("-")
    try:
        return date(int(year), int(month), 1)
    except ValueError:
        raise CommandError(f"--month 应写成 2023-06 这样的年月，而不是“{text}”。") from None


def taxes_import_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--month", required=True, help="税收的年月，如 2023-06")
    parser.add_argument("--region", help="行政区名称或代码（只有一个县时可省略）")
    parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")


def taxes_import_file(*, path: Path, options: Mapping[str, Any], stderr: Callable[[str], None]) -> str:
    month = month_parsed(options["month"])
    region = region_named(options.get("region"))
    with path.open("rb") as source:
        result = excel.read_tax_sheet(source, region=region)
    if not result.ok:
        for error in result.errors:
            stderr(str(error))
        if result.errors_not_listed:
            stderr(f"另有 {result.errors_not_listed} 处错误未列出。")
        raise CommandError(f"有 {result.error_count} 处错误，没有导入任何数据。")
    try:
        counts = services.taxes_import(
            actor=None,
            region=region,
            month=month,
            rows=result.rows,
            as_of=clock.today(),
            dry_run=bool(options.get("dry_run")),
        )
    except ServiceError as error:
        raise CommandError(f"{error.message}没有导入任何数据。") from error
    when = f"{month.year}年{month.month}月"
    if options.get("dry_run"):
        return f"检查通过（未导入）：{when}{counts.summary()}。"
    return f"已导入{when}的重点税源企业税收：{counts.summary()}。"


TAXES_IMPORT = ImportTarget(
    name="taxes",
    label="重点税源企业的月度税收（Excel）",
    add_arguments=taxes_import_arguments,
    handle=taxes_import_file,
    order=40,
)
