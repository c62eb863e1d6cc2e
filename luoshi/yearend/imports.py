"""`luoshi import breakdown FILE --year 2024`: the 政府工作报告's 任务分解表 as the next year's items."""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from luoshi.core import clock
from luoshi.core.registry import ImportTarget
from luoshi.items import excel, services
from luoshi.org.commands import region_named
from luoshi.yearend.services import breakdown_import


def breakdown_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")
    parser.add_argument("--region", help="行政区名称或代码（只有一个县时可省略）")
    parser.add_argument("--year", type=int, help="事项的年度，默认明年")


def breakdown_file(*, path: Path, options: Mapping[str, Any], stderr: Callable[[str], None]) -> str:
    region = region_named(options.get("region"))
    year = options.get("year") or clock.today().year + 1
    with path.open("rb") as source:
        result = excel.read_sheet(source, region=region, year=year)
    if not result.ok:
        for error in result.errors:
            stderr(str(error))
        if result.errors_not_listed:
            stderr(f"另有 {result.errors_not_listed} 处错误未列出。")
        raise CommandError(f"有 {result.error_count} 处错误，没有导入任何事项。")
    if result.updates:
        raise CommandError("任务分解表只能新增事项：请删除“编号”“版本”列后再导入。")
    dry_run = bool(options.get("dry_run"))
    try:
        outcome = breakdown_import(
            actor=None, region=region, year=year, rows=result.rows, as_of=clock.today(), dry_run=dry_run
        )
    except services.ServiceError as error:
        raise CommandError(f"{error.message}没有导入任何事项。") from error
    return outcome.message(assigned=False, dry_run=dry_run).replace("事项", f"{year}年度事项")


BREAKDOWN_IMPORT = ImportTarget(
    name="breakdown",
    label="政府工作报告任务分解表（Excel，下一年度的事项）",
    add_arguments=breakdown_arguments,
    handle=breakdown_file,
    order=15,
)
