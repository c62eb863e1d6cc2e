"""Dates as Chinese officials write them, resolved to calendar dates. Pure.

    2023-08-31, 2023/8/31, 2023.8.31, 2023年8月31日   → that day
    8月31日（前）, 10月20日前                           → that day of the reference year
    8月底（前）, 8月末, 8月份, 8月                       → the last day of August
    8月上旬 / 中旬 / 下旬                                → the 10th / 20th / last day
    年底（前）, 年内, 年末                                → 31 December
    第三季度（末）, 三季度                                → the quarter's last day
    上半年（前）                                         → 30 June
    明年3月底                                            → next year
    今年3月底                                            → this year, never rolled forward
    本月底（前）, 月底前, 本月内 / 下月底（前）, 下个月底  → the end of this / next month
    本周五前, 下周三前 / 本周内, 下周                     → that day of this / next week; its Sunday
    立即, 马上                                           → the reference day itself (when allowed)
    元旦前, 五一前, 国庆节前                              → the day before the festival (31 December…)
    春节前, 清明节前, 端午节前, 中秋节前                  → the day before its official holiday begins
                                                           (None for a year not published yet)
    10个工作日内, 3天内, 15日内, 两周内, 1个月内          → counted from the reference day, working days
                                                           by the official calendar (when allowed)

Chinese numerals (八月底前, 十月二十日) and stray spaces (8 月底前) are accepted. With
`roll_forward`, a month before the reference month means next year (a speech in July that says
"3月底前" means next March); a festival is always the next one after the reference day.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from luoshi.core.workdays import WorkCalendar, holiday_start

_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
NUMBER = r"[0-9〇零一二两三四五六七八九十]{1,4}"


def chinese_number(text: str) -> int | None:
    """'8' → 8, '十' → 10, '十二' → 12, '二十' → 20, '三十一' → 31, '二〇二三' → 2023."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        tens_value = _DIGITS.get(tens) if tens else 1
        ones_value = _DIGITS.get(ones) if ones else 0
        if tens_value is None or ones_value is None:
            return None
        return tens_value * 10 + ones_value
    if all(ch in _DIGITS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + _DIGITS[ch]
        return value
    return None


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


_FULL = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?(?:前|之前|以前)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_PREFIX = r"^(?:(?P<next>明年)|(?P<this>今年))?(?:(?P<year>\d{4})年)?"
_MONTH_DAY = re.compile(_PREFIX + rf"(?P<month>{NUMBER})月(?P<day>{NUMBER})[日号](?:前|之前|以前)?$")
_MONTH_END = re.compile(_PREFIX + rf"(?P<month>{NUMBER})月(?:底|末|份|)(?:前|之前|以前|内)?$")
_TEN_DAYS = re.compile(_PREFIX + rf"(?P<month>{NUMBER})月(?P<part>上|中|下)旬(?:前|之前|以前|末)?$")
_YEAR_END = re.compile(_PREFIX + r"(?:年底|年末|年内|年终)(?:前|之前|以前)?$")
_QUARTER = re.compile(_PREFIX + rf"第?(?P<quarter>{NUMBER})季度(?:末|底)?(?:前|之前|以前)?$")
_HALF = re.compile(_PREFIX + r"上半年(?:末|底)?(?:前|之前|以前|内)?$")
_RELATIVE_MONTH = re.compile(r"^(?P<which>本|当|下个?|次)?月份?(?P<end>底|末|内)?(?:前|之前|以前|内)?$")
_WEEK = re.compile(
    r"^(?P<which>本|这|下)(?:个)?(?:周|星期)(?P<day>[一二三四五六日天])?(?:之前|以前|前|内|末)?$"
)
_NOW = re.compile(r"^(?:立即|马上|立刻|即刻)$")
_BEFORE = r"(?:前|之前|以前)"
_HOLIDAY = re.compile(
    r"^(?:(?P<next>明年)|(?P<this>今年))?(?:(?P<year>\d{4})年)?"
    rf"(?P<name>元旦|春节|清明节?|五一|劳动节|端午节?|中秋节?|国庆节?|十一){_BEFORE}$"
)
# A festival on a fixed day (month, day); the others by the day their official holiday begins.
_FIXED_FESTIVALS = {"元旦": (1, 1), "五一": (5, 1), "劳动节": (5, 1), "国庆": (10, 1), "十一": (10, 1)}
_LUNAR_FESTIVALS = {
    "春节": "Spring Festival",
    "清明": "Tomb-sweeping Day",
    "端午": "Dragon Boat Festival",
    "中秋": "Mid-autumn Festival",
}
_SPAN = re.compile(rf"^(?P<count>{NUMBER}|半)个?(?P<unit>工作日|天|日|周|星期|礼拜|月)(?:之内|以内|内)$")


def resolve_date(
    text: str, *, reference: date, roll_forward: bool = False, allow_now: bool = True
) -> date | None:
    """The date `text` means, read against `reference` (its year; its day for 立即), or None."""
    text = "".join(text.split()).strip("，。；、")
    if not text:
        return None
    for pattern in (_FULL, _COMPACT):
        match = pattern.match(text)
        if match:
            return _safe_date(int(match[1]), int(match[2]), int(match[3]))
    if _NOW.match(text):
        return reference if allow_now else None
    match = _SPAN.match(text)
    if match:
        return _span_end(match, reference) if allow_now else None
    match = _HOLIDAY.match(text)
    if match:
        return _before_festival(match, reference)
    match = _WEEK.match(text)
    if match:
        weekday = 7 if match["day"] in (None, "日", "天") else "一二三四五六".index(match["day"]) + 1
        monday = reference - timedelta(days=reference.weekday())
        return monday + timedelta(days=(7 if match["which"] == "下" else 0) + weekday - 1)

    def year_of(match: re.Match[str], month: int) -> int:
        if match["year"]:
            return int(match["year"])
        if match["next"]:
            return reference.year + 1
        if match["this"]:
            return reference.year
        if roll_forward and month < reference.month:
            return reference.year + 1
        return reference.year

    match = _RELATIVE_MONTH.match(text)
    if match and (match["which"] or match["end"]):
        if match["which"] in (None, "本", "当"):
            return month_end(reference.year, reference.month)
        return month_end(reference.year + reference.month // 12, reference.month % 12 + 1)
    match = _MONTH_DAY.match(text)
    if match:
        month, day = chinese_number(match["month"]), chinese_number(match["day"])
        if month is None or day is None:
            return None
        return _safe_date(year_of(match, month), month, day)
    match = _TEN_DAYS.match(text)
    if match:
        month = chinese_number(match["month"])
        if month is None or not 1 <= month <= 12:
            return None
        year = year_of(match, month)
        return {"上": date(year, month, 10), "中": date(year, month, 20), "下": month_end(year, month)}[
            match["part"]
        ]
    match = _MONTH_END.match(text)
    if match:
        month = chinese_number(match["month"])
        if month is None or not 1 <= month <= 12:
            return None
        return month_end(year_of(match, month), month)
    match = _YEAR_END.match(text)
    if match:
        return date(year_of(match, 12), 12, 31)
    match = _QUARTER.match(text)
    if match:
        quarter = chinese_number(match["quarter"])
        if quarter is None or not 1 <= quarter <= 4:
            return None
        return month_end(year_of(match, quarter * 3), quarter * 3)
    match = _HALF.match(text)
    if match:
        return date(year_of(match, 6), 6, 30)
    return None


def _span_end(match: re.Match[str], reference: date) -> date | None:
    unit = match["unit"]
    if match["count"] == "半":
        count, unit = (15, "天") if unit == "月" else (0, unit)
    else:
        count = chinese_number(match["count"]) or 0
    if count <= 0:
        return None
    if unit == "工作日":
        return WorkCalendar().add_workdays(reference, count)
    if unit in ("天", "日"):
        return reference + timedelta(days=count)
    if unit == "月":
        months = reference.month - 1 + count
        year, month = reference.year + months // 12, months % 12 + 1
        return _safe_date(year, month, reference.day) or month_end(year, month)
    return reference + timedelta(weeks=count)  # 周, 星期, 礼拜


def _before_festival(match: re.Match[str], reference: date) -> date | None:
    """The day before the next festival of that name on or after the reference day (or of the year
    written)."""
    name = match["name"]
    if len(name) == 3 and name != "劳动节":
        name = name.removesuffix("节")  # 国庆节, 中秋节, 端午节, 清明节

    def day_before(year: int) -> date | None:
        if name in _FIXED_FESTIVALS:
            month, day = _FIXED_FESTIVALS[name]
            return date(year, month, day) - timedelta(days=1)
        start = holiday_start(_LUNAR_FESTIVALS[name], year=year)
        return start - timedelta(days=1) if start else None

    if match["year"] or match["next"] or match["this"]:
        year = int(match["year"]) if match["year"] else reference.year + (1 if match["next"] else 0)
        if name in ("元旦",) and not match["year"]:
            year += 1  # 今年元旦前: the 元旦 that ends this year
        return day_before(year)
    for year in (reference.year, reference.year + 1):
        if name == "元旦":
            year += 1  # 元旦前 of this year is 31 December
        found = day_before(year)
        if found is None or found >= reference:
            return found
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
