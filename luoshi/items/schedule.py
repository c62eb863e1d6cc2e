"""When progress reports are due. Pure: dates in, dates out.

An item reports once per period of its cycle (weekly, twice a month, monthly, or once). The
report of a period is due on the cycle's due day of that period; a due day that falls on a
holiday moves to the next working day (遇节假日顺延). Reports are expected from the first period
whose due date leaves the unit a few working days after the assignment, until the deadline.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from luoshi.core.workdays import WorkCalendar

# A unit assigned work is not asked for a report sooner than two working weeks later: work assigned
# in the middle of a month reports from the next month on.
FIRST_REPORT_GRACE_WORKDAYS = 10


class Cycle(StrEnum):
    WEEKLY = "weekly"
    SEMIMONTHLY = "semimonthly"
    MONTHLY = "monthly"
    ONCE = "once"


DEFAULT_DUE_DAY = {Cycle.WEEKLY: 5, Cycle.SEMIMONTHLY: 15, Cycle.MONTHLY: 25, Cycle.ONCE: 0}
DUE_DAY_RANGE = {
    Cycle.WEEKLY: (1, 7),
    Cycle.SEMIMONTHLY: (1, 15),
    Cycle.MONTHLY: (1, 31),
    Cycle.ONCE: (0, 31),
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    due: date  # already moved to a working day

    @property
    def key(self) -> str:
        return self.start.isoformat()


def _month_end(year: int, month: int) -> date:
    return date(year, month, month_calendar.monthrange(year, month)[1])


def period_containing(
    cycle: Cycle, due_day: int, day: date, calendar: WorkCalendar, *, deadline: date | None = None
) -> Period:
    """The period of `cycle` that contains `day`, with its due date."""
    if cycle == Cycle.WEEKLY:
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=6)
        nominal = start + timedelta(days=min(max(due_day, 1), 7) - 1)
    elif cycle == Cycle.SEMIMONTHLY:
        month_end = _month_end(day.year, day.month)
        if day.day <= 15:
            start, end = day.replace(day=1), day.replace(day=15)
            nominal = day.replace(day=min(max(due_day, 1), 15))
        else:
            start, end = day.replace(day=16), month_end
            nominal = day.replace(day=min(min(max(due_day, 1), 15) + 15, month_end.day))
    elif cycle == Cycle.MONTHLY:
        start, end = day.replace(day=1), _month_end(day.year, day.month)
        nominal = day.replace(day=min(max(due_day, 1), end.day))
    else:
        raise ValueError("a one-off report has a single period: use schedule_periods()")
    return Period(start=start, end=end, due=calendar.next_workday(nominal))


def period_label(cycle: Cycle | str, start: date) -> str:
    if cycle == Cycle.WEEKLY:
        iso_year, week, _ = start.isocalendar()
        end = start + timedelta(days=6)
        return f"{iso_year}年第{week}周（{start.month}月{start.day}日—{end.month}月{end.day}日）"
    if cycle == Cycle.SEMIMONTHLY:
        return f"{start.year}年{start.month}月{'上' if start.day <= 15 else '下'}半月"
    if cycle == Cycle.MONTHLY:
        return f"{start.year}年{start.month}月"
    return "一次性报送"


def schedule_periods(
    cycle: Cycle,
    due_day: int,
    *,
    assigned_on: date,
    deadline: date | None,
    calendar: WorkCalendar,
    until: date,
) -> list[Period]:
    """Every period a report is expected for, from the assignment up to `until` (by start date).

    Periods end at the deadline: no report is expected for a period that starts after it.
    """
    if cycle == Cycle.ONCE:
        end = deadline or until
        return [Period(start=assigned_on, end=end, due=calendar.next_workday(end))]
    first_due = calendar.add_workdays(assigned_on, FIRST_REPORT_GRACE_WORKDAYS)
    last_start = min(until, deadline) if deadline else until
    periods = []
    day = assigned_on
    while True:
        period = period_containing(cycle, due_day, day, calendar)
        if period.start > last_start:
            break
        if period.due >= first_due:
            periods.append(period)
        day = period.end + timedelta(days=1)
    return periods


def next_period(
    cycle: Cycle,
    due_day: int,
    *,
    assigned_on: date,
    deadline: date | None,
    calendar: WorkCalendar,
    as_of: date,
) -> Period | None:
    """The first expected period whose report is due on or after `as_of`: the one to report next."""
    horizon = as_of + timedelta(days=62)
    for period in schedule_periods(
        cycle, due_day, assigned_on=assigned_on, deadline=deadline, calendar=calendar, until=horizon
    ):
        if period.due >= as_of:
            return period
    return None
