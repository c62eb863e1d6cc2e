"""A sheet of problems to rectify (a list of suspected patches, 疑似图斑, with their places; a
feedback list from above; a self-check's findings), one problem a row.

The header row (within the first rows) holds 问题 and 责任单位 and 整改时限; 问题类别, 来源 (上级反馈,
督查发现, 自查发现; 上级反馈 when empty), 地点, 编号 (图斑编号), 整改措施, 包抓领导 and 反馈日期 are
optional. A deadline may be written 2023-09-30, 2023年9月30日 or 9月底前 (of the sheet's year).

All or nothing: every bad cell is named (第N行 X列（列名）：…) and nothing is kept unless there are
none. The workbook goes through the items import's guards (luoshi.items.excel): its zip directory
against the caps before openpyxl opens it, then a streaming read that stops at the row cap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl.utils import get_column_letter

# The items import's guards and cell readers (as the indicators' month sheet uses them).
from luoshi.items.excel import (
    HEADER_WITHIN,
    NOT_A_WORKBOOK,
    CellError,
    Directory,
    ImportLimits,
    SheetError,
    _date,
    _max_length,
    _open_workbook,
    _sheet_rows,
    _text,
    _too_many_rows,
    _Unreadable,
    workbook_refusal,
)
from luoshi.items.models import Source
from luoshi.org.models import Region
from luoshi.rectification.models import Problem
from luoshi.rectification.services import SOURCES, ProblemInput

TITLE, PROBLEM, TOPIC, SOURCE, PLACE, REFERENCE, MEASURES, UNIT, LEADER, DEADLINE, FOUND = (
    "title",
    "problem",
    "topic",
    "source",
    "place",
    "reference",
    "measures",
    "unit",
    "leader",
    "deadline",
    "found",
)
HEADERS = {
    TITLE: ("问题", "问题名称", "问题简称"),
    PROBLEM: ("问题描述", "具体问题", "问题详情"),
    TOPIC: ("问题类别", "类别", "反馈事项"),
    SOURCE: ("来源", "问题来源"),
    PLACE: ("地点", "位置", "所在镇村", "图斑位置"),
    REFERENCE: ("编号", "图斑编号", "问题编号"),
    MEASURES: ("整改措施",),
    UNIT: ("责任单位", "牵头单位"),
    LEADER: ("包抓领导", "包抓县级领导"),
    DEADLINE: ("整改时限", "完成时限"),
    FOUND: ("反馈日期", "发现日期"),
}
LABELS = {key: names[0] for key, names in HEADERS.items()}
# Each column's field of ProblemInput.
COLUMN_FIELDS = {
    TITLE: "title",
    PROBLEM: "problem",
    TOPIC: "topic",
    SOURCE: "source",
    PLACE: "place",
    REFERENCE: "reference",
    MEASURES: "measures",
    UNIT: "lead_unit",
    LEADER: "patron_leader",
    DEADLINE: "deadline",
    FOUND: "found_on",
}
REQUIRED = (TITLE, UNIT, DEADLINE)
_TITLE_MAX = 200
_LIMITS = {
    key: _max_length(Problem, name)
    for key, name in ((TOPIC, "topic"), (PLACE, "place"), (REFERENCE, "reference"))
}


@dataclass
class ProblemSheet:
    rows: list[ProblemInput] = field(default_factory=list)
    errors: list[CellError | SheetError] = field(default_factory=list)
    errors_not_listed: int = 0
    # The ProblemInput fields the sheet has columns for: a problem imported again keeps the others.
    columns: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_not_listed


def _header_key(value: object) -> str | None:
    text = _text(value).replace(" ", "").replace("　", "").replace("(", "（").replace(")", "）")
    text = text.split("（")[0]  # 整改时限（必填）
    return next((key for key, names in HEADERS.items() if text in names), None)


def _source(text: str) -> str:
    if not text:
        return Source.HIGHER_FEEDBACK
    words = {Source(source).label: source for source in SOURCES} | {
        "自查": Source.SELF_CHECK,
        "督查": Source.INSPECTION,
    }
    words |= {"上级反馈问题": Source.HIGHER_FEEDBACK, "自查发现问题": Source.SELF_CHECK}
    found = words.get(text) or (text if text in SOURCES else None)
    if found is None:
        raise ValueError(f"无法识别的来源“{text}”，应为上级反馈、督查发现或自查发现")
    return found


def read_problems_sheet(
    source: IO[bytes], *, region: Region, year: int, limits: ImportLimits | None = None
) -> ProblemSheet:
    """The sheet's problems, each checked; every bad cell named."""
    limits = limits or ImportLimits.from_settings()
    refusal = workbook_refusal(source, limits=limits)
    if refusal is not None:
        return ProblemSheet(errors=[SheetError(refusal)])
    try:
        workbook = _open_workbook(source)
    except Exception:  # openpyxl raises many kinds for a file that is not an xlsx workbook
        return ProblemSheet(errors=[SheetError(NOT_A_WORKBOOK)])
    try:
        if not workbook.worksheets:
            return ProblemSheet(errors=[SheetError(NOT_A_WORKBOOK)])
        return _Reader(workbook.worksheets[0], region=region, year=year, limits=limits).read()
    except _Unreadable as error:
        return ProblemSheet(
            errors=[SheetError(f"表格第 {error.row:,} 行附近的内容已损坏，无法读取。{NOT_A_WORKBOOK}")]
        )
    finally:
        workbook.close()
        source.seek(0)


