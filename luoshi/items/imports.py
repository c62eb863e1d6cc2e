"""`luoshi import items FILE`: the items' own target of the import command."""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from luoshi.core import clock
from luoshi.core.registry import ImportTarget
from luoshi.items import excel, services
from luoshi.org.commands import region_named

CAPS_HINT = "（上限可用 --max-rows、--max-unpacked-mb 调整）"


def items_import_arguments(parser: ArgumentParser) -> None:
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


def items_import_file(*, path: Path, options: Mapping[str, Any], stderr: Callable[[str], None]) -> str:
    """Read the sheet and import it, all or nothing; returns the line that says what was done."""
    region = region_named(options.get("region"))
    year = options.get("year") or clock.today().year
    for name in ("max_rows", "max_unpacked_mb"):
        if options.get(name) is not None and options[name] < 1:
            raise CommandError(f"--{name.replace('_', '-')} 应为正整数。")
    limits = excel.ImportLimits.from_settings(
        max_rows=options.get("max_rows"), max_unpacked_mb=options.get("max_unpacked_mb")
    )
    with path.open("rb") as source:
        result = excel.read_sheet(source, region=region, year=year, limits=limits)
    if not result.ok:
        for error in result.errors:
            stderr(str(error))
        if result.errors_not_listed:
            stderr(f"另有 {result.errors_not_listed} 处错误未列出。")
        if len(result.errors) == 1 and isinstance(result.errors[0], excel.SheetError):
            raise CommandError(f"{result.errors[0]}{CAPS_HINT}")
        raise CommandError(f"有 {result.error_count} 处错误，没有导入任何事项。")
    assign = bool(options.get("assign"))
    try:
        outcome = services.items_import(
            actor=None,
            region=region,
            rows=result.rows,
            updates=result.updates,
            assign=assign,
            as_of=clock.today(),
            dry_run=bool(options.get("dry_run")),
        )
    except services.ServiceError as error:
        raise CommandError(f"{error.message}没有导入任何事项。") from error
    summary = outcome.summary(assigned=assign)
    if options.get("dry_run"):
        rows = len(result.rows) + len(result.updates)
        return f"检查通过：{rows} 项都可以导入，将{summary}（未导入）。"
    done = f"已导入：{summary}。"
    if outcome.created:
        done += f"\n新增事项编号：{outcome.created[0].code} — {outcome.created[-1].code}"
    return done


ITEMS_IMPORT = ImportTarget(
    name="items",
    label="督办事项台账（Excel）",
    add_arguments=items_import_arguments,
    handle=items_import_file,
    order=10,
)
