"""A month's statistics for all of a region's indicators, from the statistics bureau's sheet.

The header row (within the first rows) holds 指标名称, and the month's figure as 本月 and/or
1-本月累计 (also written 1-6月累计, 累计); 单位 and 同比增长（%） are optional. Each row is matched to
one of the region's indicators of the year by its name, exactly, spaces at either end trimmed.

Which figure an indicator keeps (its type, compute.Type):
- a cumulative total or a count keeps 1 to the month (1-本月累计): the cumulative figure where the
  sheet has one; else the month's figure added to the previous month's current cumulative value
  (January's is the month's own); without that previous value the cell is refused;
- a level or a rate keeps the month's own figure (本月), or the cumulative column's when that is
  all the sheet gives (a growth rate is published for 1 to the month).
同比增长 is stored as the value's published growth; an empty cell keeps the growth already stored.
A unit may differ only as 亿元 against 万元 (1亿元 = 10000万元): the figure is converted.

The city's ranking table has the same columns and one more, 县区: a row of another county is that
county's figure for the indicator (a peer's, for the rank; a cumulative indicator's peer figure is its
1-本月累计, or the month's own in January); a row of the region itself, or without 县区, is the
region's own figure. One sheet may hold both.

All or nothing: every bad cell is named (第N行 X列（列名）：…) and nothing is kept unless there are
none. The workbook goes through the items import's guards (luoshi.items.excel): its zip directory
against the caps before openpyxl opens it, then a streaming read that stops at the row cap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any

from openpyxl.utils import get_column_letter

from luoshi.indicators.compute import Type
from luoshi.indicators.models import COUNTED, KIND, Indicator, Value
from luoshi.indicators.rules import CLOSED

# The items import's guards: the caps, the check of the zip before opening, the streaming read.
from luoshi.items.excel import (
    HEADER_WITHIN,
    NOT_A_WORKBOOK,
    CellError,
    ImportLimits,
    SheetError,
    _open_workbook,
    _sheet_rows,
    _text,
    _too_many_rows,
    _Unreadable,
    workbook_refusal,
)
from luoshi.org.models import Region

NAME, UNIT, MONTH, CUMULATIVE, GROWTH, REGION = "name", "unit", "month", "cumulative", "growth", "region"
LABELS = {
    NAME: "指标名称",
    UNIT: "单位",
    MONTH: "本月",
    CUMULATIVE: "1-本月累计",
    GROWTH: "同比增长（%）",
    REGION: "县区",
}
# A sheet's way of saying "no figure".
BLANKS = {"", "-", "—", "——", "/", "…", "……"}
WAN_PER_YI = Decimal(10000)
CONVERSIONS = {("亿元", "万元"): WAN_PER_YI, ("万元", "亿元"): 1 / WAN_PER_YI}  # (sheet, indicator)
VALUE_PLACES, GROWTH_PLACES = Decimal("0.0001"), Decimal("0.01")
LARGEST = Decimal(10) ** 12


@dataclass(frozen=True)
class Planned:
    """A row read: the indicator's figure for the month as it would be kept."""

    row: int
    indicator: Indicator
    value: Decimal
    growth: Decimal | None
    current: Value | None

    @property
    def changes(self) -> bool:
        current = self.current
        return current is None or current.value != self.value or current.growth != self.growth


@dataclass(frozen=True)
class PlannedPeer:
    """A row of another county: its figure for the indicator and month, for the rank."""

    row: int
    indicator: Indicator
    region_name: str
    value: Decimal | None
    growth: Decimal | None


@dataclass
class IndicatorImport:
    rows: list[Planned] = field(default_factory=list)
    peers: list[PlannedPeer] = field(default_factory=list)
    errors: list[CellError | SheetError] = field(default_factory=list)
    errors_not_listed: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_not_listed


def _header_key(value: object) -> str | None:
    text = _text(value).replace(" ", "").replace("　", "").replace("(", "（").replace(")", "）")
    text = text.replace("—", "-").replace("－", "-").replace("～", "-").replace("~", "-")
    if text == "指标名称":
        return NAME
    if text in ("单位", "计量单位"):
        return UNIT
    if text in ("县区", "县（区）", "区县", "县（市、区）", "地区"):
        return REGION
    if text in ("本月", "本月数"):
        return MONTH
    if text.endswith("累计") and (text.startswith("1-") or text == "累计"):
        return CUMULATIVE
    if text.startswith("同比增长") or text.startswith("同比增速"):
        return GROWTH
    return None


