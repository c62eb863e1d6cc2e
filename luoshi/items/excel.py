"""The items ledger in Excel: a template to fill in, an all-or-nothing import, an export.

Import reads the sheet into ItemInput rows and names every bad cell by row and column, in
Chinese; nothing is written unless every row is good. A row without a code, or with a code the
county does not have yet, is a new item; a row with the code of one of the county's items updates
it, provided the sheet carries the version the item had when it was exported (so that an edit
made in the system since is not overwritten). Export writes the same columns, region and version
included (so an exported sheet, edited, can be imported again), followed by the item's state.

An upload is untrusted: a workbook is a zip, and 500 KB can unpack to hundreds of megabytes. Before
openpyxl opens it, its zip directory is checked against the caps (ImportLimits: what it unpacks to,
how many parts, how compressed) and so is the row count its sheet declares; then the rows are read
one by one and checked in chunks, the reading stops as soon as the row cap is passed, and errors
are listed up to a number (the rest only counted).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.db.models import DecimalField, Field, Model, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from luoshi.core import registry
from luoshi.core.dates import resolve_date

# The guards every import of a sheet shares (luoshi.core.sheets), under the names this module and its
# tests know them by. (The other ledgers' one-sheet imports read through core.sheets.read_table; this
# one reads its own way: in chunks, with the breakdown table's headers and a progress callback.)
from luoshi.core.sheets import MB as MB
from luoshi.core.sheets import NOT_A_WORKBOOK, CellError, ImportLimits, SheetError, safe_row, workbook_refusal
from luoshi.core.sheets import Unreadable as _Unreadable
from luoshi.core.sheets import open_workbook as _open_workbook
from luoshi.core.sheets import sheet_rows as _sheet_rows
from luoshi.core.sheets import text as _text
from luoshi.items.models import Item, Kind, Measure, Milestone, ReportCycle, Source
from luoshi.items.schedule import DEFAULT_DUE_DAY, DUE_DAY_RANGE, Cycle
from luoshi.items.services import ItemInput, MilestoneInput
from luoshi.items.services.imports import FROZEN_STATUSES, ItemUpdate
from luoshi.org.models import Leader, Person, Region, Unit, split_names


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 14
    note: str = ""


COLUMNS = [
    Column("code", "编号", note="留空自动编号；填写时在本县当年唯一"),
    Column("title", "事项名称", required=True, width=40),
    Column("kind", "类型", note="重点工作、承诺事项、问题整改等（见下拉选项）"),
    Column("source", "来源", note="、".join(Source.labels)),
    Column("year", "年度", width=8),
    Column("description", "具体内容", width=40),
    Column("patron_leader", "包抓县级领导", note="领导姓名"),
    Column("lead_unit", "牵头单位", required=True, note="单位简称或全称"),
    Column("support_units", "配合单位", width=24, note="多个单位用顿号分隔"),
    Column("responsible_person", "责任人"),
    Column("planned_start", "计划开始", width=12),
    Column("deadline", "完成时限", required=True, width=12, note="如 2023-08-31、2023年8月31日、8月底前"),
    Column(
        "milestones",
        "节点",
        width=36,
        note="节点名称：日期，多个用分号分隔，如“完成招标：8月15日；开工：9月底前”",
    ),
    Column("measure", "衡量方式", note="、".join(Measure.labels)),
    Column("target_value", "目标值", width=10),
    Column("value_unit", "计量单位", width=10),
    Column("target_text", "目标原文", width=16),
    Column("report_cycle", "报送周期", width=10, note="、".join(ReportCycle.labels)),
    Column("report_due_day", "报送日", width=8, note="每月几号；每周星期几（1—7）"),
    Column(
        "region", "行政区", width=8, note="导出的表格自带，是事项所属的县；新增事项留空。其他县的事项不能导入"
    ),
    Column(
        "version",
        "版本",
        width=6,
        note="导出的表格自带，请勿改动。要修改已有事项，请先导出 Excel，在导出的表格上修改后导入："
        "导入时按编号更新事项，并据版本发现导出后在系统中的修改，以免被覆盖。新增事项留空",
    ),
]
# Cells that say which item a row is, rather than what the item is.
ROW_KEYS = {"region", "version"}
EXPORT_EXTRA = ["状态", "预警", "预警原因", "进度（%）", "最近报送"]
HEADERS = {column.header: column for column in COLUMNS}
# The other layout a county's sheets come in: the 政府工作报告's 任务分解表 (序号, 工作任务, 牵头领导,
# 牵头单位, 配合单位, 完成时限), read into the same columns; 序号 and any other column are ignored.
# Its errors name the cells by the sheet's own headers.
BREAKDOWN_HEADERS = {
    "工作任务": "title",
    "重点任务": "title",
    "主要任务": "title",
    "任务内容": "description",
    "具体措施": "description",
    "工作措施": "description",
    "牵头领导": "patron_leader",
    "责任领导": "patron_leader",
    "包抓领导": "patron_leader",
    "责任单位": "lead_unit",
    "完成时间": "deadline",
    "完成期限": "deadline",
}
TITLE_HEADERS = frozenset({"事项名称", *(h for h, key in BREAKDOWN_HEADERS.items() if key == "title")})
BREAKDOWN_COLUMNS = [
    ("序号", 6),
    ("工作任务", 48),
    ("牵头领导", 12),
    ("牵头单位", 16),
    ("配合单位", 24),
    ("完成时限", 12),
]


@dataclass
class ImportResult:
    rows: list[ItemInput]  # new items
    errors: list[CellError | SheetError]  # the first ImportLimits.max_errors of them
    updates: list[ItemUpdate] = field(default_factory=list)  # rows with the code of an existing item
    errors_not_listed: int = 0  # found after the listed ones

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_not_listed

    def add_errors(self, errors: Iterable[CellError | SheetError], *, limit: int) -> None:
        for error in errors:
            if len(self.errors) < limit:
                self.errors.append(error)
            else:
                self.errors_not_listed += 1


def _too_many_rows(limits: ImportLimits, where: str) -> SheetError:
    return SheetError(
        f"表格超过每次最多导入 {limits.max_rows:,} 行的上限（{where}），没有导入任何事项。"
        "请分成几个表格分批导入；如表格末尾有大量空行，请删除后再上传。"
    )


def rows_more_than(source: IO[bytes], count: int, *, limits: ImportLimits) -> bool:
    """Whether the sheet has more than `count` rows with something in them, the header included.

    Reads no further than that. False for a file that will be refused: read_sheet says why.
    """
    if workbook_refusal(source, limits=limits) is not None:
        return False
    try:
        workbook = _open_workbook(source)
    except Exception:  # openpyxl raises many kinds for a file that is not an xlsx workbook
        return False
    try:
        if not workbook.worksheets:
            return False
        sheet = workbook.worksheets[0]
        if sheet.max_row and sheet.max_row - (sheet.min_row or 1) > limits.max_rows:
            return False  # declared too large: read_sheet refuses it at once
        sheet.reset_dimensions()
        filled = 0
        for position, values in _sheet_rows(sheet):
            if position > limits.max_rows + HEADER_WITHIN:
                return False  # read_sheet refuses it as it is
            filled += any(_text(v) for v in values)
            if filled > count:
                return True
        return False
    except _Unreadable:
        return False
    finally:
        workbook.close()
        source.seek(0)


class Directory:
    """The region's leaders, units and people, looked up by any of the names a sheet may use."""

    def __init__(self, region: Region) -> None:
        self.units: dict[str, list[Unit]] = {}
        for unit in Unit.objects.filter(region=region, is_active=True):
            for name in {unit.short_name, unit.name, *unit.alias_list()}:
                self.units.setdefault(name, []).append(unit)
        self.leaders: dict[str, list[Leader]] = {}
        for leader in Leader.objects.filter(region=region, is_active=True).select_related("person"):
            for name in {leader.person.name, *leader.person.alias_list()}:
                self.leaders.setdefault(name, []).append(leader)
        self.people: dict[str, list[Person]] = {}
        for person in Person.objects.filter(unit__region=region, is_active=True).select_related("unit"):
            self.people.setdefault(person.name, []).append(person)

    @staticmethod
    def _one(found: list[Any], name: str, what: str) -> Any:
        if not found:
            raise ValueError(f"找不到{what}“{name}”")
        if len(found) > 1:
            raise ValueError(f"“{name}”对应多个{what}，请写全称")
        return found[0]

    def unit(self, name: str) -> Unit:
        return self._one(self.units.get(name, []), name, "单位")

    def leader(self, name: str) -> Leader:
        return self._one(self.leaders.get(name.removesuffix("同志"), []), name, "县级领导")

    def person(self, text: str) -> Person:
        name, _, unit = text.replace("(", "（").replace(")", "）").partition("（")
        people = self.people.get(name.strip(), [])
        if unit:
            unit_name = unit.rstrip("）")
            people = [p for p in people if p.unit and unit_name in {p.unit.short_name, p.unit.name}]
        return self._one(people, text, "人员")


