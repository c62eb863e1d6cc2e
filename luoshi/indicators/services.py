"""Writes to indicators: one transaction each, the item side through the items services, an event on
the indicator's item for every change of its figures, and the colours recomputed after commit."""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from luoshi.core import clock
from luoshi.indicators import compute
from luoshi.indicators.compute import Type
from luoshi.indicators.excel import Planned as PlannedValue
from luoshi.indicators.excel import PlannedPeer
from luoshi.indicators.models import (
    COUNTED,
    KIND,
    Direction,
    Indicator,
    PeerValue,
    Value,
    ValueCheck,
    ValueEvidence,
)
from luoshi.indicators.rules import CLOSED, can_enter_values, can_manage, can_verify_values
from luoshi.items import services as items
from luoshi.items.hooks import items_changed_on_commit
from luoshi.items.models import EventKind, Item, Measure, ReportCycle, Source
from luoshi.items.services import (
    ItemInput,
    MilestoneInput,
    ServiceError,
    detail_changes_record,
    ensure,
    item_event_record,
)
from luoshi.items.workflow import Action
from luoshi.org.models import Leader, Region, Unit, User


def _clean(obj: object, *, exclude: Sequence[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))  # type: ignore[attr-defined]
    except ValidationError as error:
        raise ServiceError("；".join(m for ms in error.message_dict.values() for m in ms)) from error


@dataclass
class IndicatorInput:
    title: str
    year: int
    type: Type
    unit: str
    target_value: Decimal | None = None
    target_growth: Decimal | None = None
    direction: str = Direction.HIGHER
    patron_leader: Leader | None = None
    lead_unit: Unit | None = None
    support_units: Sequence[Unit] = ()
    description: str = ""
    sort_order: int = 0
    code: str = ""


def indicator_next_code(*, region: Region, year: int) -> str:
    prefix = f"ZB-{year}-"
    codes = Item.objects.filter(region=region, code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix) :]) for code in codes if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _target_text(data: IndicatorInput) -> str:
    parts = []
    if data.target_value is not None:
        parts.append(f"{compute.number(data.target_value)}{data.unit}")
    if data.target_growth is not None:
        parts.append(f"增长{compute.number(data.target_growth)}%")
    return "，".join(parts)


def _ensure_target(data: IndicatorInput) -> None:
    ensure(
        data.target_value is not None or data.target_growth is not None,
        f"指标“{data.title}”需要年度目标值或目标增速。",
        ServiceError,
    )
    ensure(
        data.target_value is None or not data.type.accumulates or data.target_value > 0,
        f"指标“{data.title}”是累计指标，年度目标值应大于0。",
        ServiceError,
    )


def _ensure_unique(*, region: Region, data: IndicatorInput, other_than: Indicator | None = None) -> None:
    """One indicator of a name a year in a region: the statistics sheet and the ranks match by name."""
    same = Indicator.objects.filter(
        item__region=region, item__year=data.year, item__title=data.title.strip()
    ).exclude(item__status__in=CLOSED)
    if other_than is not None:
        same = same.exclude(pk=other_than.pk)
    ensure(not same.exists(), f"{data.year}年已有名为“{data.title.strip()}”的考核指标。", ServiceError)


@transaction.atomic
def indicator_create(
    *, actor: User | None, region: Region, data: IndicatorInput, assign: bool = False, as_of: date
) -> Indicator:
    """An indicator: its item (kind 考核指标, due at the year's end) and its detail."""
    ensure(actor is None or can_manage(actor, region.pk), "只有督查办可以设置考核指标。")
    _ensure_target(data)
    _ensure_unique(region=region, data=data)
    item = items.item_create(
        actor=actor,
        region=region,
        data=ItemInput(
            title=data.title.strip(),
            year=data.year,
            kind=KIND,
            source=Source.WORK_REPORT,
            code=data.code or indicator_next_code(region=region, year=data.year),
            description=data.description,
            patron_leader=data.patron_leader,
            lead_unit=data.lead_unit,
            support_units=data.support_units,
            deadline=date(data.year, 12, 31),
            # The figures are the indicator's monthly values, not progress reports.
            measure=Measure.DONE,
            target_text=_target_text(data),
            report_cycle=ReportCycle.ONCE,
        ),
    )
    indicator = Indicator(
        item=item,
        type=data.type,
        direction=data.direction,
        unit=data.unit,
        target_value=data.target_value,
        target_growth=data.target_growth,
        sort_order=data.sort_order,
    )
    _clean(indicator, exclude=["item"])
    indicator.save()
    if assign and actor is not None:
        indicator.item = items.item_take(
            actor=actor, item=item, action=Action.ASSIGN, as_of=as_of, confirm_past_deadline=True
        )
    return indicator


