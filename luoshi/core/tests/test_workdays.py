from datetime import date

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
