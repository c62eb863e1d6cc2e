from datetime import date

import pytest

from luoshi.core.dates import chinese_number, resolve_date

REF = date(2023, 7, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-08-31", date(2023, 8, 31)),
        ("2023/8/31", date(2023, 8, 31)),
        ("2023.8.31", date(2023, 8, 31)),
        ("2023年8月31日", date(2023, 8, 31)),
        ("2023年8月31号前", date(2023, 8, 31)),
        ("20230831", date(2023, 8, 31)),
        ("8月底前", date(2023, 8, 31)),
        ("8 月底前", date(2023, 8, 31)),
        ("8月底", date(2023, 8, 31)),
        ("8月末", date(2023, 8, 31)),
        ("9月份", date(2023, 9, 30)),
        ("2月底前", date(2023, 2, 28)),
        ("10月20日前", date(2023, 10, 20)),
        ("10 月 20 日前", date(2023, 10, 20)),
        ("7月31日前", date(2023, 7, 31)),
        ("八月底前", date(2023, 8, 31)),
        ("十月二十日前", date(2023, 10, 20)),
        ("十一月底前", date(2023, 11, 30)),
        ("十二月三十一日", date(2023, 12, 31)),
        ("9月中旬", date(2023, 9, 20)),
        ("9月上旬", date(2023, 9, 10)),
        ("9月下旬", date(2023, 9, 30)),
        ("年底前", date(2023, 12, 31)),
        ("年内", date(2023, 12, 31)),
        ("第三季度", date(2023, 9, 30)),
        ("三季度末", date(2023, 9, 30)),
        ("第4季度", date(2023, 12, 31)),
        ("上半年", date(2023, 6, 30)),
        ("明年3月底前", date(2024, 3, 31)),
        ("2024年3月底", date(2024, 3, 31)),
        ("立即", date(2023, 7, 25)),
        ("马上", date(2023, 7, 25)),
        ("本月底前", date(2023, 7, 31)),
        ("本月内", date(2023, 7, 31)),
        ("月底前", date(2023, 7, 31)),
        ("下月底前", date(2023, 8, 31)),
        ("下个月底", date(2023, 8, 31)),
        ("今年年底前", date(2023, 12, 31)),
    ],
)
def test_resolves(text, expected):
    assert resolve_date(text, reference=REF) == expected


@pytest.mark.parametrize(
    "text",
    ["", "尽快", "8月末尾", "13月底", "2月30日", "2023-02-30", "全年", "下半年", "按期", "早日", "月前"],
)
def test_unreadable(text):
    assert resolve_date(text, reference=REF) is None


def test_roll_forward_reads_an_earlier_month_as_next_year():
    assert resolve_date("3月底前", reference=REF, roll_forward=True) == date(2024, 3, 31)
    assert resolve_date("3月底前", reference=REF) == date(2023, 3, 31)
    assert resolve_date("7月31日前", reference=REF, roll_forward=True) == date(2023, 7, 31)


def test_this_year_is_never_rolled_forward_and_december_rolls_into_january():
    assert resolve_date("今年3月底", reference=REF, roll_forward=True) == date(2023, 3, 31)
    assert resolve_date("下月底前", reference=date(2023, 12, 5)) == date(2024, 1, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 2016-03-10 is a Thursday
        ("下周三前", date(2016, 3, 16)),
        ("下星期五", date(2016, 3, 18)),
        ("下周", date(2016, 3, 20)),
        ("下周内", date(2016, 3, 20)),
        ("本周五前", date(2016, 3, 11)),
        ("本周内", date(2016, 3, 13)),
        ("这周日", date(2016, 3, 13)),
    ],
)
def test_days_of_this_and_next_week(text, expected):
    assert resolve_date(text, reference=date(2016, 3, 10)) == expected


def test_now_can_be_refused():
    assert resolve_date("立即", reference=REF, allow_now=False) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("8", 8), ("十", 10), ("十二", 12), ("二十", 20), ("三十一", 31), ("二〇二三", 2023), ("甲", None)],
)
def test_chinese_numbers(text, value):
    assert chinese_number(text) == value


# Holidays: the day before the festival (元旦, 五一, 国庆 by their dates; the lunar festivals and 清明 by
# the day their official holiday begins, where the calendar of that year is published), the next one
# after the reference day.
@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("国庆节前", REF, date(2023, 9, 30)),
        ("国庆前", REF, date(2023, 9, 30)),
        ("十一前", REF, date(2023, 9, 30)),
        ("元旦前", REF, date(2023, 12, 31)),
        ("元旦之前", date(2023, 12, 5), date(2023, 12, 31)),
        ("五一前", REF, date(2024, 4, 30)),
        ("劳动节前", date(2024, 3, 1), date(2024, 4, 30)),
        ("春节前", REF, date(2024, 2, 9)),  # the 2024 holiday began on 10 February
        ("春节前", date(2022, 11, 20), date(2023, 1, 20)),  # 2023's began on 21 January
        ("中秋节前", REF, date(2023, 9, 28)),  # 2023's began on 29 September
        ("端午节前", date(2023, 5, 10), date(2023, 6, 21)),
        ("清明节前", date(2023, 2, 1), date(2023, 4, 4)),
        ("今年国庆节前", REF, date(2023, 9, 30)),
        ("明年春节前", date(2023, 1, 5), date(2024, 2, 9)),
    ],
)
def test_holiday_deadlines(text: str, reference: date, expected: date):
    assert resolve_date(text, reference=reference, roll_forward=True) == expected


def test_a_lunar_holiday_of_a_year_not_published_is_not_guessed():
    assert resolve_date("春节前", reference=date(2031, 3, 1), roll_forward=True) is None
    assert resolve_date("国庆节前", reference=date(2031, 3, 1), roll_forward=True) == date(2031, 9, 30)


# Spans from the reference day: working days by the official calendar (holidays skipped).
@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("10个工作日内", REF, date(2023, 8, 8)),
        ("5个工作日内", date(2023, 9, 27), date(2023, 10, 10)),  # the National Day holiday skipped
        ("十个工作日以内", REF, date(2023, 8, 8)),
        ("3天内", REF, date(2023, 7, 28)),
        ("15日内", REF, date(2023, 8, 9)),
        ("两周内", REF, date(2023, 8, 8)),
        ("一周内", REF, date(2023, 8, 1)),
        ("1个月内", REF, date(2023, 8, 25)),
        ("三个月内", date(2023, 11, 30), date(2024, 2, 29)),
        ("半个月内", REF, date(2023, 8, 9)),
    ],
)
def test_spans_from_the_reference_day(text: str, reference: date, expected: date):
    assert resolve_date(text, reference=reference, roll_forward=True) == expected


def test_spans_need_a_reference_day_of_the_text():
    # An Excel import reads dates against 1 January: a span there means nothing, like 立即.
    assert resolve_date("10个工作日内", reference=date(2023, 1, 1), allow_now=False) is None
    assert resolve_date("国庆节前", reference=date(2023, 1, 1), allow_now=False) == date(2023, 9, 30)
