"""Scoring units on outcomes (考核计分): pure rules, no database.

Each criterion of a scheme scores one unit by one method, from facts the service gathers:

- 目标完成计分法 (`target_completion`): the completion of the indicators the unit leads, against the
  share of the year gone (a period's target is the year's pro rata), capped;
- 争先进位计分法 (`peer_rank`): the county's rank among its peers on the indicators the unit leads —
  first place full marks, a set step down per place below;
- 事项实绩 (`item_outcomes`): from full marks, a deduction for each item of the unit that is red or
  yellow at the period's end, overdue against its deadline, or whose report was verified untrue;
- 加减分纪实 (`records`): a base plus the approved bonus and deduction records, each capped.

Every line carries its parts (points, words, the record it came from), and a criterion never scores
below 0 nor above its maximum. Nothing here counts logins, clicks, messages or photos: the facts
are figures, colours, deadlines, verdicts and approved records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Method(StrEnum):
    TARGET_COMPLETION = "target_completion"
    PEER_RANK = "peer_rank"
    ITEM_OUTCOMES = "item_outcomes"
    RECORDS = "records"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Method.TARGET_COMPLETION: "目标完成计分法",
    Method.PEER_RANK: "争先进位计分法",
    Method.ITEM_OUTCOMES: "事项实绩",
    Method.RECORDS: "加减分纪实",
}


def points(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def figure(value: Decimal) -> str:
    """12.50 → "12.5"; 3.00 → "3"."""
    text = f"{points(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---------------------------------------------------------------------------------------------
# Parameters: each method's, as data (Criterion.params), validated here


@dataclass(frozen=True)
class CompletionParams:
    indicators: tuple[str, ...] = ()  # indicator names; empty: every indicator the unit leads
    cap: Decimal = HUNDRED  # the percent of the period's target that earns full marks
    pro_rata: bool = True  # the period's target is the year's times the share of months gone


@dataclass(frozen=True)
class RankParams:
    indicators: tuple[str, ...] = ()
    step_percent: Decimal = Decimal(10)  # per place below the first, this percent of the share less


@dataclass(frozen=True)
class OutcomeParams:
    kinds: tuple[str, ...] = ()  # item kinds; empty: every kind
    red: Decimal = Decimal(2)
    yellow: Decimal = Decimal(1)
    overdue: Decimal = Decimal(1)
    untrue: Decimal = Decimal(3)


@dataclass(frozen=True)
class RecordParams:
    base: Decimal = ZERO
    bonus_cap: Decimal | None = None  # None: up to the criterion's maximum
    deduction_cap: Decimal | None = None  # None: down to 0


Params = CompletionParams | RankParams | OutcomeParams | RecordParams
_KEYS: dict[Method, dict[str, str]] = {
    Method.TARGET_COMPLETION: {"indicators": "names", "cap": "number", "pro_rata": "flag"},
    Method.PEER_RANK: {"indicators": "names", "step_percent": "number"},
    Method.ITEM_OUTCOMES: {
        "kinds": "names",
        "red": "number",
        "yellow": "number",
        "overdue": "number",
        "untrue": "number",
    },
    Method.RECORDS: {"base": "number", "bonus_cap": "number", "deduction_cap": "number"},
}


def params_problems(method: str, params: Any, *, max_points: Decimal | None = None) -> list[str]:
    """What is wrong with a criterion's parameters, in words (empty: nothing)."""
    if method not in _KEYS:
        return [f"未知的计分方法“{method}”"]
    if not isinstance(params, Mapping):
        return ["计分参数应为 JSON 对象"]
    problems = []
    keys = _KEYS[Method(method)]
    for key, value in params.items():
        kind = keys.get(key)
        if kind is None:
            problems.append(f"{LABELS[Method(method)]}没有参数“{key}”")
        elif kind == "names" and not (
            isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        ):
            problems.append(f"参数“{key}”应为名称列表")
        elif kind == "flag" and not isinstance(value, bool):
            problems.append(f"参数“{key}”应为 true 或 false")
        elif kind == "number":
            number = _number(value)
            if number is None or number < 0:
                problems.append(f"参数“{key}”应为不小于0的数")
    if problems:
        return problems
    if method == Method.RECORDS and max_points is not None:
        base = _number(params.get("base", 0)) or ZERO
        if base > max_points:
            problems.append("基础分不能超过本项满分")
    return problems


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def parse_params(method: str, params: Mapping[str, Any]) -> Params:
    """The typed parameters (after params_problems found nothing)."""
    problems = params_problems(method, params)
    if problems:
        raise ValueError("；".join(problems))

    def num(key: str) -> Decimal | None:
        return _number(params[key]) if key in params else None

    names = tuple(params.get("indicators", ()))
    if method == Method.TARGET_COMPLETION:
        return CompletionParams(names, num("cap") or HUNDRED, bool(params.get("pro_rata", True)))
    if method == Method.PEER_RANK:
        step = num("step_percent")
        return RankParams(names, Decimal(10) if step is None else step)
    if method == Method.ITEM_OUTCOMES:
        defaults = OutcomeParams()
        return OutcomeParams(
            kinds=tuple(params.get("kinds", ())),
            **{
                key: value if (value := num(key)) is not None else getattr(defaults, key)
                for key in ("red", "yellow", "overdue", "untrue")
            },
        )
    return RecordParams(num("base") or ZERO, num("bonus_cap"), num("deduction_cap"))


