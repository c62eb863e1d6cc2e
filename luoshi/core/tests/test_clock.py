"""The clock on a pinned day (the demo county): what people do now sorts after the day's history."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine

from luoshi.core import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
PINNED = date(2023, 7, 25)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 1, hour, minute, tzinfo=SHANGHAI)


def test_on_a_pinned_day_now_is_that_days_evening_in_the_order_of_real_time(settings):
    settings.LUOSHI_TODAY = PINNED
    stamps = []
    for real in (at(0, 0), at(8, 30), at(8, 31), at(17, 59), at(23, 59)):
        with time_machine.travel(real, tick=False):
            stamps.append(clock.now())
    assert all(stamp.date() == PINNED for stamp in stamps)
    assert all(stamp.astimezone(SHANGHAI).time() >= time(18, 0) for stamp in stamps)
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_a_replayed_moment_and_an_unpinned_clock_are_left_alone(settings):
    settings.LUOSHI_TODAY = PINNED
    with clock.pinned(PINNED, time(9, 0)) as moment:
        assert clock.now() == moment
    settings.LUOSHI_TODAY = None
    with time_machine.travel(at(8, 30), tick=False):
        assert clock.now() == at(8, 30)
        assert clock.today() == date(2026, 12, 1)
