from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.alerts.services import Summary, colours_recompute, month_of, regions_to_rate
from luoshi.core import clock, registry
from luoshi.org.commands import region_named

COLOURS = (("red", "红"), ("yellow", "黄"), ("green", "绿"))


class Command(BaseCommand):
    help = (
        "重新计算三色预警，并按类型和颜色打印正在督办的事项数："
        "luoshi warnings [--as-of 2023-07-25] [--region 柞水县] [--json]。默认逐个行政区计算。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, help="按哪一天计算，默认今天")
        parser.add_argument("--region", help="只算一个行政区（名称或代码）及其下辖县区")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        today = clock.today()
        as_of: date = options["as_of"] or today
        regions = regions_to_rate(region_named(options["region"]) if options["region"] else None)
        # A month already past keeps the colours it had; asked for by hand, it is computed, not stored.
        store = month_of(as_of) >= month_of(today)
        # Progress goes with the report, or beside the JSON (on stderr) so that the JSON stays whole.
        progress = self.stdout if not options["json"] else self.stderr
        if not options["json"]:
            self.stdout.write(
                f"三色预警（截至{as_of.year}年{as_of.month}月{as_of.day}日）"
                + ("" if store else "：历史月份只计算，不改写")
            )
        summary = Summary(as_of=as_of)
        for number, region in enumerate(regions, start=1):
            started = time.monotonic()
            try:
                done = colours_recompute(as_of=as_of, region=region, store_history=store)
            except ValueError as error:
                raise CommandError(str(error)) from error
            summary.add(done)
            progress.write(
                f"[{number}/{len(regions)}] {region.name}：评定 {done.computed} 项，"
                f"颜色变化 {done.changed} 项（{time.monotonic() - started:.1f} 秒）",
                style_func=str,
            )
        kinds = [kind for kind, _label in registry.kind_choices()]
        counts = {kind: summary.counts[kind] for kind in kinds if kind in summary.counts}
        totals = {colour: sum(c[colour] for c in counts.values()) for colour, _ in COLOURS}
        if options["json"]:
            payload = {
                "as_of": as_of.isoformat(),
                "stored": store,
                "items": sum(totals.values()),
                "by_kind": counts,
                "total": totals,
                "changed": summary.changed,
                "proposals": summary.proposals,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        labels = dict(registry.kind_choices())
        for kind, by_colour in counts.items():
            row = "  ".join(f"{label}{by_colour[colour]}" for colour, label in COLOURS)
            self.stdout.write(f"  {labels[kind]:<6} {row}")
        self.stdout.write("  合计     " + "  ".join(f"{label}{totals[colour]}" for colour, label in COLOURS))
        self.stdout.write(f"颜色变化 {summary.changed} 项，新的处置建议 {summary.proposals} 条。")
