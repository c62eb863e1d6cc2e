"""Reminders (催办): before a deadline, a milestone or a report's due day, on the day, and when overdue.

Sent on working days only, by China's official calendar: a make-up working Saturday is a day like
any other, a holiday is skipped. Each reminder is recorded (Reminder) so a second run on the same
day sends nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction

from luoshi.core.selectors import work_calendar
from luoshi.core.workdays import WorkCalendar
from luoshi.items.models import (
    ACTIVE_STATUSES,
    EventKind,
    Item,
    ItemEvent,
    ProgressReport,
    ReportStatus,
)
from luoshi.items.reporting import item_reporting_state
from luoshi.items.schedule import period_label
from luoshi.notifications import delivery
from luoshi.notifications.models import Reminder, ReminderKind
from luoshi.org.models import Region, Unit, User

BEFORE, TODAY, OVERDUE = "before", "today", "overdue"


def reminder_stage(
    due: date, as_of: date, calendar: WorkCalendar, *, days_before: int, overdue_every: int
) -> str | None:
    """Whether `as_of` is a day to remind of something due on `due`, and which reminder. Pure.

    - before: the working day `days_before` working days before `due`;
    - today: `due` itself, or the last working day before it when `due` is a holiday;
    - overdue: the first working day after `due`, then every `overdue_every` working days.
    """
    if not calendar.is_workday(as_of):
        return None
    if as_of == calendar.previous_workday(due):
        return TODAY
    if days_before > 0 and as_of == calendar.add_workdays(due, -days_before):
        return BEFORE
    if as_of > due:
        late = calendar.workdays_between(due + timedelta(days=1), as_of)
        if late >= 1 and (late - 1) % max(overdue_every, 1) == 0:
            return OVERDUE
    return None


@dataclass(frozen=True)
class Candidate:
    item: Item
    kind: ReminderKind
    subject: str
    due: date
    stage: str
    message: str


def _date(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _message(item: Item, what: str, due: date, stage: str, as_of: date, calendar: WorkCalendar) -> str:
    if stage == BEFORE:
        return f"「{item.title}」{what}将于{_date(due)}到期"
    if stage == TODAY:
        return f"「{item.title}」{what}今天（{_date(due)}）到期"
    late = calendar.workdays_between(due + timedelta(days=1), as_of)
    return f"「{item.title}」{what}已逾期{late}个工作日（应于{_date(due)}前完成）"


def reminder_candidates(*, as_of: date, region: Region | None = None) -> list[Candidate]:
    calendar = work_calendar()
    if not calendar.is_workday(as_of):
        return []
    days_before = settings.LUOSHI_REMIND_WORKDAYS_BEFORE
    every = settings.LUOSHI_OVERDUE_REMIND_EVERY
    items = (
        Item.objects.filter(status__in=ACTIVE_STATUSES)
        .select_related("lead_unit", "patron_leader")
        .prefetch_related("milestones")
    )
    if region is not None:
        items = items.filter(region=region)
    reported: dict[int, set[date]] = defaultdict(set)
    for item_id, start in ProgressReport.objects.filter(
        item__in=items, status__in=[ReportStatus.SUBMITTED, ReportStatus.PENDING_APPROVAL]
    ).values_list("item_id", "period_start"):
        reported[item_id].add(start)

    candidates = []

    def consider(item: Item, kind: ReminderKind, subject: str, due: date, what: str) -> None:
        stage = reminder_stage(due, as_of, calendar, days_before=days_before, overdue_every=every)
        if stage:
            candidates.append(
                Candidate(item, kind, subject, due, stage, _message(item, what, due, stage, as_of, calendar))
            )

    for item in items:
        if item.deadline:
            consider(item, ReminderKind.DEADLINE, "deadline", item.deadline, "完成时限")
        for milestone in item.milestones.all():
            if milestone.done_on is None:
                consider(
                    item,
                    ReminderKind.MILESTONE,
                    f"milestone:{milestone.pk}",
                    milestone.due,
                    f"节点“{milestone.name}”",
                )
        state = item_reporting_state(item, reported[item.pk], as_of=as_of, calendar=calendar)
        for period in (state.overdue, state.upcoming):
            if period is not None:
                label = period_label(item.report_cycle, period.start)
                consider(
                    item,
                    ReminderKind.REPORT,
                    f"report:{period.start.isoformat()}",
                    period.due,
                    f"{label}进度报送",
                )
    return candidates


@transaction.atomic
def reminders_send(*, as_of: date, region: Region | None = None) -> int:
    """Send today's reminders that have not been sent yet; returns how many were sent."""
    candidates = reminder_candidates(as_of=as_of, region=region)
    already = set(
        Reminder.objects.filter(sent_on=as_of, item__in=[c.item for c in candidates]).values_list(
            "item_id", "subject"
        )
    )
    # Each reminder is claimed by the run that writes its row (the row is unique per item, subject
    # and day): with several job workers running the daily job, only one of them sends it.
    fresh = [
        c
        for c in candidates
        if (c.item.pk, c.subject) not in already
        and Reminder.objects.get_or_create(
            item=c.item,
            subject=c.subject,
            sent_on=as_of,
            defaults={"kind": c.kind, "due": c.due, "stage": c.stage, "message": c.message},
        )[1]
    ]
    ItemEvent.objects.bulk_create(
        [
            ItemEvent(
                item=c.item,
                kind=EventKind.REMINDED,
                note=c.message,
                data={"stage": c.stage, "due": c.due.isoformat()},
            )
            for c in fresh
        ]
    )
    by_unit: dict[Unit, list[Candidate]] = defaultdict(list)
    people: dict[int | None, list[User]] = {}
    for candidate in fresh:
        item = candidate.item
        if item.lead_unit_id not in people:
            people[item.lead_unit_id] = delivery.unit_people(item.lead_unit_id)
        recipients = list(people[item.lead_unit_id])
        if candidate.stage == OVERDUE and candidate.kind == ReminderKind.DEADLINE:
            recipients += delivery.leader_users(item.patron_leader)
        delivery.notify(recipients, item=item, title=f"催办：{candidate.message}")
        if item.lead_unit:
            by_unit[item.lead_unit].append(candidate)
    for unit, unit_candidates in by_unit.items():
        lines = "\n".join(f"- {c.message}" for c in unit_candidates)
        delivery.notify_unit_group(unit, title=f"{unit}今日催办（{len(unit_candidates)}项）", text=lines)
    return len(fresh)
