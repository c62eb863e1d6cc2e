"""Many items at once, from a sheet read by luoshi.items.excel: new rows are created, rows with the
code of an existing item update it, the way the item's edit form does, at the version exported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Field, Model

from luoshi.audit.context import quiet as audit_quiet
from luoshi.audit.models import Action as AuditAction
from luoshi.audit.services import audit_record
from luoshi.core import clock
from luoshi.items import rules
from luoshi.items.hooks import items_assigned_on_commit
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

    def message(self, *, assigned: bool, dry_run: bool) -> str:
        """What the import page says when it is done."""
        if dry_run:
            rows = len(self.created) + len(self.updated) + len(self.unchanged)
            return f"检查通过：{rows} 项都可以导入，将{self.summary(assigned=assigned)}（尚未导入）。"
        return f"已导入：{self.summary(assigned=assigned)}。"


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

    All or nothing: one bad row refuses the whole import. Every row is checked in memory first,
    outside any transaction (items_import_check: the sheet's units, leaders and people come from the
    region's directory, the constraints are checked here and again by the database); then one
    short transaction writes everything in a few statements (items_import_write), so that the
    database is locked for the writing only. A dry run stops after the check: it tells what the
    import would do and writes nothing.
    """
    plan = items_import_check(
        actor=actor, region=region, rows=rows, assign=assign, as_of=as_of, updates=updates
    )
    if dry_run:
        return plan.outcome
    return items_import_write(plan)


@dataclass
class ImportPlan:
    """An import checked and ready to write: the new items built, the edits made in memory."""

    actor: User | None
    region: Region
    assign: bool
    as_of: date
    new: list[tuple[Item, ItemInput]]
    edits: _Edits

    @property
    def outcome(self) -> ImportOutcome:
        return ImportOutcome(
            created=[item for item, _row in self.new],
            updated=self.edits.updated,
            unchanged=self.edits.unchanged,
        )


def items_import_check(
    *,
    actor: User | None,
    region: Region,
    rows: Sequence[ItemInput],
    assign: bool,
    as_of: date,
    updates: Sequence[ItemUpdate] = (),
) -> ImportPlan:
    """Every row checked, with reads only: nothing is locked while this runs."""
    ensure(actor is None or rules.can_create_item(actor, region.pk), "只有督查办可以导入事项。")
    new = _items_build(actor=actor, region=region, rows=rows, assign=assign, as_of=as_of)
    edits = _items_edit(actor=actor, region=region, updates=updates)
    return ImportPlan(actor=actor, region=region, assign=assign, as_of=as_of, new=new, edits=edits)


def items_import_write(plan: ImportPlan) -> ImportOutcome:
    """Write a checked import in one transaction of batched statements, prepared before it."""
    new = _items_prepare(actor=plan.actor, new=plan.new, assign=plan.assign)
    done = f"新增 {len(plan.new)} 项{'并交办' if plan.assign else ''}，更新 {len(plan.edits.updated)} 项"
    try:
        with transaction.atomic(), audit_quiet():  # written in bulk: one row of the audit log
            _items_create(actor=plan.actor, new=new, assign=plan.assign, as_of=plan.as_of)
            _items_update(plan.edits, as_of=plan.as_of)
            audit_record(
                action=AuditAction.IMPORTED,
                actor=plan.actor,
                region=plan.region,
                summary=f"导入督办事项：{done}",
            )
    except IntegrityError as error:
        # The database's last defence, against what changed since the rows were checked (an item
        # added meanwhile with one of the sheet's codes).
        raise ServiceError("导入时与他人同时所做的修改冲突（例如编号已被占用），请重新导入。") from error
    return plan.outcome


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


