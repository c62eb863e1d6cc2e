"""The edge of the system that reads the clock.

Everything that depends on the date takes an explicit ``as_of``; views, commands and jobs get it
from here. The demo county is pinned to the day of its plenary meeting (settings.LUOSHI_TODAY).
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone


def today() -> date:
    pinned: date | None = getattr(settings, "LUOSHI_TODAY", None)
    return pinned if pinned is not None else timezone.localdate()


def now() -> datetime:
    """The current moment; on a pinned day, that day at the current local time of day."""
    current = timezone.localtime()
    pinned: date | None = getattr(settings, "LUOSHI_TODAY", None)
    if pinned is None:
        return current
    return current.replace(year=pinned.year, month=pinned.month, day=pinned.day)
