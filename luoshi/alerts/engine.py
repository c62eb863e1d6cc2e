"""The three-colour warning (三色预警): pure rules, no database.

`colour(facts, as_of, rules)` says whether an item is green, yellow or red on `as_of`, and why,
in the words a bulletin would use ("完成进度35%，序时进度58%，滞后23个百分点"). The Django layer
(services.py) gathers the facts, calls this, and stores the result.

Item rules (defaults from the county and city rules the design collects):
- time progress τ (序时进度): the elapsed share of the schedule, in working days or in months,
  or the ledger's own (a key project: the investment planned to date over the year's plan);
- green: progress p ≥ τ − 10 points, no milestone overdue, reports on time;
- yellow: τ − p more than 10 and up to 30 points; a milestone overdue; a report late or missing;
  not started a month after the planned start; the deadline within 5 working days, not completed;
- red: more than 30 points behind; past the deadline, not completed; not started three months
  after the planned start; a report found untrue; yellow in two consecutive periods.

Indicator rules: a cumulative figure against the month's share of the year; a growth rate against
the target rate (green at or above, yellow within 2 points, red below that); a rank in the bottom
third of peer regions is at least yellow.
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from luoshi.core.workdays import WorkCalendar


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


SEVERITY = {Colour.GREEN: 0, Colour.YELLOW: 1, Colour.RED: 2}
HUNDRED = Decimal(100)


class Basis(StrEnum):
    WORKDAYS = "workdays"
    MONTHS = "months"


@dataclass(frozen=True)
class Rules:
    """A region's rule set (alerts.models.RuleSet holds it as data); the defaults are the design's."""

    yellow_gap: Decimal = Decimal(10)  # more than this many points behind: yellow
    red_gap: Decimal = Decimal(30)  # more than this many points behind: red
    deadline_near_workdays: int = 5
    not_started_yellow_months: int = 1
    not_started_red_months: int = 3
    consecutive_yellow_to_red: int = 2  # 0: never
    late_report_is_yellow: bool = True
    overdue_milestone_is_yellow: bool = True
    untrue_is_red: bool = True
    growth_yellow_band: Decimal = Decimal(2)
    bottom_third_is_yellow: bool = True
    months_basis_kinds: frozenset[str] = frozenset({"project", "indicator"})


DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class Milestone:
    name: str
    due: date
    done_on: date | None = None


@dataclass(frozen=True)
class Finding:
    colour: Colour
    reason: str


@dataclass(frozen=True)
class ItemFacts:
    kind: str = "task"
    start: date | None = None  # where the schedule starts: the planned start, else the assignment
    deadline: date | None = None
    completed_on: date | None = None
    progress: Decimal | None = None  # percent; None: no progress measure applies (done-or-not items)
    progress_label: str = "完成进度"
    # The elapsed share of the plan where a ledger knows it better than the calendar does (a key
    # project: the investment planned to date over the year's plan); None: from the schedule.
    time_progress: Decimal | None = None
    planned_start: date | None = None
    started: bool = True  # whether the work has started (for the not-started rules)
    milestones: Sequence[Milestone] = ()
    report_overdue_label: str = ""  # e.g. "7月进度" when this cycle's report is missing past its due day
    last_report_late: bool = False
    untrue_on: date | None = None
    previous_colours: Sequence[Colour] = ()  # colours of the preceding periods, the latest last
    # What a ledger's own rules say of the item (a key project behind its plan to date, or not
    # started: at least yellow), so that the colour never contradicts the state its page shows.
    ledger_findings: Sequence[Finding] = ()
    # An indicator's figures (考核指标): its colour follows the indicator rules (indicator_colour),
    # on top of the item's own (deadline, consecutive yellow months).
    indicator: IndicatorFacts | None = None


@dataclass(frozen=True)
class Result:
    colour: Colour
    findings: tuple[Finding, ...] = ()
    time_progress: Decimal | None = None
    progress: Decimal | None = None

    @property
    def reason(self) -> str:
        """The reasons for the colour, worst first, in one sentence."""
        shown = [f.reason for f in self.findings if f.colour == self.colour] or [
            f.reason for f in self.findings
        ]
        return "；".join(shown)


@dataclass(frozen=True)
class IndicatorFacts:
    type: str  # "cumulative", "growth" or "level"
    month: int = 12  # the month the figure is for
    target: Decimal | None = None  # annual target (cumulative), or target rate / level
    actual: Decimal | None = None  # cumulative value, growth rate or level
    higher_is_better: bool = True
    rank: int | None = None
    peers: int | None = None
    name: str = ""
    # A cumulative figure with a target growth rate: its growth over the same period, and the rate.
    growth: Decimal | None = None
    target_growth: Decimal | None = None
    unit: str = "%"
    # The months whose figures should be in by now (the last whole month), where there is none yet.
    missing_through: int = 0


def pct(value: Decimal) -> str:
    """35.4 → "35"; the integer percent a bulletin shows."""
    return str(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def time_progress(start: date, deadline: date, as_of: date, basis: Basis, calendar: WorkCalendar) -> Decimal:
    """The elapsed share of [start, deadline] on `as_of`, in percent (序时进度).

    In months, the month of `as_of` counts as elapsed: in July a January–December schedule is
    7/12 = 58% through; at the end of June it is half way (时间过半).
    """
    if as_of < start:
        return Decimal(0)
    if as_of >= deadline:
        return HUNDRED
    if basis == Basis.MONTHS:
        total = _months_between(start, deadline) + 1
        elapsed = _months_between(start, as_of) + 1
    else:
        total = calendar.workdays_between(start, deadline)
        elapsed = calendar.workdays_between(start, as_of)
    if total <= 0:
        return HUNDRED
    return min(HUNDRED, HUNDRED * elapsed / total)


def worst(colours: Sequence[Colour]) -> Colour:
    return max(colours, key=lambda c: SEVERITY[c], default=Colour.GREEN)


def _date(day: date) -> str:
    return f"{day.month}月{day.day}日"


def colour(
    facts: ItemFacts, as_of: date, rules: Rules = DEFAULT_RULES, calendar: WorkCalendar | None = None
) -> Result:
    calendar = calendar or WorkCalendar()
    findings: list[Finding] = []
    completed = facts.completed_on is not None and facts.completed_on <= as_of

    def find(c: Colour, reason: str) -> None:
        findings.append(Finding(c, reason))

    tau: Decimal | None = None
    scheduled = facts.time_progress is not None or (facts.start and facts.deadline)
    if scheduled and facts.progress is not None and not completed:
        if facts.time_progress is not None:
            tau = facts.time_progress
        else:
            assert facts.start is not None and facts.deadline is not None
            basis = Basis.MONTHS if facts.kind in rules.months_basis_kinds else Basis.WORKDAYS
            tau = time_progress(facts.start, facts.deadline, as_of, basis, calendar)
        gap = tau - facts.progress
        words = f"{facts.progress_label}{pct(facts.progress)}%，序时进度{pct(tau)}%"
        if gap > rules.red_gap:
            find(Colour.RED, f"{words}，滞后{pct(gap)}个百分点")
        elif gap > rules.yellow_gap:
            find(Colour.YELLOW, f"{words}，滞后{pct(gap)}个百分点")

    if facts.deadline and not completed:
        if as_of > facts.deadline:
            late = calendar.workdays_between(facts.deadline + timedelta(days=1), as_of)
            how_long = f"{late}个工作日" if late else ""
            find(Colour.RED, f"已超过完成时限（{_date(facts.deadline)}）{how_long}，仍未完成")
        else:
            remaining = calendar.workdays_between(as_of, facts.deadline)
            if remaining <= rules.deadline_near_workdays:
                when = "今天" if as_of == facts.deadline else f"{_date(facts.deadline)}"
                find(
                    Colour.YELLOW, f"距完成时限（{when}）不足{rules.deadline_near_workdays}个工作日，尚未完成"
                )

    if facts.planned_start and not facts.started and not completed:
        if rules.not_started_red_months and as_of > _add_months(
            facts.planned_start, rules.not_started_red_months
        ):
            find(
                Colour.RED,
                f"计划{_date(facts.planned_start)}开始，超过{rules.not_started_red_months}个月仍未开始",
            )
        elif rules.not_started_yellow_months and as_of > _add_months(
            facts.planned_start, rules.not_started_yellow_months
        ):
            find(
                Colour.YELLOW,
                f"计划{_date(facts.planned_start)}开始，超过{rules.not_started_yellow_months}个月仍未开始",
            )

    if rules.overdue_milestone_is_yellow and not completed:
        overdue = [m for m in facts.milestones if m.done_on is None and m.due < as_of]
        if overdue:
            first = min(overdue, key=lambda m: m.due)
            more = f"等{len(overdue)}个节点" if len(overdue) > 1 else ""
            find(Colour.YELLOW, f"节点“{first.name}”{more}逾期（应于{_date(first.due)}完成）")

    if rules.late_report_is_yellow and not completed:
        if facts.report_overdue_label:
            find(Colour.YELLOW, f"{facts.report_overdue_label}逾期未报")
        elif facts.last_report_late:
            find(Colour.YELLOW, "最近一期进度逾期报送")

    if rules.untrue_is_red and facts.untrue_on and facts.untrue_on <= as_of:
        find(Colour.RED, f"{_date(facts.untrue_on)}核实发现进度报告不属实")

    if not completed:
        findings.extend(facts.ledger_findings)
    if facts.indicator is not None and not completed:
        findings.extend(indicator_colour(facts.indicator, rules).findings)

    current = worst([f.colour for f in findings])
    streak = rules.consecutive_yellow_to_red
    if current == Colour.YELLOW and streak >= 2:
        previous = list(facts.previous_colours)[-(streak - 1) :]
        if len(previous) == streak - 1 and all(c == Colour.YELLOW for c in previous):
            find(Colour.RED, f"连续{streak}个月黄色预警")
            current = Colour.RED

    ordered = tuple(sorted(findings, key=lambda f: -SEVERITY[f.colour]))
    return Result(colour=current, findings=ordered, time_progress=tau, progress=facts.progress)


def indicator_colour(facts: IndicatorFacts, rules: Rules = DEFAULT_RULES) -> Result:
    """An indicator's colour from its latest figure."""
    findings: list[Finding] = []
    name = facts.name or "指标"
    if facts.actual is None and facts.missing_through:
        months = "1月" if facts.missing_through == 1 else f"1-{facts.missing_through}月"
        findings.append(Finding(Colour.YELLOW, f"{name}尚无{months}的数据"))
    if facts.type == "cumulative" and facts.target and facts.actual is not None:
        share = HUNDRED * facts.month / 12
        done = HUNDRED * facts.actual / facts.target
        gap = share - done if facts.higher_is_better else done - share
        words = f"{name}完成全年目标{pct(done)}%，时间进度{pct(share)}%"
        if gap > rules.red_gap:
            findings.append(Finding(Colour.RED, f"{words}，滞后{pct(gap)}个百分点"))
        elif gap > rules.yellow_gap:
            findings.append(Finding(Colour.YELLOW, f"{words}，滞后{pct(gap)}个百分点"))
    elif facts.type in ("growth", "level") and facts.target is not None and facts.actual is not None:
        unit = "%" if facts.type == "growth" else facts.unit
        # A growth indicator's name often says so itself (生产总值增速): the word once.
        what = "增速" if facts.type == "growth" and not name.endswith(("增速", "增长")) else ""
        _against_target(findings, facts, facts.actual, facts.target, what, unit, rules)
    if facts.type == "cumulative" and facts.growth is not None and facts.target_growth is not None:
        _against_target(findings, facts, facts.growth, facts.target_growth, "同比增长", "%", rules)
    if rules.bottom_third_is_yellow and facts.rank and facts.peers and facts.rank * 3 > facts.peers * 2:
        findings.append(
            Finding(Colour.YELLOW, f"{name}在{facts.peers}个县区中排名第{facts.rank}位，位于后三分之一")
        )
    current = worst([f.colour for f in findings])
    return Result(colour=current, findings=tuple(sorted(findings, key=lambda f: -SEVERITY[f.colour])))


def _against_target(
    findings: list[Finding],
    facts: IndicatorFacts,
    actual: Decimal,
    target: Decimal,
    what: str,
    unit: str,
    rules: Rules,
) -> None:
    """A rate or a level against its target: green at or past it, yellow within the band, red
    beyond (a growth rate: 2 points; a level in points of its unit)."""
    short = target - actual if facts.higher_is_better else actual - target
    name = facts.name or "指标"
    points = "个百分点" if unit == "%" else unit
    words = f"{name}{what}{_figure(actual)}{unit}，目标{_figure(target)}{unit}"
    side = "低于" if facts.higher_is_better else "高于"
    if short > rules.growth_yellow_band:
        findings.append(Finding(Colour.RED, f"{words}，{side}目标{_figure(short)}{points}"))
    elif short > 0:
        findings.append(Finding(Colour.YELLOW, f"{words}，{side}目标{_figure(short)}{points}"))


def _figure(value: Decimal) -> str:
    """8.55 → "8.55", 9.00 → "9": a figure as a bulletin writes it."""
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP).normalize():f}"
    return "0" if text == "-0" else text


def roll_up(colours: Sequence[Colour]) -> Colour:
    """A parent takes the worst colour of its children."""
    return worst(colours)
