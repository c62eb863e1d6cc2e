"""Writes to enterprises: the month's tax list (all or nothing) and a candidate's cultivation item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from luoshi.audit.models import Action
from luoshi.audit.services import audit_record
from luoshi.enterprises.excel import TaxRow
from luoshi.enterprises.models import KIND, CultivationTarget, Enterprise, TaxRecord, Threshold
from luoshi.enterprises.rules import can_manage
from luoshi.items import services as items
from luoshi.items.models import Item, Source
from luoshi.items.services import ItemInput, ServiceError, ensure
from luoshi.items.workflow import Action as ItemAction
from luoshi.org.models import Region, User


@dataclass(frozen=True)
class TaxCounts:
    new: int
    changed: int
    unchanged: int

    def summary(self) -> str:
        return f"新增 {self.new} 家，更正 {self.changed} 家，与已有数据相同 {self.unchanged} 家"


@transaction.atomic
def taxes_import(
    *,
    actor: User | None,
    region: Region,
    month: date,
    rows: Sequence[TaxRow],
    as_of: date,
    dry_run: bool = False,
) -> TaxCounts:
    """A month's tax of many enterprises (the tax office's list, excel.py), in one transaction.
    A figure already kept for the month is replaced (the audit log keeps the old one), except a
    blank 上年同月, which keeps the stored one. A month not ended by `as_of` is refused."""
    ensure(actor is None or can_manage(actor, region.pk), f"只有{region.name}督查办可以导入税收数据。")
    month = month.replace(day=1)
    ensure(
        month < as_of.replace(day=1),
        f"{month.year}年{month.month}月尚未结束，不能导入这个月的税收。",
        ServiceError,
    )
    current = {r.enterprise_id: r for r in TaxRecord.objects.filter(enterprise__region=region, month=month)}
    new = changed = 0
    for row in rows:
        ensure(row.enterprise.region_id == region.pk, "只能导入本县企业的税收。", ServiceError)
        record = current.get(row.enterprise.pk)
        last_year = row.last_year
        if last_year is None and record is not None:
            last_year = record.last_year  # a blank cell is no figure, not a zero
        if record is None:
            TaxRecord.objects.create(
                enterprise=row.enterprise, month=month, amount=row.amount, last_year=row.last_year
            )
            new += 1
        elif (record.amount, record.last_year) != (row.amount, last_year):
            record.amount, record.last_year = row.amount, last_year
            record.save(update_fields=["amount", "last_year"])
            changed += 1
    counts = TaxCounts(new, changed, len(rows) - new - changed)
    if dry_run:
        transaction.set_rollback(True)
    else:
        audit_record(
            action=Action.IMPORTED,
            actor=actor,
            region=region,
            summary=f"导入{month.year}年{month.month}月重点税源企业税收：{counts.summary()}",
        )
    return counts


@transaction.atomic
def base_data_save(
    *, actor: User, region: Region, row: Enterprise | Threshold | CultivationTarget, as_of: date
) -> Enterprise | Threshold | CultivationTarget:
    """Create or change a row of the region's base data (an enterprise, a threshold, a year's
    target); the audit log captures the change like every other write."""
    ensure(can_manage(actor, region.pk), f"只有{region.name}督查办可以维护五上企业的基础数据。")
    ensure(row.pk is None or row.region_id == region.pk, f"这一条不是{region.name}的。", ServiceError)
    row.region = region
    if isinstance(row, Enterprise):
        ensure(
            row.unit is None or row.unit.region_id == region.pk,
            f"{row.unit}不是{region.name}的。",
            ServiceError,
        )
        ensure(
            row.in_statistics_on is None or row.in_statistics_on <= as_of,
            "入库日期不能晚于今天。",
            ServiceError,
        )
    try:
        row.full_clean()
    except ValidationError as error:
        raise ServiceError("；".join(error.messages)) from error
    row.save()
    return row


@transaction.atomic
def cultivation_item_open(*, actor: User, enterprise: Enterprise, as_of: date) -> Item:
    """The item that brings a candidate into the statistics this year (应纳尽纳), assigned to the
    unit that serves it; opening it again returns the same one."""
    enterprise = (
        Enterprise.objects.select_for_update(of=("self",))
        .select_related("region", "unit")
        .get(pk=enterprise.pk)
    )
    if enterprise.cultivation_item_id is not None:
        return Item.objects.get(pk=enterprise.cultivation_item_id)
    ensure(can_manage(actor, enterprise.region_id), "只有督查办可以建立培育督办事项。")
    ensure(enterprise.candidate_year is not None, "只有培育库中的企业需要督办入库。", ServiceError)
    ensure(not enterprise.in_statistics, f"{enterprise.name}已经入库。", ServiceError)
    item = items.item_create(
        actor=actor,
        region=enterprise.region,
        data=ItemInput(
            title=f"推动{enterprise.name}入库纳统",
            year=as_of.year,
            kind=KIND,
            source=Source.OTHER,
            description=f"{enterprise.name}（{enterprise.get_category_display()}）列入{enterprise.candidate_year}年培育库。",
            lead_unit=enterprise.unit,
            deadline=date(as_of.year, 12, 31),
        ),
    )
    if enterprise.unit_id is not None:
        item = items.item_take(actor=actor, item=item, action=ItemAction.ASSIGN, as_of=as_of)
    enterprise.cultivation_item = item
    enterprise.save(update_fields=["cultivation_item"])
    return item
