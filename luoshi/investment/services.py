"""Writes to leads: one transaction each, through the stage machine (stages.py); a signed lead's
landing opened as an item through the items services; the daily watch (watch.py) tells people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from luoshi.investment import rules, stages
from luoshi.investment.models import KIND, FollowUp, IndustryChain, Lead, ListEntry, StageChange, TaskForce
from luoshi.investment.selectors import watched
from luoshi.investment.stages import Stage, StageRefused
from luoshi.investment.watch import LandingColour
from luoshi.items import rules as items_rules
from luoshi.items import services as items
from luoshi.items.models import Item, Source, Status
from luoshi.items.services import ItemInput, ServiceError, ensure
from luoshi.items.workflow import Action
from luoshi.notifications.delivery import notify, region_supervisors, unit_people
from luoshi.org.models import Person, Region, Unit, User

# The stage a date field records.
STAGE_DATES = {
    Stage.NEGOTIATING: "negotiating_on",
    Stage.SIGNED: "signed_on",
    Stage.LANDED: "landed_on",
    Stage.PRODUCING: "producing_on",
    Stage.LOST: "lost_on",
}
FINISHED = frozenset({Status.COMPLETED, Status.CLOSED, Status.REPLACED, Status.WITHDRAWN})
SETTLED = frozenset({Stage.LANDED, Stage.PRODUCING, Stage.LOST})  # no landing left to supervise
LANDING_DAYS = 60  # the time a landing item gives the unit, from the day it is opened
NEXT_STEP_DAYS = 366  # a next step further away is no next step
EARLIEST = date(2000, 1, 1)  # a first contact before it is a typing slip, not a lead


def _clean(obj: Any, *, exclude: tuple[str, ...] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise ServiceError("；".join(m for ms in error.message_dict.values() for m in ms)) from error


@dataclass
class LeadInput:
    company: str
    chain: IndustryChain
    contacted_on: date
    project: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    amount: Decimal | None = None
    task_force: TaskForce | None = None
    unit: Unit | None = None
    follower: Person | None = None
    lists: list[ListEntry] = field(default_factory=list)


@transaction.atomic
def lead_create(*, actor: User | None, region: Region, data: LeadInput, as_of: date | None = None) -> Lead:
    """Record a lead at its first contact. `actor` None is the system (the demo, an import).
    `as_of` is today: a first contact after it is refused (None: the caller dates its own past)."""
    ensure(actor is None or rules.can_manage(actor, region.pk), f"只有{region.name}督查办可以登记招商线索。")
    for owned in (data.chain, data.task_force, data.unit, *data.lists):
        ensure(owned is None or owned.region_id == region.pk, f"{owned}不是{region.name}的。", ServiceError)
    ensure(as_of is None or data.contacted_on <= as_of, "首次接触的日期不能晚于今天。", ServiceError)
    ensure(data.contacted_on >= EARLIEST, "首次接触的日期不能早于2000年，请检查。", ServiceError)
    _ensure_consistent(chain=data.chain, task_force=data.task_force, unit=data.unit, follower=data.follower)
    lead = Lead(region=region, stage=Stage.CONTACT, **{k: v for k, v in vars(data).items() if k != "lists"})
    _clean(lead)
    lead.save()
    lead.lists.set(data.lists)
    StageChange.objects.create(lead=lead, to_stage=Stage.CONTACT, on=data.contacted_on, actor=actor)
    return lead


def _ensure_consistent(
    *, chain: IndustryChain, task_force: TaskForce | None, unit: Unit | None, follower: Person | None
) -> None:
    """The follower works in the following unit; the task force is the lead's chain's."""
    if follower is not None:
        ensure(unit is not None, "请先选择跟进单位，跟进人须是该单位的人员。", ServiceError)
        ensure(
            unit is not None and follower.unit_id == unit.pk,
            f"跟进人{follower.name}不是{unit.short_name if unit else ''}的人员。",
            ServiceError,
        )
    if task_force is not None and task_force.chain_id is not None:
        ensure(
            task_force.chain_id == chain.pk,
            f"招商专班“{task_force.name}”不属于{chain.name}。",
            ServiceError,
        )


@transaction.atomic
def lead_move(
    *,
    actor: User | None,
    lead: Lead,
    target: Stage | str,
    on: date,
    reason: str = "",
    as_of: date | None = None,
) -> Lead:
    """Move a lead along its stages (stages.move), on the day it happened; lost needs a reason.
    `as_of` is today: a move dated after it is refused (None: the caller dates its own past)."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    ensure(actor is None or rules.can_follow_up(actor, lead), "只有跟进单位和督查办可以改变线索的阶段。")
    try:
        step = stages.move(lead.stage, target, reason=reason)
    except StageRefused as error:
        raise ServiceError(str(error)) from None
    ensure(as_of is None or on <= as_of, "阶段变化的日期不能晚于今天。", ServiceError)
    ensure(on >= lead.contacted_on, "阶段变化的日期不能早于首次接触。", ServiceError)
    latest = max(filter(None, (getattr(lead, name) for name in STAGE_DATES.values())), default=None)
    ensure(
        latest is None or on >= latest,
        f"阶段变化的日期不能早于上一次阶段变化（{latest:%Y年%-m月%-d日}）。" if latest else "",
        ServiceError,
    )
    lead.stage = step.target
    setattr(lead, STAGE_DATES[step.target], on)
    if step.target == Stage.LOST:
        lead.lost_reason = step.reason
    # A step the facts skipped takes the day of the step after it (signed at the first meeting).
    if step.target in stages.ROAD:
        skipped = stages.ROAD[stages.ROAD.index(step.source) + 1 : stages.ROAD.index(step.target)]
        for stage in skipped:
            if getattr(lead, STAGE_DATES[stage]) is None:
                setattr(lead, STAGE_DATES[stage], on)
    _clean(lead)
    lead.save()
    StageChange.objects.create(
        lead=lead, from_stage=step.source, to_stage=step.target, on=on, reason=step.reason, actor=actor
    )
    if step.target in SETTLED and lead.landing_item_id is not None:
        _landing_item_settle(actor=actor, lead=lead, on=on)
    return lead