def describe(params: Params, *, kind_label: Callable[[str], str] = str) -> str:
    """A criterion's parameters in the words of a scheme's page."""
    if isinstance(params, CompletionParams):
        basis = "序时" if params.pro_rata else "全年"
        text = f"完成{basis}目标的{figure(params.cap)}%得满分，增长率指标按目标增速计"
    elif isinstance(params, RankParams):
        text = f"在同级县区中第一名得满分，每降一位减该指标分值的{figure(params.step_percent)}%"
    elif isinstance(params, OutcomeParams):
        text = (
            f"期末红色每项扣{figure(params.red)}分、黄色每项扣{figure(params.yellow)}分，"
            f"超过完成时限每项扣{figure(params.overdue)}分，进度报告核实不属实每次扣{figure(params.untrue)}分"
        )
        if params.kinds:
            text += f"（限{'、'.join(kind_label(kind) for kind in params.kinds)}）"
    else:
        text = f"基础分{figure(params.base)}分"
        if params.bonus_cap is not None:
            text += f"，加分最多{figure(params.bonus_cap)}分"
        if params.deduction_cap is not None:
            text += f"，减分最多{figure(params.deduction_cap)}分"
    names = getattr(params, "indicators", ())
    if names:
        text += f"；指标：{'、'.join(names)}"
    return text


# ---------------------------------------------------------------------------------------------
# Lines


@dataclass(frozen=True)
class Part:
    """One contribution to a line: its points (signed), what it is, and the record it came from."""

    points: Decimal
    label: str
    source: str = ""  # "indicator:12", "item:34", "verification:5", "record:7"

    def as_json(self) -> dict[str, str]:
        return {"points": f"{points(self.points)}", "label": self.label, "source": self.source}


@dataclass(frozen=True)
class Line:
    points: Decimal
    max_points: Decimal
    parts: tuple[Part, ...] = ()
    note: str = ""  # why the line is not simply the sum of its parts (a floor, a cap, no data)


def _bounded(total: Decimal, max_points: Decimal, parts: Sequence[Part], note: str = "") -> Line:
    if total < 0:
        note = note or f"扣分合计超过本项分值，按0分计（原为{figure(total)}分）"
        total = ZERO
    elif total > max_points:
        note = note or f"超过本项满分，按{figure(max_points)}分计（原为{figure(total)}分）"
        total = max_points
    return Line(points(total), max_points, tuple(parts), note)


@dataclass(frozen=True)
class Completion:
    """An indicator's completion at its latest month (facts for target_completion)."""

    name: str
    source: str
    completion: Decimal | None  # percent of the year's target; None: no figure yet
    month: int  # the month of the figure (0: none)
    growth: Decimal | None = None  # a growth-rate indicator's growth, percent
    target_growth: Decimal | None = None  # and its target rate


