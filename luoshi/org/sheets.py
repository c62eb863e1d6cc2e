"""A county's organisation in Excel: the template, an all-or-nothing import, the export.

One workbook, four sheets: 单位 (units), 人员 (people), 领导分管 (leaders and the units each
oversees) and 账号 (accounts and their roles). The import reads every sheet (a sheet left out is
not touched), checks every cell against the county's organisation as it will be after the import,
and writes nothing unless every cell is good; each bad cell is named by sheet, row and column. A
unit is updated when its code (单位代码), else its full name, else its short name is the county's;
a person by unit and name; a leader by his person; an account by its username. Nothing is deleted
or deactivated, and an account's roles are only added to: a sheet exported and imported again
changes nothing.

Role grants obey the separation of duties of org.rules (`role_grant_problem`): in the app only a
superuser grants business roles; from the server's shell (`luoshi import org`) the operator does.
New accounts get a one-time password, to be changed at the first login.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from luoshi.audit.context import quiet as audit_quiet
from luoshi.audit.models import Action as AuditAction
from luoshi.audit.services import audit_build, audit_record, audit_record_all
from luoshi.core.sheets import (
    NOT_A_WORKBOOK,
    CellError,
    Column,
    Errors,
    ImportLimits,
    Row,
    SheetError,
    Table,
    open_workbook,
    read_table,
    safe_row,
    workbook_refusal,
)
from luoshi.org.accounts import IssuedAccount, one_time_password
from luoshi.org.audit import grant_words
from luoshi.org.models import (
    Leader,
    Membership,
    Person,
    Region,
    Role,
    Unit,
    User,
    split_names,
    webhook_address_problem,
)
from luoshi.org.rules import role_grant_problem

UNITS, PEOPLE, LEADERS, ACCOUNTS = "单位", "人员", "领导分管", "账号"
ROLES_NOTE = "领导、督查办、单位负责人、单位填报员、观察员、管理员，用顿号分隔"
KIND_NAMES = "镇、街道办、部门、督查办或其他"
KEPT_WHEN_BLANK = frozenset({"aliases", "wecom_webhook", "dingtalk_webhook", "code"})
CONFLICT = "导入时与他人同时所做的修改冲突（例如单位名称已被占用），请重新导入。"
UNUSABLE_USERNAME = "用户名“{username}”不能使用，请换一个用户名。"

UNIT_COLUMNS = (
    Column("name", "单位全称", required=True, width=34, note="如“某某县发展和改革局”"),
    Column("short_name", "简称", width=18, note="台账和通报中使用的名称，如“县发改局”；不填则与全称相同"),
    Column("code", "单位代码", width=20, note="统一社会信用代码或本县自定的编号；填了就按代码更新单位"),
    Column("kind", "类型", required=True, width=10, note="镇、街道办、部门、督查办或其他"),
    Column("parent", "上级单位", width=18, note="上级单位的简称、全称或代码，可不填"),
    Column("aliases", "其他叫法", width=24, note="讲话和表格里可能出现的其他名称，用顿号分隔"),
    Column("wecom", "企业微信群机器人", aliases=("企业微信群机器人地址",), width=40, note="https:// 开头"),
    Column("dingtalk", "钉钉群机器人", aliases=("钉钉群机器人地址",), width=40, note="https:// 开头"),
)
PERSON_COLUMNS = (
    Column("name", "姓名", required=True, width=12),
    Column("unit", "单位", required=True, width=20, note="单位的简称、全称或代码"),
    Column("post", "职务", width=20),
    Column("phone", "电话", width=16),
)
LEADER_COLUMNS = (
    Column("name", "姓名", required=True, width=12),
    Column("unit", "所在单位", width=16, note="如“县政府”；人员表或系统中已有此人时可不填"),
    Column("title", "领导职务", required=True, width=14, note="如“县长”“常务副县长”“副县长”"),
    Column("areas", "分管领域", width=40),
    Column("oversees", "分管单位", width=50, note="单位简称，用顿号分隔"),
    Column("rank", "排序", width=8, note="按班子排序，数字小的在前"),
)
ACCOUNT_COLUMNS = (
    Column("username", "用户名", required=True, width=16, note="登录用的名字：字母、数字和 @ . + - _"),
    Column("name", "姓名", required=True, width=12),
    Column("unit", "单位", required=True, width=20, note="单位的简称、全称或代码"),
    Column(
        "roles",
        "角色",
        required=True,
        width=24,
        note=ROLES_NOTE,
    ),
)
SHEETS: tuple[tuple[str, tuple[Column, ...]], ...] = (
    (UNITS, UNIT_COLUMNS),
    (PEOPLE, PERSON_COLUMNS),
    (LEADERS, LEADER_COLUMNS),
    (ACCOUNTS, ACCOUNT_COLUMNS),
)

KIND_WORDS = {str(label): str(value) for value, label in Unit.Kind.choices} | {
    "乡": Unit.Kind.TOWN,
    "乡镇": Unit.Kind.TOWN,
    "街道": Unit.Kind.STREET,
    "街道办事处": Unit.Kind.STREET,
}
ROLE_WORDS = {str(label): str(value) for value, label in Role.choices} | {
    "填报员": Role.REPORTER,
    "县级领导": Role.LEADER,
    "系统管理员": Role.ADMIN,
}


def _verbose(model: type[Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def _limit(model: type[Model], name: str) -> int:
    return int(model._meta.get_field(name).max_length or 0)  # type: ignore[union-attr]


# ---------------------------------------------------------------------------------------------
# The plan: what the import will do, checked before anything is written


@dataclass
class UnitPlan:
    row: int
    unit: Unit  # the existing unit, changed in memory, or a new one (pk None)
    parent_ref: str
    changed: list[str] = field(default_factory=list)


@dataclass
class PersonPlan:
    row: int
    person: Person
    unit_plan: Unit
    changed: list[str] = field(default_factory=list)


@dataclass
class LeaderPlan:
    row: int
    leader: Leader
    person: Person
    oversees: list[Unit]
    changed: list[str] = field(default_factory=list)


@dataclass
class AccountPlan:
    row: int
    user: User
    seats: list[tuple[Unit, str]]  # seats to add
    changed: list[str] = field(default_factory=list)


@dataclass
class OrgPlan:
    region: Region
    actor: User | None
    errors: Errors
    sheets: list[str] = field(default_factory=list)  # the sheets the workbook had
    units: list[UnitPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    leaders: list[LeaderPlan] = field(default_factory=list)
    accounts: list[AccountPlan] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> list[tuple[str, int, int, int]]:
        """(sheet, created, updated, unchanged) for each sheet the workbook had."""
        out = []
        for sheet, plans in (
            (UNITS, [(p.unit.pk, p.changed) for p in self.units]),
            (PEOPLE, [(p.person.pk, p.changed) for p in self.people]),
            (LEADERS, [(p.leader.pk, p.changed) for p in self.leaders]),
            (ACCOUNTS, [(p.user.pk, p.changed or [str(u) for u, _ in p.seats]) for p in self.accounts]),
        ):
            if sheet not in self.sheets:
                continue
            created = sum(1 for pk, _ in plans if pk is None)
            updated = sum(1 for pk, changed in plans if pk is not None and changed)
            out.append((sheet, created, updated, len(plans) - created - updated))
        return out

    def summary(self) -> str:
        parts = [f"{sheet}新增 {c} 个、更新 {u} 个、不变 {n} 个" for sheet, c, u, n in self.counts()]
        return "；".join(parts) if parts else "没有可导入的内容"

    def changes(self) -> list[tuple[str, str, str]]:
        """(sheet, 新增/更新, what) for every row that creates or changes something."""
        out: list[tuple[str, str, str]] = []
        for p in self.units:
            if p.unit.pk is None or p.changed:
                out.append((UNITS, _verb(p.unit.pk, p.changed), p.unit.name))
        for q in self.people:
            if q.person.pk is None or q.changed:
                out.append((PEOPLE, _verb(q.person.pk, q.changed), f"{q.person.name}（{q.unit_plan}）"))
        for r in self.leaders:
            if r.leader.pk is None or r.changed:
                out.append((LEADERS, _verb(r.leader.pk, r.changed), f"{r.person.name}（{r.leader.title}）"))
        for a in self.accounts:
            seats = "、".join(f"{unit.short_name}{Role(role).label}" for unit, role in a.seats)
            if a.user.pk is None:
                out.append((ACCOUNTS, "新增", f"{a.user.username}（{a.user.name}）：{seats}"))
            elif a.changed or a.seats:
                what = "、".join(a.changed + ([f"授予{seats}"] if seats else []))
                out.append((ACCOUNTS, "更新", f"{a.user.username}（{a.user.name}）：{what}"))
        return out


def _verb(pk: int | None, changed: list[str]) -> str:
    return "新增" if pk is None else "更新：" + "、".join(changed)


# ---------------------------------------------------------------------------------------------
# Reading


def org_read(
    source: IO[bytes], *, region: Region, actor: User | None, limits: ImportLimits | None = None
) -> OrgPlan:
    """The plan of the workbook's import into `region`, with every bad cell named."""
    limits = limits or ImportLimits.from_settings()
    plan = OrgPlan(region=region, actor=actor, errors=Errors(limit=limits.max_errors))
    refusal = workbook_refusal(source, limits=limits)
    if refusal is not None:
        plan.errors.add(SheetError(refusal))
        return plan
    try:
        workbook = open_workbook(source)
    except Exception:  # openpyxl raises many kinds for a file that is not an xlsx workbook
        plan.errors.add(SheetError(NOT_A_WORKBOOK))
        return plan
    try:
        # In the workbook's order, in which its errors are listed.
        columns_of = dict(SHEETS)
        by_name = {sheet.title.strip(): sheet for sheet in workbook.worksheets}
        tables: dict[str, Table] = {}
        for name in dict.fromkeys(sheet.title.strip() for sheet in workbook.worksheets):
            if name in columns_of:
                plan.sheets.append(name)
                tables[name] = read_table(
                    by_name[name], columns_of[name], limits=limits, errors=plan.errors, name=name
                )
    finally:
        workbook.close()
        source.seek(0)
    if not tables:
        plan.errors.add(
            SheetError("表格中没有“单位”“人员”“领导分管”“账号”中的任何一张工作表：请使用组织机构导入模板。")
        )
        return plan
    if plan.errors:
        return plan
    _Planner(plan, tables).run()
    return plan


