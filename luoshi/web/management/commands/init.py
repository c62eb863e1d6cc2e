"""`luoshi init`: set up a real county on an empty database (no demo data)."""

from __future__ import annotations

import os
from datetime import date, time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from luoshi.core import clock
from luoshi.web.setup import CountyInput, county_init

QUESTIONS = (
    ("name", "县（区）名称，如 某某县"),
    ("code", "行政区划代码（6 位数字）"),
    ("city_name", "上级市名称"),
    ("supervisor_username", "督查办第一个账号的用户名"),
    ("supervisor_name", "这个账号使用人的姓名"),
)


def _county_moment() -> tuple[date, time]:
    """Now, for a real county: in development the demo's pinned day is not its day (its first rule
    set takes effect today), unless LUOSHI_TODAY pins one on purpose."""
    if settings.LUOSHI_DEMO and not os.environ.get("LUOSHI_TODAY"):
        moment = timezone.localtime(clock.actual_now())
        return moment.date(), moment.time()
    return clock.today(), timezone.localtime(clock.actual_now()).time()


class Command(BaseCommand):
    help = (
        "在空数据库中建立一个县：行政区及上级市、县政府和督查办、督查办第一个账号（一次性密码，"
        "首次登录须修改）、默认预警规则。不加载演示数据；数据库中已有行政区时拒绝（--add 另加一个县）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", help="县（区）名称，如“某某县”")
        parser.add_argument("--code", help="行政区划代码，6 位数字")
        parser.add_argument("--short-name", default="", help="简称（用于文号），默认名称的第一个字")
        parser.add_argument("--city", dest="city_name", help="上级市名称")
        parser.add_argument("--city-code", default="", help="上级市的行政区划代码，默认县代码前四位加 00")
        parser.add_argument("--supervisor", dest="supervisor_username", help="督查办第一个账号的用户名")
        parser.add_argument("--supervisor-name", help="这个账号使用人的姓名")
        parser.add_argument(
            "--add", action="store_true", help="数据库中已有行政区时，另加一个县（不改动已有数据）"
        )
        parser.add_argument("--no-input", action="store_true", help="不提问：缺少的选项直接报错")

    def handle(self, *args: Any, add: bool, no_input: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        values = {key: (options.get(key) or "").strip() for key, _ in QUESTIONS}
        for key, question in QUESTIONS:
            if values[key]:
                continue
            if no_input:
                raise CommandError(f"缺少{question}（--{key.replace('_', '-')}）。")
            values[key] = input(f"{question}：").strip()
        data = CountyInput(
            **values, short_name=options.get("short_name") or "", city_code=options.get("city_code") or ""
        )
        try:
            with clock.pinned(*_county_moment()):
                outcome = county_init(data=data, today=clock.today(), add=add)
        except ValidationError as error:
            raise CommandError("\n".join(m for ms in error.message_dict.values() for m in ms)) from error
        region, user = outcome.region, outcome.supervisor
        self.stdout.write(self.style.SUCCESS(f"已建立{region.name}（{region.code}，上级{region.parent}）。"))
        self.stdout.write(
            f"督查办账号：{user.username}（{user.name}）\n一次性密码：{outcome.password}\n"
            "这个密码只显示这一次；首次登录后须修改密码。"
        )
        for line in outcome.calendar:
            self.stdout.write(f"工作日历 {line}")
        self.stdout.write(
            "下一步：登录后在“组织机构 → 导入”下载模板，填好单位、人员、领导分管和账号后导入"
            "（或 luoshi import org 文件.xlsx）。"
        )
