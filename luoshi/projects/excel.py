"""The key projects ledger in Excel, in the layout of a county's project ledger (序号, 项目名称, 建设内容,
总投资, 年度计划投资, 1-X月完成投资, 包抓县级领导, 责任单位, 开工情况, 入库情况, 存在问题), with 项目编码 so
that an imported row updates the project of that code.

Two sheets are read, all or nothing, every bad cell named by row and column in Chinese:
- the ledger (`read_ledger`): a row with a known code updates that project, another a new project;
- the month's investment (`read_investments`): 项目编码 or 项目名称, 月份, and 本月完成投资 or the
  cumulative 1-X月完成投资; each row becomes the project's monthly progress report.
Amounts are read in 万元 or 亿元 as the sheet writes them: the header says the unit ("总投资（亿元）")
or the cell does ("1.2亿元", "3500万元"); they are kept in 万元. The cell helpers, the directory of
names and the error types are the items sheet's (luoshi.items.excel), so both sheets speak alike.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from itertools import islice
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from luoshi.core.sheets import ImportLimits, open_workbook, safe_row, workbook_refusal
from luoshi.items.excel import HEADER_FILL, HEADER_FONT, CellError, Directory, SheetError, _date, _text
from luoshi.items.models import ProgressReport, ReportStatus, Verdict
from luoshi.org.models import Region
from luoshi.projects import rules
from luoshi.projects.models import KIND, Blocker, BlockerKind, Level, Phase, Project, Stage
from luoshi.projects.selectors import Row, completed_investment
from luoshi.projects.services import InvestmentInput, ProjectInput, project_input_of

# An upload larger than this, or with more rows, is refused before it is read (a county ledger is a
# few hundred rows and well under a megabyte).
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 3000
WAN = Decimal(1)
YI = Decimal(10000)  # 1亿元 = 10000万元
CENT = Decimal("0.01")
_UNITS = (("亿元", YI), ("万元", WAN), ("亿", YI), ("万", WAN))
_HEADER_UNIT = re.compile(r"^(.*?)\s*[（(]\s*(亿元|万元)\s*[)）]\s*$")
_COMPLETED = re.compile(r"^1\s*[-—－~～至到]\s*(\d{1,2})\s*月.*完成投资$|^(累计完成投资|本年完成投资)$")
_DAY = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})")
_MONTH = re.compile(r"^(?:(\d{4})\s*[-年./]\s*)?(\d{1,2})\s*月?$")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    money: bool = False
    width: int = 14
    note: str = ""


LEDGER_COLUMNS = [
    Column("number", "序号", width=6, note="导入时不读"),
    Column(
        "code", "项目编码", width=14, note="导出的表格自带；填写本县已有的编码则更新该项目，留空则新增项目"
    ),
    Column("title", "项目名称", width=32, note="必填"),
    Column("description", "建设内容", width=40),
    Column("total_investment", "总投资", money=True, width=12, note="必填；表头或单元格注明万元或亿元"),
    Column("planned_investment", "年度计划投资", money=True, width=12, note="必填；同上"),
    Column(
        "completed",
        "完成投资",
        money=True,
        width=12,
        note="由各项目的月度投资报送得出，在此修改无效：请用“导入月度投资”",
    ),
    Column("patron_leader", "包抓县级领导", width=12, note="领导姓名"),
    Column("lead_unit", "责任单位", width=14, note="必填；单位简称或全称"),
    Column("start", "开工情况", width=20, note="“已开工（2023-03-01）”或“未开工”"),
    Column("statistics", "入库情况", width=20, note="“已入库（2023-03-31）”或“未入库”"),
    Column("blockers", "存在问题", width=36, note="导入时不读：问题在项目页登记和解决"),
    Column("level", "级别", width=10, note="、".join(Level.labels) + "；留空为县级重点"),
    Column("stage", "阶段", width=10, note="本县的项目阶段；留空则已开工为在建、未开工为前期"),
    Column("planned_start", "计划开工", width=12, note="如 2023-03-01"),
]
LEDGER_REQUIRED = ("title", "total_investment", "planned_investment", "lead_unit")
_BY_HEADER = {c.header: c for c in LEDGER_COLUMNS}
COLOURS = {"red": "红", "yellow": "黄", "green": "绿"}


# -- Reading cells ---------------------------------------------------------------------------


def amount(value: object, factor: Decimal = WAN) -> Decimal | None:
    """An amount in 万元: "1.2亿元" → 12000, "3500万元" → 3500, 3500 in a 万元 column → 3500,
    1.2 in an 亿元 column (`factor` 10000) → 12000."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = _text(value).replace(",", "").replace("，", "").replace(" ", "")
        if not text:
            return None
        for suffix, unit in _UNITS:
            if text.endswith(suffix):
                text, factor = text.removesuffix(suffix), unit
                break
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"“{_text(value)}”不是金额，请写数字，如 3500、3500万元或1.2亿元") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"“{_text(value)}”不是金额")
    result = (number * factor).quantize(CENT, rounding=ROUND_HALF_UP)
    if result >= Decimal(10) ** 12:
        raise ValueError(f"“{_text(value)}”超出范围")
    return result


