"""A key project's state (未开工, 欠进度, 正常推进, 竣工投产) and the facts its colour needs: pure
rules, no database. The selectors gather the facts; the ledger page, `luoshi stats` and the
warning colours all read the verdicts from here.

- the figures of a month are reported after it ends: on 25 July the year's figures are those of
  January to June (1-6月), and the plan they are held against is the plan to the end of June;
- the plan to date (序时计划) is the monthly plan where one is given, else the year's planned
  investment spread evenly over the months from the planned start (or January) to December;
- not started: the planned start has passed and no start is recorded on or before the day;
- behind: started, with the completed investment below the plan to date;
- completed: in a completed stage (竣工投产); a project not started is judged by its start alone,
  a started one by its investment;
- colour: the state is the colour's floor (behind or not started: at least yellow, with the same
  reason), so the warning dot never says 按期推进 of a project the ledger lists as behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from luoshi.alerts.engine import Colour, Finding

HUNDRED = Decimal(100)


class State(StrEnum):
    NOT_STARTED = "not_started"
    BEHIND = "behind"
    ON_TRACK = "on_track"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.NOT_STARTED: "未开工",
    State.BEHIND: "欠进度",
    State.ON_TRACK: "正常推进",
    State.COMPLETED: "竣工投产",
}


@dataclass(frozen=True)
class Facts:
    year: int
    planned_investment: Decimal  # this year's, 万元
    completed_investment: Decimal  # this year's so far, 万元
    planned_start: date | None
    actual_start: date | None
    finished: bool  # in a completed stage
    monthly_plan: Mapping[int, Decimal] = field(default_factory=dict)  # month → 万元


@dataclass(frozen=True)
class Verdict:
    state: State
    reason: str
    plan_to_date: Decimal


def reporting_month(year: int, as_of: date) -> int:
    """The last whole month of `year` before `as_of` (0: none yet): the figures reported so far."""
    if as_of.year > year:
        return 12
    if as_of.year < year:
        return 0
    return as_of.month - 1


def completed_label(month: int) -> str:
    """The heading of the completed investment: "1-6月完成投资", or none reported yet (month 0)."""
    return f"1-{month}月完成投资" if month else "完成投资（尚未开始报送）"


def plan_to_date(facts: Facts, as_of: date) -> Decimal:
    """The investment planned to the end of the reporting month (序时计划), in 万元."""
    month = reporting_month(facts.year, as_of)
    if facts.monthly_plan:
        return sum((amount for m, amount in facts.monthly_plan.items() if m <= month), Decimal(0))
    first = 1
    if facts.planned_start and facts.planned_start.year == facts.year:
        first = facts.planned_start.month
    elif facts.planned_start and facts.planned_start.year > facts.year:
        return Decimal(0)
    months = 12 - first + 1
    elapsed = min(max(month - first + 1, 0), months)
    return facts.planned_investment * elapsed / months


def started(facts: Facts, as_of: date) -> bool:
    return facts.actual_start is not None and facts.actual_start <= as_of


def amount(value: Decimal) -> str:
    """12345.60 → "12345.6": 万元 as a ledger writes them."""
    text = f"{value.quantize(Decimal('0.01')).normalize():f}"
    return text


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def project_state(facts: Facts, as_of: date) -> Verdict:
    planned = plan_to_date(facts, as_of)
    month = reporting_month(facts.year, as_of)
    figures = (
        f"1-{month}月完成投资{amount(facts.completed_investment)}万元" if month else "本年度尚无完成投资数据"
    )
    if facts.finished:
        return Verdict(State.COMPLETED, "已竣工投产", planned)
    if not started(facts, as_of):
        if facts.planned_start is not None and facts.planned_start < as_of:
            return Verdict(State.NOT_STARTED, f"计划{_day(facts.planned_start)}开工，至今未开工", planned)
        when = f"计划{_day(facts.planned_start)}开工" if facts.planned_start else "未定开工时间"
        return Verdict(State.ON_TRACK, f"{when}，尚未到期", planned)
    if facts.completed_investment < planned:
        short = planned - facts.completed_investment
        return Verdict(
            State.BEHIND,
            f"{figures}，低于序时计划{amount(planned)}万元，差{amount(short)}万元",
            planned,
        )
    return Verdict(State.ON_TRACK, f"{figures}，序时计划{amount(planned)}万元", planned)


# The colour a state is at least: the warning engine may make it worse (far behind, long not
# started), never better, so a project the ledger lists as behind or not started is never green.
STATE_COLOURS = {State.NOT_STARTED: Colour.YELLOW, State.BEHIND: Colour.YELLOW}


def colour_facts(facts: Facts, as_of: date) -> dict[str, Any]:
    """What the warning engine needs of a project beyond an item's facts (alerts.engine.ItemFacts):
    the state the ledger shows (project_state) as a finding, and the investment for the engine's
    own gap rules."""
    verdict = project_state(facts, as_of)
    floor = STATE_COLOURS.get(verdict.state)
    is_started = started(facts, as_of)
    judged_by_investment = is_started and not facts.finished and facts.planned_investment > 0
    progress = time_progress = None
    if judged_by_investment:
        progress = HUNDRED * facts.completed_investment / facts.planned_investment
        time_progress = HUNDRED * plan_to_date(facts, as_of) / facts.planned_investment
    return {
        "progress": progress,
        "progress_label": "完成投资",
        "time_progress": time_progress,
        "planned_start": facts.planned_start,
        "started": is_started or facts.finished,
        "ledger_findings": (Finding(floor, f"{verdict.state.label}：{verdict.reason}"),) if floor else (),
    }