def _choice(value: str, choices: Iterable[tuple[str, str]], default: str, what: str) -> str:
    if not value:
        return default
    for key, label in choices:
        if value in (key, label):
            return key
    raise ValueError(f"无法识别的{what}“{value}”")


# A 完成时限 cell of a task breakdown table for work of the whole year: its last day. (Only in a
# cell: in a speech, “全年” is no deadline, and core.dates leaves it unread.)
WHOLE_YEAR = frozenset({"全年", "全年完成", "全年推进", "全年持续推进"})


def _date(value: object, year: int) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if text in WHOLE_YEAR:
        return date(year, 12, 31)
    resolved = resolve_date(text, reference=date(year, 1, 1), allow_now=False)
    if resolved is None:
        raise ValueError(f"无法识别的日期“{text}”，请写成 2023-08-31、2023年8月31日或“8月底前”")
    return resolved


def _decimal(value: object) -> Decimal | None:
    text = _text(value).replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}”不是数字") from None
    digits, places = _TARGET.max_digits, _TARGET.decimal_places
    assert digits is not None and places is not None
    try:
        DecimalValidator(digits, places)(number)
    except ValidationError:
        raise ValueError(f"“{text}”超出范围：最多{digits - places}位整数、{places}位小数") from None
    return number


def _max_length(model: type[Model], name: str) -> int | None:
    field = model._meta.get_field(name)
    return field.max_length if isinstance(field, Field) else None


