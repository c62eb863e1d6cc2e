"""Many items at once, from a sheet read by luoshi.items.excel: new rows are created, rows with the
code of an existing item update it, the way the item's edit form does, at the version exported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from luoshi.audit.context import quiet as audit_quiet
from luoshi.audit.models import Action as AuditAction
from luoshi.audit.services import audit_record
from luoshi.core import clock
from luoshi.items import rules
from luoshi.items.models import (
    DONE_STATUSES,
    EventKind,
    Item,
    ItemEvent,
    Measure,
    Milestone,
    Status,
)
from luoshi.items.services.base import (
    Conflict,
    ServiceError,
    _describe,
    _recolour,
    _validation_message,
    ensure,
)
from luoshi.items.services.lifecycle import (
    EDITABLE_FIELDS,
    ITEM_FIELDS,
    ItemInput,
    MilestoneInput,
    _check_belongs,
    _notify_assigned,
    item_fields_apply,
    item_next_code,
)
from luoshi.items.services.reports import _refresh_progress
from luoshi.org.models import Region, Unit, User

# What an import may not change: an item that ended, or left the ledger, is edited by nobody.
FROZEN_STATUSES = DONE_STATUSES | {Status.REPLACED, Status.WITHDRAWN}
BATCH = 500


@dataclass(frozen=True)
class ItemUpdate:
    """A sheet row with the code of an existing item: edit `item`, as exported at `expected_version`.

    `fields` names the ItemInput fields the sheet has columns for; the item keeps the others.
    """

    item: Item
    expected_version: int
    data: ItemInput
    fields: frozenset[str]
    row: int = 0  # the row of the sheet, for messages

    @property
    def label(self) -> str:
        return f"第{self.row}行 {self.item.code}" if self.row else self.item.code


@dataclass
class ImportOutcome:
    created: list[Item] = field(default_factory=list)
    updated: list[Item] = field(default_factory=list)
    unchanged: list[Item] = field(default_factory=list)

    def summary(self, *, assigned: bool) -> str:
        """新增 2 项（草稿），更新 1 项，4 项无变化"""
        parts = []
        if self.created:
            parts.append(f"新增 {len(self.created)} 项" + ("并交办" if assigned else "（草稿）"))
        if self.updated:
            parts.append(f"更新 {len(self.updated)} 项")
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} 项无变化")
        return "，".join(parts) or "没有事项"


def items_import(
    *,
    actor: User | None,
    region: Region,
    rows: Sequence[ItemInput],
    assign: bool,
    as_of: date,
    updates: Sequence[ItemUpdate] = (),
    dry_run: bool = False,
) -> ImportOutcome:
    """Create the new items of a sheet read by excel.read_sheet and update the existing ones, in
    bulk, events included. `actor` None is the system (an import run from the command line).

    All or nothing: one bad row refuses the whole import. Every row is checked in memory first
    (the sheet's units, leaders and people come from the region's directory, the constraints are
    checked here and again by the database); then one short transaction writes everything in a
    few statements. A dry run does it all and rolls it back, to tell what the import would do.
    """
    ensure(actor is None or rules.can_create_item(actor, region.pk), "只有督查办可以导入事项。")
    new = _items_build(actor=actor, region=region, rows=rows, assign=assign, as_of=as_of)
    edits = _items_edit(actor=actor, region=region, updates=updates)
    try:
        with transaction.atomic(), audit_quiet():  # written in bulk: one row of the audit log
            _items_create(actor=actor, new=new, assign=assign, as_of=as_of)
            _items_update(edits, as_of=as_of)
            done = f"新增 {len(new)} 项{'并交办' if assign else ''}，更新 {len(edits.updated)} 项"
            audit_record(
                action=AuditAction.IMPORTED, actor=actor, region=region, summary=f"导入督办事项：{done}"
            )
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:
        # The database's last defence, against what changed since the rows were checked (an item
        # added meanwhile with one of the sheet's codes).
        raise ServiceError("导入时与他人同时所做的修改冲突（例如编号已被占用），请重新导入。") from error
    return ImportOutcome(
        created=[item for item, _row in new], updated=edits.updated, unchanged=edits.unchanged
    )


def _items_build(
    *, actor: User | None, region: Region, rows: Sequence[ItemInput], assign: bool, as_of: date
) -> list[tuple[Item, ItemInput]]:
    """The new items, checked in memory: codes given or numbered, fields, constraints."""
    if not rows:
        return []
    taken = set(Item.objects.filter(region=region).values_list("code", flat=True))
    next_number: dict[int, int] = {}
    new = []
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
            _item_clean(item)
        except ValidationError as error:
            raise ServiceError(f"第{index}个事项（{row.title}）：{_validation_message(error)}") from error
        new.append((item, row))
    return new


# Checked in memory, field by field: the foreign keys come from the region's directory (and
# _check_belongs), the constraints spanning fields are checked below, and again by the database.
_FOREIGN_KEYS = [f.name for f in Item._meta.concrete_fields if f.is_relation]


def _item_clean(item: Item) -> None:
    """Item.full_clean without its queries: one per foreign key and per constraint, for every row
    of a sheet. The fields are checked as full_clean checks them; the unique code by the caller;
    the check constraints an import can break, here (the database checks them all again)."""
    item.clean_fields(exclude=[*_FOREIGN_KEYS, "created_by"])
    item.clean()
    if item.planned_start and item.deadline and item.planned_start > item.deadline:
        raise ValidationError({"planned_start": "计划开始晚于完成时限。"})
    if item.status not in (Status.DRAFT, Status.WITHDRAWN) and not (item.lead_unit_id and item.deadline):
        raise ValidationError({"lead_unit": "交办的事项需要牵头单位和完成时限。"})


def _items_create(
    *, actor: User | None, new: Sequence[tuple[Item, ItemInput]], assign: bool, as_of: date
) -> None:
    if not new:
        return
    items = [item for item, _row in new]
    Item.objects.bulk_create(items, batch_size=BATCH)
    Support = Item.support_units.through
    Support.objects.bulk_create(
        [Support(item=item, unit=unit) for item, row in new for unit in row.support_units], batch_size=BATCH
    )
    Milestone.objects.bulk_create(
        [
            Milestone(item=item, name=m.name, due=m.due, done_on=m.done_on, sort_order=order)
            for item, row in new
            for order, m in enumerate(row.milestones, start=1)
        ],
        batch_size=BATCH,
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
    ItemEvent.objects.bulk_create(events, batch_size=BATCH)
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


@dataclass
class _Edits:
    """The rows updating existing items, as checked against the items read before the transaction."""

    updates: dict[int, ItemUpdate] = field(default_factory=dict)  # by item, the rows that change it
    updated: list[Item] = field(default_factory=list)
    unchanged: list[Item] = field(default_factory=list)
    events: list[ItemEvent] = field(default_factory=list)
    supports: list[tuple[Item, Sequence[Unit]]] = field(default_factory=list)
    milestones: list[tuple[Item, list[MilestoneInput]]] = field(default_factory=list)
    stale_progress: list[int] = field(default_factory=list)


def _items_edit(*, actor: User | None, region: Region, updates: Sequence[ItemUpdate]) -> _Edits:
    """Edit existing items as item_update does, in memory: the same rules, version check and event.

    The items the sheet leaves as they were keep their version. _items_update writes the edits
    after checking, under lock, that nobody changed the items meanwhile.
    """
    edits = _Edits()
    if not updates:
        return edits
    current = {
        item.pk: item
        for item in Item.objects.filter(region=region, pk__in=[update.item.pk for update in updates])
        .select_related("lead_unit", "patron_leader__person", "responsible_person")
        .prefetch_related("support_units", "milestones")
    }
    now = clock.now()
    seen: set[int] = set()
    for update in updates:
        item = current.get(update.item.pk)
        ensure(item is not None, f"{update.label}：本县没有这个事项。", ServiceError)
        assert item is not None
        ensure(item.pk not in seen, f"{update.label}：这个事项在表格中出现了不止一次。", ServiceError)
        seen.add(item.pk)
        ensure(
            item.status not in FROZEN_STATUSES,
            f"{update.label}：事项{item.get_status_display()}，不能通过导入修改。",
            ServiceError,
        )
        ensure(actor is None or rules.can_edit_item(actor, item), "只有督查办可以修改事项。")
        if item.version != update.expected_version:
            raise Conflict(_version_refusal(update.label, update.expected_version, item.version))
        try:
            _check_belongs(region, update.data)
        except ServiceError as error:
            raise ServiceError(f"{update.label}：{error.message}") from error
        names = [name for name in EDITABLE_FIELDS if name != "code" and name in update.fields]
        changes = item_fields_apply(item, update.data, names)
        if "support_units" in update.fields and set(item.support_units.all()) != set(
            update.data.support_units
        ):
            changes["配合单位"] = [
                "、".join(map(str, item.support_units.all())) or "（空）",
                "、".join(map(str, update.data.support_units)) or "（空）",
            ]
            edits.supports.append((item, update.data.support_units))
        if "milestones" in update.fields:
            milestones = list(item.milestones.all())
            if _milestone_text(milestones) != _milestone_text(update.data.milestones):
                changes["节点"] = [_milestone_text(milestones), _milestone_text(update.data.milestones)]
                edits.milestones.append((item, _matched(milestones, update.data.milestones)))
        if not changes:
            edits.unchanged.append(item)
            continue
        if item.planned_start and item.deadline and item.planned_start > item.deadline:
            raise ServiceError(f"{update.label}：计划开始晚于完成时限。")
        try:
            item.full_clean(
                exclude=[*_FOREIGN_KEYS, "created_by"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            raise ServiceError(f"{update.label}：{_validation_message(error)}") from error
        item.version = update.expected_version + 1
        item.updated_at = now
        edits.updates[item.pk] = update
        edits.updated.append(item)
        if {"衡量方式", "目标值"} & changes.keys() or (
            "节点" in changes and item.measure == Measure.MILESTONES
        ):
            edits.stale_progress.append(item.pk)
        note = "；".join(f"{label}：{old} → {new}" for label, (old, new) in changes.items())
        edits.events.append(
            ItemEvent(
                item=item, actor=actor, kind=EventKind.UPDATED, note=note, data={"changes": changes}, at=now
            )
        )
    return edits


def _items_update(edits: _Edits, *, as_of: date) -> None:
    """Write the edits, once the items are locked and found as they were read."""
    if not edits.updated:
        return
    locked = {
        pk: (version, status)
        for pk, version, status in Item.objects.select_for_update()
        .filter(pk__in=edits.updates)
        .values_list("pk", "version", "status")
    }
    for pk, update in edits.updates.items():
        version, status = locked[pk]
        if version != update.expected_version:
            raise Conflict(_version_refusal(update.label, update.expected_version, version))
        ensure(
            status not in FROZEN_STATUSES,
            f"{update.label}：事项{Status(status).label}，不能通过导入修改。",
            ServiceError,
        )
    written = [name for name in EDITABLE_FIELDS if name != "code"]
    Item.objects.bulk_update(edits.updated, [*written, "version", "updated_at"], batch_size=BATCH)
    Support = Item.support_units.through
    Support.objects.filter(item_id__in=[item.pk for item, _units in edits.supports]).delete()
    Support.objects.bulk_create(
        [Support(item=item, unit=unit) for item, units in edits.supports for unit in units], batch_size=BATCH
    )
    _milestones_save(edits.milestones)
    ItemEvent.objects.bulk_create(edits.events, batch_size=BATCH)
    # The progress an item shows follows its measure, target and (measured by them) milestones.
    for item in Item.objects.filter(pk__in=edits.stale_progress).prefetch_related("milestones"):
        _refresh_progress(item)
    _recolour(edits.updated, as_of)


def _version_refusal(label: str, exported: int, current: int) -> str:
    if exported < current:
        return f"{label}：导出后已在系统中被修改（版本{exported}→{current}），请重新导出后再改。"
    return f"{label}：表格中的版本{exported}与系统中的版本{current}不符，请重新导出后再改。"


def _milestone_text(milestones: Sequence[Milestone | MilestoneInput]) -> str:
    return "；".join(f"{m.name}：{_describe(m.due)}" for m in milestones) or "（空）"


def _matched(current: Sequence[Milestone], wanted: Sequence[MilestoneInput]) -> list[MilestoneInput]:
    """The sheet's milestones as the edit form gives them: one the item has already (the same name,
    the same date first) keeps its row and what was done; the others are new."""
    free = list(current)
    matched = []
    for milestone in wanted:
        same = next((m for m in free if (m.name, m.due) == (milestone.name, milestone.due)), None) or next(
            (m for m in free if m.name == milestone.name), None
        )
        if same is not None:
            free.remove(same)
        matched.append(
            MilestoneInput(
                name=milestone.name,
                due=milestone.due,
                done_on=same.done_on if same else milestone.done_on,
                pk=same.pk if same else None,
            )
        )
    return matched


def _milestones_save(plans: Sequence[tuple[Item, list[MilestoneInput]]]) -> None:
    """lifecycle._save_milestones for many items: the rows kept are updated, the rest deleted."""
    if not plans:
        return
    keep = {m.pk for _item, wanted in plans for m in wanted if m.pk}
    Milestone.objects.filter(item__in=[item for item, _wanted in plans]).exclude(pk__in=keep).delete()
    kept: list[Milestone] = []
    new: list[Milestone] = []
    for item, wanted in plans:
        for order, m in enumerate(wanted, start=1):
            row = Milestone(pk=m.pk, item=item, name=m.name, due=m.due, done_on=m.done_on, sort_order=order)
            (kept if m.pk else new).append(row)
    Milestone.objects.bulk_update(kept, ["name", "due", "done_on", "sort_order"], batch_size=BATCH)
    Milestone.objects.bulk_create(new, batch_size=BATCH)