class _Planner:
    """Checks the rows against the region's organisation as the import will leave it.

    The sheets are checked in the order their references need (units first), some in two passes;
    their errors are listed as a person reads the workbook: by sheet, row, then column."""

    def __init__(self, plan: OrgPlan, tables: dict[str, Table]) -> None:
        self.plan, self.tables, self.region = plan, tables, plan.region
        self.found: list[CellError] = []
        self.existing = list(Unit.objects.filter(region=self.region).select_related("parent"))
        # name, short name or code → unit, as the import will leave them (filled by _units)
        self.units: dict[str, Unit] = {}
        for unit in self.existing:
            self._index(unit)
        self.people: dict[tuple[int, str], Person] = {}  # (id(unit), name) → person
        self.unit_of: dict[int, Unit] = {}
        for person in Person.objects.filter(unit__region=self.region).select_related("unit"):
            assert person.unit is not None
            unit = self._same(person.unit)
            self.people[(id(unit), person.name)] = person
            person.unit = unit

    def _same(self, unit: Unit) -> Unit:
        """The one in-memory instance of an existing unit."""
        found = next((u for u in self.existing if u.pk == unit.pk), None)
        return found or unit

    def _index(self, unit: Unit) -> None:
        for key in (unit.code, unit.name, unit.short_name):
            if key:
                self.units.setdefault(key, unit)

    def error(self, sheet: str, row: Row, key: str, message: str) -> None:
        self.found.append(self.tables[sheet].error(row, key, message))

    def run(self) -> None:
        if UNITS in self.tables:
            self._units(self.tables[UNITS])
        if PEOPLE in self.tables:
            self._people(self.tables[PEOPLE])
        if LEADERS in self.tables:
            self._leaders(self.tables[LEADERS])
        if ACCOUNTS in self.tables:
            self._accounts(self.tables[ACCOUNTS])
        sheets = {name: position for position, name in enumerate(self.plan.sheets)}
        # A cell found wrong twice for the same reason (each role of a row) is listed once.
        for error in sorted(dict.fromkeys(self.found), key=lambda e: _place(sheets, e)):
            self.plan.errors.add(error)

    def unit(self, sheet: str, row: Row, key: str) -> Unit | None:
        name = row[key]
        if not name:
            return None
        unit = self.units.get(name)
        if unit is None:
            self.error(sheet, row, key, f"找不到单位“{name}”（本县的单位和“单位”表中都没有）")
        return unit

    # -- 单位

    def _units(self, table: Table) -> None:
        seen: dict[str, int] = {}
        plans: list[UnitPlan] = []
        for row in table.rows:
            name = row["name"]
            short = row["short_name"] or name
            code = row["code"]
            unit = (code and self._by(code=code)) or self._by(name=name) or self._by(short_name=short)
            for key, value in (("name", name), ("short_name", short), ("code", code)):
                if not value:
                    continue
                if value in seen:
                    self.error(UNITS, row, key, f"“{value}”与第{seen[value]}行重复")
                limit = _limit(Unit, key)
                if len(value) > limit:
                    self.error(UNITS, row, key, f"不能超过 {limit} 个字")
                taken = self._by(**{key: value})
                if taken is not None and taken is not unit:
                    self.error(UNITS, row, key, f"“{value}”已是本县另一个单位（{taken.name}）的{_label(key)}")
            for value in {name, short, code} - {""}:
                seen.setdefault(value, row.number)
            kind = KIND_WORDS.get(row["kind"].replace(" ", ""))
            if kind is None and row["kind"]:
                self.error(UNITS, row, "kind", f"“{row['kind']}”不是单位类型，应为{KIND_NAMES}")
            values: dict[str, Any] = {
                "name": name,
                "short_name": short,
                "code": code,
                "kind": kind or "",
                "aliases": row["aliases"],
                "wecom_webhook": row["wecom"],
                "dingtalk_webhook": row["dingtalk"],
            }
            if len(row["aliases"]) > _limit(Unit, "aliases"):
                self.error(UNITS, row, "aliases", f"不能超过 {_limit(Unit, 'aliases')} 个字")
            for key, field_name in (("wecom", "wecom_webhook"), ("dingtalk", "dingtalk_webhook")):
                address = row[key]
                if address and (problem := webhook_address_problem(address)):
                    self.error(UNITS, row, key, problem)
                elif len(address) > _limit(Unit, field_name):
                    self.error(UNITS, row, key, f"不能超过 {_limit(Unit, field_name)} 个字符")
            if unit is None:
                unit = Unit(region=self.region, is_active=True)
                self.existing.append(unit)
            plan = UnitPlan(row=row.number, unit=unit, parent_ref=row["parent"])
            for key, value in values.items():
                # A blank cell keeps what the unit has.
                if key in KEPT_WHEN_BLANK and not value and unit.pk is not None:
                    continue
                if getattr(unit, key) != value:
                    setattr(unit, key, value)
                    if unit.pk is not None:
                        plan.changed.append(_verbose(Unit, key))
            plans.append(plan)
            self._index(unit)
        for plan, row in zip(plans, table.rows, strict=True):
            self._parent(plan, row)
        self.plan.units = plans

    def _by(self, **lookup: str) -> Unit | None:
        ((key, value),) = lookup.items()
        if not value:
            return None
        return next((unit for unit in self.existing if getattr(unit, key) == value), None)

    def _parent(self, plan: UnitPlan, row: Row) -> None:
        unit = plan.unit
        parent = self.unit(UNITS, row, "parent") if plan.parent_ref else None
        if plan.parent_ref and parent is None:
            return
        if parent is None and unit.pk is not None:
            return  # a blank cell keeps the unit's parent
        ancestor: Unit | None = parent
        for _ in range(len(self.existing) + 1):
            if ancestor is None:
                break
            if ancestor is unit:
                self.error(UNITS, row, "parent", "上级单位不能是自己或自己的下级")
                return
            ancestor = self._same(ancestor.parent) if ancestor.parent is not None else None
        if parent is None or parent.pk is None or parent.pk != unit.parent_id:
            unit.parent = parent
            if unit.pk is not None:
                plan.changed.append("上级单位")

    # -- 人员

    def _people(self, table: Table) -> None:
        seen: dict[tuple[int, str], int] = {}
        for row in table.rows:
            unit = self.unit(PEOPLE, row, "unit")
            name = row["name"]
            if len(name) > _limit(Person, "name"):
                self.error(PEOPLE, row, "name", f"不能超过 {_limit(Person, 'name')} 个字")
            for key in ("post", "phone"):
                if len(row[key]) > _limit(Person, key):
                    self.error(PEOPLE, row, key, f"不能超过 {_limit(Person, key)} 个字")
            phone = row["phone"]
            if phone and not all(c.isdigit() or c in "-—+ ()（）转" for c in phone):
                self.error(PEOPLE, row, "phone", f"“{phone}”不像电话号码")
            if unit is None:
                continue
            slot = (id(unit), name)
            if slot in seen:
                self.error(PEOPLE, row, "name", f"{unit.short_name}的“{name}”与第{seen[slot]}行重复")
                continue
            seen[slot] = row.number
            person = self.people.get(slot)
            if person is None:
                person = Person(name=name, unit=unit, is_active=True)
                self.people[slot] = person
            plan = PersonPlan(row=row.number, person=person, unit_plan=unit)
            for field_name in ("post", "phone"):
                value = row[field_name]
                if value and getattr(person, field_name) != value:
                    setattr(person, field_name, value)
                    if person.pk is not None:
                        plan.changed.append(_verbose(Person, field_name))
            self.plan.people.append(plan)

    def _person(self, sheet: str, row: Row, unit: Unit | None, name: str) -> Person | None:
        if unit is not None:
            return self.people.get((id(unit), name))
        found = [person for (_, person_name), person in self.people.items() if person_name == name]
        if len(found) > 1:
            self.error(sheet, row, "unit", f"本县有不止一位“{name}”，请填写所在单位")
            return None
        return found[0] if found else None

    # -- 领导分管

    def _leaders(self, table: Table) -> None:
        leaders = {
            leader.person_id: leader for leader in Leader.objects.filter(person__unit__region=self.region)
        }
        seen: dict[int, int] = {}
        for row in table.rows:
            unit = self.unit(LEADERS, row, "unit") if row["unit"] else None
            if row["unit"] and unit is None:
                continue
            name = row["name"]
            person = self._person(LEADERS, row, unit, name)
            if person is None:
                if unit is None:
                    self.error(
                        LEADERS, row, "name", f"找不到人员“{name}”：请在“人员”表中列出，或填写所在单位"
                    )
                    continue
                person = Person(name=name, unit=unit, post=row["title"], is_active=True)
                self.people[(id(unit), name)] = person
            if id(person) in seen:
                self.error(LEADERS, row, "name", f"“{name}”与第{seen[id(person)]}行重复")
                continue
            seen[id(person)] = row.number
            rank_text = row["rank"]
            rank: int | None = None
            if rank_text:
                if not rank_text.isdigit():
                    self.error(LEADERS, row, "rank", f"“{rank_text}”不是整数")
                else:
                    rank = int(rank_text)
            for key, field_name in (("title", "title"), ("areas", "areas")):
                if len(row[key]) > _limit(Leader, field_name):
                    self.error(LEADERS, row, key, f"不能超过 {_limit(Leader, field_name)} 个字")
            oversees: list[Unit] = []
            for short in split_names(row["oversees"]):
                found = self.units.get(short)
                if found is None:
                    self.error(LEADERS, row, "oversees", f"找不到单位“{short}”")
                elif found not in oversees:
                    oversees.append(found)
            leader = leaders.get(person.pk) if person.pk is not None else None
            if leader is None:
                leader = Leader(person=person, region=self.region, is_active=True, rank=rank or row.number)
            plan = LeaderPlan(row=row.number, leader=leader, person=person, oversees=oversees)
            for field_name, value in (("title", row["title"]), ("areas", row["areas"]), ("rank", rank)):
                if value in ("", None):
                    continue
                if getattr(leader, field_name) != value:
                    setattr(leader, field_name, value)
                    if leader.pk is not None:
                        plan.changed.append(_verbose(Leader, field_name))
            if leader.pk is not None:
                current = {unit.pk for unit in leader.oversees.all()}
                if current != {unit.pk for unit in oversees}:
                    plan.changed.append("分管单位")
            self.plan.leaders.append(plan)

    # -- 账号

    def _accounts(self, table: Table) -> None:
        usernames = {row["username"] for row in table.rows}
        users = {
            user.username: user
            for user in User.objects.filter(username__in=usernames).select_related("person__unit")
        }
        held: dict[int, set[tuple[int, str]]] = defaultdict(set)
        # An account of another county: by a role held there, or by its person (its roles taken away).
        other_region = {
            user.pk
            for user in users.values()
            if user.person is not None
            and user.person.unit is not None
            and user.person.unit.region_id != self.region.pk
        }
        for seat in Membership.objects.filter(user__in=users.values()).select_related("unit"):
            held[seat.user_id].add((seat.unit_id, seat.role))
            if seat.unit.region_id != self.region.pk:
                other_region.add(seat.user_id)
        linked = set(
            User.objects.filter(person__unit__region=self.region).values_list("person_id", flat=True)
        )
        plans: dict[str, AccountPlan] = {}
        rows_of: dict[str, list[tuple[Row, Unit, list[str]]]] = defaultdict(list)
        validate = UnicodeUsernameValidator()
        actor = self.plan.actor
        for row in table.rows:
            username = row["username"]
            try:
                validate(username)
            except ValidationError:
                self.error(ACCOUNTS, row, "username", "只能包含字母、数字和 @ . + - _")
                continue
            if len(username) > _limit(User, "username"):
                self.error(ACCOUNTS, row, "username", f"不能超过 {_limit(User, 'username')} 个字符")
            if len(row["name"]) > _limit(User, "name"):
                self.error(ACCOUNTS, row, "name", f"不能超过 {_limit(User, 'name')} 个字")
            user = users.get(username)
            if user is not None and (
                user.is_superuser or (user.pk in other_region and not _superuser(actor))
            ):
                # Where the account is, or whose it is, is not this county's to know.
                self.error(ACCOUNTS, row, "username", UNUSABLE_USERNAME.format(username=username))
                continue
            unit = self.unit(ACCOUNTS, row, "unit")
            roles: list[str] = []
            for word in split_names(row["roles"]):
                role = ROLE_WORDS.get(word)
                if role is None:
                    self.error(ACCOUNTS, row, "roles", f"“{word}”不是角色，应为{'、'.join(Role.labels)}")
                else:
                    roles.append(role)
            if unit is None:
                continue
            for role in roles:
                if role == Role.SUPERVISOR and unit.kind != Unit.Kind.SUPERVISION:
                    self.error(ACCOUNTS, row, "roles", f"督查办角色只能属于督查办单位，{unit.short_name}不是")
            if user is None:
                user = User(username=username, name=row["name"], is_active=True)
                users[username] = user
            plan = plans.get(username)
            if plan is None:
                plan = plans[username] = AccountPlan(row=row.number, user=user, seats=[])
                if user.pk is not None and user.name != row["name"]:
                    user.name = row["name"]
                    plan.changed.append("姓名")
            elif user.name != row["name"]:
                self.error(ACCOUNTS, row, "name", f"用户名“{username}”在第{plan.row}行的姓名是“{user.name}”")
            person = self.people.get((id(unit), row["name"]))
            unlinked = user.person_id is None and getattr(user, "_planned_person", None) is None
            if person is not None and unlinked and person.pk not in linked:
                user._planned_person = person  # type: ignore[attr-defined]
                if user.pk is not None:
                    plan.changed.append("对应人员")
            for role in roles:
                if unit.pk is not None and (unit.pk, role) in held.get(user.pk or 0, set()):
                    continue
                if (unit, role) not in plan.seats:
                    plan.seats.append((unit, role))
            rows_of[username].append((row, unit, roles))
        for username, plan in plans.items():
            user = plan.user
            roles_after = {role for _, role in held.get(user.pk or 0, set())} | {
                role for _, role in plan.seats
            }
            for row, _unit, roles in rows_of[username]:
                for role in roles:
                    if not any(r == role for _, r in plan.seats):
                        continue
                    problem = _grant_problem(actor, user=user, role=role, roles_after=roles_after)
                    if problem:
                        self.error(ACCOUNTS, row, "roles", problem)
        self.plan.accounts = list(plans.values())