def indicator_input_of(indicator: Indicator) -> IndicatorInput:
    """What the edit form starts from: the indicator and its item as they are."""
    item = indicator.item
    return IndicatorInput(
        title=item.title,
        year=item.year,
        type=Type(indicator.type),
        unit=indicator.unit,
        target_value=indicator.target_value,
        target_growth=indicator.target_growth,
        direction=indicator.direction,
        patron_leader=item.patron_leader,
        lead_unit=item.lead_unit,
        support_units=list(item.support_units.all()),
        description=item.description,
        sort_order=indicator.sort_order,
        code=item.code,
    )


# The item's fields as an indicator names them, in its timeline.
ITEM_LABELS = {
    "title": "指标名称",
    "description": "说明",
    "target_text": "年度目标",
    "patron_leader": "包抓县级领导",
    "lead_unit": "责任单位",
}
_INDICATOR_FIELDS = {
    "type": "类型",
    "direction": "方向",
    "unit": "计量单位",
    "target_value": "年度目标值",
    "target_growth": "年度目标增速（%）",
    "sort_order": "排序",
}


@transaction.atomic
def indicator_update(
    *, actor: User, indicator: Indicator, data: IndicatorInput, as_of: date, expected_version: int
) -> Indicator:
    """Edit an indicator and its item (through items.item_update, which refuses a stale version and
    records the item's changes); the indicator's own changes are one more event on its item."""
    item = indicator.item
    ensure(can_manage(actor, item.region_id), "只有督查办可以修改考核指标。")
    ensure(data.year == item.year, "指标的年度不能修改。", ServiceError)
    _ensure_target(data)
    _ensure_unique(region=item.region, data=data, other_than=indicator)
    before = {name: getattr(indicator, name) for name in _INDICATOR_FIELDS}
    indicator.item = items.item_update(
        actor=actor,
        item=item,
        expected_version=expected_version,
        data=ItemInput(
            title=data.title.strip(),
            year=item.year,
            kind=item.kind,
            source=item.source,
            code=item.code,
            description=data.description,
            patron_leader=data.patron_leader,
            lead_unit=data.lead_unit,
            support_units=data.support_units,
            responsible_person=item.responsible_person,
            deadline=item.deadline,
            measure=item.measure,
            target_text=_target_text(data),
            report_cycle=item.report_cycle,
            report_due_day=item.report_due_day,
            parent=item.parent,
        ),
        as_of=as_of,
        labels=ITEM_LABELS,
    )
    indicator.type, indicator.direction, indicator.unit = data.type, data.direction, data.unit
    indicator.target_value, indicator.target_growth = data.target_value, data.target_growth
    indicator.sort_order = data.sort_order
    _clean(indicator, exclude=["item"])
    indicator.save()
    detail_changes_record(
        item=indicator.item, actor=actor, detail=indicator, before=before, labels=_INDICATOR_FIELDS
    )
    items_changed_on_commit(item_ids=[item.pk], as_of=as_of)
    return indicator


@dataclass(frozen=True)
class ValueInput:
    month: int
    value: Decimal
    growth: Decimal | None = None
    source: str = ""
    evidence: str = ""
    note: str = ""  # why a value is corrected
    files: Sequence[UploadedFile] = ()  # evidence files, for the new version or the current one


def _changed(current: Value, entry: ValueInput) -> bool:
    """Whether an entry is a new version of the figure: another value or growth, or another
    description of its evidence. The source alone is not (a page's default source sent back with an
    imported figure changes nothing)."""
    return bool(
        current.value != entry.value
        or current.growth != entry.growth
        or (entry.evidence and current.evidence != entry.evidence)
    )


def _shown(value: Decimal | None) -> str:
    return "—" if value is None else compute.number(value, 4)


