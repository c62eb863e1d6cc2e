"""A bulletin's period from the words a user types: pure, no database.

2023-07   a month          2023-W30  an ISO week       2023-Q2  a quarter
2023-H1   a half-year      special:2023-07-01:2023-07-20  a special inspection's days
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from luoshi.bulletins.models import PeriodKind

CN_NUMBERS = "一二三四"
FIRST_YEAR = 2000  # no bulletin reads data from before it: a year before is a typing error


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date

    @property
    def label(self) -> str:
        """2023年7月, 2023年第30周, 2023年第二季度, 2023年上半年, 2023年7月1日至20日."""
        year = self.start.year
        if self.kind == PeriodKind.MONTH:
            return f"{year}年{self.start.month}月"
        if self.kind == PeriodKind.WEEK:
            return f"{year}年第{self.start.isocalendar().week}周"
        if self.kind == PeriodKind.QUARTER:
            return f"{year}年第{CN_NUMBERS[(self.start.month - 1) // 3]}季度"
        if self.kind == PeriodKind.HALF_YEAR:
            return f"{year}年{'上' if self.start.month == 1 else '下'}半年"
        return f"{day_label(self.start)}至{day_label(self.end)}"

    @property
    def code(self) -> str:
        """The words that give this period back (parse(period.code) == period)."""
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.WEEK:
            iso = self.start.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == PeriodKind.HALF_YEAR:
            return f"{self.start.year}-H{1 if self.start.month == 1 else 2}"
        return f"special:{self.start.isoformat()}:{self.end.isoformat()}"


def day_label(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


_PATTERNS = {
    PeriodKind.MONTH: re.compile(r"^(\d{4})-(\d{1,2})$"),
    PeriodKind.WEEK: re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE),
    PeriodKind.QUARTER: re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE),
    PeriodKind.HALF_YEAR: re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE),
    PeriodKind.SPECIAL: re.compile(r"^special:(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})$", re.IGNORECASE),
}


class PeriodError(ValueError):
    pass


def parse(text: str) -> Period:
    """The period `text` names; PeriodError, in words for the user, when it names none."""
    text = text.strip()
    for kind, pattern in _PATTERNS.items():
        match = pattern.match(text)
        if not match:
            continue
        try:
            period = _period(kind, match.group(1), match.group(2))
        except ValueError as error:
            raise PeriodError(f"期间“{text}”不存在。") from error
        if period.start.year < FIRST_YEAR:
            raise PeriodError(f"期间“{text}”的年份不对：通报只能写{FIRST_YEAR}年以后的期间。")
        return period
    raise PeriodError(
        f"期间“{text}”看不懂：月份写 2023-07，周写 2023-W30，季度写 2023-Q2，半年写 2023-H1，"
        "专项督查写 special:2023-07-01:2023-07-20。"
    )


def _period(kind: PeriodKind, first: str, second: str) -> Period:
    if kind == PeriodKind.SPECIAL:
        start, end = date.fromisoformat(first), date.fromisoformat(second)
        if start > end:
            raise ValueError("start after end")
        return Period(kind, start, end)
    year, number = int(first), int(second)
    if kind == PeriodKind.MONTH:
        return Period(kind, date(year, number, 1), month_end(year, number))
    if kind == PeriodKind.WEEK:
        start = date.fromisocalendar(year, number, 1)
        return Period(kind, start, start + timedelta(days=6))
    if kind == PeriodKind.QUARTER:
        first_month = 3 * (number - 1) + 1
        return Period(kind, date(year, first_month, 1), month_end(year, first_month + 2))
    first_month = 1 if number == 1 else 7
    return Period(kind, date(year, first_month, 1), month_end(year, first_month + 5))


def check(period: Period, *, as_of: date, today: date) -> None:
    """PeriodError, in words for the user, when a bulletin of `period` cannot read the data as of
    `as_of` on `today`: the period must have begun by the as-of day, the as-of day be no later than
    today, and a special inspection be over by the as-of day."""
    if as_of > today:
        raise PeriodError(f"数据截至日期（{day_label(as_of)}）不能晚于今天（{day_label(today)}）。")
    if period.start > as_of:
        raise PeriodError(
            f"{period.label}从{day_label(period.start)}开始，数据截至日期（{day_label(as_of)}）"
            "不能早于期间开始。"
        )
    if period.kind == PeriodKind.SPECIAL and period.end > as_of:
        raise PeriodError(
            f"专项督查到{day_label(period.end)}结束，数据截至日期（{day_label(as_of)}）应在督查结束之后。"
        )


def of_month(day: date) -> Period:
    return Period(PeriodKind.MONTH, day.replace(day=1), month_end(day.year, day.month))


def previous_month(day: date) -> Period:
    return of_month(day.replace(day=1) - timedelta(days=1))