_TARGET = Item._meta.get_field("target_value")
assert isinstance(_TARGET, DecimalField)
# The columns kept in fields of limited length, checked here so that the cell is named.
_LIMITED = {key: _max_length(Item, key) for key in ("code", "title", "value_unit", "target_text")}
_MILESTONE_NAME = _max_length(Milestone, "name")


def _milestones(value: object, year: int) -> list[MilestoneInput]:
    rows = []
    for part in _text(value).replace(";", "；").replace("\n", "；").split("；"):
        part = part.strip()
        if not part:
            continue
        name, separator, when = part.replace(":", "：").rpartition("：")
        if not separator or not name.strip():
            raise ValueError(f"节点“{part}”应写成“节点名称：日期”")
        due = _date(when.strip(), year)
        assert due is not None
        rows.append(MilestoneInput(name=name.strip(), due=due))
    return rows


# The header is looked for in the first rows only (a title or a note may come before it).
HEADER_WITHIN = 50
# Rows checked together: one query for the items their codes name; progress is told after each.
CHUNK = 1000
Progress = Callable[[int, int | None], object]  # (rows read below the header, rows the sheet declares)


def read_sheet(
    source: IO[bytes],
    *,
    region: Region,
    year: int,
    limits: ImportLimits | None = None,
    on_progress: Progress | None = None,
) -> ImportResult:
    """Read an items sheet. Every bad cell is reported, up to `limits.max_errors` listed and the
    rest counted; `rows` is only meaningful when `ok`.

    The workbook is checked before openpyxl opens it (workbook_refusal), then read row by row; a
    sheet that declares more rows than the cap, or turns out to have them, is refused as soon as
    that is known, without reading the rest.
    """
    limits = limits or ImportLimits.from_settings()
    refusal = workbook_refusal(source, limits=limits)
    if refusal is not None:
        return ImportResult([], [SheetError(refusal)])
    try:
        workbook = _open_workbook(source)
    except Exception:  # openpyxl raises many kinds for a file that is not an xlsx workbook
        return ImportResult([], [SheetError(NOT_A_WORKBOOK)])
    try:
        if not workbook.worksheets:
            return ImportResult([], [SheetError(NOT_A_WORKBOOK)])
        reader = _SheetReader(workbook.worksheets[0], region=region, year=year, limits=limits)
        return reader.read(on_progress)
    except _Unreadable as error:
        return ImportResult(
            [], [SheetError(f"表格第 {error.row:,} 行附近的内容已损坏，无法读取。{NOT_A_WORKBOOK}")]
        )
    finally:
        workbook.close()
        source.seek(0)


