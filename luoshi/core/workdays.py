"""Working days by China's official calendar (holidays and make-up working days).

Pure: no database. The published calendar comes from the `chinesecalendar` package; `overrides`
(the admin table CalendarDay) decide days the package does not know yet, or correct it. A year
neither published nor overridden falls back to Monday–Friday, and `is_published` says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import chinese_calendar


class WorkCalendar:
    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self.overrides = dict(overrides or {})

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return day.weekday() < 5

    def is_published(self, year: int) -> bool:
        """Whether the official calendar of `year` is known (from the package or the override table)."""
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            return any(day.year == year for day in self.overrides)
        return True

    def next_workday(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it (遇节假日顺延)."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def previous_workday(self, day: date) -> date:
        while not self.is_workday(day):
            day -= timedelta(days=1)
        return day

    def add_workdays(self, day: date, count: int) -> date:
        """The working day `count` working days after (or, when negative, before) `day`."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in [start, end], both included; 0 when end is before start."""
        if end < start:
            return 0
        return sum(
            1 for offset in range((end - start).days + 1) if self.is_workday(start + timedelta(days=offset))
        )
