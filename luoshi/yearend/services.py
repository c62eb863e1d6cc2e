"""The year's turn, written: closing a year (each unfinished item carried into the next year or
closed with a reason, in one transaction), the next year's rule set, and the next year's items
from the 政府工作报告's 任务分解表 (through the items' own import)."""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import F

from luoshi.alerts.models import RuleSet
from luoshi.alerts.services import current_rule_set, rule_set_save
from luoshi.core import clock, registry
from luoshi.items import rules
from luoshi.items.hooks import Audience, items_changed_on_commit, notice_publish
from luoshi.items.models import EventKind, Item, Source, Status
from luoshi.items.services import (
    Conflict,
    ItemInput,
    MilestoneInput,
    ServiceError,
    ensure,
    item_create,
    item_event_record,
    items_import,
)
from luoshi.items.services.imports import ImportOutcome
from luoshi.items.workflow import Action, transition_for
from luoshi.org.models import Region, User
from luoshi.yearend.models import Carryover, YearClosing, YearRules
from luoshi.yearend.selectors import year_unfinished

# Rule-set fields that are the rules themselves (not the version's bookkeeping).
RULE_FIELDS = [
    f.name
    for f in RuleSet._meta.concrete_fields
    if f.name not in {"id", "region", "version", "note", "created_by", "created_at"}
]


class Decision(StrEnum):
    CARRY = "carry"  # 结转: a new item of the next year, linked to this one, which is closed as 结转
    CLOSE = "close"  # 关闭: withdrawn (已撤销) with the reason
    KEEP = "keep"  # 暂不处理: left as it is


DECISION_LABELS = {
    Decision.CARRY: "结转下一年度",
    Decision.CLOSE: "关闭（写明理由）",
    Decision.KEEP: "暂不处理",
}


class Milestones(StrEnum):
    SHIFT = "shift"  # remaining milestones due in the closed year move to the same day a year later
    KEEP = "keep"  # remaining milestones keep their dates


MILESTONE_LABELS = {Milestones.SHIFT: "未完成节点顺延一年", Milestones.KEEP: "未完成节点保留原日期"}


@dataclass(frozen=True)
class Choice:
    decision: Decision
    reason: str = ""
    version: int | None = None  # the item's version when the office decided; None: not checked
    milestones: Milestones = Milestones.SHIFT
    deadline: date | None = None  # the carried item's deadline; None: see carried_deadline


@dataclass(frozen=True)
class Plan:
    """What to do with each unfinished item: `default` for all, `choices` by item code."""

    default: Choice = Choice(Decision.KEEP)
    choices: Mapping[str, Choice] = field(default_factory=dict)

    def for_item(self, item: Item) -> Choice:
        return self.choices.get(item.code, self.default)


@dataclass(frozen=True)
class Line:
    item: Item
    choice: Choice
    new_item: Item | None = None  # the carried item (None in a dry run)

    @property
    def new_code(self) -> str:
        return self.new_item.code if self.new_item else ""


@dataclass
class ClosingOutcome:
    year: int
    lines: list[Line]
    dry_run: bool

    @property
    def carried(self) -> list[Line]:
        return [line for line in self.lines if line.choice.decision == Decision.CARRY]

    @property
    def closed(self) -> list[Line]:
        return [line for line in self.lines if line.choice.decision == Decision.CLOSE]

    @property
    def kept(self) -> list[Line]:
        return [line for line in self.lines if line.choice.decision == Decision.KEEP]

    def message(self) -> str:
        if not self.carried and not self.closed:
            kept = f"（{len(self.kept)} 项暂不处理）" if self.kept else ""
            return f"{self.year}年度没有要结转或关闭的事项{kept}。"
        head = "预览（未保存）：将" if self.dry_run else "已"
        text = f"{head}结转 {len(self.carried)} 项到{self.year + 1}年度，关闭 {len(self.closed)} 项"
        if self.kept:
            text += f"，{len(self.kept)} 项暂不处理"
        return text + "。"


def can_close_year(user: User | object, region: Region) -> bool:
    return rules.is_supervisor_of(user, region.pk)


def earliest_closing(year: int) -> date:
    """A year is closed in its December at the earliest, when its results are known."""
    return date(year, 12, 1)


def carried_deadline(item: Item, year: int) -> date:
    """The carried item's deadline: the old one when it lies beyond the closed year, else the next
    year's last day."""
    if item.deadline and item.deadline.year > year:
        return item.deadline
    return date(year + 1, 12, 31)


