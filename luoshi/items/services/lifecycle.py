"""An item's life cycle: create, edit, and move it along (交办, 签收, 办结, 销号…)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from luoshi.core import clock
from luoshi.items import rules
from luoshi.items.hooks import Audience, items_assigned_on_commit, ledger_refusal, notice_publish
from luoshi.items.models import (
    ACTIVE_STATUSES,
    EventKind,
    Item,
    ItemEvent,
    Kind,
    Measure,
    Milestone,
    Source,
    Status,
    SupervisionAction,
    Verdict,
)
from luoshi.items.schedule import Cycle
from luoshi.items.services.base import (
    Conflict,
    NotAllowed,
    ServiceError,
    _describe,
    _describe_moment,
    _latest_report,
    _recolour,
    _validation_message,
    ensure,
    item_event_record,
)
from luoshi.items.services.reports import _refresh_progress
from luoshi.items.workflow import TRANSITIONS, Action, transition_for
from luoshi.org.models import Leader, Person, Region, Role, Unit, User


@dataclass
class MilestoneInput:
    name: str
    due: date
    done_on: date | None = None
    pk: int | None = None


@dataclass
class ItemInput:
    title: str
    year: int
    kind: str = Kind.TASK
    source: str = Source.MEETING
    code: str = ""
    description: str = ""
    patron_leader: Leader | None = None
    lead_unit: Unit | None = None
    support_units: Sequence[Unit] = ()
    responsible_person: Person | None = None
    planned_start: date | None = None
    deadline: date | None = None
    measure: str = Measure.PERCENT
    target_value: Decimal | None = None
    value_unit: str = ""
    target_text: str = ""
    report_cycle: str = Cycle.MONTHLY
    report_due_day: int = 25
    parent: Item | None = None
    milestones: Sequence[MilestoneInput] = field(default_factory=list)


ITEM_FIELDS = [f.name for f in fields(ItemInput) if f.name not in {"support_units", "milestones"}]
EDITABLE_FIELDS = [name for name in ITEM_FIELDS if name != "parent"]


def item_next_code(*, region: Region, year: int) -> str:
    prefix = f"DB-{year}-"
    codes = Item.objects.filter(region=region, code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix) :]) for code in codes if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _check_belongs(region: Region, data: ItemInput) -> None:
    """The item's leader, units and person must be of the item's region."""
    if data.patron_leader and data.patron_leader.region_id != region.pk:
        raise ServiceError(f"包抓领导{data.patron_leader.name}不是{region.name}的领导。")
    for unit in [data.lead_unit, *data.support_units]:
        if unit and unit.region_id != region.pk:
            raise ServiceError(f"{unit}不是{region.name}的单位。")
    if data.lead_unit and data.lead_unit in data.support_units:
        raise ServiceError(f"{data.lead_unit}已是牵头单位，不能同时作为配合单位。")
    person = data.responsible_person
    if person and person.unit and person.unit.region_id != region.pk:
        raise ServiceError(f"责任人{person.name}不是{region.name}的人员。")


def _save_item(item: Item) -> None:
    try:
        item.full_clean(exclude=["created_by"])
    except ValidationError as error:
        raise ServiceError(_validation_message(error)) from error
    item.save()


def _save_milestones(item: Item, milestones: Sequence[MilestoneInput]) -> None:
    keep = [m.pk for m in milestones if m.pk]
    item.milestones.exclude(pk__in=keep).delete()
    existing = {m.pk: m for m in item.milestones.all()}
    for order, milestone in enumerate(milestones, start=1):
        if milestone.pk in existing:
            row = existing[milestone.pk]
            row.name, row.due, row.done_on, row.sort_order = (
                milestone.name,
                milestone.due,
                milestone.done_on,
                order,
            )
            row.save()
        else:
            Milestone.objects.create(
                item=item, name=milestone.name, due=milestone.due, done_on=milestone.done_on, sort_order=order
            )


@transaction.atomic
def item_create(
    *,
    actor: User | None,
    region: Region,
    data: ItemInput,
    status: str = Status.DRAFT,
    origin_action: SupervisionAction | None = None,
    event_kind: EventKind = EventKind.CREATED,
) -> Item:
    """Create an item as a draft. `actor` None is the system (an import run from the command line)."""
    ensure(actor is None or rules.can_create_item(actor, region.pk), "只有督查办可以立项。")
    _check_belongs(region, data)
    item = Item(region=region, created_by=actor, status=status, origin_action=origin_action)
    for name in ITEM_FIELDS:
        setattr(item, name, getattr(data, name))
    chosen = item.code.strip()
    if chosen and Item.objects.filter(region=region, code=chosen).exists():
        raise ServiceError(f"编号 {chosen} 已被使用。")
    for _attempt in range(5):
        item.code = chosen or item_next_code(region=region, year=data.year)
        try:
            with transaction.atomic():
                _save_item(item)
            break
        except IntegrityError:
            if chosen:
                raise ServiceError(f"编号 {chosen} 已被使用。") from None
            item.pk = None  # another item took this number meanwhile: take the next one
    else:
        raise ServiceError("自动编号冲突，请重试。")
    item.support_units.set(data.support_units)
    _save_milestones(item, data.milestones)
    item_event_record(item=item, actor=actor, kind=event_kind, to_status=item.status)
    return item


def item_fields_apply(
    item: Item, data: ItemInput, names: Iterable[str], labels: Mapping[str, str] | None = None
) -> dict[str, list[str]]:
    """Set the fields `names` of `item` from `data`; what changed, described for the item's event
    (label → [old, new]), as an edit in the system and a row of an imported sheet both record it.
    `labels`: a ledger's own words for a field (a key project's target is its 年度计划投资)."""
    changes = {}
    for name in names:
        old, new = getattr(item, name), getattr(data, name)
        if old != new:
            label = (labels or {}).get(name) or str(getattr(Item._meta.get_field(name), "verbose_name", name))
            changes[label] = [_describe(old), _describe(new)]
            setattr(item, name, new)
    return changes


@transaction.atomic
def item_update(
    *,
    actor: User,
    item: Item,
    expected_version: int,
    data: ItemInput,
    as_of: date,
    labels: Mapping[str, str] | None = None,
) -> Item:
    """Edit an item. Refused with Conflict when someone changed it since `expected_version`.
    `labels` name fields as the item's ledger does, in the timeline (item_fields_apply).

    An edit that changes nothing (the same fields, units and milestones) saves nothing: the
    version stays, and neither the timeline nor the audit log has an entry for it."""
    if not rules.can_edit_item(actor, item):
        raise NotAllowed(rules.cannot_edit_reason(actor, item))
    item = Item.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if item.version != expected_version:
        raise _conflict(item)
    _check_belongs(item.region, data)
    names = [name for name in EDITABLE_FIELDS if name != "code" or data.code.strip()]
    changes = item_fields_apply(item, data, names, labels)
    old_support = set(item.support_units.all())
    if old_support != set(data.support_units):
        changes["配合单位"] = [
            "、".join(map(str, old_support)) or "（空）",
            "、".join(map(str, data.support_units)) or "（空）",
        ]
    if not changes and not _milestones_differ(item, data.milestones):
        return item
    # The row is locked; the condition still guards a database without row locks (SQLite).
    claimed = Item.objects.filter(pk=item.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        raise _conflict(item)
    item.version = expected_version + 1
    item.updated_at = clock.now()
    _save_item(item)
    item.support_units.set(data.support_units)
    _save_milestones(item, data.milestones)
    if changes:
        note = "；".join(f"{label}：{old} → {new}" for label, (old, new) in changes.items())
        item_event_record(
            item=item, actor=actor, kind=EventKind.UPDATED, note=note, data={"changes": changes}
        )
    _refresh_progress(item)
    _recolour([item], as_of)
    return item


def _conflict(item: Item) -> Conflict:
    latest = ItemEvent.objects.filter(item=item, actor__isnull=False).select_related("actor").first()
    who = f"{latest.actor}于{_describe_moment(latest.at)}" if latest and latest.actor else "他人"
    return Conflict(f"该事项已被{who}修改，你的修改没有保存。请刷新页面，在最新内容上重新修改。")


def _milestones_differ(item: Item, milestones: Sequence[MilestoneInput]) -> bool:
    """Whether saving `milestones` would change the item's: one added, removed, edited or moved."""
    stored = [(m.pk, m.name, m.due, m.done_on) for m in item.milestones.all()]
    return stored != [(m.pk, m.name, m.due, m.done_on) for m in milestones]