class _Reader:
    def __init__(self, sheet: Any, *, region: Region, year: int, limits: ImportLimits) -> None:
        self.sheet, self.limits, self.year = sheet, limits, year
        self.first_row, self.last_row = sheet.min_row or 1, sheet.max_row
        sheet.reset_dimensions()
        self.directory = Directory(region)
        self.positions: dict[str, int] = {}
        self.result = ProblemSheet()

    def _error(self, row: int, key: str, message: str) -> None:
        column = get_column_letter(self.positions[key] + 1)
        error = CellError(row=row, column=column, label=LABELS[key], message=message)
        if len(self.result.errors) < self.limits.max_errors:
            self.result.errors.append(error)
        else:
            self.result.errors_not_listed += 1

    def read(self) -> ProblemSheet:
        limits = self.limits
        if self.last_row and self.last_row - self.first_row > limits.max_rows:
            where = f"表格自身记录的范围有 {self.last_row - self.first_row + 1:,} 行"
            return ProblemSheet(errors=[_too_many_rows(limits, where)])
        header_at: int | None = None
        for number, values in _sheet_rows(self.sheet):
            if header_at is None:
                keys = [_header_key(v) for v in values]
                if TITLE in keys:
                    header_at = number
                    self.positions = {key: i for i, key in reversed(list(enumerate(keys))) if key}
                    missing = [LABELS[key] for key in REQUIRED if key not in self.positions]
                    if missing:
                        return ProblemSheet(errors=[SheetError(f"表格缺少“{'”“'.join(missing)}”列。")])
                elif number >= HEADER_WITHIN:
                    break
                continue
            if number - header_at > limits.max_rows:
                return ProblemSheet(errors=[_too_many_rows(limits, f"读到第 {number:,} 行时停止")])
            self._row(number, values)
        if header_at is None:
            return ProblemSheet(
                errors=[SheetError("表格中找不到表头（“问题”“责任单位”“整改时限”所在的行）。")]
            )
        if self.result.ok and not self.result.rows:
            self.result.errors.append(SheetError("表格中没有问题。"))
        self.result.columns = frozenset(COLUMN_FIELDS[key] for key in self.positions)
        return self.result

    def _cell(self, values: Sequence[Any], key: str) -> Any:
        position = self.positions.get(key)
        return values[position] if position is not None and position < len(values) else None

    def _row(self, number: int, values: Sequence[Any]) -> None:
        if not any(_text(v) for v in values):
            return
        errors = len(self.result.errors) + self.result.errors_not_listed
        text = {key: _text(self._cell(values, key)) for key in HEADERS}
        for key in (TITLE, UNIT):
            if not text[key]:
                self._error(number, key, "不能为空")
        if len(text[TITLE]) > _TITLE_MAX:
            self._error(number, TITLE, f"不能超过{_TITLE_MAX}个字")
        for key, limit in _LIMITS.items():
            if limit and len(text[key]) > limit:
                self._error(number, key, f"不能超过{limit}个字")
        parsed: dict[str, Any] = {}
        for key, read in (
            (UNIT, lambda v: self.directory.unit(v) if v else None),
            (LEADER, lambda v: self.directory.leader(v) if v else None),
            (SOURCE, _source),
        ):
            try:
                parsed[key] = read(text[key])
            except ValueError as error:
                self._error(number, key, str(error))
        for key in (DEADLINE, FOUND):
            try:
                parsed[key] = _date(self._cell(values, key), self.year)
            except ValueError as error:
                self._error(number, key, str(error))
        if parsed.get(DEADLINE, True) is None:
            self._error(number, DEADLINE, "不能为空")
        if len(self.result.errors) + self.result.errors_not_listed > errors:
            return
        self.result.rows.append(
            ProblemInput(
                title=text[TITLE],
                year=self.year,
                source=parsed[SOURCE],
                problem=text[PROBLEM] or text[TITLE],
                lead_unit=parsed[UNIT],
                deadline=parsed[DEADLINE],
                topic=text[TOPIC],
                place=text[PLACE],
                reference=text[REFERENCE],
                measures=text[MEASURES],
                found_on=parsed[FOUND],
                patron_leader=parsed[LEADER],
                row=number,
            )
        )


def template_rows() -> list[list[str]]:
    """The template's header and one example row (for the page's instructions and the tests)."""
    return [
        [
            LABELS[key]
            for key in (
                TITLE,
                PROBLEM,
                TOPIC,
                SOURCE,
                PLACE,
                REFERENCE,
                MEASURES,
                UNIT,
                LEADER,
                DEADLINE,
                FOUND,
            )
        ],
        [
            "疑似图斑 610933-2023-017",
            "林地内疑似违建",
            "秦岭生态环境保护",
            "上级反馈",
            "营盘镇朱家湾村",
            "610933-2023-017",
            "拆除复绿",
            "营盘镇",
            "冯锐",
            "2023-09-30",
            "2023-07-10",
        ],
    ]
