"""When reports are due: periods, due days moved by holidays, the first expected report."""

from datetime import date

import pytest

from luoshi.core.workdays import WorkCalendar
from luoshi.items.schedule import Cycle, next_period, period_containing, period_label, schedule_periods

calendar = WorkCalendar()


@pytest.mark.parametrize(
    ("cycle", "due_day", "day", "start", "end", "due"),
    [
        (Cycle.MONTHLY, 25, date(2023, 7, 3), date(2023, 7, 1), date(2023, 7, 31), date(2023, 7, 25)),
        # 2023-06-25 was a Sunday, but a make-up working day after the Dragon Boat Festival: due that day
        (Cycle.MONTHLY, 25, date(2023, 6, 9), date(2023, 6, 1), date(2023, 6, 30), date(2023, 6, 25)),
        # 2023-11-25 was an ordinary Saturday: due the next Monday
        (Cycle.MONTHLY, 25, date(2023, 11, 9), date(2023, 11, 1), date(2023, 11, 30), date(2023, 11, 27)),
        # 30 September 2023 falls in the National Day holiday: due on the make-up Saturday 7 October
        (Cycle.MONTHLY, 30, date(2023, 9, 1), date(2023, 9, 1), date(2023, 9, 30), date(2023, 10, 7)),
        (Cycle.MONTHLY, 31, date(2023, 2, 10), date(2023, 2, 1), date(2023, 2, 28), date(2023, 2, 28)),
        (Cycle.WEEKLY, 5, date(2023, 7, 25), date(2023, 7, 24), date(2023, 7, 30), date(2023, 7, 28)),
        # Friday of the National Day week is a holiday; the week's report moves to Saturday 7 October
        (Cycle.WEEKLY, 5, date(2023, 10, 3), date(2023, 10, 2), date(2023, 10, 8), date(2023, 10, 7)),
        (Cycle.SEMIMONTHLY, 15, date(2023, 8, 3), date(2023, 8, 1), date(2023, 8, 15), date(2023, 8, 15)),
        (Cycle.SEMIMONTHLY, 15, date(2023, 8, 20), date(2023, 8, 16), date(2023, 8, 31), date(2023, 8, 30)),
        (Cycle.SEMIMONTHLY, 15, date(2023, 2, 20), date(2023, 2, 16), date(2023, 2, 28), date(2023, 2, 28)),
    ],
)
def test_period_containing(cycle, due_day, day, start, end, due):
    period = period_containing(cycle, due_day, day, calendar)
    assert (period.start, period.end, period.due) == (start, end, due)


def test_labels():
    assert period_label(Cycle.MONTHLY, date(2023, 7, 1)) == "2023年7月"
    assert period_label(Cycle.SEMIMONTHLY, date(2023, 7, 16)) == "2023年7月下半月"
    assert period_label(Cycle.WEEKLY, date(2023, 7, 24)) == "2023年第30周（7月24日—7月30日）"
    assert period_label(Cycle.ONCE, date(2023, 7, 24)) == "一次性报送"


def test_no_report_is_expected_right_after_the_assignment():
    periods = schedule_periods(
        Cycle.MONTHLY,
        25,
        assigned_on=date(2023, 7, 25),
        deadline=date(2023, 12, 31),
        calendar=calendar,
        until=date(2023, 9, 30),
    )
    assert [p.start for p in periods] == [date(2023, 8, 1), date(2023, 9, 1)]


def test_periods_stop_at_the_deadline():
    periods = schedule_periods(
        Cycle.MONTHLY,
        25,
        assigned_on=date(2023, 3, 1),
        deadline=date(2023, 5, 20),
        calendar=calendar,
        until=date(2023, 12, 31),
    )
    assert [p.start.month for p in periods] == [3, 4, 5]


def test_a_one_off_report_is_due_at_the_deadline():
    (period,) = schedule_periods(
        Cycle.ONCE,
        0,
        assigned_on=date(2023, 7, 25),
        deadline=date(2023, 9, 30),
        calendar=calendar,
        until=date(2023, 7, 25),
    )
    assert period.due == date(2023, 10, 7)


def test_next_period():
    kwargs = {"assigned_on": date(2023, 3, 1), "deadline": date(2023, 12, 31), "calendar": calendar}
    assert next_period(Cycle.MONTHLY, 25, as_of=date(2023, 7, 25), **kwargs).start == date(2023, 7, 1)
    assert next_period(Cycle.MONTHLY, 25, as_of=date(2023, 7, 26), **kwargs).start == date(2023, 8, 1)
    assert next_period(Cycle.MONTHLY, 25, as_of=date(2024, 1, 2), **kwargs) is None