def _landing_item_settle(*, actor: User | None, lead: Lead, on: date) -> None:
    """A lead that landed or was lost needs no landing item: the office withdraws it with the note
    (it may, so it is done at once); anyone else's move tells the office to settle it."""
    item = lead.landing_item
    if item is None or item.status in FINISHED:
        return
    note = (
        f"线索已流失（{on:%Y年%-m月%-d日}）：{lead.lost_reason}"
        if lead.stage == Stage.LOST
        else f"项目已于{on:%Y年%-m月%-d日}{stages.LABELS[Stage(lead.stage)]}，落地督办完成使命。"
    )
    if actor is not None and items_rules.can_take(actor, item, Action.WITHDRAW):
        items.item_take(actor=actor, item=item, action=Action.WITHDRAW, as_of=on, reason=note)
        return
    notify(
        region_supervisors(lead.region_id),
        item=item,
        title=f"{lead.company}的落地督办事项需要办结或撤销",
        body=f"{note}请督查办办结或撤销落地督办事项 {item.code}。",
        actor=actor,
    )


@transaction.atomic
def base_data_save(
    *, actor: User, region: Region, row: IndustryChain | TaskForce | ListEntry
) -> IndustryChain | TaskForce | ListEntry:
    """Create or change a row of the region's base data (an industry chain, a task force, a list
    entry); the audit log captures the change like every other write."""
    ensure(rules.can_manage(actor, region.pk), f"只有{region.name}督查办可以维护招商引资的基础数据。")
    ensure(row.pk is None or row.region_id == region.pk, f"这一条不是{region.name}的。", ServiceError)
    row.region = region
    for name in ("chain", "leader", "unit"):
        owned = getattr(row, name, None)
        ensure(owned is None or owned.region_id == region.pk, f"{owned}不是{region.name}的。", ServiceError)
    _clean(row)
    row.save()
    return row


@dataclass
class FollowUpInput:
    on: date
    kind: str
    summary: str
    next_step: str = ""
    next_on: date | None = None


@transaction.atomic
def follow_up_record(*, actor: User | None, lead: Lead, data: FollowUpInput, as_of: date) -> FollowUp:
    """A visit, call or meeting with the company, and the next step with its date."""
    ensure(actor is None or rules.can_follow_up(actor, lead), "只有跟进单位和督查办可以记录跟进情况。")
    ensure(
        Stage(lead.stage) in stages.OPEN,
        f"线索处于“{lead.get_stage_display()}”阶段，不再跟进。",
        ServiceError,
    )
    ensure(data.on <= as_of, "跟进日期不能晚于今天。", ServiceError)
    ensure(data.on >= lead.contacted_on, "跟进日期不能早于首次接触。", ServiceError)
    ensure(data.summary.strip(), "请写明跟进情况。", ServiceError)
    ensure(data.next_on is None or data.next_on >= data.on, "下一步日期不能早于跟进日期。", ServiceError)
    ensure(
        data.next_on is None or data.next_on <= data.on + timedelta(days=NEXT_STEP_DAYS),
        "下一步日期不能晚于跟进日期一年以后。",
        ServiceError,
    )
    follow_up = FollowUp(lead=lead, recorded_by=actor, **vars(data))
    _clean(follow_up, exclude=("recorded_by",))
    follow_up.save()
    return follow_up