@transaction.atomic
def item_take(
    *,
    actor: User,
    item: Item,
    action: Action | str,
    as_of: date,
    reason: str = "",
    successor: Item | None = None,
    confirm_past_deadline: bool = False,
) -> Item:
    """Move an item along its life cycle: 交办, 签收, 退回, 申请办结, 办结, 销号, 暂缓, 恢复, 替换, 撤销.

    An item whose deadline is before `as_of` is overdue the day it is assigned: 交办 is refused
    unless the office confirms it with `confirm_past_deadline`."""
    item = (
        Item.objects.select_for_update(of=("self",))
        .select_related("region", "lead_unit", "patron_leader")
        .get(pk=item.pk)
    )
    action = Action(action)
    transition = transition_for(action, item.status, accepted=item.accepted_on is not None)
    label = TRANSITIONS[action].label
    ensure(transition is not None, f"事项当前状态为“{item.get_status_display()}”，不能{label}。")
    assert transition is not None
    if not rules.can_take(actor, item, action):
        raise NotAllowed(rules.cannot_take_reason(actor, item, transition))
    refused = ledger_refusal(item, action)
    ensure(not refused, refused, ServiceError)
    reason = reason.strip()
    ensure(not transition.needs_reason or reason, f"{label}需要写明理由。", ServiceError)
    from_status = item.status
    target = transition.target
    data: dict[str, object] = {}

    if action == Action.ASSIGN:
        ensure(item.lead_unit_id, "交办前必须明确牵头单位。", ServiceError)
        ensure(item.deadline, "交办前必须明确完成时限。", ServiceError)
        assert item.deadline is not None
        if item.deadline < as_of:
            ensure(
                confirm_past_deadline,
                f"完成时限{_describe(item.deadline)}已过，交办当天即为逾期。"
                "请修改完成时限，或勾选确认后交办。",
                ServiceError,
            )
            data["past_deadline_confirmed"] = True
            reason = reason or f"完成时限已过（{_describe(item.deadline)}），督查办确认后交办。"
        item.assigned_on = as_of
        item.accepted_on = None
    elif action == Action.ACCEPT:
        item.accepted_on = as_of
    elif action == Action.REQUEST_COMPLETION:
        ensure(_latest_report(item), "申请办结前请先报送完成情况和佐证材料。", ServiceError)
    elif action == Action.COMPLETE:
        latest = _latest_report(item)
        verification = getattr(latest, "verification", None) if latest else None
        ensure(
            verification is not None and verification.verdict == Verdict.TRUE,
            "办结前，督查办必须核实最新一期进度报告并确认属实。",
            ServiceError,
        )
        item.completed_on = as_of
    elif action == Action.SUSPEND:
        item.status_before_suspension = item.status
    elif action == Action.RESUME:
        target = item.status_before_suspension or Status.IN_PROGRESS
        item.status_before_suspension = ""
    elif action == Action.REPLACE:
        ensure(successor is not None, "替换需要指明接替的事项。", ServiceError)
        assert successor is not None
        ensure(successor.pk != item.pk, "不能用事项替换它自己。", ServiceError)
        ensure(successor.region_id == item.region_id, "接替的事项必须属于同一行政区。", ServiceError)
        ensure(
            successor.status not in {Status.REPLACED, Status.WITHDRAWN},
            "接替的事项已被替换或撤销。",
            ServiceError,
        )
        item.replaced_by = successor

    assert target is not None
    item.status = target
    item.version = F("version") + 1
    item.updated_at = clock.now()
    item.save()
    item.refresh_from_db(fields=["version"])
    if successor:
        data |= {"successor": successor.pk, "successor_code": successor.code}
    item_event_record(
        item=item,
        actor=actor,
        kind=transition.event,
        from_status=from_status,
        to_status=target,
        note=reason,
        data=data,
    )
    _notify_transition(item=item, actor=actor, action=action, reason=reason)
    if action == Action.ASSIGN:
        items_assigned_on_commit(item_ids=[item.pk], at=item.updated_at)
    _refresh_progress(item)  # a 完成与否 item shows 100% once completed
    _recolour([item, *([successor] if successor else [])], as_of)
    return item


