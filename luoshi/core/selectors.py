from __future__ import annotations

from luoshi.core.models import CalendarDay
from luoshi.core.workdays import WorkCalendar


def work_calendar() -> WorkCalendar:
    """The official calendar with the admin's overrides (one small query)."""
    return WorkCalendar(dict(CalendarDay.objects.values_list("date", "is_workday")))