@dataclass
class _Rows:
    """New rows of one table, their values adapted for the database before the write transaction
    (as alerts.services._update_changed does for updates), so that inside it only the database
    driver works: Django building 10,000 items' INSERTs took most of the time the lock was held.
    A row of an item's table names its item by index in `owners`; the id is known only inside."""

    model: type[Model]
    fields: list[Field[Any, Any]]
    values: list[list[Any]]
    owners: list[int] = field(default_factory=list)  # per row: its item's index among the new ones

    @classmethod
    def of(cls, model: type[Model], objects: Sequence[Model], owners: Sequence[int] = ()) -> _Rows:
        connection = connections[router.db_for_write(model)]
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        values = [
            [
                None if f.name == "item" else f.get_db_prep_save(getattr(obj, f.attname), connection)
                for f in fields
            ]
            for obj in objects
        ]
        return cls(model, fields, values, list(owners))

    def insert(self, ids: Sequence[int] | None = None, *, item_ids: Sequence[int] = ()) -> None:
        """Insert the rows: with `ids` as their own ids, with `item_ids` as their items'."""
        connection = connections[router.db_for_write(self.model)]
        quote = connection.ops.quote_name
        columns = [f.column for f in self.fields]
        values = self.values
        if self.owners:
            at = next(i for i, f in enumerate(self.fields) if f.name == "item")
            for row, owner in zip(values, self.owners, strict=True):
                row[at] = item_ids[owner]
        if ids is not None:
            columns.insert(0, self.model._meta.pk.column)
            values = [[pk, *row] for pk, row in zip(ids, values, strict=True)]
        # Names from the model's own meta, quoted by the backend; every value a parameter.
        table, names = quote(self.model._meta.db_table), ", ".join(quote(c) for c in columns)
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        with connection.cursor() as cursor:
            for start in range(0, len(values), BATCH):
                cursor.executemany(sql, values[start : start + BATCH])


def _new_ids(count: int) -> list[int]:
    """Ids for `count` new items, taken inside the write transaction."""
    connection = connections[router.db_for_write(Item)]
    quote = connection.ops.quote_name
    table, column = Item._meta.db_table, Item._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock from its start (transaction_mode IMMEDIATE),
        # so no other insert comes between; AUTOINCREMENT never reuses an id, hence its sequence.
        cursor.execute(
            f"SELECT MAX(n) FROM (SELECT seq AS n FROM sqlite_sequence WHERE name = %s "  # noqa: S608
            f"UNION ALL SELECT MAX({quote(column)}) FROM {quote(table)})",
            [table],
        )
        last = cursor.fetchone()[0] or 0
    return list(range(last + 1, last + count + 1))


@dataclass
class _New:
    """The new items of an import and their rows in every table, ready to insert."""

    items: list[Item]
    tables: list[_Rows]  # the items' own last


def _items_prepare(*, actor: User | None, new: Sequence[tuple[Item, ItemInput]], assign: bool) -> _New:
    """The rows the new items make, built before the write transaction."""
    items = [item for item, _row in new]
    if not items:
        return _New([], [])
    Support = Item.support_units.through
    supports = [
        (index, Support(unit=unit)) for index, (_item, row) in enumerate(new) for unit in row.support_units
    ]
    milestones = [
        (index, Milestone(name=m.name, due=m.due, done_on=m.done_on, sort_order=order))
        for index, (_item, row) in enumerate(new)
        for order, m in enumerate(row.milestones, start=1)
    ]
    now = clock.now()
    events = [
        (index, ItemEvent(actor=actor, kind=EventKind.IMPORTED, to_status=Status.DRAFT, at=now))
        for index in range(len(items))
    ]
    if assign:
        events += [
            (
                index,
                ItemEvent(
                    actor=actor,
                    kind=EventKind.ASSIGNED,
                    from_status=Status.DRAFT,
                    to_status=Status.ASSIGNED,
                    at=now,
                ),
            )
            for index in range(len(items))
        ]
    children = [
        _Rows.of(model, [obj for _index, obj in owned], [index for index, _obj in owned])
        for model, owned in ((Support, supports), (Milestone, milestones), (ItemEvent, events))
    ]
    return _New(items, [*children, _Rows.of(Item, items)])


def _items_create(*, actor: User | None, new: _New, assign: bool, as_of: date) -> None:
    items = new.items
    if not items:
        return
    *children, own = new.tables
    ids = _new_ids(len(items))
    own.insert(ids)
    for table in children:
        table.insert(item_ids=ids)
    for item, pk in zip(items, ids, strict=True):
        item.pk = pk
        item._state.adding, item._state.db = False, router.db_for_write(Item)
    if assign:
        items_assigned_on_commit(item_ids=ids, at=clock.now())
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