@transaction.atomic
def item_complete_on_record(*, actor: User, item: Item, on: date, note: str, as_of: date) -> Item:
    """办结 an item on a fact its ledger's office records itself, on the day of that fact (a title
    awarded, an on-site meeting held): the office's record is the verification, so no request from
    the unit and no verified report are asked. Only the office of the item's region, and only an
    item still being worked on (or suspended)."""
    item = (
        Item.objects.select_for_update(of=("self",))
        .select_related("region", "lead_unit", "patron_leader")
        .get(pk=item.pk)
    )
    if not rules.is_supervisor_of(actor, item.region_id):
        raise NotAllowed(rules.office_only_reason(actor, item, "办结这个事项"))
    ensure(
        item.status in ACTIVE_STATUSES | {Status.SUSPENDED},
        f"事项当前状态为“{item.get_status_display()}”，不能办结。",
        ServiceError,
    )
    note = note.strip()
    ensure(note, "办结需要写明依据。", ServiceError)
    from_status = item.status
    item.status, item.completed_on, item.status_before_suspension = Status.COMPLETED, on, ""
    item.version = F("version") + 1
    item.updated_at = clock.now()
    item.save()
    item.refresh_from_db(fields=["version"])
    item_event_record(
        item=item,
        actor=actor,
        kind=EventKind.COMPLETED,
        from_status=from_status,
        to_status=Status.COMPLETED,
        note=note,
        data={"on_record": on.isoformat()},
    )
    _notify_transition(item=item, actor=actor, action=Action.COMPLETE, reason=note)
    _refresh_progress(item)
    _recolour([item], as_of)
    return item