def _place(sheets: dict[str, int], error: CellError) -> tuple[int, int, int, str]:
    """Where the error's cell is, for the order of the list (A…Z before AA; an absent column last)."""
    column = error.column if error.column.isalpha() else "ZZZZ"
    return (sheets.get(error.sheet, len(sheets)), error.row, len(column), column)


def _label(key: str) -> str:
    return {"name": "全称", "short_name": "简称", "code": "单位代码"}[key]


def _superuser(actor: User | None) -> bool:
    return actor is None or actor.is_superuser


def _grant_problem(actor: User | None, *, user: User, role: str, roles_after: set[str]) -> str | None:
    """What org.rules says of granting `role`; from the server's shell (no actor) only the rule that
    an auditor holds no other role applies."""
    if actor is not None:
        return role_grant_problem(actor, user=user, role=role, granting=True, roles_after=roles_after)
    if Role.AUDITOR in roles_after and (len(roles_after) > 1 or user.is_superuser or user.is_staff):
        return "审计员不能兼任其他角色，也不能是系统管理人员（三员分立）。"
    return None


# ---------------------------------------------------------------------------------------------
# Writing


class OrgImportError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class OrgOutcome:
    summary: str
    issued: list[IssuedAccount]


def org_import(plan: OrgPlan) -> OrgOutcome:
    """Write a checked plan in one transaction; the new accounts with their one-time passwords."""
    if not plan.ok:
        raise OrgImportError("表格有错误，没有导入。")
    summary = plan.summary()
    issued: list[IssuedAccount] = []
    grants: list[Membership] = []
    try:
        with transaction.atomic(), audit_quiet():  # one row of the audit log, and one per role granted
            _units_save(plan)
            for person_plan in plan.people:
                person = person_plan.person
                person.unit = person_plan.unit_plan  # saved by now: sets unit_id
                if person.pk is None or person_plan.changed:
                    person.save()
            next_rank = (Leader.objects.filter(region=plan.region).aggregate(top=Max("rank"))["top"] or 0) + 1
            for leader_plan in plan.leaders:
                person = leader_plan.person
                if person.pk is None:
                    person.unit = person.unit  # the unit was saved above
                    person.save()
                leader = leader_plan.leader
                leader.person = person
                if leader.pk is None:
                    leader.rank = leader.rank or next_rank
                    next_rank += 1
                if leader.pk is None or leader_plan.changed:
                    leader.save()
                    leader.oversees.set(leader_plan.oversees)
            for account in plan.accounts:
                user = account.user
                linked = getattr(user, "_planned_person", None)
                if linked is not None and linked.pk is not None:
                    user.person = linked
                staff = not user.is_staff and any(role == Role.ADMIN for _, role in account.seats)
                if staff:
                    user.is_staff = True
                if user.pk is None:
                    password = one_time_password()
                    user.set_password(password)
                    user.must_change_password = True
                    user.save()
                    issued.append(
                        IssuedAccount(
                            username=user.username,
                            name=user.name,
                            unit="、".join(dict.fromkeys(unit.short_name for unit, _ in account.seats)),
                            roles="、".join(dict.fromkeys(Role(role).label for _, role in account.seats)),
                            password=password,
                        )
                    )
                elif account.changed or staff:
                    user.save()
                for unit, role in account.seats:
                    seat, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
                    if created:
                        grants.append(seat)
            audit_record(
                action=AuditAction.IMPORTED,
                actor=plan.actor,
                region=plan.region,
                summary=f"导入组织机构：{summary}",
            )
            audit_record_all(
                audit_build(
                    action=AuditAction.ROLE_GRANTED,
                    actor=plan.actor,
                    obj=seat,
                    region=plan.region,
                    summary=f"授予角色（导入组织机构）：{grant_words(seat)}",
                )
                for seat in grants
            )
    except IntegrityError as error:
        raise OrgImportError(CONFLICT) from error
    return OrgOutcome(summary=summary, issued=issued)


