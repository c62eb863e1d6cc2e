"""A real county's first day: `luoshi init` (and its page, 初始化) on a database with no county yet.

It creates the region under its parent city, the county government and its supervision office
(督查办), the office's first supervisor account with a one-time password, to be changed at the first
login, and the county's first rule set (the design's defaults, as the demo runs on). The working
calendar is the national one, shared by every county: the setup says which years it knows. No
demo data: the demo accounts and the demo county are the demo loader's alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from luoshi.alerts import engine
from luoshi.alerts.models import RuleSet
from luoshi.alerts.services import rule_set_save
from luoshi.audit.context import quiet as audit_quiet
from luoshi.audit.models import Action as AuditAction
from luoshi.audit.services import audit_record
from luoshi.core.models import CalendarDay
from luoshi.core.workdays import WorkCalendar
from luoshi.org import demo as org_demo
from luoshi.org.accounts import one_time_password
from luoshi.org.models import Membership, Person, Region, Role, Unit, User

CODE = re.compile(r"^\d{6}$")
DEMO_OFFICE_ACCOUNT = "duchaban"  # the demo county's office (org.demo.ACCOUNTS)


@dataclass(frozen=True)
class CountyInput:
    name: str  # 某某县
    code: str  # 行政区划代码, six digits
    city_name: str  # the parent city, found by code or name, or created
    supervisor_username: str
    supervisor_name: str
    short_name: str = ""  # 简称 for bulletin numbers; the first character of the name by default
    city_code: str = ""  # the county's first four digits and 00 by default
    office_post: str = "督查办主任"


@dataclass
class CountyInitOutcome:
    region: Region
    supervisor: User
    password: str
    calendar: list[str] = field(default_factory=list)  # what the calendar knows, in words


def init_problems(data: CountyInput, *, add: bool = False) -> dict[str, str]:
    """What is wrong with the input, by field, in words; empty when it may be set up.

    Without `add`, only a database with no region at all is set up (a second county is added
    on purpose, never by mistake): nothing is ever wiped."""
    problems: dict[str, str] = {}
    if not add and Region.objects.exists():
        problems["__all__"] = (
            "数据库中已经有行政区，不能再初始化（不会清空已有数据）。要在同一系统中再加一个县，请用 --add。"
        )
    name = data.name.strip()
    if not name or len(name) > 50:
        problems["name"] = "请填写县（区）名称，不超过 50 个字。"
    if not CODE.match(data.code.strip()):
        problems["code"] = "行政区划代码应为 6 位数字，如 611026。"
    elif Region.objects.filter(code=data.code.strip()).exists():
        problems["code"] = f"行政区划代码 {data.code.strip()} 已经存在。"
    if data.city_code and not CODE.match(data.city_code.strip()):
        problems["city_code"] = "上级市的行政区划代码应为 6 位数字，如 611000。"
    if not data.city_name.strip():
        problems["city_name"] = "请填写上级市的名称。"
    username = data.supervisor_username.strip()
    try:
        User.username_validator(username)
    except ValidationError:
        problems["supervisor_username"] = "用户名只能包含字母、数字和 @ . + - _。"
    if not username:
        problems["supervisor_username"] = "请填写督查办账号的用户名。"
    elif User.objects.filter(username=username).exists():
        problems["supervisor_username"] = f"用户名“{username}”已被使用。"
    if not data.supervisor_name.strip():
        problems["supervisor_name"] = "请填写督查办账号使用人的姓名。"
    return problems


def _prefix(name: str) -> str:
    """县, 区 or 市: how the county's own units are called (县政府, 区政府…)."""
    return name[-1] if name and name[-1] in "县区市旗" else "县"