class _SheetReader:
    """One sheet read as a stream: its rows are parsed one at a time and checked a chunk at a time,
    so that neither the sheet nor its cells are ever all in memory at once."""

    def __init__(self, sheet: Any, *, region: Region, year: int, limits: ImportLimits) -> None:
        self.sheet, self.region, self.year, self.limits = sheet, region, year, limits
        # What the sheet says of its size (<dimension ref="A1:T200000"/>), when it says it. The
        # rows are then read without it: a wrong one would cut the sheet short or pad it.
        self.first_row, self.last_row = sheet.min_row or 1, sheet.max_row
        sheet.reset_dimensions()
        self.positions: dict[str, int] = {}
        self.labels: dict[str, str] = {}  # the sheet's header of each column, where it is not ours
        self.present: set[str] = set()
        self.directory: Directory | None = None
        self.seen_codes: dict[str, int] = {}
        self.result = ImportResult([], [])

    @property
    def declared_rows(self) -> int | None:
        """Rows below the first, by the sheet's own account."""
        return self.last_row - self.first_row if self.last_row else None

    def read(self, on_progress: Progress | None) -> ImportResult:
        limits = self.limits
        declared = self.declared_rows
        if declared is not None and declared > limits.max_rows:
            where = f"表格自身记录的范围有 {declared + 1:,} 行"
            return ImportResult([], [_too_many_rows(limits, where)])
        header_at: int | None = None
        below = 0  # rows read below the header, empty ones included
        pending: list[_Row] = []
        for number, values in _sheet_rows(self.sheet):
            if header_at is None:
                if any(_text(v).rstrip("*").strip() in TITLE_HEADERS for v in values):
                    header_at = number
                    missing = self._header(values)
                    if missing:
                        return ImportResult([], [SheetError(f"表格缺少必填列：{'、'.join(missing)}。")])
                elif number >= HEADER_WITHIN:
                    break
                continue
            below += 1
            if below > limits.max_rows:
                return ImportResult([], [_too_many_rows(limits, f"读到第 {number:,} 行时停止")])
            if not any(_text(v) for v in values):
                continue
            cells = {key: (values[i] if i < len(values) else None) for key, i in self.positions.items()}
            pending.append(_Row(number, cells, self.positions, self.labels))
            if len(pending) >= CHUNK:
                self._check(pending)
                pending = []
                if on_progress is not None:
                    on_progress(below, declared)
        if header_at is None:
            return ImportResult(
                [], [SheetError("表格中找不到表头行（应有“事项名称”“牵头单位”“完成时限”等列）。")]
            )
        self._check(pending)
        if on_progress is not None:
            on_progress(below, declared)
        result = self.result
        if not result.rows and not result.updates and not result.errors:
            result.errors.append(SheetError("表格中没有事项。"))
        return result

    def _header(self, values: Sequence[Any]) -> list[str]:
        """Find the columns; the headers of required columns missing."""
        headers = [_text(value).rstrip("*").strip() for value in values]
        for index, header in enumerate(headers):
            if header in HEADERS:
                self.positions[HEADERS[header].key] = index
        # The breakdown table's headers only for what the template's own headers left unfilled.
        for index, header in enumerate(headers):
            key = BREAKDOWN_HEADERS.get(header)
            if key and key not in self.positions:
                self.positions[key] = index
                self.labels[key] = header
        # The item's fields the sheet has columns for: an update keeps the others as they are.
        self.present = {key for key in self.positions if key not in ROW_KEYS}
        if "report_cycle" in self.present:
            self.present.add("report_due_day")  # a new cycle, without its day, takes the cycle's default
        return [c.header for c in COLUMNS if c.required and c.key not in self.positions]

    def _check(self, body: list[_Row]) -> None:
        """Check a chunk of rows: the region's names once, the items their codes name in one query."""
        if not body:
            return
        if self.directory is None:
            self.directory = Directory(self.region)
        region, result, positions = self.region, self.result, self.positions
        codes = {_text(row.cells.get("code")) for row in body} - {""}
        existing = (
            {
                item.code: item
                for item in Item.objects.filter(region=region, code__in=codes)
                .select_related("lead_unit", "patron_leader__person", "responsible_person__unit")
                .prefetch_related("support_units")
            }
            if codes
            else {}
        )
        for row in body:
            current = existing.get(_text(row.cells.get("code")))
            item = _read_row(row, self.directory, self.year, current)
            expected = _expected_version(row, item.code, current, region)
            if item.code:
                if item.code in self.seen_codes:
                    row.report("code", f"编号“{item.code}”与第{self.seen_codes[item.code]}行重复")
                self.seen_codes.setdefault(item.code, row.number)
            in_column_order: list[CellError] = sorted(row.errors, key=_column_order)
            result.add_errors(in_column_order, limit=self.limits.max_errors)
            if result.errors:
                continue  # nothing will be imported: the rows are only checked, not kept
            if current is not None and expected is not None:
                if "report_due_day" not in positions and item.report_cycle == current.report_cycle:
                    item.report_due_day = current.report_due_day
                result.updates.append(
                    ItemUpdate(current, expected, item, frozenset(self.present), row.number)
                )
            else:
                result.rows.append(item)
        if result.errors:
            result.rows.clear()
            result.updates.clear()


