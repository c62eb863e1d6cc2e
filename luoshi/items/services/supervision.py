"""Leader instructions (领导批示) and supervision actions (督办), which can open rectification items."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from luoshi.core import clock
from luoshi.items import rules
from luoshi.items.hooks import Audience, notice_publish
from luoshi.items.models import (
    EventKind,
    Instruction,
    Item,
    Kind,
    Source,
    SupervisionAction,
)
from luoshi.items.services.base import (
    NotAllowed,
    ServiceError,
    _validation_message,
    ensure,
    item_event_record,
)
from luoshi.items.services.lifecycle import (
    ItemInput,
    item_create,
    item_take,
)
from luoshi.items.workflow import Action
from luoshi.org.models import Leader, Region, Unit, User


@transaction.atomic
def instruction_give(*, actor: User, item: Item, text: str, as_of: date) -> Instruction:
    ensure(rules.can_instruct(actor, item), "只有本县领导可以批示。")
    leader = Leader.objects.filter(person__user=actor, region_id=item.region_id).first()
    if leader is None:
        raise NotAllowed("你的账号没有对应的领导信息，请联系管理员。")
    ensure(text.strip(), "请填写批示内容。", ServiceError)
    instruction = Instruction.objects.create(
        item=item, leader=leader, text=text.strip(), given_on=as_of, author=actor
    )
    item_event_record(
        item=item,
        actor=actor,
        kind=EventKind.INSTRUCTED,
        note=text.strip(),
        data={"instruction": instruction.pk},
    )
    notice_publish(
        Audience(unit_id=item.lead_unit_id),
        title=f"{leader.name}批示：{item.title}",
        body=text.strip(),
        item_id=item.pk,
        actor_id=actor.pk,
        group_unit_id=item.lead_unit_id,
    )
    return instruction


@transaction.atomic
def instruction_acknowledge(*, actor: User, instruction: Instruction) -> Instruction:
    instruction = (
        Instruction.objects.select_for_update(of=("self",)).select_related("item").get(pk=instruction.pk)
    )
    ensure(rules.can_acknowledge_instruction(actor, instruction.item), "只有牵头单位可以确认阅知批示。")
    if instruction.acknowledged_at is None:
        instruction.acknowledged_by = actor
        instruction.acknowledged_at = clock.now()
        instruction.save(update_fields=["acknowledged_by", "acknowledged_at"])
        item_event_record(
            item=instruction.item,
            actor=actor,
            kind=EventKind.INSTRUCTION_ACKNOWLEDGED,
            note=instruction.text[:100],
        )
    return instruction


@transaction.atomic
def supervision_action_record(
    *,
    actor: User,
    region: Region,
    kind: str,
    title: str,
    held_on: date,
    items: Sequence[Item] = (),
    units: Sequence[Unit] = (),
    findings: str = "",
    demands: str = "",
    respond_by: date | None = None,
) -> SupervisionAction:
    ensure(rules.can_record_supervision(actor, region.pk), "只有督查办可以记录督办。")
    for item in items:
        ensure(item.region_id == region.pk, f"{item.code}不是{region.name}的事项。", ServiceError)
    for unit in units:
        ensure(unit.region_id == region.pk, f"{unit}不是{region.name}的单位。", ServiceError)
    action = SupervisionAction(
        region=region,
        kind=kind,
        title=title.strip(),
        held_on=held_on,
        findings=findings.strip(),
        demands=demands.strip(),
        respond_by=respond_by,
        created_by=actor,
    )
    try:
        action.full_clean(exclude=["region", "created_by"])
    except ValidationError as error:
        raise ServiceError(_validation_message(error)) from error
    action.save()
    action.items.set(items)
    involved = set(units) | {item.lead_unit for item in items if item.lead_unit}
    action.units.set(involved)
    for item in items:
        item_event_record(
            item=item,
            actor=actor,
            kind=EventKind.SUPERVISED,
            note=f"{action.get_kind_display()}：{action.title}",
            data={"action": action.pk},
        )
    body = "；".join(part for part in (action.findings, action.demands) if part)
    for unit in involved:
        notice_publish(
            Audience(unit_id=unit.pk),
            title=f"{action.get_kind_display()}：{action.title}",
            body=body,
            actor_id=actor.pk,
        )
    return action


@transaction.atomic
def supervision_action_open_item(
    *, actor: User, action: SupervisionAction, data: ItemInput, assign: bool, as_of: date
) -> Item:
    """Open a rectification item (问题整改) for a problem the supervision found."""
    data.kind = Kind.RECTIFICATION
    data.source = Source.INSPECTION
    item = item_create(actor=actor, region=action.region, data=data, origin_action=action)
    action.items.add(item)
    if assign:
        item = item_take(actor=actor, item=item, action=Action.ASSIGN, as_of=as_of)
    return item