@transaction.atomic
def values_record(
    *,
    actor: User | None,
    indicator: Indicator,
    year: int,
    entries: Sequence[ValueInput],
    as_of: date,
) -> list[Value]:
    """The figures of some months of an indicator (this year's or last year's). A figure equal to
    the current one changes nothing; a different one supersedes it (a correction, kept with the
    old value, who and when) and is unchecked again."""
    item = indicator.item
    ensure(actor is None or can_enter_values(actor, item), f"无权填报指标“{item.title}”的数据。")
    ensure(
        year in (item.year, item.year - 1),
        f"指标“{item.title}”只填报{item.year}年及上年同期的数据。",
        ServiceError,
    )
    current = {
        v.month: v
        for v in Value.objects.select_for_update().filter(indicator=indicator, year=year, is_current=True)
    }
    saved: list[Value] = []
    notes: list[str] = []
    filed: list[str] = []
    for entry in entries:
        ensure_month_ended(year, entry.month, as_of)
        _ensure_plausible(indicator, year, entry)
        old = current.get(entry.month)
        if old is not None and not _changed(old, entry):
            if entry.files:
                _files_store(old, entry.files, actor=actor)
                filed.append(f"{year}年{entry.month}月{len(entry.files)}份")
            continue
        if old is not None:
            ensure(
                entry.note.strip() or actor is None,
                f"更正{year}年{entry.month}月的数据需要说明理由。",
                ServiceError,
            )
            old.is_current = False
            old.save(update_fields=["is_current"])
        value = Value(
            indicator=indicator,
            year=year,
            month=entry.month,
            value=entry.value,
            growth=entry.growth,
            source=entry.source.strip() or (old.source if old else ""),
            evidence=entry.evidence.strip() or (old.evidence if old else ""),
            note=entry.note.strip(),
            entered_by=actor,
            supersedes=old,
        )
        _clean(value, exclude=["indicator", "supersedes", "entered_by", "verified_by"])
        value.save()
        if entry.files:
            _files_store(value, entry.files, actor=actor)
        saved.append(value)
        what = f"{year}年{entry.month}月{_shown(entry.value)}{indicator.unit}"
        if entry.files:
            what += f"（佐证材料{len(entry.files)}份）"
        notes.append(f"{what}（原为{_shown(old.value)}）" if old else what)
    if saved:
        corrected = any(v.supersedes_id for v in saved)
        item_event_record(
            item=item,
            actor=actor,
            kind=EventKind.REPORT_CORRECTED if corrected else EventKind.REPORT_SUBMITTED,
            note=("更正指标数据：" if corrected else "填报指标数据：") + "；".join(notes),
            data={"values": [v.pk for v in saved]},
        )
        items_changed_on_commit(item_ids=[item.pk], as_of=as_of)
    if filed:
        item_event_record(
            item=item, actor=actor, kind=EventKind.UPDATED, note="补充佐证材料：" + "；".join(filed)
        )
    return saved


def ensure_month_ended(year: int, month: int, as_of: date) -> None:
    """A month's figures exist once the month is over: none for a month still running or to come."""
    ensure(1 <= month <= 12, "月份应为1—12。", ServiceError)
    ensure(
        (year, month) < (as_of.year, as_of.month),
        f"{year}年{month}月尚未结束，还没有这个月的数据。",
        ServiceError,
    )


def _ensure_plausible(indicator: Indicator, year: int, entry: ValueInput) -> None:
    """What a figure cannot be: a count below zero; more days than the months have."""
    title = indicator.item.title
    counted = indicator.type == Type.COUNT or indicator.unit in COUNTED
    ensure(not counted or entry.value >= 0, f"“{title}”是计数，不能为负数。", ServiceError)
    if indicator.unit == "天" and Type(indicator.type).accumulates:
        days = (date(year, entry.month, monthrange(year, entry.month)[1]) - date(year, 1, 1)).days + 1
        ensure(
            entry.value <= days,
            f"“{title}”1-{entry.month}月共{days}天，不能填{compute.number(entry.value)}天。",
            ServiceError,
        )


