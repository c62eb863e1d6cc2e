from datetime import date

import pytest

from luoshi.bulletins.models import PeriodKind
from luoshi.bulletins.periods import PeriodError, check, parse, previous_month


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "label"),
    [
        ("2023-07", PeriodKind.MONTH, date(2023, 7, 1), date(2023, 7, 31), "2023年7月"),
        ("2023-02", PeriodKind.MONTH, date(2023, 2, 1), date(2023, 2, 28), "2023年2月"),
        ("2023-W30", PeriodKind.WEEK, date(2023, 7, 24), date(2023, 7, 30), "2023年第30周"),
        ("2023-Q2", PeriodKind.QUARTER, date(2023, 4, 1), date(2023, 6, 30), "2023年第二季度"),
        ("2023-H1", PeriodKind.HALF_YEAR, date(2023, 1, 1), date(2023, 6, 30), "2023年上半年"),
        ("2023-H2", PeriodKind.HALF_YEAR, date(2023, 7, 1), date(2023, 12, 31), "2023年下半年"),
        (
            "special:2023-07-01:2023-07-20",
            PeriodKind.SPECIAL,
            date(2023, 7, 1),
            date(2023, 7, 20),
            "2023年7月1日至2023年7月20日",
        ),
    ],
)
def test_periods_parse_and_give_their_code_back(text, kind, start, end, label):
    period = parse(text)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, label)
    assert parse(period.code) == period


@pytest.mark.parametrize(
    "text", ["2023-13", "2023-W60", "2023-Q5", "七月", "special:2023-07-20:2023-07-01", ""]
)
def test_a_period_that_is_none_is_refused_in_words(text):
    with pytest.raises(PeriodError, match="期间"):
        parse(text)


def test_the_month_before():
    assert previous_month(date(2023, 8, 1)).code == "2023-07"
    assert previous_month(date(2023, 1, 15)).code == "2022-12"


@pytest.mark.parametrize("text", ["1999-07", "0001-01", "1900-W01", "special:1999-12-01:2000-01-05"])
def test_an_absurd_year_is_refused(text):
    with pytest.raises(PeriodError, match="2000"):
        parse(text)


TODAY = date(2023, 7, 25)


@pytest.mark.parametrize(
    ("text", "as_of", "message"),
    [
        ("2023-08", TODAY, "开始"),  # the period starts after the as-of day
        ("2023-W31", TODAY, "开始"),  # as of a day before the period starts
        ("2023-07", date(2023, 7, 26), "今天"),  # as of a day after today
        ("special:2023-07-01:2023-07-28", TODAY, "结束"),  # a special inspection not over yet
    ],
)
def test_a_period_and_day_that_do_not_fit_are_refused(text, as_of, message):
    with pytest.raises(PeriodError, match=message):
        check(parse(text), as_of=as_of, today=TODAY)


@pytest.mark.parametrize(
    ("text", "as_of"),
    [("2023-07", TODAY), ("2023-W30", TODAY), ("2023-Q2", TODAY), ("special:2023-07-01:2023-07-20", TODAY)],
)
def test_a_period_begun_by_its_as_of_day_is_accepted(text, as_of):
    check(parse(text), as_of=as_of, today=TODAY)
