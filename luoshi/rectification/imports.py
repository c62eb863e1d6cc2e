"""`luoshi import rectification FILE`: a sheet of problems to rectify, as a target of the import
command (registered from `RectificationConfig.ready()`; items keeps the command)."""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from luoshi.core import clock
from luoshi.core.registry import ImportTarget
from luoshi.items.services import ServiceError
from luoshi.org.commands import region_named
from luoshi.rectification import excel, services


def rectification_import_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--region", help="行政区名称或代码（只有一个县时可省略）")
    parser.add_argument("--year", type=int, help="问题的年度，“9月底前”这类时限按这一年解析，默认今年")
    parser.add_argument("--assign", action="store_true", help="导入后直接交办给责任单位")
    parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")


def rectification_import_file(
    *, path: Path, options: Mapping[str, Any], stderr: Callable[[str], None]
) -> str:
    """Read the sheet and import it, all or nothing: the problems it brought before are updated."""
    region = region_named(options.get("region"))
    as_of = clock.today()
    year = options.get("year") or as_of.year
    with path.open("rb") as source:
        result = excel.read_problems_sheet(source, region=region, year=year)
    if not result.ok:
        for error in result.errors:
            stderr(str(error))
        if result.errors_not_listed:
            stderr(f"另有 {result.errors_not_listed} 处错误未列出。")
        raise CommandError(f"有 {result.error_count} 处错误，没有导入任何问题。")
    dry_run, assign = bool(options.get("dry_run")), bool(options.get("assign"))
    try:
        outcome = services.problems_import(
            actor=None,
            region=region,
            rows=result.rows,
            columns=result.columns,
            assign=assign,
            as_of=as_of,
            dry_run=dry_run,
        )
    except ServiceError as error:
        raise CommandError(f"{error.message}没有导入任何问题。") from error
    done = outcome.message(dry_run=dry_run)
    if outcome.created and not dry_run:
        done += f"\n新增问题的编号：{outcome.created[0].code} — {outcome.created[-1].code}"
    return done


RECTIFICATION_IMPORT = ImportTarget(
    name="rectification",
    label="问题整改台账（Excel，如疑似图斑清单）",
    add_arguments=rectification_import_arguments,
    handle=rectification_import_file,
    order=40,
)