def header_of(value: object) -> tuple[str, Decimal]:
    """A header's name and the unit of its amounts: "总投资（亿元）" → ("总投资", 10000)."""
    text = _text(value).rstrip("*").strip()
    found = _HEADER_UNIT.match(text)
    if found:
        return found.group(1).strip(), YI if found.group(2) == "亿元" else WAN
    return text, WAN


def _dated(value: object, yes: str, no: str) -> date | None:
    """ "已开工（2023-03-01）" → that day; "未开工" or empty → None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text or text.startswith(no):
        return None
    found = _DAY.search(text)
    if found:
        try:
            return date(*map(int, found.groups()))
        except ValueError:
            pass
    raise ValueError(f"请写成“{yes}（2023-03-01）”或“{no}”")


def _month(value: object, year: int | None) -> date | None:
    if isinstance(value, datetime | date):
        return date(value.year, value.month, 1)
    text = _text(value)
    if not text:
        return None
    found = _MONTH.match(text)
    if found and 1 <= int(found.group(2)) <= 12 and (found.group(1) or year):
        return date(int(found.group(1) or year or 0), int(found.group(2)), 1)
    raise ValueError(f"无法识别的月份“{text}”，请写成 2023-06 或 6月")


# -- Opening a sheet -------------------------------------------------------------------------


@dataclass
class Sheet:
    """The rows of the first worksheet below its header row, and the header's columns."""

    header_row: int = 0
    headers: list[tuple[str, Decimal]] = field(default_factory=list)  # (name, unit) by column
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)  # (row number, cells)
    error: SheetError | None = None


def _size(source: IO[bytes]) -> int:
    size = getattr(source, "size", None)
    if size is None:
        position = source.seek(0, 2)
        source.seek(0)
        return position
    return int(size)


def open_sheet(source: IO[bytes], *, marks: Sequence[str]) -> Sheet:
    """The sheet's rows, found below the first row with one of `marks` among its headers."""
    if _size(source) > MAX_BYTES:
        return Sheet(
            error=SheetError(f"文件超过{MAX_BYTES // 1024 // 1024}MB，请只保留台账所在的工作表后再上传。")
        )
    refusal = workbook_refusal(source, limits=ImportLimits.from_settings(max_rows=MAX_ROWS))
    if refusal:
        return Sheet(error=SheetError(refusal))  # what it unpacks to, before openpyxl opens it
    try:
        workbook = open_workbook(source)
    except Exception:  # openpyxl raises many kinds for a file that is not an xlsx workbook
        return Sheet(error=SheetError("无法读取这个文件：请上传 .xlsx 格式的 Excel 表格。"))
    try:
        rows = list(islice(workbook.worksheets[0].iter_rows(values_only=True), MAX_ROWS + 11))
    finally:
        workbook.close()
    header_at = next(
        (i for i, row in enumerate(rows[:10]) if any(header_of(v)[0] in marks for v in row)), None
    )
    if header_at is None:
        return Sheet(error=SheetError(f"表格前10行中找不到表头行（应有“{'”或“'.join(marks)}”列）。"))
    body = [
        (number, values)
        for number, values in enumerate(rows[header_at + 1 :], start=header_at + 2)
        if any(_text(v) for v in values)
    ]
    if len(body) > MAX_ROWS:
        return Sheet(error=SheetError(f"表格超过{MAX_ROWS}行，请分开导入。"))
    return Sheet(header_at + 1, [header_of(v) for v in rows[header_at]], body)


