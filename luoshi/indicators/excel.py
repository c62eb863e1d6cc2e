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
none. The sheet is read as every sheet of a table is (luoshi.core.sheets.read_table): its zip
directory against the caps before openpyxl opens it, then a streaming read that stops at the row cap;
a row with nothing in the columns read (a note below the table) is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO

from luoshi.core.sheets import (
    NOT_A_WORKBOOK,
    CellError,
    Column,
    Errors,
    ImportLimits,
    Row,
    SheetError,
    Table,
    open_workbook,
    read_table,
    workbook_refusal,
)
from luoshi.core.sheets import text as _text
from luoshi.indicators.compute import Type
from luoshi.indicators.models import COUNTED, KIND, Indicator, Value
from luoshi.indicators.rules import CLOSED
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
# The sheet's header row is the one with 指标名称; the rest are found by _header_key.
COLUMNS = (
    Column(NAME, LABELS[NAME], required=True),
    *(Column(key, LABELS[key]) for key in (UNIT, MONTH, CUMULATIVE, GROWTH, REGION)),
)
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
        workbook = open_workbook(source)
    except Exception:  # openpyxl raises many kinds for a file that is not an xlsx workbook
        return IndicatorImport(errors=[SheetError(NOT_A_WORKBOOK)])
    errors = Errors(limit=limits.max_errors)
    try:
        if not workbook.worksheets:
            return IndicatorImport(errors=[SheetError(NOT_A_WORKBOOK)])
        table = read_table(
            workbook.worksheets[0], COLUMNS, limits=limits, errors=errors, name="", header_key=_header_key
        )
    finally:
        workbook.close()
        source.seek(0)
    return _Reader(table, errors, region=region, year=year, month=month).read()


class _Reader:
    def __init__(self, table: Table, errors: Errors, *, region: Region, year: int, month: int) -> None:
        self.table, self.errors, self.month = table, errors, month
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
        self.positions = table.positions
        self.seen: dict[tuple[int, str], int] = {}  # (indicator, a peer county or "") → its row
        self.result = IndicatorImport()

    def _error(self, row: int, key: str, message: str) -> None:
        self.errors.add(self.table.error(row, key, message))

    def read(self) -> IndicatorImport:
        table, result = self.table, self.result
        if table.refused:
            return self._with_errors()
        if MONTH not in self.positions and CUMULATIVE not in self.positions:
            return IndicatorImport(errors=[SheetError("表格缺少“本月”或“1-本月累计”列。")])
        for row in table.rows:
            self._row(row)
        if not self.errors and not result.rows and not result.peers:
            self.errors.add(SheetError("表格中没有指标数据。"))
        return self._with_errors()

    def _with_errors(self) -> IndicatorImport:
        result = self.result
        if self.errors:
            result.rows, result.peers = [], []
        result.errors, result.errors_not_listed = self.errors.listed, self.errors.not_listed
        return result

    def _row(self, row: Row) -> None:
        number, name = row.number, row[NAME]
        if not name:
            return  # read_table named the blank cell
        indicator = self.by_name.get(name)
        if indicator is None:
            self._error(number, NAME, f"本县{self.month}月所在年度没有名为“{name}”的考核指标")
            return
        county = row[REGION]
        peer = bool(county) and county != self.region_name
        once = (indicator.pk, county if peer else "")
        if once in self.seen:
            whose = f"“{county}”的" if peer else ""
            self._error(number, NAME, f"{whose}指标“{name}”与第{self.seen[once]}行重复")
            return
        self.seen[once] = number
        errors = self.errors.count
        factor = self._factor(row, indicator)
        figures: dict[str, Decimal | None] = {}
        for key, places in ((MONTH, VALUE_PLACES), (CUMULATIVE, VALUE_PLACES), (GROWTH, GROWTH_PLACES)):
            try:
                figures[key] = _figure(row.value(key), places)
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
        if self.errors.count > errors or factor is None:
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

    def _factor(self, row: Row, indicator: Indicator) -> Decimal | None:
        number, unit = row.number, row[UNIT]
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