def target_completion(
    indicators: Sequence[Completion], *, max_points: Decimal, params: CompletionParams
) -> Line:
    """Each indicator weighs the same share of the maximum; it scores its completion against the
    period's share of the year (pro rata), up to `cap` percent; a growth-rate indicator without a
    target value, its growth against the target rate. An indicator with no figure scores 0 and says
    so; a unit with no indicator scores 0."""
    if not indicators:
        return Line(ZERO, max_points, (), "没有牵头的考核指标，本项计0分")
    share = max_points / len(indicators)
    parts = []
    for row in indicators:
        if row.completion is None and row.growth is not None and row.target_growth and row.month:
            ratio = min(max(row.growth, ZERO) * HUNDRED / row.target_growth, params.cap)
            gained = points(share * ratio / params.cap) if params.cap else ZERO
            parts.append(
                Part(
                    gained,
                    f"{row.name}：{row.month}月同比增长{figure(row.growth)}%，"
                    f"为目标增速{figure(row.target_growth)}%的{figure(ratio)}%",
                    row.source,
                )
            )
            continue
        if row.completion is None or not row.month:
            parts.append(Part(ZERO, f"{row.name}：无完成数据，计0分", row.source))
            continue
        expected = HUNDRED * row.month / 12 if params.pro_rata else HUNDRED
        ratio = min(max(row.completion, ZERO) * HUNDRED / expected, params.cap)
        gained = points(share * ratio / params.cap) if params.cap else ZERO
        parts.append(
            Part(
                gained,
                f"{row.name}：{row.month}月完成年度目标{figure(row.completion)}%，"
                f"为序时目标的{figure(ratio)}%",
                row.source,
            )
        )
    return _bounded(sum((p.points for p in parts), ZERO), max_points, parts)


@dataclass(frozen=True)
class Rank:
    """The county's place among its peers on one indicator (facts for peer_rank)."""

    name: str
    source: str
    rank: int | None  # None: not ranked (no figures)
    peers: int


def points_for_rank(rank: int, *, full: Decimal, step_percent: Decimal) -> Decimal:
    """First place full marks, then `step_percent` of them less per place; never below 0. Tied
    places share a rank (1, 2, 2, 4), so they share the points."""
    if rank < 1:
        raise ValueError("rank starts at 1")
    return max(full - full * step_percent / HUNDRED * (rank - 1), ZERO)


def peer_rank(ranks: Sequence[Rank], *, max_points: Decimal, params: RankParams) -> Line:
    if not ranks:
        return Line(ZERO, max_points, (), "没有牵头的排名指标，本项计0分")
    share = max_points / len(ranks)
    parts = []
    for row in ranks:
        if row.rank is None:
            parts.append(Part(ZERO, f"{row.name}：无排名数据，计0分", row.source))
            continue
        gained = points(points_for_rank(row.rank, full=share, step_percent=params.step_percent))
        parts.append(Part(gained, f"{row.name}：在{row.peers}个县区中排第{row.rank}位", row.source))
    return _bounded(sum((p.points for p in parts), ZERO), max_points, parts)