@transaction.atomic
def landing_item_open(*, actor: User | None, lead: Lead, as_of: date) -> Item:
    """The item that supervises a signed lead's landing; opening it again returns the same one.
    The office opens it assigned to the following unit; the daily watch (`actor` None) opens it as
    a draft for the office to assign."""
    lead = (
        Lead.objects.select_for_update(of=("self",))
        .select_related("region", "task_force", "unit")
        .get(pk=lead.pk)
    )
    if lead.landing_item_id is not None:
        return Item.objects.get(pk=lead.landing_item_id)
    ensure(actor is None or rules.can_manage(actor, lead.region_id), "只有督查办可以建立落地督办事项。")
    ensure(lead.stage == Stage.SIGNED, "只有已签约、尚未落地的线索需要督办落地。", ServiceError)
    signed = f"{lead.signed_on:%Y年%-m月%-d日}" if lead.signed_on else ""
    item = items.item_create(
        actor=actor,
        region=lead.region,
        data=ItemInput(
            title=f"推动{lead.company}签约项目落地",
            year=as_of.year,
            kind=KIND,
            source=Source.OTHER,
            description=f"{lead.company}{lead.project}于{signed}签约，尚未落地。",
            patron_leader=lead.task_force.leader if lead.task_force else None,
            lead_unit=lead.unit,
            deadline=as_of + timedelta(days=LANDING_DAYS),
        ),
    )
    if actor is not None and lead.unit_id is not None:
        item = items.item_take(actor=actor, item=item, action=Action.ASSIGN, as_of=as_of)
    lead.landing_item = item
    lead.save(update_fields=["landing_item"])
    return item


@dataclass
class WatchSummary:
    reminded: int = 0
    warned: int = 0
    opened: int = 0


@transaction.atomic
def leads_watch(*, region: Region, as_of: date) -> WatchSummary:
    """The daily watch of a region's leads: remind the followers of leads gone quiet (once per
    quiet spell), tell the office and the unit when a signed lead turns yellow or red (once per
    colour), and at red open its landing item (once). Run twice on a day, it does nothing more."""
    summary = WatchSummary()
    open_leads = (
        Lead.objects.filter(region=region, stage__in=[s.value for s in stages.OPEN], contacted_on__lte=as_of)
        .select_related("unit", "follower")
        .annotate(last_follow_up_on=Max("follow_ups__on"))
        .order_by("pk")
    )
    office = region_supervisors(region.pk)
    for row in watched(open_leads, as_of=as_of):
        lead = row.lead
        quiet_since = max(filter(None, (lead.contacted_on, getattr(lead, "last_follow_up_on", None))))
        # One reminder per quiet spell: one sent since the spell fell due counts.
        due_since = quiet_since + timedelta(days=settings.LUOSHI_INVESTMENT_FOLLOW_UP_DAYS)
        if row.reminder and (lead.reminded_on is None or lead.reminded_on < due_since):
            notify(
                _followers(lead),
                item=None,
                title=f"招商线索“{lead.company}”需要跟进",
                body=f"{row.reminder.reason}。请联系企业并记录跟进情况。",
            )
            lead.reminded_on = as_of
            lead.save(update_fields=["reminded_on"])
            summary.reminded += 1
        warning = row.warning
        if warning is None or _rank(lead.landing_warning) >= _rank(warning.colour):
            continue
        lead.landing_warning = warning.colour.value
        lead.save(update_fields=["landing_warning"])
        summary.warned += 1
        body = f"{warning.reason}。"
        if warning.colour == LandingColour.RED:
            item = landing_item_open(actor=None, lead=lead, as_of=as_of)
            summary.opened += 1
            body += f"已建立落地督办事项 {item.code}（草稿），请督查办交办。"
        colour = "红色" if warning.colour == LandingColour.RED else "黄色"
        notify(
            [*office, *_followers(lead)],
            item=None,
            title=f"{colour}预警：{lead.company}签约未落地",
            body=body,
        )
    return summary


def _rank(colour: str) -> int:
    return {"": 0, LandingColour.YELLOW.value: 1, LandingColour.RED.value: 2}[colour]


def _followers(lead: Lead) -> list[User]:
    people = unit_people(lead.unit_id)
    if lead.follower_id:
        people += list(User.objects.filter(person_id=lead.follower_id, is_active=True))
    return people