def _files_store(value: Value, files: Sequence[UploadedFile], *, actor: User | None) -> None:
    if actor is None:
        raise ServiceError("佐证材料须由填报人上传。")
    for upload in files:
        items.evidence_store(ValueEvidence(value=value), actor=actor, upload=upload)


@transaction.atomic
def value_verify(*, actor: User, value: Value, verdict: str, note: str = "") -> Value:
    """The supervision office checks a month's current figure against its evidence (核实): 属实,
    部分属实 or 不属实, the last two with what it found, as a progress report is verified."""
    ensure(can_verify_values(actor, value.indicator.item), "只有督查办可以核实指标数据。")
    ensure(value.is_current, "这个数据已被更正，请核实当前版本。", ServiceError)
    ensure(verdict in ValueCheck.values and verdict != ValueCheck.UNCHECKED, "核实结论不对。", ServiceError)
    note = note.strip()
    ensure(verdict == ValueCheck.TRUE or note, "部分属实或不属实时，请写明核实发现的情况。", ServiceError)
    value.verification, value.verified_by, value.verified_at = verdict, actor, clock.now()
    value.verification_note = note
    _clean(value)
    value.save(update_fields=["verification", "verified_by", "verified_at", "verification_note"])
    label = ValueCheck(verdict).label
    item_event_record(
        item=value.indicator.item,
        actor=actor,
        kind=EventKind.REPORT_VERIFIED,
        note=f"{value.year}年{value.month}月数据{label}" + (f"：{note}" if note else ""),
        data={"value": value.pk, "verdict": verdict},
    )
    return value


# A peer county's name, where the county is not a region here: 2 to 12 Chinese characters ending as a
# county-level name does (县, 区, 市, 旗).
COUNTY_NAME = re.compile(r"[\u4e00-\u9fff]{1,11}[县区市旗]")


@dataclass(frozen=True)
class PeerInput:
    region_name: str
    month: int
    value: Decimal | None = None
    growth: Decimal | None = None


@transaction.atomic
def peer_values_record(
    *, actor: User | None, indicator: Indicator, year: int, entries: Sequence[PeerInput], as_of: date
) -> int:
    """Peer regions' figures from the city's ranking table (a region's own row is its ledger's).
    A row with neither figure removes what was entered for that county and month. Returns the
    number of rows that changed; the changes are one event on the indicator's item."""
    item = indicator.item
    ensure(actor is None or can_manage(actor, item.region_id), "只有督查办可以录入同级县区数据。")
    siblings = dict(
        Region.objects.filter(parent_id=item.region.parent_id)
        .exclude(pk=item.region_id)
        .values_list("name", "pk")
        if item.region.parent_id
        else []
    )
    existing = {
        (peer.month, peer.region_name): peer
        for peer in PeerValue.objects.select_for_update().filter(indicator=indicator, year=year)
    }
    notes: list[str] = []
    for entry in entries:
        name = entry.region_name.strip()
        ensure(name != item.region.name, "本县的数据请在月度填报中录入。", ServiceError)
        ensure_month_ended(year, entry.month, as_of)
        ensure(
            name in siblings or COUNTY_NAME.fullmatch(name) is not None,
            f"“{name}”不是县区的名称（如 镇安县、商州区）。",
            ServiceError,
        )
        old = existing.get((entry.month, name))
        if entry.value is None and entry.growth is None:
            if old is not None:
                old.delete()
                notes.append(f"{name}（删除）")
            continue
        if old is not None and (old.value, old.growth) == (entry.value, entry.growth):
            continue
        PeerValue.objects.update_or_create(
            indicator=indicator,
            year=year,
            month=entry.month,
            region_name=name,
            defaults={"value": entry.value, "growth": entry.growth, "region_id": siblings.get(name)},
        )
        shown = [f"{_shown(entry.value)}{indicator.unit}"] + (
            [f"增长{_shown(entry.growth)}%"] if entry.growth is not None else []
        )
        notes.append(f"{name}{'，'.join(shown)}")
    if notes:
        months = sorted({entry.month for entry in entries})
        item_event_record(
            item=item,
            actor=actor,
            kind=EventKind.UPDATED,
            note=f"录入同级县区{year}年{'、'.join(f'{m}月' for m in months)}数据：" + "；".join(notes),
        )
        items_changed_on_commit(item_ids=[item.pk], as_of=as_of)
    return len(notes)