def _expected_version(row: _Row, code: str, current: Item | None, region: Region) -> int | None:
    """The version a row updates `current` at; None (with the cells' errors) when it does not."""
    ours = row.field("region", lambda v: _of_region(_text(v), region))
    version = row.field("version", _version)
    if not code or not ours:
        return None  # no code is a new item, whatever the version says: the code was cleared
    if current is None:
        if version is not None:
            row.report(
                "code",
                f"本县没有编号为“{code}”的事项，而这一行带有版本（是从系统导出的已有事项）。"
                "新增事项请清空版本",
            )
        return None
    if not _text(row.cells.get("version")):
        row.report(
            "code",
            f"编号“{code}”已存在。要修改这个事项，请先导出 Excel，在导出的表格上修改后导入"
            "（导出的表格带有“版本”列）",
        )
        return None
    if version is None:
        return None
    if version < current.version:
        row.report(
            "version", f"{code} 导出后已在系统中被修改（版本{version}→{current.version}），请重新导出后再改"
        )
        return None
    if version > current.version:
        row.report("version", f"{code} 的版本{version}与系统中的版本{current.version}不符，请重新导出后再改")
        return None
    if current.status in FROZEN_STATUSES:
        row.report("code", f"编号“{code}”的事项{current.get_status_display()}，不能通过导入修改")
        return None
    return version


def _of_region(text: str, region: Region) -> bool:
    if text and text not in {region.name, region.code}:
        raise ValueError(f"这是{text}的事项，不能导入{region.name}")
    return True


def _version(value: object) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"“{text}”不是版本号。版本由导出自动填写，请勿改动")
    return int(text)


def _column_order(error: CellError) -> tuple[int, str]:
    return (len(error.column), error.column)


class _Row:
    """One row of the sheet being read, collecting the errors of its cells."""

    def __init__(
        self,
        number: int,
        cells: dict[str, Any],
        positions: dict[str, int],
        labels: dict[str, str] | None = None,
    ) -> None:
        self.number, self.cells, self.positions = number, cells, positions
        self.labels = labels or {}
        self.errors: list[CellError] = []

    def report(self, key: str, message: str) -> None:
        column = next(c for c in COLUMNS if c.key == key)
        letter = get_column_letter(self.positions[key] + 1) if key in self.positions else "—"
        self.errors.append(CellError(self.number, letter, self.labels.get(key, column.header), message))

    def field(self, key: str, parse: Any) -> Any:
        """The cell parsed by `parse`, or None with the cell's error reported."""
        try:
            return parse(self.cells.get(key))
        except ValueError as error:
            self.report(key, str(error))
            return None


def _required(value: object) -> str:
    text = _text(value)
    if not text:
        raise ValueError("必填，不能为空")
    return text


def _year(value: object, default: int) -> int:
    text = _text(value)
    if not text:
        return default
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise ValueError(f"“{text}”不是年份")
    return int(text)