class Outcome(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    OVERDUE = "overdue"
    UNTRUE = "untrue"


@dataclass(frozen=True)
class ItemFact:
    """One outcome of one of the unit's items in the period."""

    outcome: Outcome
    title: str
    source: str
    on: date | None = None


_OUTCOME_WORDS = {
    Outcome.RED: "期末红色预警",
    Outcome.YELLOW: "期末黄色预警",
    Outcome.OVERDUE: "超过完成时限未办结",
    Outcome.UNTRUE: "进度报告经核实不属实",
}


def item_outcomes(facts: Sequence[ItemFact], *, max_points: Decimal, params: OutcomeParams) -> Line:
    """Full marks, less a deduction per outcome; deductions beyond the maximum floor at 0."""
    start = Part(max_points, "满分")
    parts = [start]
    for fact in facts:
        deduction = getattr(params, fact.outcome.value)
        if deduction:
            when = f"（{fact.on.month}月{fact.on.day}日）" if fact.on else ""
            parts.append(Part(-deduction, f"{fact.title}：{_OUTCOME_WORDS[fact.outcome]}{when}", fact.source))
    return _bounded(sum((p.points for p in parts), ZERO), max_points, parts)


@dataclass(frozen=True)
class RecordFact:
    points: Decimal  # + bonus, − deduction
    basis: str
    source: str


def records(facts: Sequence[RecordFact], *, max_points: Decimal, params: RecordParams) -> Line:
    """A base, plus the bonuses up to their cap, less the deductions up to theirs; within 0 and the
    maximum."""
    parts = [Part(params.base, "基础分")] if params.base else []
    parts += [Part(fact.points, fact.basis, fact.source) for fact in facts]
    bonus = sum((f.points for f in facts if f.points > 0), ZERO)
    deduction = -sum((f.points for f in facts if f.points < 0), ZERO)
    notes = []
    if params.bonus_cap is not None and bonus > params.bonus_cap:
        notes.append(f"加分{figure(bonus)}分超过上限，按{figure(params.bonus_cap)}分计")
        bonus = params.bonus_cap
    if params.deduction_cap is not None and deduction > params.deduction_cap:
        notes.append(f"减分{figure(deduction)}分超过上限，按{figure(params.deduction_cap)}分计")
        deduction = params.deduction_cap
    return _bounded(params.base + bonus - deduction, max_points, parts, "；".join(notes))


# ---------------------------------------------------------------------------------------------
# Rankings


@dataclass(frozen=True)
class Placed:
    key: int
    name: str
    total: Decimal
    rank: int
    trend: str = ""  # "↑2", "↓1", "持平", "" (no earlier rank)


def rank_totals(
    totals: Sequence[tuple[int, str, Decimal]], previous: Mapping[int, int] | None = None
) -> list[Placed]:
    """(key, name, total) ranked by total, the highest first. Equal totals share a place and the next
    place skips (1, 2, 2, 4); the name only orders the tied. `previous`: key → last period's rank."""
    ordered = sorted(totals, key=lambda row: (-row[2], row[1]))
    placed: list[Placed] = []
    for index, (key, name, total) in enumerate(ordered):
        rank = placed[-1].rank if placed and placed[-1].total == total else index + 1
        placed.append(Placed(key, name, total, rank, trend((previous or {}).get(key), rank)))
    return placed


def trend(before: int | None, now: int) -> str:
    if before is None:
        return ""
    if before == now:
        return "持平"
    return f"↑{before - now}" if now < before else f"↓{now - before}"


@dataclass(frozen=True)
class Position:
    """The county's place in the city's assessment on one criterion (市考县)."""

    rank: int
    peers: int
    points: Decimal
    max_points: Decimal
    gap_to_next: Decimal | None  # points behind the county just above; None when first
    lost: Decimal  # points short of full marks


def position(own: Decimal, others: Sequence[Decimal], *, max_points: Decimal) -> Position:
    """Ties share a place. The gap is to the nearest higher score (the next place up)."""
    higher = sorted({score for score in others if score > own})
    return Position(
        rank=1 + sum(1 for score in others if score > own),
        peers=len(others) + 1,
        points=own,
        max_points=max_points,
        gap_to_next=points(higher[0] - own) if higher else None,
        lost=points(max(max_points - own, ZERO)),
    )


# ---------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True, order=True)
class Period:
    """A quarter (1-4) of a year, or the year (quarter 0)."""

    year: int
    quarter: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.quarter <= 4:
            raise ValueError("quarter is 0 (the year) or 1-4")

    @property
    def start(self) -> date:
        return date(self.year, 1 if not self.quarter else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        if not self.quarter or self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.quarter + 1, 1) - timedelta(days=1)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def label(self) -> str:
        names = "一二三四"
        return f"{self.year}年第{names[self.quarter - 1]}季度" if self.quarter else f"{self.year}年度"

    def previous(self) -> Period:
        if not self.quarter:
            return Period(self.year - 1)
        return Period(self.year - 1, 4) if self.quarter == 1 else Period(self.year, self.quarter - 1)

    def cut(self, as_of: date) -> date:
        """The last day the period's scores may read as of `as_of`."""
        return min(self.end, as_of)


def parse_period(text: str) -> Period:
    """ "2023-Q2" or "2023"; ValueError otherwise."""
    text = text.strip().upper()
    if "-Q" in text:
        year, quarter = text.split("-Q", 1)
        return Period(int(year), int(quarter))
    return Period(int(text))


def last_closed_quarter(as_of: date) -> Period:
    """The latest quarter ended by `as_of` (in July: the second)."""
    quarter = (as_of.month - 1) // 3
    return Period(as_of.year, quarter) if quarter else Period(as_of.year - 1, 4)