def _units_save(plan: OrgPlan) -> None:
    """Parents before their children; new units after the region's others."""
    order = (Unit.objects.filter(region=plan.region).aggregate(top=Max("sort_order"))["top"] or 0) + 10
    pending = [p for p in plan.units if p.unit.pk is None or p.changed]
    for unit_plan in plan.units:
        if unit_plan.unit.pk is None:
            unit_plan.unit.sort_order = order
            order += 10
    while pending:
        ready = [p for p in pending if p.unit.parent is None or p.unit.parent.pk is not None]
        if not ready:  # a cycle is refused when reading; this is the database's last defence
            raise OrgImportError("上级单位形成循环，没有导入。")
        for unit_plan in ready:
            unit = unit_plan.unit
            unit.parent = unit.parent  # the parent saved by now: sets parent_id
            unit.save()
            pending.remove(unit_plan)


# ---------------------------------------------------------------------------------------------
# Template and export

HEADER_FILL = PatternFill("solid", fgColor="8E1B1B")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def _sheet(workbook: Workbook, title: str, columns: Sequence[Column], *, first: bool = False) -> Any:
    sheet = workbook.active if first else workbook.create_sheet(title)
    sheet.title = title
    sheet.append([column.header for column in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    return sheet


def _workbook(rows: dict[str, Iterable[list[object]]]) -> bytes:
    workbook = Workbook()
    for index, (title, columns) in enumerate(SHEETS):
        sheet = _sheet(workbook, title, columns, first=index == 0)
        for values in rows.get(title, ()):
            sheet.append(safe_row(values))
        if title == UNITS:
            kinds = DataValidation(type="list", formula1=f'"{",".join(Unit.Kind.labels)}"', allow_blank=True)
            kinds.add("D2:D2000")
            sheet.add_data_validation(kinds)
    guide = workbook.create_sheet("填写说明")
    guide.append(["工作表", "列", "说明"])
    for title, columns in SHEETS:
        for column in columns:
            guide.append([title, column.label + ("（必填）" if column.required else ""), column.note])
    guide.append([])
    guide.append(["", "", "整表导入：有任何一处错误都不导入，并列出每处错误所在的工作表、行和列。"])
    guide.append(["", "", "不需要导入的工作表可以删除；已有的单位按单位代码（没有代码时按全称、简称）更新。"])
    guide.append(["", "", "新账号的一次性密码在导入后显示一次，请打印发给本人；首次登录须修改密码。"])
    guide.column_dimensions["A"].width = 12
    guide.column_dimensions["B"].width = 20
    guide.column_dimensions["C"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def org_template() -> bytes:
    return _workbook({})


def org_export(region: Region) -> bytes:
    """The region's organisation in the import's layout: imported again, it changes nothing."""
    units = list(Unit.objects.filter(region=region, is_active=True).select_related("parent"))
    people = Person.objects.filter(unit__region=region, is_active=True).select_related("unit")
    leaders = (
        Leader.objects.filter(region=region, is_active=True)
        .select_related("person__unit")
        .prefetch_related("oversees")
    )
    seats = (
        Membership.objects.filter(unit__region=region, user__is_active=True, user__is_superuser=False)
        .select_related("user", "unit")
        .order_by("user__username", "unit__sort_order", "unit_id", "role")
    )
    by_user: dict[tuple[int, int], list[Membership]] = defaultdict(list)
    for seat in seats:
        by_user[(seat.user_id, seat.unit_id)].append(seat)
    return _workbook(
        {
            UNITS: (
                [
                    u.name,
                    u.short_name,
                    u.code,
                    u.get_kind_display(),
                    u.parent.short_name if u.parent else "",
                    u.aliases,
                    u.wecom_webhook,
                    u.dingtalk_webhook,
                ]
                for u in units
            ),
            PEOPLE: (
                [p.name, p.unit.short_name if p.unit else "", p.post, p.phone] for p in people if p.unit
            ),
            LEADERS: (
                [
                    leader.person.name,
                    leader.person.unit.short_name if leader.person.unit else "",
                    leader.title,
                    leader.areas,
                    "、".join(u.short_name for u in sorted(leader.oversees.all(), key=_unit_order)),
                    leader.rank,
                ]
                for leader in leaders
            ),
            ACCOUNTS: (
                [
                    found[0].user.username,
                    found[0].user.name or found[0].user.username,
                    found[0].unit.short_name,
                    "、".join(Role(seat.role).label for seat in found),
                ]
                for found in by_user.values()
            ),
        }
    )


def _unit_order(unit: Unit) -> tuple[int, int]:
    return (unit.sort_order, unit.pk)
