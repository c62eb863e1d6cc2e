"""What every spreadsheet the system reads or writes must do with its cells.

Writing: a text cell that starts with = + - @ (or a tab or carriage return, which some programs skip
before reading a formula) is read by Excel and WPS as a formula: a title like `=HYPERLINK("http://…")`
or `=1+1+cmd|' /C calc'!A0` typed into an item, or imported from someone's sheet, would come out of an
export as a live formula (CSV/formula injection, OWASP). Every export writes its cells through
`safe_cell`, which keeps the text and makes it inert with a leading quote mark (').

Reading: an upload is untrusted. A workbook is a zip, and 500 KB can unpack to hundreds of megabytes:
`workbook_refusal` checks its zip directory against the caps (ImportLimits) before openpyxl opens it,
`open_workbook` opens it without reading a sheet to its end, `sheet_rows` reads rows one at a time.
`read_table` reads one sheet by its column headers into rows of text, and every bad cell becomes a
`CellError` naming the sheet, the row and the column (in Chinese), listed up to a number.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.functions import iterparse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """`value` as a sheet cell that can never be a formula. Numbers, dates and empty cells pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: list[object] | tuple[object, ...]) -> list[object]:
    return [safe_cell(value) for value in values]


def cell_text(value: str) -> str:
    """A text cell as read back: the quote mark `safe_cell` put before a formula start comes off, so
    an exported sheet imported again gives back the same words."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


@dataclass(frozen=True)
class CellError:
    row: int
    column: str  # the column letter, as Excel shows it
    label: str
    message: str
    sheet: str = ""  # the sheet's name, when a workbook has several to import

    def __str__(self) -> str:
        where = f"“{self.sheet}”表 " if self.sheet else ""
        return f"{where}第{self.row}行 {self.column}列（{self.label}）：{self.message}"


@dataclass(frozen=True)
class SheetError:
    message: str

    def __str__(self) -> str:
        return self.message


MB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """What an uploaded workbook may be, checked before and while it is read."""

    max_rows: int  # rows below the header, empty ones included
    max_unpacked_bytes: int  # all the zip's parts, as their sizes are declared in its directory
    max_errors: int  # errors listed; the rest are counted
    max_members: int = 1000  # parts of the zip (a workbook has a dozen or so)
    max_ratio: int = 200  # a part's unpacked size over its packed size (sheets are 5–20 times)

    @classmethod
    def from_settings(
        cls, *, max_rows: int | None = None, max_unpacked_mb: int | None = None
    ) -> ImportLimits:
        return cls(
            max_rows=max_rows or settings.LUOSHI_IMPORT_MAX_ROWS,
            max_unpacked_bytes=(max_unpacked_mb or settings.LUOSHI_IMPORT_MAX_UNPACKED_MB) * MB,
            max_errors=settings.LUOSHI_IMPORT_MAX_ERRORS,
        )


NOT_A_WORKBOOK = "无法读取这个文件：请上传 .xlsx 格式的 Excel 表格（可先下载模板）。"
# The part whose packed size is compared with what it unpacks to only when it unpacks to this much.
RATIO_FROM_BYTES = MB


def workbook_refusal(source: IO[bytes], *, limits: ImportLimits) -> str | None:
    """Why the file will not be opened as a workbook, from its zip directory alone; None if it may be.

    The sizes are those the directory declares: a part that unpacks to more than it declares fails
    its check when read (zipfile stops at the declared size), so the sum is an upper bound.
    """
    source.seek(0)
    try:
        if not zipfile.is_zipfile(source):
            return NOT_A_WORKBOOK
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return NOT_A_WORKBOOK
    finally:
        source.seek(0)
    if len(members) > limits.max_members:
        return (
            f"这个文件由 {len(members):,} 个部分组成，不像 Excel 表格"
            f"（最多 {limits.max_members:,} 个），已拒绝。"
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.max_unpacked_bytes:
        return (
            f"这个表格解压后有 {megabytes(unpacked)}，超过导入上限 {megabytes(limits.max_unpacked_bytes)}，"
            "没有读取。请删除多余的行、列和工作表，或分成几个表格分批导入。"
        )
    for member in members:
        if member.file_size >= RATIO_FROM_BYTES and member.file_size > limits.max_ratio * max(
            member.compress_size, 1
        ):
            return (
                f"这个文件中的 {member.filename} 压缩比异常（解压后是压缩时的 "
                f"{member.file_size // max(member.compress_size, 1):,} 倍），不像正常的 Excel 表格，已拒绝。"
            )
    return None


def megabytes(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= 10 * MB else f"{size / MB:.1f} MB"


def open_workbook(source: IO[bytes]) -> Any:
    """The workbook as load_workbook(read_only=True, data_only=True) opens it, except that a sheet
    that does not state its size (<dimension>) is not read to its end on opening to find that out."""
    reader = _Reader(source, read_only=True, data_only=True)
    reader.read()
    return reader.wb


class _SizedByItsHead(ReadOnlyWorksheet):
    """openpyxl's read-only sheet looks for <dimension> until </sheetData>: through the whole sheet
    when there is none, as in the files openpyxl's own write-only mode saves (our export). It is
    found before <sheetData> or not at all."""

    def _get_size(self) -> None:
        with self._get_source() as part:
            for _event, element in iterparse(part, events=("start",)):
                if element.tag == DIMENSION_TAG:
                    dimension = SheetDimension.from_tree(element).boundaries
                    self._min_column, self._min_row, self._max_column, self._max_row = dimension
                    return
                if element.tag == DATA_TAG:
                    return


class _Reader(ExcelReader):
    def read_worksheets(self) -> None:
        """ExcelReader's, for a read-only workbook of worksheets (a chart sheet is no sheet to import)."""
        for sheet, relation in self.parser.find_sheets():
            if relation.target in self.valid_files and "chartsheet" not in relation.Type:
                worksheet = _SizedByItsHead(self.wb, sheet.name, relation.target, self.shared_strings)
                worksheet.sheet_state = sheet.state
                self.wb._sheets.append(worksheet)


