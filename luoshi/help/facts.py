"""What the FAQ says from data: the colour rules in force, and the year's holidays. Pure: no database.

The FAQ never restates a threshold in prose: it reads the region's rule set (alerts.engine.Rules)
and the working-day calendar, so that a county that changes its rules reads its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import chinese_calendar

from luoshi.alerts.engine import Rules
from luoshi.core.workdays import WorkCalendar

WEEKDAYS = "一二三四五六日"
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class RuleLine:
    colour: str  # "red" or "yellow"
    text: str


def _points(value: Decimal) -> str:
    return f"{value.normalize():f}"


def rule_lines(rules: Rules, kind_labels: Mapping[str, str]) -> list[RuleLine]:
    """The rules in force, red first, each in one sentence a unit understands."""
    red: list[str] = [
        f"完成进度比序时进度落后超过 {_points(rules.red_gap)} 个百分点",
        "超过完成时限仍未完成",
    ]
    yellow: list[str] = [
        f"完成进度比序时进度落后超过 {_points(rules.yellow_gap)} 个百分点"
        f"（不超过 {_points(rules.red_gap)} 个）",
        f"距完成时限不足 {rules.deadline_near_workdays} 个工作日，尚未完成",
    ]
    if rules.not_started_red_months:
        red.append(f"计划开始日期过后 {rules.not_started_red_months} 个月仍未开始")
    if rules.not_started_yellow_months:
        yellow.append(f"计划开始日期过后 {rules.not_started_yellow_months} 个月仍未开始")
    if rules.untrue_is_red:
        red.append("督查办核实发现进度报告不属实")
    if rules.consecutive_yellow_to_red >= 2:
        red.append(f"连续 {rules.consecutive_yellow_to_red} 个月黄色")
    if rules.overdue_milestone_is_yellow:
        yellow.append("有节点过了应完成日期还没有完成")
    if rules.late_report_is_yellow:
        yellow.append("本期进度过了应报日期还没有报送，或最近一期逾期报送")
    yellow.append(
        f"考核指标：增速低于目标不超过 {_points(rules.growth_yellow_band)} 个百分点（超过则为红色）"
    )
    if rules.bottom_third_is_yellow:
        yellow.append("考核指标：在同级县区中排名后三分之一")
    months = "、".join(kind_labels.get(kind, kind) for kind in sorted(rules.months_basis_kinds))
    basis = f"{months}按月计算序时进度，其余事项按工作日计算" if months else "序时进度按工作日计算"
    return (
        [RuleLine("red", line) for line in red]
        + [RuleLine("yellow", line) for line in yellow]
        + [RuleLine("basis", basis)]
    )


@dataclass(frozen=True)
class Break:
    """A run of rest days that holds at least one weekday off (a holiday), and where reports due
    in it move to."""

    name: str
    first: date
    last: date
    moved_to: date  # the next working day after it
    make_up: tuple[date, ...]  # weekend days worked in exchange (调休上班) next to it


def cn_day(day: date) -> str:
    return f"{day.month}月{day.day}日（星期{WEEKDAYS[day.weekday()]}）"


def _name(day: date, notes: Mapping[date, str]) -> str:
    if notes.get(day):
        return notes[day]
    try:
        _, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    return HOLIDAY_NAMES.get(name or "", "")


def holiday_breaks(calendar: WorkCalendar, year: int, notes: Mapping[date, str] | None = None) -> list[Break]:
    """The year's holidays as the calendar has them (weekdays off, with the weekends beside them),
    and the weekend days worked in exchange within a week of each."""
    notes = notes or {}
    day, end = date(year, 1, 1), date(year, 12, 31)
    runs: list[list[date]] = []
    while day <= end:
        if not calendar.is_workday(day):
            if runs and runs[-1][-1] == day - timedelta(days=1):
                runs[-1].append(day)
            else:
                runs.append([day])
        day += timedelta(days=1)
    breaks = []
    for run in runs:
        if not any(d.weekday() < 5 for d in run):
            continue  # an ordinary weekend
        make_up = tuple(
            d
            for offset in range(1, 8)
            for d in (run[0] - timedelta(days=offset), run[-1] + timedelta(days=offset))
            if d.weekday() >= 5 and calendar.is_workday(d)
        )
        name = "、".join(dict.fromkeys(n for n in (_name(d, notes) for d in run) if n)) or "节假日"
        breaks.append(
            Break(name, run[0], run[-1], calendar.next_workday(run[-1]), tuple(sorted(set(make_up))))
        )
    return breaks