@transaction.atomic
def county_init(
    *, data: CountyInput, today: date, actor: User | None = None, add: bool = False
) -> CountyInitOutcome:
    problems = init_problems(data, add=add)
    if problems:
        raise ValidationError(problems)
    name, code = data.name.strip(), data.code.strip()
    city_code = data.city_code.strip() or code[:4] + "00"
    with audit_quiet():  # one row of the audit log for the whole setup
        city = (
            Region.objects.filter(code=city_code).first()
            or Region.objects.filter(name=data.city_name.strip(), level=Region.Level.CITY).first()
        )
        if city is None:
            city = Region.objects.create(
                name=data.city_name.strip(),
                short_name=data.city_name.strip()[:1],
                code=city_code,
                level=Region.Level.CITY,
            )
        order = Region.objects.filter(parent=city).count() + 1
        region = Region.objects.create(
            name=name,
            short_name=(data.short_name.strip() or name[:1])[:10],
            code=code,
            level=Region.Level.COUNTY,
            parent=city,
            sort_order=order,
        )
        prefix = _prefix(name)
        government = Unit.objects.create(
            region=region,
            name=f"{name}人民政府",
            short_name=f"{prefix}政府",
            kind=Unit.Kind.OTHER,
            sort_order=10,
        )
        office = Unit.objects.create(
            region=region,
            parent=government,
            name=f"中共{name}委{name}人民政府督查办公室",
            short_name=f"{prefix}督查办",
            aliases=f"{prefix}委{prefix}政府督查办、督查办",
            kind=Unit.Kind.SUPERVISION,
            sort_order=20,
        )
        person = Person.objects.create(name=data.supervisor_name.strip(), unit=office, post=data.office_post)
        password = one_time_password()
        supervisor = User(
            username=data.supervisor_username.strip(),
            name=data.supervisor_name.strip(),
            person=person,
            must_change_password=True,
        )
        supervisor.set_password(password)
        supervisor.save()
        Membership.objects.create(user=supervisor, unit=office, role=Role.SUPERVISOR)
        if not RuleSet.objects.filter(region=region).exists():
            defaults = engine.DEFAULT_RULES
            rule_set_save(
                actor=actor,
                region=region,
                values={
                    "yellow_gap": defaults.yellow_gap,
                    "red_gap": defaults.red_gap,
                    "deadline_near_workdays": defaults.deadline_near_workdays,
                    "not_started_yellow_months": defaults.not_started_yellow_months,
                    "not_started_red_months": defaults.not_started_red_months,
                    "consecutive_yellow_to_red": defaults.consecutive_yellow_to_red,
                    "late_report_is_yellow": defaults.late_report_is_yellow,
                    "overdue_milestone_is_yellow": defaults.overdue_milestone_is_yellow,
                    "untrue_is_red": defaults.untrue_is_red,
                    "growth_yellow_band": defaults.growth_yellow_band,
                    "bottom_third_is_yellow": defaults.bottom_third_is_yellow,
                    "months_basis_kinds": ",".join(sorted(defaults.months_basis_kinds)),
                },
                note="初始化：默认预警规则",
            )
        audit_record(
            action=AuditAction.SYSTEM,
            actor=actor,
            region=region,
            summary=f"初始化{name}（{code}，上级{city.name}）：{prefix}政府、{prefix}督查办，"
            f"督查办账号 {supervisor.username}（一次性密码，首次登录须修改），默认预警规则",
        )
    return CountyInitOutcome(
        region=region, supervisor=supervisor, password=password, calendar=calendar_status(today=today)
    )


def calendar_status(*, today: date) -> list[str]:
    """Which years the working calendar knows (the national one, and the superuser's overrides)."""
    year = today.year
    calendar = WorkCalendar(dict(CalendarDay.objects.values_list("date", "is_workday")))
    lines = []
    for each in (year, year + 1):
        if calendar.is_published(each):
            lines.append(f"{each}年：国务院公布的节假日安排已内置。")
        else:
            lines.append(
                f"{each}年：节假日安排尚未公布，暂按周一至周五计算工作日；公布后由超级管理员在"
                "“系统管理 → 节假日调整”中录入，或升级 luoshi。"
            )
    return lines


def is_demo_database() -> bool:
    """Whether the database holds the demo county the demo loader made (its office's account)."""
    return User.objects.filter(
        username=DEMO_OFFICE_ACCOUNT,
        memberships__unit__region__code=org_demo.COUNTY[2],
    ).exists()
