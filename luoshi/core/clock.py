"""The edge of the system that reads the clock.

Everything that depends on the date takes an explicit ``as_of``; views, commands and jobs get it
from here. The demo county is pinned to the day of its plenary meeting (settings.LUOSHI_TODAY),
and the demo loader replays its history day by day with ``pinned``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

_pinned: ContextVar[datetime | None] = ContextVar("luoshi_pinned_moment", default=None)

# On a pinned day (the demo county's), the demo's own history fills the day up to 18:00. What
# people do on it afterwards is stamped in the evening: the real time of day, compressed into
# 18:00–23:59, so that it sorts after the history and keeps its own order.
EVENING_STARTS = time(18, 0)
_EVENING = timedelta(hours=6) - timedelta(microseconds=1)
_DAY = timedelta(days=1)


def today() -> date:
    moment = _pinned.get()
    if moment is not None:
        return moment.date()
    pinned: date | None = getattr(settings, "LUOSHI_TODAY", None)
    return pinned if pinned is not None else timezone.localdate()


def now() -> datetime:
    """The current moment; on a pinned day, that day's evening (see EVENING_STARTS)."""
    moment = _pinned.get()
    if moment is not None:
        return moment
    current = timezone.localtime()
    pinned: date | None = getattr(settings, "LUOSHI_TODAY", None)
    if pinned is None:
        return current
    since_midnight = current - current.replace(hour=0, minute=0, second=0, microsecond=0)
    evening = timezone.make_aware(datetime.combine(pinned, EVENING_STARTS))
    return evening + _EVENING * (since_midnight / _DAY)


def actual_now() -> datetime:
    """The moment as the machine's clock gives it, never pinned: for the audit log, whose times are
    a legal record and are compared by the database with its own clock (see luoshi.audit)."""
    return timezone.now()


@contextmanager
def pinned(day: date, at: time = time(9, 0)) -> Iterator[datetime]:
    """Let the clock read `day` at `at` (local time) inside the block: for replaying a history."""
    moment = timezone.make_aware(datetime.combine(day, at))
    token = _pinned.set(moment)
    try:
        yield moment
    finally:
        _pinned.reset(token)
