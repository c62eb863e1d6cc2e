"""Which report an item owes, as of a day: the overdue one and the next one. Pure."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from luoshi.core.workdays import WorkCalendar
from luoshi.items.models import Item, Status
from luoshi.items.schedule import Cycle, Period, schedule_periods

# Items that owe periodic reports. An item waiting for its completion to be verified owes none.
OWING_STATUSES = frozenset({Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS, Status.RETURNED})
# How far ahead "next report" looks.
HORIZON_DAYS = 40


@dataclass(frozen=True)
class ReportingState:
    overdue: Period | None  # the latest period past its due date, when its report is missing
    upcoming: Period | None  # the next period to report, due today or later, not yet reported

    @property
    def owes(self) -> bool:
        return self.overdue is not None or self.upcoming is not None


NOTHING_OWED = ReportingState(None, None)


def reporting_state(
    *,
    cycle: Cycle,
    due_day: int,
    assigned_on: date | None,
    deadline: date | None,
    status: str,
    reported: Collection[date],
    as_of: date,
    calendar: WorkCalendar,
) -> ReportingState:
    """`reported` holds the start dates of the periods already reported (or awaiting approval)."""
    if status not in OWING_STATUSES or assigned_on is None or assigned_on > as_of:
        return NOTHING_OWED
    periods = schedule_periods(
        cycle,
        due_day,
        assigned_on=assigned_on,
        deadline=deadline,
        calendar=calendar,
        until=as_of + timedelta(days=HORIZON_DAYS),
    )
    # Only the latest period past its due date counts: a gap that a later report has followed is
    # history (the late and missing reports show in the statistics), not this cycle's work.
    past = [period for period in periods if period.due < as_of]
    overdue = past[-1] if past and past[-1].start not in reported else None
    upcoming = [period for period in periods if period.due >= as_of and period.start not in reported]
    return ReportingState(overdue=overdue, upcoming=upcoming[0] if upcoming else None)


def item_reporting_state(
    item: Item, reported: Collection[date], *, as_of: date, calendar: WorkCalendar
) -> ReportingState:
    return reporting_state(
        cycle=item.cycle,
        due_day=item.report_due_day,
        assigned_on=item.assigned_on,
        deadline=item.deadline,
        status=item.status,
        reported=reported,
        as_of=as_of,
        calendar=calendar,
    )