def _due_day(value: object, cycle: Cycle) -> int:
    text = _text(value)
    low, high = DUE_DAY_RANGE[cycle]
    if not text:
        return DEFAULT_DUE_DAY[cycle]
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(f"应为 {low} 到 {high} 之间的整数")
    return int(text)


def _read_row(row: _Row, directory: Directory, sheet_year: int, current: Item | None = None) -> ItemInput:
    """The row as an item. Of a row updating `current`, what the item has already is understood as
    the export wrote it, even a unit, leader or person no longer active, or a kind of a ledger."""
    year = row.field("year", lambda v: _year(v, sheet_year)) or sheet_year
    kinds = registry.plain_kind_choices()
    units: list[Unit] = []
    if current is not None:
        kinds = [*kinds, (current.kind, current.get_kind_display())]
        units = [u for u in [current.lead_unit, *current.support_units.all()] if u is not None]

    def unit(name: str) -> Unit:
        return _or_current(directory.unit, name, units, _unit_name)

    def leader(name: str) -> Leader:
        return _or_current(directory.leader, name, [current.patron_leader] if current else [], _leader_name)

    def person(text: str) -> Person:
        return _or_current(
            directory.person, text, [current.responsible_person] if current else [], _person_name
        )

    cycle = Cycle(
        row.field(
            "report_cycle", lambda v: _choice(_text(v), ReportCycle.choices, ReportCycle.MONTHLY, "报送周期")
        )
        or ReportCycle.MONTHLY
    )
    target_value = row.field("target_value", _decimal)
    default_measure = Measure.VALUE if target_value else Measure.PERCENT
    item = ItemInput(
        code=row.field("code", _text) or "",
        title=row.field("title", _required) or "",
        year=year,
        kind=row.field("kind", lambda v: _choice(_text(v), kinds, Kind.TASK, "类型")) or Kind.TASK,
        source=row.field("source", lambda v: _choice(_text(v), Source.choices, Source.MEETING, "来源"))
        or Source.MEETING,
        description=row.field("description", _text) or "",
        patron_leader=row.field("patron_leader", lambda v: leader(_text(v)) if _text(v) else None),
        lead_unit=row.field("lead_unit", lambda v: unit(_required(v))),
        support_units=row.field("support_units", lambda v: [unit(n) for n in split_names(_text(v))]) or [],
        responsible_person=row.field("responsible_person", lambda v: person(_text(v)) if _text(v) else None),
        planned_start=row.field("planned_start", lambda v: _date(v, year)),
        deadline=row.field("deadline", lambda v: _date(v, year) or _required("")),
        milestones=row.field("milestones", lambda v: _milestones(v, year)) or [],
        measure=row.field(
            "measure", lambda v: _choice(_text(v), Measure.choices, default_measure, "衡量方式")
        )
        or default_measure,
        target_value=target_value,
        value_unit=row.field("value_unit", _text) or "",
        target_text=row.field("target_text", _text) or "",
        report_cycle=cycle,
        report_due_day=row.field("report_due_day", lambda v: _due_day(v, cycle)) or DEFAULT_DUE_DAY[cycle],
    )
    if item.planned_start and item.deadline and item.planned_start > item.deadline:
        row.report("planned_start", "计划开始晚于完成时限")
    if item.measure == Measure.VALUE and item.target_value is None:
        row.report("target_value", "按数值衡量的事项需要目标值")
    if item.lead_unit and item.lead_unit in item.support_units:
        row.report("support_units", "牵头单位不必再列为配合单位")
    for key, limit in _LIMITED.items():
        text = getattr(item, key)
        if limit and len(text) > limit:
            row.report(key, f"最多{limit}个字，这里有{len(text)}个字")
    too_long = [m.name for m in item.milestones if _MILESTONE_NAME and len(m.name) > _MILESTONE_NAME]
    if too_long:
        row.report("milestones", f"节点名称最多{_MILESTONE_NAME}个字：“{too_long[0][:20]}……”太长")
    return item


def _or_current(find: Any, name: str, current: Sequence[Any], exported: Any) -> Any:
    try:
        return find(name)
    except ValueError:
        same = [thing for thing in current if thing is not None and exported(thing) == name]
        if same:
            return same[0]
        raise