def _figure(value: object, places: Decimal) -> Decimal | None:
    if isinstance(value, bool):
        raise ValueError(f"“{value}”不是数字")
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        # 1,234.5 and 5% (a rate as the statistics bureau writes it) are numbers too.
        text = _text(value).replace(",", "").replace("，", "").removesuffix("%").removesuffix("％").strip()
        if text in BLANKS:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"“{text}”不是数字") from None
    if not number.is_finite() or abs(number) >= LARGEST:
        raise ValueError(f"“{_text(value)}”超出范围")
    return number.quantize(places, rounding=ROUND_HALF_UP)


def read_indicators_sheet(
    source: IO[bytes], *, region: Region, year: int, month: int, limits: ImportLimits | None = None
) -> IndicatorImport:
    """The month's figures of the sheet, each planned for its indicator; every bad cell named."""
    limits = limits or ImportLimits.from_settings()
    refusal = workbook_refusal(source, limits=limits)
    if refusal is not None:
        return IndicatorImport(errors=[SheetError(refusal)])
    try:
        workbook = _open_workbook(source)
    except Exception:  # openpyxl raises many kinds for a file that is not an xlsx workbook
        return IndicatorImport(errors=[SheetError(NOT_A_WORKBOOK)])
    try:
        if not workbook.worksheets:
            return IndicatorImport(errors=[SheetError(NOT_A_WORKBOOK)])
        return _Reader(workbook.worksheets[0], region=region, year=year, month=month, limits=limits).read()
    except _Unreadable as error:
        return IndicatorImport(
            errors=[SheetError(f"表格第 {error.row:,} 行附近的内容已损坏，无法读取。{NOT_A_WORKBOOK}")]
        )
    finally:
        workbook.close()
        source.seek(0)


