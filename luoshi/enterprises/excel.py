"""The tax office's monthly list of key taxpayers (重点税源企业纳税情况), read from Excel.

The header row (within the first rows) holds 企业名称 and 本月税收 (also 本月入库税收, 税收); 上年同月
(also 上年同期) is optional. Amounts in 万元. Each row is one of the region's enterprises, by its
name exactly (spaces at either end trimmed). All or nothing: every bad cell is named and nothing is
kept unless there are none. The sheet is read as every sheet of a table is (luoshi.core.sheets.read_table),
its guards included; a row with nothing in the columns read (a note below the table) is skipped.
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
from luoshi.enterprises.models import Enterprise
from luoshi.org.models import Region

NAME, AMOUNT, LAST_YEAR = "name", "amount", "last_year"
LABELS = {NAME: "企业名称", AMOUNT: "本月税收（万元）", LAST_YEAR: "上年同月（万元）"}
# The header row is the one with 企业名称; the rest are found by _header_key.
COLUMNS = (
    Column(NAME, LABELS[NAME], required=True),
    Column(AMOUNT, LABELS[AMOUNT]),
    Column(LAST_YEAR, LABELS[LAST_YEAR]),
)
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
        workbook = open_workbook(source)
    except Exception:  # openpyxl raises many kinds for a file that is not an xlsx workbook
        return TaxImport(errors=[SheetError(NOT_A_WORKBOOK)])
    errors = Errors(limit=limits.max_errors)
    try:
        if not workbook.worksheets:
            return TaxImport(errors=[SheetError(NOT_A_WORKBOOK)])
        table = read_table(
            workbook.worksheets[0], COLUMNS, limits=limits, errors=errors, name="", header_key=_header_key
        )
    finally:
        workbook.close()
        source.seek(0)
    return _Reader(table, errors, region=region).read()


class _Reader:
    def __init__(self, table: Table, errors: Errors, *, region: Region) -> None:
        self.table, self.errors = table, errors
        self.by_name = {e.name.strip(): e for e in Enterprise.objects.filter(region=region)}
        self.seen: dict[int, int] = {}
        self.result = TaxImport()

    def _error(self, row: int, key: str, message: str) -> None:
        self.errors.add(self.table.error(row, key, message))

    def read(self) -> TaxImport:
        table, result = self.table, self.result
        if table.refused:
            return self._with_errors()
        if AMOUNT not in table.positions:
            return TaxImport(errors=[SheetError("表格缺少“本月税收”列。")])
        for row in table.rows:
            self._row(row)
        if not self.errors and not result.rows:
            self.errors.add(SheetError("表格中没有企业的税收数据。"))
        return self._with_errors()

    def _with_errors(self) -> TaxImport:
        result = self.result
        if self.errors:
            result.rows = []
        result.errors, result.errors_not_listed = self.errors.listed, self.errors.not_listed
        return result

    def _row(self, row: Row) -> None:
        number, name = row.number, row[NAME]
        if not name:
            return  # read_table named the blank cell
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
                figures[key] = _amount(row.value(key))
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
