"""The tax office's monthly list of key taxpayers (重点税源企业纳税情况), read from Excel.

The header row (within the first rows) holds 企业名称 and 本月税收 (also 本月入库税收, 税收); 上年同月
(also 上年同期) is optional. Amounts in 万元. Each row is one of the region's enterprises, by its
name exactly (spaces at either end trimmed). All or nothing: every bad cell is named and nothing is
kept unless there are none. The workbook goes through the items import's guards (luoshi.items.excel).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any

from openpyxl.utils import get_column_letter

from luoshi.enterprises.models import Enterprise
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

NAME, AMOUNT, LAST_YEAR = "name", "amount", "last_year"
LABELS = {NAME: "企业名称", AMOUNT: "本月税收（万元）", LAST_YEAR: "上年同月（万元）"}
BLANKS = {"", "-", "—", "——", "/"}
PLACES = Decimal("0.01")
LARGEST = Decimal(10) ** 12


@dataclass(frozen=True)
class TaxRow:
    row: int
    enterprise: Enterprise
    amount: Decimal
    last_year: Decimal | None


@dataclass
class TaxImport:
    rows: list[TaxRow] = field(default_factory=list)
    errors: list[CellError | SheetError] = field(default_factory=list)
    errors_not_listed: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_not_listed


def _header_key(value: object) -> str | None:
    text = _text(value).replace(" ", "").replace("(", "（").replace(")", "）")
    if text in ("企业名称", "纳税人名称", "企业"):
        return NAME
    if text.startswith(("本月税收", "本月入库税收", "税收")):
        return AMOUNT
    if text.startswith(("上年同月", "上年同期")):
        return LAST_YEAR
    return None


def _amount(value: object) -> Decimal | None:
    if isinstance(value, bool):
        raise ValueError(f"“{value}”不是数字")
    text = _text(value).replace(",", "").replace("，", "")
    if text in BLANKS:
        return None
    try:
        number = Decimal(str(value)) if isinstance(value, int | float) else Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}”不是数字") from None
    if not number.is_finite() or abs(number) >= LARGEST:
        raise ValueError(f"“{text}”超出范围")
    if number < 0:
        raise ValueError("税收不能为负数")
    return number.quantize(PLACES, rounding=ROUND_HALF_UP)


def read_tax_sheet(source: IO[bytes], *, region: Region, limits: ImportLimits | None = None) -> TaxImport:
    limits = limits or ImportLimits.from_settings()
    refusal = workbook_refusal(source, limits=limits)
    if refusal is not None:
        return TaxImport(errors=[SheetError(refusal)])
    try:
        workbook = _open_workbook(source)
    except Exception:  # openpyxl raises many kinds for a file that is not an xlsx workbook
        return TaxImport(errors=[SheetError(NOT_A_WORKBOOK)])
    try:
        if not workbook.worksheets:
            return TaxImport(errors=[SheetError(NOT_A_WORKBOOK)])
        return _Reader(workbook.worksheets[0], region=region, limits=limits).read()
    except _Unreadable as error:
        return TaxImport(
            errors=[SheetError(f"表格第 {error.row:,} 行附近的内容已损坏，无法读取。{NOT_A_WORKBOOK}")]
        )
    finally:
        workbook.close()
        source.seek(0)


class _Reader:
    def __init__(self, sheet: Any, *, region: Region, limits: ImportLimits) -> None:
        self.sheet, self.limits = sheet, limits
        self.first_row, self.last_row = sheet.min_row or 1, sheet.max_row
        sheet.reset_dimensions()
        self.by_name = {e.name.strip(): e for e in Enterprise.objects.filter(region=region)}
        self.positions: dict[str, int] = {}
        self.seen: dict[int, int] = {}
        self.result = TaxImport()

    def _error(self, row: int, key: str, message: str) -> None:
        error = CellError(
            row=row, column=get_column_letter(self.positions[key] + 1), label=LABELS[key], message=message
        )
        if len(self.result.errors) < self.limits.max_errors:
            self.result.errors.append(error)
        else:
            self.result.errors_not_listed += 1

    def read(self) -> TaxImport:
        limits = self.limits
        if self.last_row and self.last_row - self.first_row > limits.max_rows:
            return TaxImport(
                errors=[
                    _too_many_rows(limits, f"表格自身记录的范围有 {self.last_row - self.first_row + 1:,} 行")
                ]
            )
        header_at: int | None = None
        for number, values in _sheet_rows(self.sheet):
            if header_at is None:
                keys = [_header_key(v) for v in values]
                if NAME in keys:
                    header_at = number
                    self.positions = {key: i for i, key in reversed(list(enumerate(keys))) if key}
                    if AMOUNT not in self.positions:
                        return TaxImport(errors=[SheetError("表格缺少“本月税收”列。")])
                elif number >= HEADER_WITHIN:
                    break
                continue
            if number - header_at > limits.max_rows:
                return TaxImport(errors=[_too_many_rows(limits, f"读到第 {number:,} 行时停止")])
            self._row(number, values)
        if header_at is None:
            return TaxImport(errors=[SheetError("表格中找不到表头（“企业名称”所在的行）。")])
        if self.result.ok and not self.result.rows:
            self.result.errors.append(SheetError("表格中没有企业的税收数据。"))
        return self.result

    def _cell(self, values: Sequence[Any], key: str) -> Any:
        position = self.positions.get(key)
        return values[position] if position is not None and position < len(values) else None

    def _row(self, number: int, values: Sequence[Any]) -> None:
        if not any(_text(v) for v in values):
            return
        name = _text(self._cell(values, NAME))
        if not name:
            self._error(number, NAME, "缺少企业名称")
            return
        enterprise = self.by_name.get(name)
        if enterprise is None:
            self._error(number, NAME, f"本县没有名为“{name}”的企业")
            return
        if enterprise.pk in self.seen:
            self._error(number, NAME, f"企业“{name}”与第{self.seen[enterprise.pk]}行重复")
            return
        self.seen[enterprise.pk] = number
        figures: dict[str, Decimal | None] = {}
        failed = False
        for key in (AMOUNT, LAST_YEAR):
            try:
                figures[key] = _amount(self._cell(values, key))
            except ValueError as error:
                self._error(number, key, str(error))
                failed = True
        if failed:
            return
        amount = figures[AMOUNT]
        if amount is None:
            self._error(number, AMOUNT, "缺少本月税收")
            return
        self.result.rows.append(TaxRow(number, enterprise, amount, figures.get(LAST_YEAR)))