def _unit_name(unit: Unit) -> str:
    return unit.short_name


def _leader_name(leader: Leader) -> str:
    return leader.person.name


def _person_name(person: Person) -> str:
    return _person_label(person.name, person.unit.short_name if person.unit else None)


def _person_label(name: str, unit: str | None) -> str:
    """With the unit, as Directory.person reads it: two people of a county may share a name."""
    return f"{name}（{unit}）" if unit else name


HEADER_FILL = PatternFill("solid", fgColor="8E1B1B")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def _header(sheet: Any, headers: list[str], widths: list[int]) -> None:
    sheet.append(headers)
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _choices_validation(sheet: Any, key: str, labels: list[str]) -> None:
    index = next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key)
    letter = get_column_letter(index)
    validation = DataValidation(type="list", formula1=f'"{",".join(labels)}"', allow_blank=True)
    validation.add(f"{letter}2:{letter}2000")
    sheet.add_data_validation(validation)


def template_workbook(region: Region) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "督办事项"
    _header(sheet, [c.header + ("*" if c.required else "") for c in COLUMNS], [c.width for c in COLUMNS])
    for key, labels in (
        ("kind", [label for _kind, label in registry.plain_kind_choices()]),
        ("source", Source.labels),
        ("measure", Measure.labels),
        ("report_cycle", ReportCycle.labels),
    ):
        _choices_validation(sheet, key, [str(label) for label in labels])
    guide = workbook.create_sheet("填写说明")
    guide.append(["列", "说明"])
    for column in COLUMNS:
        guide.append([column.header + ("（必填）" if column.required else ""), column.note])
    guide.append([])
    guide.append(["可填写的单位"])
    for unit in Unit.objects.filter(region=region, is_active=True):
        guide.append([unit.short_name, unit.name])
    guide.append([])
    guide.append(["可填写的县级领导"])
    for leader in Leader.objects.filter(region=region, is_active=True).select_related("person"):
        guide.append([leader.person.name, leader.title])
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def breakdown_template_workbook(region: Region, year: int) -> bytes:
    """The 政府工作报告's 任务分解表 as a county writes it, to fill in and import as `year`'s items."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{year}年任务分解表"
    _header(
        sheet,
        [
            header + ("*" if header in {"工作任务", "牵头单位", "完成时限"} else "")
            for header, _ in BREAKDOWN_COLUMNS
        ],
        [width for _, width in BREAKDOWN_COLUMNS],
    )
    guide = workbook.create_sheet("填写说明")
    guide.append(["列", "说明"])
    for header, note in (
        ("序号", "可留空，导入时不使用"),
        ("工作任务（必填）", "一行一项任务，成为一个督办事项（来源：政府工作报告）"),
        ("牵头领导", "县级领导姓名，成为事项的包抓县级领导"),
        ("牵头单位（必填）", "单位简称或全称"),
        ("配合单位", "多个单位用顿号分隔"),
        ("完成时限（必填）", f"如 {year}-06-30、6月底前、三季度末、年底前；不写年份的按{year}年"),
    ):
        guide.append([header, note])
    guide.append([])
    guide.append(["可填写的单位"])
    for unit in Unit.objects.filter(region=region, is_active=True):
        guide.append([unit.short_name, unit.name])
    guide.append([])
    guide.append(["可填写的县级领导"])
    for leader in Leader.objects.filter(region=region, is_active=True).select_related("person"):
        guide.append([leader.person.name, leader.title])
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# What a row of the export shows of an item, read as values: a county's ledger is thousands of
# items, and model instances of each with its units, leader, person and milestones cost more than
# writing the sheet.
_EXPORTED = {
    "pk": "pk",
    "code": "code",
    "title": "title",
    "kind": "kind",
    "source": "source",
    "year": "year",
    "description": "description",
    "leader": "patron_leader__person__name",
    "lead_unit": "lead_unit__short_name",
    "person": "responsible_person__name",
    "person_unit": "responsible_person__unit__short_name",
    "planned_start": "planned_start",
    "deadline": "deadline",
    "measure": "measure",
    "target_value": "target_value",
    "value_unit": "value_unit",
    "target_text": "target_text",
    "report_cycle": "report_cycle",
    "report_due_day": "report_due_day",
    "region": "region__name",
    "version": "version",
    "status": "status",
    "assessed_colour": "assessed_colour",
    "computed_colour": "computed_colour",
    "assessed_reason": "assessed_reason",
    "computed_reason": "computed_reason",
    "progress_percent": "progress_percent",
    "last_reported_at": "last_reported_at",
}
_COLOURS = {"red": "红", "yellow": "黄", "green": "绿"}


def _row_values(
    row: dict[str, Any], labels: dict[str, dict[Any, Any]], milestones: list[str], supports: list[str]
) -> list[object]:
    """The cells of one item, as get_FOO_display and the import's names would give them."""

    def label(name: str) -> str:
        return str(labels[name].get(row[name], row[name]))

    colour = row["assessed_colour"] or row["computed_colour"]
    reported = row["last_reported_at"]
    values: list[object] = [
        row["code"],
        row["title"],
        label("kind"),
        label("source"),
        row["year"],
        row["description"],
        row["leader"] or "",
        row["lead_unit"] or "",
        "、".join(supports),
        _person_label(row["person"], row["person_unit"]) if row["person"] else "",
        row["planned_start"],
        row["deadline"],
        "；".join(milestones),
        label("measure"),
        row["target_value"],
        row["value_unit"],
        row["target_text"],
        label("report_cycle"),
        row["report_due_day"],
        row["region"],
        row["version"],
        label("status"),
        _COLOURS.get(colour, "") + ("（研判）" if row["assessed_colour"] else ""),
        row["assessed_reason"] or row["computed_reason"],
        row["progress_percent"],
        f"{timezone.localtime(reported):%Y-%m-%d}" if reported else "",
    ]
    # An empty cell is no cell at all in the file (the import reads both alike); no text cell can
    # become a formula in Excel or WPS (core.sheets).
    return safe_row([None if value == "" else value for value in values])