class Unreadable(Exception):
    """The sheet's XML broke off or is not a sheet's, at `row`."""

    def __init__(self, row: int) -> None:
        super().__init__(row)
        self.row = row


def sheet_rows(sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The sheet's rows as values, numbered from 1, parsed one at a time."""
    rows = sheet.iter_rows(values_only=True)
    number = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as error:  # the XML parser's own errors, of many kinds
            raise Unreadable(number + 1) from error
        number += 1
        yield number, values


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return cell_text(str(value).strip())


# ---------------------------------------------------------------------------------------------
# A sheet read by its headers

HEADER_WITHIN = 50  # the header is looked for in the first rows only


@dataclass(frozen=True)
class Column:
    """A column of a sheet to import: found by its header (or one of `aliases`; a trailing * and
    spaces ignored), read as text."""

    key: str
    label: str
    required: bool = False  # the column must be present, and the cell filled
    aliases: tuple[str, ...] = ()
    width: int = 16
    note: str = ""  # for the template's 填写说明

    @property
    def header(self) -> str:
        return self.label + ("*" if self.required else "")


@dataclass
class Errors:
    """The errors of an import, the first `limit` of them listed and the rest counted."""

    limit: int
    listed: list[CellError | SheetError] = field(default_factory=list)
    not_listed: int = 0

    def add(self, error: CellError | SheetError) -> None:
        if len(self.listed) < self.limit:
            self.listed.append(error)
        else:
            self.not_listed += 1

    @property
    def count(self) -> int:
        return len(self.listed) + self.not_listed

    def __bool__(self) -> bool:
        return self.count > 0

    def lines(self) -> list[str]:
        out = [str(error) for error in self.listed]
        if self.not_listed:
            out.append(f"另有 {self.not_listed} 处错误未列出。")
        return out


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it
    cells: dict[str, str]  # column key → the cell's text ("" when blank or the column is absent)
    values: dict[str, object] = field(default_factory=dict)  # column key → the cell as read (a date…)

    def __getitem__(self, key: str) -> str:
        return self.cells.get(key, "")

    def value(self, key: str) -> object:
        """The cell as openpyxl read it (None when blank or the column is absent)."""
        return self.values.get(key)


@dataclass
class Table:
    """One sheet's rows by column key, and where each column is (for naming a bad cell)."""

    sheet: str
    columns: Sequence[Column]
    positions: dict[str, int] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    refused: bool = False  # no header, too many rows or unreadable: the error says which, no row is kept

    def error(self, row: Row | int, key: str, message: str) -> CellError:
        number = row.number if isinstance(row, Row) else row
        position = self.positions.get(key)
        letter = get_column_letter(position + 1) if position is not None else "—"
        label = next((c.label for c in self.columns if c.key == key), key)
        return CellError(row=number, column=letter, label=label, message=message, sheet=self.sheet)


def _header_text(value: object) -> str:
    return text(value).replace(" ", "").replace("\u3000", "").rstrip("*＊")


HeaderKey = Callable[[str], str | None]  # a header cell's text → its column's key, or None


def read_table(
    sheet: Any,
    columns: Sequence[Column],
    *,
    limits: ImportLimits,
    errors: Errors,
    name: str | None = None,
    header_key: HeaderKey | None = None,
) -> Table:
    """The sheet's rows below its header, as text by column; rows blank in every column skipped.

    The header is the first row (of the first HEADER_WITHIN) that names every required column: by
    their labels and aliases, or by `header_key` for a sheet whose headers vary more than a list
    says (1-6月累计, 同比增长（%）). A required cell left blank is an error of its own; what else is
    wrong with a cell is the caller's to say, with `Table.error`. A sheet with more rows than the cap
    is refused at once, as a whole. The errors name the sheet by `name`, by its title when None;
    "" for a workbook of one sheet to import, whose errors need not name it.
    """
    table = Table(sheet=getattr(sheet, "title", "") if name is None else name, columns=columns)
    by_header: dict[str, str] = {}
    for column in columns:
        for header in (column.label, *column.aliases):
            by_header[header.replace(" ", "")] = column.key

    def key_of(value: object) -> str | None:
        if header_key is not None:
            return header_key(text(value))
        return by_header.get(_header_text(value))

    required = {column.key for column in columns if column.required}
    where = f"“{table.sheet}”表" if table.sheet else "表格"
    first, last = getattr(sheet, "min_row", 1) or 1, getattr(sheet, "max_row", None)
    if last and last - first > limits.max_rows:
        errors.add(_rows_refusal(limits, where))
        table.refused = True
        return table
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    header_at: int | None = None
    try:
        for number, values in sheet_rows(sheet):
            if header_at is None:
                keys = [key_of(value) for value in values]
                if required <= set(keys) and any(keys):
                    header_at = number
                    table.positions = {key: i for i, key in reversed(list(enumerate(keys))) if key}
                elif number >= HEADER_WITHIN:
                    break
                continue
            if number - header_at > limits.max_rows:
                errors.add(_rows_refusal(limits, where))
                table.rows, table.refused = [], True
                return table
            raw = {
                key: values[position] if position < len(values) else None
                for key, position in table.positions.items()
            }
            cells = {key: text(value) for key, value in raw.items()}
            if not any(cells.values()):
                continue
            row = Row(number=number, cells=cells, values=raw)
            for column in columns:
                if column.required and not row[column.key]:
                    errors.add(table.error(row, column.key, "不能为空"))
            table.rows.append(row)
    except Unreadable as error:
        errors.add(SheetError(f"{where}第 {error.row:,} 行附近的内容已损坏，无法读取。{NOT_A_WORKBOOK}"))
        table.rows, table.refused = [], True
        return table
    if header_at is None:
        names = "、".join(f"“{c.label}”" for c in columns if c.required)
        errors.add(SheetError(f"{where}中找不到表头（应有{names}等列）。"))
        table.refused = True
    return table


def _rows_refusal(limits: ImportLimits, where: str) -> SheetError:
    return SheetError(
        f"{where}超过每次最多导入 {limits.max_rows:,} 行的上限，没有导入。"
        "请分成几个表格分批导入；如表格末尾有大量空行，请删除后再上传。"
    )
