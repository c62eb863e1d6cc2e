import random
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache

import chinese_calendar
import pytest

from luoshi.core.workdays import WorkCalendar

calendar = WorkCalendar()


@pytest.mark.parametrize(
    ("day", "is_workday"),
    [
        (date(2023, 7, 25), True),  # Tuesday
        (date(2023, 7, 29), False),  # Saturday
        (date(2023, 9, 29), False),  # Mid-Autumn Festival
        (date(2023, 10, 2), False),  # National Day holiday
        (date(2023, 10, 6), False),
        (date(2023, 10, 7), True),  # Saturday, a make-up working day
        (date(2023, 10, 8), True),  # Sunday, a make-up working day
        (date(2023, 10, 9), True),
    ],
)
def test_official_calendar(day, is_workday):
    assert calendar.is_workday(day) is is_workday


def test_next_workday_moves_past_the_national_day_holiday():
    assert calendar.next_workday(date(2023, 9, 30)) == date(2023, 10, 7)
    assert calendar.next_workday(date(2023, 10, 7)) == date(2023, 10, 7)


def test_add_workdays_counts_make_up_days():
    assert calendar.add_workdays(date(2023, 10, 9), -1) == date(2023, 10, 8)
    assert calendar.add_workdays(date(2023, 10, 9), -3) == date(2023, 9, 28)
    assert calendar.add_workdays(date(2023, 9, 28), 1) == date(2023, 10, 7)
    assert calendar.add_workdays(date(2023, 7, 25), 0) == date(2023, 7, 25)


def test_workdays_between():
    assert calendar.workdays_between(date(2023, 9, 25), date(2023, 10, 8)) == 6  # 25–28 Sep, 7–8 Oct
    assert calendar.workdays_between(date(2023, 10, 8), date(2023, 10, 7)) == 0


def test_overrides_decide_years_not_published():
    year = 2099
    assert not WorkCalendar().is_published(year)
    assert WorkCalendar().is_workday(date(year, 1, 1)) is True  # a Thursday: Monday–Friday fallback
    overridden = WorkCalendar({date(year, 1, 1): False, date(year, 1, 3): True})
    assert overridden.is_published(year)
    assert overridden.is_workday(date(year, 1, 1)) is False
    assert overridden.is_workday(date(year, 1, 3)) is True  # a Saturday made a working day


def test_overrides_can_correct_a_published_day():
    assert WorkCalendar({date(2023, 7, 25): False}).is_workday(date(2023, 7, 25)) is False


# ---------------------------------------------------------------------------------------------
# The lookup tables give the answers a day-by-day walk over the official calendar gives.

PUBLISHED_YEARS = range(2019, 2027)