def _notify_assigned(
    *, unit_id: int | None, title: str, what: str, group_text: str, item_id: int | None, actor_id: int | None
) -> None:
    """New work for a unit. Signing for it (签收) is the unit head's: reporters hear of it without the ask."""
    notice_publish(
        Audience(unit_id=unit_id, roles=(Role.UNIT_HEAD,)),
        title=title,
        body=f"{what}。请单位负责人签收。",
        item_id=item_id,
        actor_id=actor_id,
        group_unit_id=unit_id,
        group_text=group_text,
    )
    notice_publish(
        Audience(unit_id=unit_id, roles=(Role.REPORTER,)),
        title=title,
        body=f"{what}。单位负责人签收后即可报送进度。",
        item_id=item_id,
        actor_id=actor_id,
    )


def _notify_transition(*, item: Item, actor: User, action: Action, reason: str) -> None:
    label = TRANSITIONS[action].label
    title = f"{item.code}「{item.title}」{label}"
    if action == Action.ASSIGN:
        deadline = _describe(item.deadline)
        _notify_assigned(
            unit_id=item.lead_unit_id,
            title=f"新交办事项：{item.title}",
            what=f"完成时限：{deadline}",
            group_text=f"编号 {item.code}，完成时限 {deadline}。请及时签收。",
            item_id=item.pk,
            actor_id=actor.pk,
        )
    elif action in (Action.DECLINE, Action.REQUEST_COMPLETION):
        notice_publish(
            Audience(supervisors_of_region=item.region_id),
            title=title,
            body=reason,
            item_id=item.pk,
            actor_id=actor.pk,
        )
    elif action in (
        Action.RETURN_COMPLETION,
        Action.COMPLETE,
        Action.CLOSE,
        Action.SUSPEND,
        Action.RESUME,
        Action.WITHDRAW,
        Action.REPLACE,
    ):
        notice_publish(
            Audience(unit_id=item.lead_unit_id), title=title, body=reason, item_id=item.pk, actor_id=actor.pk
        )
