from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from luoshi.items import excel
from luoshi.items.models import Item
from luoshi.items.selectors import ItemFilters, item_filter
from luoshi.org.commands import region_named


class Command(BaseCommand):
    help = (
        "导出台账为 Excel：luoshi export items --out FILE [--status active] [--kind task]，列与导入模板相同；"
        "改好后用 luoshi import 导入，按编号和版本更新事项。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ledger", choices=["items"], help="导出哪种台账")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--region", help="行政区名称或代码（只有一个县时可省略）")
        parser.add_argument("--status", default="", help="状态，或 active（正在督办）、done（已办结）")
        parser.add_argument("--kind", default="")
        parser.add_argument("--year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        region = region_named(options["region"])
        items = item_filter(
            Item.objects.filter(region=region).order_by("code"),
            ItemFilters(status=options["status"], kind=options["kind"], year=options["year"]),
        )
        written = excel.export_workbook(items, options["out"])
        self.stdout.write(self.style.SUCCESS(f"已导出 {written} 项到 {options['out']}"))
