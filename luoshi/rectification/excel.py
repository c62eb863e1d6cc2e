"""A sheet of problems to rectify (a list of suspected patches, 疑似图斑, with their places; a
feedback list from above; a self-check's findings), one problem a row.

The header row (within the first rows) holds 问题 and 责任单位 and 整改时限; 问题类别, 来源 (上级反馈,
督查发现, 自查发现; 上级反馈 when empty), 地点, 编号 (图斑编号), 整改措施, 包抓领导 and 反馈日期 are
optional. A deadline may be written 2023-09-30, 2023年9月30日 or 9月底前 (of the sheet's year).

All or nothing: every bad cell is named (第N行 X列（列名）：…) and nothing is kept unless there are
none. The sheet is read as every sheet of a table is (luoshi.core.sheets.read_table): its zip
directory against the caps before openpyxl opens it, then a streaming read that stops at the row cap;
a row with nothing in the columns read (a note below the table) is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

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

# The items import's cell readers (as its sheet reads the same names and dates).
from luoshi.items.excel import Directory, _date, _max_length
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
# The header row is the one with 问题; the others are found by _header_key.
COLUMNS = tuple(Column(key, LABELS[key], required=key == TITLE) for key in HEADERS)
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
        workbook = open_workbook(source)
    except Exception:  # openpyxl raises many kinds for a file that is not an xlsx workbook
        return ProblemSheet(errors=[SheetError(NOT_A_WORKBOOK)])
    errors = Errors(limit=limits.max_errors)
    try:
        if not workbook.worksheets:
            return ProblemSheet(errors=[SheetError(NOT_A_WORKBOOK)])
        table = read_table(
            workbook.worksheets[0], COLUMNS, limits=limits, errors=errors, name="", header_key=_header_key
        )
    finally:
        workbook.close()
        source.seek(0)
    return _Reader(table, errors, region=region, year=year).read()


class _Reader:
    def __init__(self, table: Table, errors: Errors, *, region: Region, year: int) -> None:
        self.table, self.errors, self.year = table, errors, year
        self.directory = Directory(region)
        self.result = ProblemSheet()

    def _error(self, row: int, key: str, message: str) -> None:
        self.errors.add(self.table.error(row, key, message))

    def read(self) -> ProblemSheet:
        table, result = self.table, self.result
        if table.refused:
            return self._with_errors()
        missing = [LABELS[key] for key in REQUIRED if key not in table.positions]
        if missing:
            return ProblemSheet(errors=[SheetError(f"表格缺少“{'”“'.join(missing)}”列。")])
        for row in table.rows:
            self._row(row)
        if not self.errors and not result.rows:
            self.errors.add(SheetError("表格中没有问题。"))
        result.columns = frozenset(COLUMN_FIELDS[key] for key in table.positions)
        return self._with_errors()

    def _with_errors(self) -> ProblemSheet:
        result = self.result
        if self.errors:
            result.rows = []
        result.errors, result.errors_not_listed = self.errors.listed, self.errors.not_listed
        return result

    def _row(self, row: Row) -> None:
        number, errors = row.number, self.errors.count
        text = {key: row[key] for key in HEADERS}
        if not text[UNIT]:
            self._error(number, UNIT, "不能为空")  # 问题's blank cell read_table named
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
                parsed[key] = _date(row.value(key), self.year)
            except ValueError as error:
                self._error(number, key, str(error))
        if parsed.get(DEADLINE, True) is None:
            self._error(number, DEADLINE, "不能为空")
        if not text[TITLE] or self.errors.count > errors:
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
