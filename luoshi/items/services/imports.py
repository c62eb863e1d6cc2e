"""Many items at once, from a sheet read by luoshi.items.excel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from luoshi.core import clock
from luoshi.items import rules
from luoshi.items.models import (
    EventKind,
    Item,
    ItemEvent,
    Milestone,
    Status,
)
from luoshi.items.services.base import (
    ServiceError,
    _recolour,
    _validation_message,
    ensure,
)
from luoshi.items.services.lifecycle import (
    ITEM_FIELDS,
    ItemInput,
    _check_belongs,
    _notify_assigned,
    item_next_code,
)
from luoshi.org.models import Region, User


@transaction.atomic
def items_import(
    *, actor: User | None, region: Region, rows: Sequence[ItemInput], assign: bool, as_of: date
) -> list[Item]:
    """Create many items at once (a sheet read by excel.read_sheet), in bulk, events included.

    All or nothing: one bad row refuses the whole import.
    """
    ensure(actor is None or rules.can_create_item(actor, region.pk), "只有督查办可以导入事项。")
    taken = set(Item.objects.filter(region=region).values_list("code", flat=True))
    next_number: dict[int, int] = {}
    items = []
    for index, row in enumerate(rows, start=1):
        _check_belongs(region, row)
        if assign:
            ensure(
                row.lead_unit and row.deadline,
                f"第{index}个事项缺少牵头单位或完成时限，不能交办。",
                ServiceError,
            )
        item = Item(
            region=region,
            created_by=actor,
            status=Status.ASSIGNED if assign else Status.DRAFT,
            assigned_on=as_of if assign else None,
        )
        for name in ITEM_FIELDS:
            setattr(item, name, getattr(row, name))
        code = row.code.strip()
        if not code:
            if row.year not in next_number:
                next_number[row.year] = int(item_next_code(region=region, year=row.year).rsplit("-", 1)[1])
            while f"DB-{row.year}-{next_number[row.year]:04d}" in taken:
                next_number[row.year] += 1
            code = f"DB-{row.year}-{next_number[row.year]:04d}"
        ensure(code not in taken, f"编号 {code} 已被使用。", ServiceError)
        taken.add(code)
        item.code = code
        try:
            item.full_clean(exclude=["created_by"], validate_unique=False)
        except ValidationError as error:
            raise ServiceError(f"第{index}个事项（{row.title}）：{_validation_message(error)}") from error
        items.append(item)
    Item.objects.bulk_create(items)
    Support = Item.support_units.through
    Support.objects.bulk_create(
        [
            Support(item=item, unit=unit)
            for item, row in zip(items, rows, strict=True)
            for unit in row.support_units
        ]
    )
    Milestone.objects.bulk_create(
        [
            Milestone(item=item, name=m.name, due=m.due, done_on=m.done_on, sort_order=order)
            for item, row in zip(items, rows, strict=True)
            for order, m in enumerate(row.milestones, start=1)
        ]
    )
    now = clock.now()
    events = [
        ItemEvent(item=item, actor=actor, kind=EventKind.IMPORTED, to_status=Status.DRAFT, at=now)
        for item in items
    ]
    if assign:
        events += [
            ItemEvent(
                item=item,
                actor=actor,
                kind=EventKind.ASSIGNED,
                from_status=Status.DRAFT,
                to_status=Status.ASSIGNED,
                at=now,
            )
            for item in items
        ]
    ItemEvent.objects.bulk_create(events)
    if assign:
        by_unit: dict[int, list[Item]] = {}
        for item in items:
            by_unit.setdefault(item.lead_unit_id, []).append(item)  # type: ignore[arg-type]
        for unit_items in by_unit.values():
            unit = unit_items[0].lead_unit
            titles = "；".join(i.title for i in unit_items[:10]) + ("等" if len(unit_items) > 10 else "")
            _notify_assigned(
                unit_id=unit.pk if unit else None,
                title=f"新交办事项 {len(unit_items)} 项",
                what=titles,
                group_text=titles,
                item_id=None,
                actor_id=actor.pk if actor else None,
            )
        _recolour(items, as_of)
    return items