EXPORT_WIDTHS = [c.width for c in COLUMNS] + [10, 8, 40, 10, 12]
# Items read from the database at a time, with their units and milestones: the memory an export
# takes does not grow with the number of items, nor its number of queries with a few thousand.
EXPORT_CHUNK = 2000


def export_workbook(items: QuerySet[Item], out: IO[bytes] | Path) -> int:
    """Write `items` (with the user's scope, filters and order) to `out`, a file or a path, in the
    import template's columns followed by the item's state; returns the number of items written.

    The sheet is written row by row (openpyxl's write-only mode) and the items are read in chunks
    of EXPORT_CHUNK, each with its milestones and support units (two queries), so that a city's
    whole ledger takes little memory. Dates keep Excel's date format (yyyy-mm-dd).
    """
    labels = {
        name: dict(Item._meta.get_field(name).flatchoices)  # type: ignore[union-attr]
        for name in ("kind", "source", "measure", "report_cycle", "status")
    }
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("督办事项")
    for index, width in enumerate(EXPORT_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, header) for header in [c.header for c in COLUMNS] + EXPORT_EXTRA])
    rows = items.prefetch_related(None).values_list(*_EXPORTED.values()).iterator(chunk_size=EXPORT_CHUNK)
    written = 0
    while chunk := [dict(zip(_EXPORTED, row, strict=True)) for row in islice(rows, EXPORT_CHUNK)]:
        ids = [row["pk"] for row in chunk]
        milestones: dict[int, list[str]] = defaultdict(list)
        for item_id, name, due in (
            Milestone.objects.filter(item_id__in=ids)
            .values_list("item_id", "name", "due")
            .order_by(*(Milestone._meta.ordering or ()))
        ):
            milestones[item_id].append(f"{name}：{due.isoformat()}")
        supports: dict[int, list[str]] = defaultdict(list)
        for item_id, name in (
            Item.support_units.through.objects.filter(item_id__in=ids)
            .values_list("item_id", "unit__short_name")
            .order_by(*(f"unit__{order}" for order in Unit._meta.ordering or ()))
        ):
            supports[item_id].append(name)
        for row in chunk:
            sheet.append(_row_values(row, labels, milestones[row["pk"]], supports[row["pk"]]))
        written += len(chunk)
    workbook.save(out)
    return written


def _header_cell(sheet: Any, header: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=header)
    cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell
