"""Working days by China's official calendar (holidays and make-up working days).

Pure: no database. The published calendar comes from the `chinesecalendar` package; `overrides`
(the admin table CalendarDay) decide days the package does not know yet, or correct it. A year
neither published nor overridden falls back to Monday–Friday, and `is_published` says so.

Every answer is a lookup: the first time a year is asked about, the calendar builds a table of
its days with a running count of working days (overrides applied), and counting, adding and
moving to a working day read that table (`bisect` where a position must be found). The package
itself scans all its holidays on every question, far too slow to ask once per day of a span.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar


@dataclass(frozen=True)
class _Year:
    first: int  # ordinal of 1 January
    before: tuple[
        int, ...
    ]  # before[i]: working days from 1 January up to day i, not included; len = days + 1

    @property
    def total(self) -> int:
        return self.before[-1]

    def index(self, day: date) -> int:
        return day.toordinal() - self.first

    def is_workday(self, index: int) -> bool:
        return self.before[index + 1] > self.before[index]

    def nth(self, n: int) -> date:
        """The n-th working day of the year (1 ≤ n ≤ total)."""
        return date.fromordinal(self.first + bisect_left(self.before, n) - 1)


def _table(year: int, workdays: list[bool]) -> _Year:
    before = [0]
    for works in workdays:
        before.append(before[-1] + works)
    return _Year(first=date(year, 1, 1).toordinal(), before=tuple(before))


@lru_cache(maxsize=64)
def _published(year: int) -> tuple[bool, tuple[bool, ...]]:
    """Whether the package knows `year`, and each day's status by it (Monday–Friday when not)."""
    first = date(year, 1, 1).toordinal()
    days = [date.fromordinal(first + n) for n in range(date(year, 12, 31).toordinal() - first + 1)]
    try:
        chinese_calendar.is_workday(days[0])
    except NotImplementedError:
        return False, tuple(day.weekday() < 5 for day in days)
    return True, tuple(bool(chinese_calendar.is_workday(day)) for day in days)


@lru_cache(maxsize=1)
def _holiday_starts() -> dict[str, tuple[date, ...]]:
    """The first day of each official holiday the package knows, by its name ("Spring Festival"…)."""
    starts: dict[str, list[date]] = defaultdict(list)
    previous: tuple[date, str] | None = None
    for day, name in sorted(chinese_calendar.holidays.items()):
        label = str(getattr(name, "value", name))
        if previous is None or previous[1] != label or (day - previous[0]).days > 1:
            starts[label].append(day)
        previous = (day, label)
    return {label: tuple(days) for label, days in starts.items()}


def holiday_start(name: str, *, year: int) -> date | None:
    """The day the official holiday `name` ("Spring Festival", "Mid-autumn Festival"…) of `year`
    begins (a holiday that begins in late December belongs to the next year's 元旦), or None when
    that year's calendar is not published."""
    for start in _holiday_starts().get(name, ()):
        if (start + timedelta(days=7)).year == year:
            return start
    return None


@lru_cache(maxsize=64)
def _official_year(year: int) -> _Year:
    """The year's table without overrides: the same for every calendar, so built once per process."""
    return _table(year, list(_published(year)[1]))


class WorkCalendar:
    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._overrides_by_year: dict[int, dict[date, bool]] = defaultdict(dict)
        for day, works in self.overrides.items():
            self._overrides_by_year[day.year][day] = works
        self._years: dict[int, _Year] = {}

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            overrides = self._overrides_by_year.get(year)
            if overrides:
                workdays = list(_published(year)[1])
                first = date(year, 1, 1).toordinal()
                for day, works in overrides.items():
                    workdays[day.toordinal() - first] = works
                table = _table(year, workdays)
            else:
                table = _official_year(year)
            self._years[year] = table
        return table

    def is_workday(self, day: date) -> bool:
        table = self._year(day.year)
        return table.is_workday(table.index(day))

    def is_published(self, year: int) -> bool:
        """Whether the official calendar of `year` is known (from the package or the override table)."""
        return _published(year)[0] or bool(self._overrides_by_year.get(year))

    def next_workday(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it (遇节假日顺延)."""
        return day if self.is_workday(day) else self.add_workdays(day, 1)

    def previous_workday(self, day: date) -> date:
        return day if self.is_workday(day) else self.add_workdays(day, -1)

    def add_workdays(self, day: date, count: int) -> date:
        """The working day `count` working days after (or, when negative, before) `day`.

        With `count` 0 it is `day` itself, working day or not."""
        if count == 0:
            return day
        year = day.year
        table = self._year(year)
        index = table.index(day)
        if count > 0:
            seen = table.before[index + 1]  # working days of the year up to `day`, included
            while seen + count > table.total:
                count -= table.total - seen
                year, seen = year + 1, 0
                table = self._year(year)
            return table.nth(seen + count)
        remaining = -count
        seen = table.before[index]  # working days of the year before `day`
        while remaining > seen:
            remaining -= seen
            year -= 1
            table = self._year(year)
            seen = table.total
        return table.nth(seen - remaining + 1)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in [start, end], both included; 0 when end is before start."""
        if end < start:
            return 0
        first, last = self._year(start.year), self._year(end.year)
        count = last.before[last.index(end) + 1] - first.before[first.index(start)]
        for year in range(start.year, end.year):
            count += self._year(year).total
        return count