class _Reader:
    def __init__(self, sheet: Any, *, region: Region, year: int, month: int, limits: ImportLimits) -> None:
        self.sheet, self.limits, self.month = sheet, limits, month
        self.first_row, self.last_row = sheet.min_row or 1, sheet.max_row
        sheet.reset_dimensions()
        indicators = (
            Indicator.objects.filter(item__region=region, item__year=year, item__kind=KIND)
            .exclude(item__status__in=CLOSED)
            .select_related("item")
        )
        self.by_name = {indicator.item.title.strip(): indicator for indicator in indicators}
        self.region_name = region.name
        wanted = [month, month - 1]
        values = Value.objects.filter(
            indicator__in=list(self.by_name.values()), year=year, month__in=wanted, is_current=True
        )
        self.current = {(v.indicator_id, v.month): v for v in values}
        self.positions: dict[str, int] = {}
        self.seen: dict[tuple[int, str], int] = {}  # (indicator, a peer county or "") → its row
        self.result = IndicatorImport()

    def _error(self, row: int, key: str, message: str) -> None:
        column = get_column_letter(self.positions[key] + 1)
        error = CellError(row=row, column=column, label=LABELS[key], message=message)
        if len(self.result.errors) < self.limits.max_errors:
            self.result.errors.append(error)
        else:
            self.result.errors_not_listed += 1

    def read(self) -> IndicatorImport:
        limits = self.limits
        if self.last_row and self.last_row - self.first_row > limits.max_rows:
            where = f"表格自身记录的范围有 {self.last_row - self.first_row + 1:,} 行"
            return IndicatorImport(errors=[_too_many_rows(limits, where)])
        header_at: int | None = None
        for number, values in _sheet_rows(self.sheet):
            if header_at is None:
                keys = [_header_key(v) for v in values]
                if NAME in keys:
                    header_at = number
                    self.positions = {key: i for i, key in reversed(list(enumerate(keys))) if key}
                    if MONTH not in self.positions and CUMULATIVE not in self.positions:
                        return IndicatorImport(errors=[SheetError("表格缺少“本月”或“1-本月累计”列。")])
                elif number >= HEADER_WITHIN:
                    break
                continue
            if number - header_at > limits.max_rows:
                return IndicatorImport(errors=[_too_many_rows(limits, f"读到第 {number:,} 行时停止")])
            self._row(number, values)
        if header_at is None:
            return IndicatorImport(errors=[SheetError("表格中找不到表头（“指标名称”所在的行）。")])
        if self.result.ok and not self.result.rows and not self.result.peers:
            self.result.errors.append(SheetError("表格中没有指标数据。"))
        return self.result

    def _cell(self, values: Sequence[Any], key: str) -> Any:
        position = self.positions.get(key)
        return values[position] if position is not None and position < len(values) else None

    def _row(self, number: int, values: Sequence[Any]) -> None:
        if not any(_text(v) for v in values):
            return
        name = _text(self._cell(values, NAME))
        if not name:
            self._error(number, NAME, "缺少指标名称")
            return
        indicator = self.by_name.get(name)
        if indicator is None:
            self._error(number, NAME, f"本县{self.month}月所在年度没有名为“{name}”的考核指标")
            return
        county = _text(self._cell(values, REGION))
        peer = bool(county) and county != self.region_name
        once = (indicator.pk, county if peer else "")
        if once in self.seen:
            whose = f"“{county}”的" if peer else ""
            self._error(number, NAME, f"{whose}指标“{name}”与第{self.seen[once]}行重复")
            return
        self.seen[once] = number
        errors = len(self.result.errors) + self.result.errors_not_listed
        factor = self._factor(number, values, indicator)
        figures: dict[str, Decimal | None] = {}
        for key, places in ((MONTH, VALUE_PLACES), (CUMULATIVE, VALUE_PLACES), (GROWTH, GROWTH_PLACES)):
            try:
                figures[key] = _figure(self._cell(values, key), places)
            except ValueError as error:
                self._error(number, key, str(error))
                figures[key] = None
        for key in (MONTH, CUMULATIVE):
            figure = figures[key]
            if (
                figure is not None
                and figure < 0
                and (indicator.type == Type.COUNT or indicator.unit in COUNTED)
            ):
                self._error(number, key, f"“{indicator.item.title}”是计数，不能为负数")
        if len(self.result.errors) + self.result.errors_not_listed > errors or factor is None:
            return
        if peer:
            self._peer(number, indicator, county, figures, factor)
            return
        value = self._value(number, indicator, figures[MONTH], figures[CUMULATIVE], factor)
        if value is None:
            return
        current = self.current.get((indicator.pk, self.month))
        growth = figures[GROWTH]
        if growth is None and current is not None:
            growth = current.growth  # a sheet without the rate keeps the one stored
        value = value.quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)
        self.result.rows.append(Planned(number, indicator, value, growth, current))

    def _peer(
        self,
        number: int,
        indicator: Indicator,
        county: str,
        figures: dict[str, Decimal | None],
        factor: Decimal,
    ) -> None:
        """Another county's figure: as published, for its rank (no previous month to add it to)."""
        if Type(indicator.type).accumulates and self.month > 1:
            figure = figures[CUMULATIVE]
            if figure is None and figures[MONTH] is not None:
                self._error(number, MONTH, f"“{county}”的累计指标请填写“1-本月累计”")
                return
        else:
            figure = figures[MONTH] if figures[MONTH] is not None else figures[CUMULATIVE]
        if figure is None and figures[GROWTH] is None:
            self._error(number, MONTH if MONTH in self.positions else CUMULATIVE, "缺少数据")
            return
        value = None if figure is None else (figure * factor).quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)
        self.result.peers.append(PlannedPeer(number, indicator, county, value, figures[GROWTH]))

    def _factor(self, number: int, values: Sequence[Any], indicator: Indicator) -> Decimal | None:
        unit = _text(self._cell(values, UNIT))
        if not unit or unit == indicator.unit:
            return Decimal(1)
        factor = CONVERSIONS.get((unit, indicator.unit))
        if factor is None:
            self._error(number, UNIT, f"单位“{unit}”与指标的计量单位“{indicator.unit}”不符")
        return factor

    def _value(
        self,
        number: int,
        indicator: Indicator,
        this_month: Decimal | None,
        cumulative: Decimal | None,
        factor: Decimal,
    ) -> Decimal | None:
        accumulates = Type(indicator.type).accumulates
        if accumulates and cumulative is not None:
            return cumulative * factor
        if not accumulates:
            figure = this_month if this_month is not None else cumulative
            if figure is None:
                self._error(number, MONTH if MONTH in self.positions else CUMULATIVE, "缺少数据")
            return None if figure is None else figure * factor
        key = MONTH if MONTH in self.positions else CUMULATIVE
        if this_month is None:
            self._error(number, key, "缺少数据")
            return None
        if self.month == 1:
            return this_month * factor
        previous = self.current.get((indicator.pk, self.month - 1))
        if previous is None:
            self._error(
                number,
                MONTH,
                f"“{indicator.item.title}”是累计指标，系统中没有{self.month - 1}月的累计数，"
                "请填写“1-本月累计”",
            )
            return None
        return previous.value + this_month * factor
