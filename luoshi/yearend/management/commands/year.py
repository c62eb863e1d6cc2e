"""luoshi year: the year's turn from the command line.

luoshi year close --region 柞水县 --year 2023 --as-of 2023-12-29 [--carry-all | --plan FILE] [--dry-run]
luoshi year rules --region 柞水县 --year 2024
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.core import clock
from luoshi.items.services import ServiceError
from luoshi.org.commands import region_named
from luoshi.yearend import services
from luoshi.yearend.forms import plan_from_json
from luoshi.yearend.selectors import year_unfinished


class Command(BaseCommand):
    help = "年度结转：luoshi year close（结转或关闭未完成的事项）、luoshi year rules（下一年度的预警规则）"

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        close = commands.add_parser("close", help="关闭一个年度：未完成的事项结转下一年度或写明理由关闭")
        close.add_argument("--region", help="行政区名称或代码（只有一个县时可省略）")
        close.add_argument("--year", type=int, required=True, help="要关闭的年度，如 2023")
        close.add_argument("--as-of", help="结转日期，如 2023-12-29（默认今天）")
        which = close.add_mutually_exclusive_group()
        which.add_argument("--carry-all", action="store_true", help="全部未完成的事项结转下一年度")
        which.add_argument("--plan", help="逐项的处理计划（JSON 文件）")
        close.add_argument("--dry-run", action="store_true", help="只预览，不保存")
        rules = commands.add_parser("rules", help="沿用现行预警规则作为下一年度的规则")
        rules.add_argument("--region", help="行政区名称或代码（只有一个县时可省略）")
        rules.add_argument("--year", type=int, required=True, help="下一年度，如 2024")

    def handle(self, *args: Any, **options: Any) -> None:
        region = region_named(options["region"])
        if options["subcommand"] == "rules":
            year_rules = services.year_rules_copy(actor=None, region=region, year=options["year"])
            self.stdout.write(
                f"{region.name}{options['year']}年度预警规则：{year_rules.rule_set}（{year_rules.rule_set.note}）"
            )
            return
        year = options["year"]
        try:
            as_of = date.fromisoformat(options["as_of"]) if options["as_of"] else clock.today()
        except ValueError as error:
            raise CommandError(f"日期“{options['as_of']}”格式不对，应为 2023-12-29。") from error
        if options["plan"]:
            try:
                plan = plan_from_json(json.loads(Path(options["plan"]).read_text(encoding="utf-8")))
            except (OSError, json.JSONDecodeError) as error:
                raise CommandError(f"无法读取计划文件：{error}") from error
            except ValueError as error:
                raise CommandError(str(error)) from error
        elif options["carry_all"]:
            plan = services.Plan(default=services.Choice(services.Decision.CARRY))
        else:
            plan = services.Plan()
        dry_run = options["dry_run"] or not (options["plan"] or options["carry_all"])
        try:
            outcome = services.year_close(
                actor=None, region=region, year=year, as_of=as_of, plan=plan, dry_run=dry_run
            )
        except ServiceError as error:
            raise CommandError(error.message) from error
        for line in outcome.lines:
            label = services.DECISION_LABELS[line.choice.decision]
            target = f" → {line.new_code}" if line.new_code else ""
            self.stdout.write(f"{line.item.code}\t{line.item.title}\t{label}{target}")
        if not outcome.lines and not year_unfinished(region=region, year=year).exists():
            self.stdout.write(f"{region.name}{year}年度没有未完成的事项。")
        self.stdout.write(outcome.message())