def _a_year_later(day: date) -> date:
    last = calendar.monthrange(day.year + 1, day.month)[1]
    return date(day.year + 1, day.month, min(day.day, last))


def _carried_milestones(item: Item, year: int, policy: Milestones) -> list[MilestoneInput]:
    rows = []
    for milestone in item.milestones.all():
        if milestone.done_on is not None:
            continue
        due = milestone.due
        if policy == Milestones.SHIFT and due.year <= year:
            due = _a_year_later(due)
        rows.append(MilestoneInput(name=milestone.name, due=due))
    return rows


def _refusal(item: Item, choice: Choice, year: int) -> str:
    """Why `choice` cannot be taken for `item`; "" when it can."""
    if choice.version is not None and choice.version != item.version:
        return "在你打开页面后已被修改，请刷新后重新选择"
    accepted = item.accepted_on is not None
    if choice.decision == Decision.CARRY:
        ledger = registry.ledger(item.kind)
        if ledger is not None and ledger.detail_model:
            return f"是{ledger.label}台账的事项，请在其台账中转入下一年度，或关闭"
        if transition_for(Action.REPLACE, item.status, accepted=accepted) is None:
            return f"状态为“{item.get_status_display()}”，不能结转"
        if choice.deadline is not None and choice.deadline.year <= year:
            return f"结转后的完成时限应在{year + 1}年或以后"
    if choice.decision == Decision.CLOSE:
        if not choice.reason.strip():
            return "关闭需要写明理由"
        if transition_for(Action.WITHDRAW, item.status, accepted=accepted) is None:
            return f"状态为“{item.get_status_display()}”，请先办结或退回办结申请，不能直接关闭"
    return ""


def year_close(
    *, actor: User | None, region: Region, year: int, as_of: date, plan: Plan, dry_run: bool = False
) -> ClosingOutcome:
    """Close `year` of `region`: every unfinished item as `plan` says, all or nothing.

    Items already carried or closed are no longer unfinished, so closing again does nothing more.
    A plan naming an item that is not unfinished, a changed version or a choice the life cycle does
    not allow refuses the whole closing, naming every item concerned. `actor` None: the command line.
    """
    ensure(actor is None or can_close_year(actor, region), "只有本县督查办可以进行年度结转。")
    ensure(as_of >= earliest_closing(year), f"{year}年度最早在{year}年12月1日进行结转。", ServiceError)
    with transaction.atomic():
        items = list(
            year_unfinished(region=region, year=year)
            .select_for_update(of=("self",))
            .prefetch_related("milestones", "support_units")
        )
        codes = {item.code for item in items}
        unknown = sorted(set(plan.choices) - codes)
        problems = [f"{code}：不是{region.name}{year}年度未完成的事项" for code in unknown]
        lines = []
        for item in items:
            choice = plan.for_item(item)
            refusal = _refusal(item, choice, year)
            if refusal:
                problems.append(f"{item.code}「{item.title}」：{refusal}")
            lines.append(Line(item, choice))
        if problems:
            error = Conflict if any("已被修改" in p for p in problems) else ServiceError
            raise error("没有结转任何事项。" + "；".join(problems) + "。")
        outcome = ClosingOutcome(year=year, lines=lines, dry_run=dry_run)
        if dry_run or not (outcome.carried or outcome.closed):
            return outcome
        outcome.lines = [_apply(actor=actor, line=line, year=year, as_of=as_of) for line in lines]
        YearClosing.objects.create(
            region=region,
            year=year,
            as_of=as_of,
            carried=len(outcome.carried),
            closed=len(outcome.closed),
            closed_by=actor,
            created_at=clock.now(),
        )
        touched = [line.item.pk for line in outcome.lines if line.choice.decision != Decision.KEEP]
        touched += [line.new_item.pk for line in outcome.carried if line.new_item]
        items_changed_on_commit(item_ids=touched, as_of=as_of)
    return outcome


def _apply(*, actor: User | None, line: Line, year: int, as_of: date) -> Line:
    item, choice = line.item, line.choice
    if choice.decision == Decision.KEEP:
        return line
    reason = choice.reason.strip()
    new: Item | None = None
    if choice.decision == Decision.CARRY:
        new = _carry(actor=actor, item=item, choice=choice, year=year, as_of=as_of)
        action, target, kind = Action.REPLACE, Status.REPLACED, EventKind.REPLACED
        note = f"年度结转：转入{year + 1}年度，接续事项 {new.code}" + (f"。{reason}" if reason else "")
        data: dict[str, Any] = {"carried_to": new.pk, "successor": new.pk, "successor_code": new.code}
        item.replaced_by = new
    else:
        action, target, kind = Action.WITHDRAW, Status.WITHDRAWN, EventKind.WITHDRAWN
        note, data = f"{year}年度关闭：{reason}", {"year_closed": year}
    assert transition_for(action, item.status, accepted=item.accepted_on is not None) is not None
    from_status = item.status
    item.status = target
    item.status_before_suspension = ""
    item.version = F("version") + 1
    item.updated_at = clock.now()
    item.save()
    item.refresh_from_db(fields=["version"])
    item_event_record(
        item=item, actor=actor, kind=kind, from_status=from_status, to_status=target, note=note, data=data
    )
    notice_publish(
        Audience(unit_id=item.lead_unit_id),
        title=f"{item.code}「{item.title}」{'结转' if new else '年度关闭'}",
        body=note,
        item_id=(new or item).pk,
        actor_id=getattr(actor, "pk", None),
    )
    return replace(line, new_item=new)


def _carry(*, actor: User | None, item: Item, choice: Choice, year: int, as_of: date) -> Item:
    deadline = choice.deadline or carried_deadline(item, year)
    data = ItemInput(
        title=item.title,
        year=year + 1,
        kind=item.kind,
        source=item.source,
        description=item.description,
        patron_leader=item.patron_leader,
        lead_unit=item.lead_unit,
        support_units=list(item.support_units.all()),
        responsible_person=item.responsible_person,
        planned_start=min(date(year + 1, 1, 1), deadline),
        deadline=deadline,
        measure=item.measure,
        target_value=item.target_value,
        value_unit=item.value_unit,
        target_text=item.target_text,
        report_cycle=item.report_cycle,
        report_due_day=item.report_due_day,
        milestones=_carried_milestones(item, year, choice.milestones),
    )
    new = item_create(actor=actor, region=item.region, data=data, status=Status.ASSIGNED)
    Item.objects.filter(pk=new.pk).update(assigned_on=as_of)
    new.assigned_on = as_of
    Carryover.objects.create(from_item=item, to_item=new, created_by=actor, created_at=clock.now())
    item_event_record(
        item=new,
        actor=actor,
        kind=EventKind.ASSIGNED,
        to_status=Status.ASSIGNED,
        note=f"由{year}年度事项 {item.code} 结转，继续交办{item.lead_unit}",
        data={"carried_from": item.pk, "carried_from_code": item.code},
    )
    return new


# ---------------------------------------------------------------------------------------------
# The next year's rule set


@transaction.atomic
def year_rules_copy(*, actor: User | None, region: Region, year: int) -> YearRules:
    """Start `year` with the region's current warning rules: a new version, noted for the year.
    Once per year: asking again returns the year's version."""
    ensure(actor is None or can_close_year(actor, region), "只有本县督查办可以准备下一年度的预警规则。")
    Region.objects.select_for_update().filter(pk=region.pk).first()
    existing = YearRules.objects.filter(region=region, year=year).select_related("rule_set").first()
    if existing is not None:
        return existing
    latest = current_rule_set(region)
    values = {name: getattr(latest, name) for name in RULE_FIELDS} if latest else {}
    source = f"沿用第{latest.version}版" if latest else "采用默认规则"
    rule_set = rule_set_save(
        actor=actor, region=region, values=values, note=f"{year}年度预警规则（{source}）"
    )
    return YearRules.objects.create(region=region, year=year, rule_set=rule_set, created_by=actor)


# ---------------------------------------------------------------------------------------------
# The next year's items from the 任务分解表


def breakdown_import(
    *,
    actor: User | None,
    region: Region,
    year: int,
    rows: Sequence[ItemInput],
    as_of: date,
    dry_run: bool,
) -> ImportOutcome:
    """The task breakdown table's rows as new items of `year`, from the 政府工作报告, all or nothing."""
    ensure(actor is None or rules.can_create_item(actor, region.pk), "只有督查办可以导入任务分解表。")
    for row in rows:
        row.source = Source.WORK_REPORT
        row.year = year
    return items_import(
        actor=actor, region=region, rows=list(rows), updates=[], assign=False, as_of=as_of, dry_run=dry_run
    )