@cache
def _official(day: date) -> bool:
    """The package's own answer, asked one day at a time (what the tables must agree with)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _walk_between(start: date, end: date, is_workday: Callable[[date], bool]) -> int:
    return sum(1 for day in _days(start, end) if is_workday(day)) if end >= start else 0


def _walk_add(day: date, count: int, is_workday: Callable[[date], bool]) -> date:
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_workday(day):
            remaining -= 1
    return day


def test_every_day_of_the_published_years_agrees_with_the_official_calendar():
    days = _days(date(PUBLISHED_YEARS[0], 1, 1), date(PUBLISHED_YEARS[-1], 12, 31))
    assert [calendar.is_workday(day) for day in days] == [_official(day) for day in days]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2023, 9, 25), date(2023, 10, 8)),  # across the National Day holiday
        (date(2023, 1, 1), date(2023, 12, 31)),  # a whole year
        (date(2022, 12, 30), date(2023, 1, 3)),  # across New Year
        (date(2019, 3, 7), date(2026, 11, 2)),  # many years
        (date(2026, 12, 20), date(2027, 1, 10)),  # into a year not published: Monday–Friday
        (date(2024, 2, 29), date(2024, 2, 29)),  # a single (leap) day
        (date(2023, 10, 7), date(2023, 10, 7)),  # a single make-up Saturday
        (date(2023, 10, 1), date(2023, 10, 1)),  # a single holiday
        (date(2023, 10, 8), date(2023, 10, 7)),  # end before start
    ],
)
def test_workdays_between_agrees_with_counting_day_by_day(start, end):
    assert calendar.workdays_between(start, end) == _walk_between(start, end, _official)


def test_workdays_between_agrees_on_many_random_spans():
    rng = random.Random(20230725)
    first = date(2018, 6, 1).toordinal()
    last = date(2027, 6, 30).toordinal()
    for _ in range(300):
        start = date.fromordinal(rng.randint(first, last))
        end = start + timedelta(days=rng.randint(-5, 800))
        assert calendar.workdays_between(start, end) == _walk_between(start, end, _official), (start, end)


def test_add_workdays_agrees_with_walking_day_by_day():
    rng = random.Random(7)
    first = date(2018, 6, 1).toordinal()
    last = date(2027, 6, 30).toordinal()
    for _ in range(300):
        day = date.fromordinal(rng.randint(first, last))
        count = rng.randint(-300, 300)
        assert calendar.add_workdays(day, count) == _walk_add(day, count, _official), (day, count)


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2023, 10, 1), 0, date(2023, 10, 1)),  # zero: the day itself, even a holiday
        (date(2023, 10, 1), 1, date(2023, 10, 7)),  # from inside a holiday: the first day back
        (date(2023, 10, 1), -1, date(2023, 9, 28)),
        (date(2023, 12, 29), 1, date(2024, 1, 2)),  # across New Year
        (date(2024, 1, 2), -1, date(2023, 12, 29)),
        (date(2026, 12, 31), 1, date(2027, 1, 1)),  # 2027 not published: a Friday works
        (date(2027, 1, 4), -2, date(2026, 12, 31)),
    ],
)
def test_add_workdays_at_the_edges(day, count, expected):
    assert calendar.add_workdays(day, count) == expected


def test_next_and_previous_workday_agree_with_walking():
    for day in _days(date(2022, 12, 1), date(2024, 2, 29)):
        expected_next = day if _official(day) else _walk_add(day, 1, _official)
        expected_previous = day if _official(day) else _walk_add(day, -1, _official)
        assert calendar.next_workday(day) == expected_next, day
        assert calendar.previous_workday(day) == expected_previous, day


def test_overrides_apply_to_counting_and_adding():
    override = {
        date(2023, 7, 25): False,  # a Tuesday made a day off
        date(2023, 7, 29): True,  # a Saturday made a working day
        date(2099, 1, 1): False,  # a year not published
        date(2099, 1, 3): True,
    }
    overridden = WorkCalendar(override)

    def is_workday(day: date) -> bool:
        return override[day] if day in override else _official(day)

    for start, end in [
        (date(2023, 7, 1), date(2023, 8, 31)),
        (date(2023, 7, 25), date(2023, 7, 29)),
        (date(2098, 12, 1), date(2099, 2, 1)),
        (date(2023, 7, 29), date(2023, 7, 29)),
    ]:
        assert overridden.workdays_between(start, end) == _walk_between(start, end, is_workday)
    for day, count in [
        (date(2023, 7, 24), 1),
        (date(2023, 7, 28), 1),
        (date(2023, 7, 31), -2),
        (date(2098, 12, 31), 2),
    ]:
        assert overridden.add_workdays(day, count) == _walk_add(day, count, is_workday)
    assert overridden.next_workday(date(2023, 7, 29)) == date(2023, 7, 29)
    assert overridden.next_workday(date(2023, 7, 25)) == date(2023, 7, 26)
    assert overridden.previous_workday(date(2099, 1, 1)) == date(2098, 12, 31)
    assert overridden.workdays_between(date(2023, 7, 24), date(2023, 7, 30)) == 5  # Tue off, Sat on


def test_an_override_does_not_leak_into_other_calendars():
    WorkCalendar({date(2023, 7, 25): False}).workdays_between(date(2023, 1, 1), date(2023, 12, 31))
    assert WorkCalendar().is_workday(date(2023, 7, 25)) is True
    assert WorkCalendar().workdays_between(date(2023, 7, 24), date(2023, 7, 28)) == 5
