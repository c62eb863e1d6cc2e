"""luoshi stats: the figures of every registered ledger as of a day, through the pages' selectors."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.core import clock, registry
from luoshi.org.commands import region_named
from luoshi.org.selectors import region_reader


class Command(BaseCommand):
    help = "各台账的统计数字（与页面同一套查询）：luoshi stats --as-of 2023-07-25 --region 柞水县 --json"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="统计日期，如 2023-07-25（默认今天）")
        parser.add_argument("--region", help="行政区名称或代码（只有一个县时可省略）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = date.fromisoformat(options["as_of"]) if options["as_of"] else clock.today()
        except ValueError as error:
            raise CommandError(f"日期“{options['as_of']}”格式不对，应为 2023-07-25。") from error
        region = region_named(options["region"])
        reader = region_reader(region)
        sections = {
            name: section(user=reader, as_of=as_of) for name, section in registry.stats_sections().items()
        }
        payload = {"region": region.name, "as_of": as_of.isoformat(), **sections}
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
            return
        self.stdout.write(f"{region.name}  {as_of:%Y年%m月%d日}")
        for name, section in sections.items():
            self.stdout.write(f"\n[{name}]")
            self._write(section, indent=1)

    def _write(self, value: Any, *, indent: int) -> None:
        if isinstance(value, list):
            for row in value:
                shown = "  ".join(f"{key}={inner}" for key, inner in row.items() if inner not in (None, ""))
                self.stdout.write(f"{'  ' * indent}- {shown}")
            return
        for key, inner in value.items():
            if isinstance(inner, dict):
                self.stdout.write(f"{'  ' * indent}{key}:")
                self._write(inner, indent=indent + 1)
            else:
                self.stdout.write(f"{'  ' * indent}{key}: {inner}")