class _Cells:
    """One row being read: its cells by key, and the errors of its cells."""

    def __init__(
        self, number: int, values: tuple[Any, ...], positions: dict[str, int], labels: dict[str, str]
    ):
        self.number, self.positions, self.labels = number, positions, labels
        self.cells = {key: (values[i] if i < len(values) else None) for key, i in positions.items()}
        self.errors: list[CellError] = []

    def report(self, key: str, message: str) -> None:
        letter = get_column_letter(self.positions[key] + 1) if key in self.positions else "—"
        self.errors.append(CellError(self.number, letter, self.labels[key], message))

    def errors_for(self, key: str) -> bool:
        return any(error.label == self.labels.get(key) for error in self.errors)

    def get(self, key: str, parse: Callable[[Any], Any]) -> Any:
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


# -- The ledger sheet ------------------------------------------------------------------------


@dataclass
class LedgerImport:
    creates: list[tuple[int, ProjectInput]] = field(default_factory=list)  # (row, project)
    updates: list[tuple[int, Project, ProjectInput]] = field(default_factory=list)
    unchanged: list[Project] = field(default_factory=list)
    errors: list[CellError | SheetError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_ledger(source: IO[bytes], *, region: Region, year: int, as_of: date) -> LedgerImport:
    """Read a ledger sheet of `region`; new projects are of `year`."""
    sheet = open_sheet(source, marks=("项目名称", "项目编码"))
    if sheet.error:
        return LedgerImport(errors=[sheet.error])
    positions: dict[str, int] = {}
    factors: dict[str, Decimal] = {}
    for index, (name, factor) in enumerate(sheet.headers):
        column = _BY_HEADER.get(name) or (_BY_HEADER["完成投资"] if _COMPLETED.match(name) else None)
        if column and column.key not in positions:
            positions[column.key], factors[column.key] = index, factor
    labels = {c.key: c.header for c in LEDGER_COLUMNS}
    missing = [labels[key] for key in LEDGER_REQUIRED if key not in positions]
    if missing:
        return LedgerImport(errors=[SheetError(f"表格缺少必填列：{'、'.join(missing)}。")])
    directory = Directory(region)
    stages = list(Stage.objects.filter(region=region).order_by("sort_order", "pk"))
    codes = {_text(values[positions["code"]]) for _, values in sheet.rows if "code" in positions} - {""}
    existing = {
        project.item.code: project
        for project in Project.objects.filter(item__region=region, item__code__in=codes, item__kind=KIND)
        .select_related("item__lead_unit", "item__patron_leader__person", "stage")
        .prefetch_related("item__support_units", "monthly_plan")
    }
    completed = _completed_of(list(existing.values()), as_of)
    result = LedgerImport()
    seen: dict[str, int] = {}
    for number, values in sheet.rows:
        row = _Cells(number, values, positions, labels)
        code = row.get("code", _text) or ""
        current = existing.get(code)
        if code and current is None:
            row.report("code", f"本县没有编码为“{code}”的项目；新增项目请清空项目编码（系统自动编码）")
        if code and code in seen:
            row.report("code", f"项目编码“{code}”与第{seen[code]}行重复")
        seen.setdefault(code, number)
        data = _ledger_row(row, factors, directory, stages, year, current)
        reported = row.get("completed", lambda v: amount(v, factors.get("completed", WAN)))
        known = completed.get(current.pk, Decimal(0)) if current else Decimal(0)
        if reported is not None and reported != known:
            row.report(
                "completed",
                f"完成投资来自月度投资报送（系统中为{rules.amount(known)}万元），不能在台账中修改；请用“导入月度投资”",
            )
        result.errors.extend(row.errors)
        if row.errors:
            continue
        if current is None:
            result.creates.append((number, data))
        elif data == project_input_of(current):
            result.unchanged.append(current)
        else:
            result.updates.append((number, current, data))
    if not (result.creates or result.updates or result.unchanged or result.errors):
        result.errors.append(SheetError("表格中没有项目。"))
    return result


def _ledger_row(
    row: _Cells,
    factors: dict[str, Decimal],
    directory: Directory,
    stages: list[Stage],
    year: int,
    current: Project | None,
) -> ProjectInput:
    """The row as the project's input; of an existing project, what the sheet has no column for
    stays as it is."""
    base = project_input_of(current) if current else None
    present = set(row.positions)

    def keep(key: str, parse: Callable[[Any], Any], default: Any) -> Any:
        if key not in present:
            return getattr(base, key) if base else default
        return row.get(key, parse)

    def money(key: str) -> Decimal | None:
        value = row.get(key, lambda v: amount(v, factors[key]))
        if value is None and not row.errors_for(key):
            row.report(key, "必填，不能为空")
        return value

    def leader(value: object) -> Any:
        name = _text(value)
        if not name:
            return None
        if base and base.patron_leader and base.patron_leader.person.name == name:
            return base.patron_leader
        return directory.leader(name)

    def unit(value: object) -> Any:
        name = _required(value)
        if base and base.lead_unit and name in (base.lead_unit.short_name, base.lead_unit.name):
            return base.lead_unit
        return directory.unit(name)

    project_year = current.item.year if current else year
    actual_start = keep("start", lambda v: _dated(v, "已开工", "未开工"), None)
    stage = keep("stage", lambda v: _stage(_text(v), stages), None)
    if stage is None and not row.errors_for("stage"):
        stage = base.stage if base else _default_stage(stages, started=actual_start is not None)
    data = ProjectInput(
        title=row.get("title", _required) or "",
        year=project_year,
        stage=stage,
        planned_investment=money("planned_investment") or Decimal(0),
        total_investment=money("total_investment") or Decimal(0),
        level=keep("level", lambda v: _level(_text(v)), Level.COUNTY),
        description=keep("description", _text, ""),
        project_code=base.project_code if base else "",
        category=base.category if base else "",
        industry_chain=base.industry_chain if base else "",
        patron_leader=keep("patron_leader", leader, None),
        lead_unit=row.get("lead_unit", unit),
        support_units=base.support_units if base else (),
        planned_start=keep("planned_start", lambda v: _date(v, project_year), None),
        actual_start=actual_start,
        in_statistics_on=keep("statistics", lambda v: _dated(v, "已入库", "未入库"), None),
        showcase_ready_by=base.showcase_ready_by if base else None,
        monthly_plan=dict(base.monthly_plan) if base else {},
        code=row.get("code", _text) or "",
    )
    if len(data.title) > 200:
        row.report("title", f"最多200个字，这里有{len(data.title)}个字")
    return data


def _stage(text: str, stages: list[Stage]) -> Stage | None:
    if not text:
        return None
    for stage in stages:
        if text in (stage.label, stage.key):
            return stage
    raise ValueError(f"无法识别的阶段“{text}”，本县的阶段为：{'、'.join(s.label for s in stages)}")


def _default_stage(stages: list[Stage], *, started: bool) -> Stage | None:
    phase = Phase.CONSTRUCTION if started else Phase.PREPARATION
    return next((s for s in stages if s.phase == phase), stages[0] if stages else None)


def _level(text: str) -> str:
    if not text:
        return Level.COUNTY
    for value, label in Level.choices:
        if text in (value, label, label.removesuffix("重点")):
            return value
    raise ValueError(f"无法识别的级别“{text}”，请写{'、'.join(Level.labels)}")


def _completed_of(projects: Sequence[Project], as_of: date) -> dict[int, Decimal]:
    """The completed investment the ledger shows for each project (selectors.completed_investment)."""
    if not projects:
        return {}
    return {
        pk: value or Decimal(0)
        for pk, value in Project.objects.filter(pk__in=[p.pk for p in projects])
        .annotate(done=completed_investment(as_of))
        .values_list("pk", "done")
    }


# -- The month's investment sheet ------------------------------------------------------------


@dataclass
class InvestmentImport:
    rows: list[InvestmentInput] = field(default_factory=list)
    unchanged: int = 0
    errors: list[CellError | SheetError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


INVESTMENT_LABELS = {
    "code": "项目编码",
    "title": "项目名称",
    "month": "月份",
    "monthly": "本月完成投资",
    "cumulative": "累计完成投资",
}


def read_investments(
    source: IO[bytes], *, region: Region, month: date | None, as_of: date
) -> InvestmentImport:
    """Read a month's investment sheet: each row a project (by 项目编码, else by its name among the
    region's projects of the month's year) and its investment to the end of the month."""
    sheet = open_sheet(source, marks=("项目编码", "项目名称"))
    if sheet.error:
        return InvestmentImport(errors=[sheet.error])
    positions: dict[str, int] = {}
    factors: dict[str, Decimal] = {}
    header_month: int | None = None
    for index, (name, factor) in enumerate(sheet.headers):
        key = {"项目编码": "code", "项目名称": "title", "月份": "month", "本月完成投资": "monthly"}.get(name)
        found = _COMPLETED.match(name)
        if found:
            key = "cumulative"
            header_month = int(found.group(1)) if found.group(1) else None
        if key and key not in positions:
            positions[key], factors[key] = index, factor
    labels = dict(INVESTMENT_LABELS)
    if "cumulative" in positions:
        labels["cumulative"] = _text(sheet.headers[positions["cumulative"]][0])
    if "monthly" not in positions and "cumulative" not in positions:
        return InvestmentImport(
            errors=[SheetError("表格缺少投资列：应有“本月完成投资”或“1-X月完成投资”（累计）列。")]
        )
    if "monthly" in positions and "cumulative" in positions:
        return InvestmentImport(errors=[SheetError("“本月完成投资”和累计完成投资两列只能有一列。")])
    projects = {
        (p.item.code, p.item.title, p.item.year): p
        for p in Project.objects.filter(item__region=region, item__kind=KIND).select_related(
            "item__lead_unit", "item__region"
        )
    }
    by_code = {code: p for (code, _t, _y), p in projects.items()}
    by_title: dict[tuple[str, int], list[Project]] = defaultdict(list)
    for (_c, title, year), p in projects.items():
        by_title[(title, year)].append(p)
    reports = _reports_of([p.pk for p in projects.values()])
    result = InvestmentImport()
    seen: dict[tuple[int, date], int] = {}
    for number, values in sheet.rows:
        row = _Cells(number, values, positions, labels)
        when = row.get("month", lambda v: _month(v, (month or as_of).year)) if "month" in positions else None
        if when is None and header_month:
            when = date((month or as_of).year, header_month, 1)
        when = when or month
        if when is None and not row.errors:
            row.report("month" if "month" in positions else "cumulative", "请写明月份（或在导入时选择月份）")
        elif when and header_month and when.month != header_month:
            row.report("month", f"月份与“{labels['cumulative']}”列的月份不符")
        elif when and when > as_of:
            row.report("month" if "month" in positions else "cumulative", "不能导入尚未到来的月份")
        project = _find(row, by_code, by_title, (when or as_of).year)
        key = "cumulative" if "cumulative" in positions else "monthly"
        value = row.get(key, partial(amount, factor=factors[key]))
        if value is None and not row.errors_for(key):
            row.report(key, "必填，不能为空")
        if row.errors or project is None or when is None or value is None:
            result.errors.extend(row.errors)
            continue
        if when.year != project.item.year:
            row.report(key, f"项目是{project.item.year}年度的，不能导入{when.year}年的投资")
        if (project.pk, when) in seen:
            row.report(key, f"与第{seen[(project.pk, when)]}行是同一项目同一月份")
        seen.setdefault((project.pk, when), number)
        earlier = [
            r for r in reports[project.pk] if r.period_start < when and r.period_start.year == when.year
        ]
        before = earlier[0].value if earlier and earlier[0].value is not None else Decimal(0)
        cumulative = value if key == "cumulative" else before + value
        if cumulative < before:
            row.report(
                key,
                f"累计完成投资{rules.amount(cumulative)}万元低于{earlier[0].period_start.month}月累计{rules.amount(before)}万元",
            )
        same = [r for r in reports[project.pk] if r.period_start == when]
        if same and same[0].value == cumulative:
            result.unchanged += 1
            result.errors.extend(row.errors)
            continue
        if same:
            row.report(
                key,
                f"{when.month}月投资已报送为{rules.amount(same[0].value or Decimal(0))}万元，与表格中的"
                f"{rules.amount(cumulative)}万元不同；如需修改，请由单位在该报告上“更正”",
            )
        result.errors.extend(row.errors)
        if not row.errors:
            result.rows.append(
                InvestmentInput(project=project, month=when, cumulative=cumulative, row=number)
            )
    if not (result.rows or result.unchanged or result.errors):
        result.errors.append(SheetError("表格中没有项目。"))
    return result


def _find(
    row: _Cells, by_code: dict[str, Project], by_title: dict[tuple[str, int], list[Project]], year: int
) -> Project | None:
    code = row.get("code", _text) if "code" in row.positions else ""
    if code:
        if code not in by_code:
            row.report("code", f"本县没有编码为“{code}”的项目")
        return by_code.get(code)
    title = row.get("title", _text) if "title" in row.positions else ""
    if not title:
        row.report("code" if "code" in row.positions else "title", "请填写项目编码或项目名称")
        return None
    found = by_title.get((title, year), [])
    if len(found) != 1:
        row.report(
            "title", f"本县{year}年度{'没有' if not found else '有多个'}名为“{title}”的项目，请填写项目编码"
        )
        return None
    return found[0]


def _reports_of(ids: Sequence[int]) -> dict[int, list[ProgressReport]]:
    """Each project's current reports, the latest period first (untrue ones do not count)."""
    found: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in (
        ProgressReport.objects.filter(item_id__in=ids, superseded_by__isnull=True)
        .exclude(status=ReportStatus.REJECTED)
        .exclude(verification__verdict=Verdict.UNTRUE)
        .only("item_id", "period_start", "value")
        .order_by("-period_start", "-version")
    ):
        found[report.item_id].append(report)
    return found


# -- Export ----------------------------------------------------------------------------------


def ledger_headers(month: int) -> list[str]:
    headers = []
    for column in LEDGER_COLUMNS:
        header = column.header
        if column.key == "completed":
            header = f"1-{month}月完成投资" if month else "本年完成投资"
        headers.append(header + ("（万元）" if column.money else ""))
    return headers


def _on(prefix: str, day: date | None, otherwise: str) -> str:
    return f"{prefix}（{day.isoformat()}）" if day else otherwise


def export_ledger(rows: Sequence[Row], out: IO[bytes], *, month: int) -> int:
    """Write the ledger `rows` (as filtered on screen) in the import's columns; returns the count."""
    blockers: dict[int, list[str]] = defaultdict(list)
    for project_id, kind, description in (
        Blocker.objects.filter(project_id__in=[r.pk for r in rows], resolved_on__isnull=True)
        .order_by("deadline", "pk")
        .values_list("project_id", "kind", "description")
    ):
        blockers[project_id].append(f"{_BLOCKER_LABELS.get(kind, kind)}：{description}")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("重点项目")
    for index, column in enumerate(LEDGER_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in ledger_headers(month):
        cell = WriteOnlyCell(sheet, value=header)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for number, row in enumerate(rows, start=1):
        values: list[object] = [
            number,
            row.code,
            row.title,
            row.description,
            row.total_investment,
            row.planned_investment,
            row.completed_investment,
            row.leader_name,
            row.unit_name,
            _on("已开工", row.actual_start, "未开工"),
            _on("已入库", row.in_statistics_on, "未入库"),
            "；".join(blockers[row.pk]),
            row.level_label,
            row.stage_label,
            row.planned_start,
        ]
        sheet.append(safe_row([None if value == "" else value for value in values]))
    workbook.save(out)
    return len(rows)


_BLOCKER_LABELS = dict(BlockerKind.choices)


def template_ledger(region: Region, *, month: int) -> bytes:
    """An empty ledger to fill in, with a sheet saying what each column takes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "重点项目"
    sheet.append(ledger_headers(month))
    for index, column in enumerate(LEDGER_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    guide = workbook.create_sheet("填写说明")
    guide.append(["列", "说明"])
    stages = "、".join(s.label for s in Stage.objects.filter(region=region).order_by("sort_order", "pk"))
    for column in LEDGER_COLUMNS:
        note = f"{column.note}。可填：{stages}" if column.key == "stage" and stages else column.note
        guide.append([column.header, note])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