@transaction.atomic
def catch_up_item_open(
    *,
    actor: User,
    indicator: Indicator,
    measures: str,
    patron_leader: Leader | None,
    lead_unit: Unit,
    support_units: Sequence[Unit] = (),
    milestones: Sequence[MilestoneInput] = (),
    as_of: date,
) -> Item:
    """A lagging indicator's catch-up item (赶超举措): its measures, leader and units, assigned."""
    item = indicator.item
    ensure(can_manage(actor, item.region_id), "只有督查办可以建立赶超事项。")
    ensure(indicator.catch_up_item_id is None, f"“{item.title}”已有赶超事项。", ServiceError)
    ensure(measures.strip(), "请写明赶超举措。", ServiceError)
    catch_up = items.item_create(
        actor=actor,
        region=item.region,
        data=ItemInput(
            title=f"{item.title}赶超",
            year=item.year,
            source=Source.MEETING,
            description=measures.strip(),
            patron_leader=patron_leader,
            lead_unit=lead_unit,
            support_units=support_units,
            deadline=date(item.year, 12, 31),
            measure=Measure.MILESTONES if milestones else Measure.PERCENT,
            milestones=list(milestones),
            parent=None,
        ),
    )
    catch_up = items.item_take(actor=actor, item=catch_up, action=Action.ASSIGN, as_of=as_of)
    indicator.catch_up_item = catch_up
    indicator.save(update_fields=["catch_up_item"])
    item_event_record(
        item=item,
        actor=actor,
        kind=EventKind.UPDATED,
        note=f"建立赶超事项 {catch_up.code}",
        data={"item": catch_up.pk},
    )
    return catch_up


@dataclass(frozen=True)
class ImportCounts:
    new: int
    corrected: int
    unchanged: int
    peers: int = 0

    def summary(self) -> str:
        text = f"新填报 {self.new} 项，更正 {self.corrected} 项，与已有数据相同 {self.unchanged} 项"
        return text + (f"，同级县区数据 {self.peers} 项" if self.peers else "")


IMPORT_SOURCE = "统计部门月报（Excel导入）"
IMPORT_NOTE = "按统计部门月报导入更正"


@transaction.atomic
def values_import(
    *,
    actor: User | None,
    region: Region,
    year: int,
    month: int,
    rows: Sequence[PlannedValue],
    as_of: date,
    peers: Sequence[PlannedPeer] = (),
    dry_run: bool = False,
) -> ImportCounts:
    """A month's figures of many indicators, read from the statistics sheet (excel.py), all in one
    transaction through values_record (a changed figure is a correction that keeps the old one), and
    the other counties' figures of the city's ranking table through peer_values_record. `actor` None
    is the system (the command). A dry run counts and writes nothing."""
    ensure(actor is None or can_manage(actor, region.pk), "只有督查办可以导入统计数据。")
    changing = [row for row in rows if row.changes]
    counts = ImportCounts(
        new=sum(row.current is None for row in changing),
        corrected=sum(row.current is not None for row in changing),
        unchanged=len(rows) - len(changing),
        peers=len(peers),
    )
    for row in changing:
        ensure(row.indicator.item.region_id == region.pk, "只能导入本县的考核指标。", ServiceError)
        entry = ValueInput(
            month=month,
            value=row.value,
            growth=row.growth,
            source="" if row.current else IMPORT_SOURCE,
            note=IMPORT_NOTE if row.current else "",
        )
        values_record(actor=actor, indicator=row.indicator, year=year, entries=[entry], as_of=as_of)
    by_indicator: dict[int, list[PlannedPeer]] = {}
    for peer in peers:
        ensure(peer.indicator.item.region_id == region.pk, "只能导入本县的考核指标。", ServiceError)
        by_indicator.setdefault(peer.indicator.pk, []).append(peer)
    for planned in by_indicator.values():
        peer_values_record(
            actor=actor,
            indicator=planned[0].indicator,
            year=year,
            entries=[PeerInput(p.region_name, month, p.value, p.growth) for p in planned],
            as_of=as_of,
        )
    if dry_run:
        # Every row went through the service's checks; none of it is kept (nor its on_commit work).
        transaction.set_rollback(True)
    return counts
