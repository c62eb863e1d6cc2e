"""本期未报送 asks the database first (selectors.may_be_unreported), the schedule then: the answer is
the schedule's, item by item, whatever the cycle, due day, deadline, holidays and gaps."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from luoshi.core.selectors import work_calendar
from luoshi.items.models import Item, ProgressReport, ReportStatus, Status
from luoshi.items.reporting import OWING_STATUSES, item_reporting_state
from luoshi.items.schedule import DUE_DAY_RANGE, Cycle, schedule_periods
from luoshi.items.selectors import item_list_for, may_be_unreported, not_reported

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

# Days around the holidays that move due days (Spring Festival, 劳动节, 国庆节 with its make-up
# working weekend), month and half-month edges, and a day after most deadlines.
DAYS = [
    date(2023, 1, 30),
    date(2023, 2, 16),
    date(2023, 5, 4),
    date(2023, 7, 25),
    date(2023, 10, 7),
    date(2023, 10, 9),
    date(2024, 1, 2),
]


def _made(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def items(zhashui, fagaiju, fagaiju_reporter) -> list[Item]:
    """Items of every cycle, reported with gaps, some late, some early, some by an old cycle."""
    rng = random.Random(20230725)
    calendar = work_calendar()
    statuses = [*OWING_STATUSES, Status.COMPLETION_REQUESTED, Status.SUSPENDED, Status.DRAFT]
    rows = []
    for n in range(160):
        cycle = rng.choice(list(Cycle))
        low, high = DUE_DAY_RANGE[cycle]
        assigned = date(2022, 9, 1) + timedelta(days=rng.randrange(480))
        status = rng.choice(statuses)
        deadline = assigned + timedelta(days=rng.randrange(-20, 400))
        rows.append(
            Item(
                region=zhashui,
                lead_unit=fagaiju,
                code=f"NR-{n:04d}",
                year=2023,
                title=f"报送测试{n}",
                report_cycle=cycle,
                report_due_day=rng.choice([low, high, rng.randint(low, high), 0, 31]),
                assigned_on=None if status == Status.DRAFT else assigned,
                deadline=None if status == Status.DRAFT else deadline,
                status=status,
            )
        )
    created = Item.objects.bulk_create(rows)
    reports = []
    for item in created:
        if item.assigned_on is None:
            continue
        periods = schedule_periods(
            item.cycle,
            item.report_due_day,
            assigned_on=item.assigned_on,
            deadline=item.deadline,
            calendar=calendar,
            until=date(2024, 2, 1),
        )
        for period in periods:
            if rng.random() < 0.25:
                continue  # a gap
            made = period.due + timedelta(days=rng.randrange(-12, 10))
            reports.append((item, period.start, max(period.start, period.end), made))
        if rng.random() < 0.1:  # a report of the cycle the item had before
            start = item.assigned_on + timedelta(days=rng.randrange(30, 200))
            reports.append((item, start, start + timedelta(days=6), start + timedelta(days=7)))
    ProgressReport.objects.bulk_create(
        [
            ProgressReport(
                item=item,
                unit=fagaiju,
                period_start=start,
                period_end=end,
                due_on=end,
                done="按计划推进",
                confidence="green",
                author=fagaiju_reporter,
                status=rng.choice(
                    [ReportStatus.SUBMITTED] * 4 + [ReportStatus.PENDING_APPROVAL, ReportStatus.REJECTED]
                ),
                created_at=_made(made, rng.choice([0, 10, 23])),
                submitted_at=_made(made),
            )
            for item, start, end, made in reports
        ]
    )
    return created


def _by_the_schedule(items: list[Item], as_of: date) -> set[int]:
    """The schedule's answer for every item, with every report of the item made by `as_of`."""
    calendar = work_calendar()
    made: dict[int, set[date]] = {item.pk: set() for item in items}
    for item_id, start, created_at in ProgressReport.objects.filter(
        status__in=[ReportStatus.SUBMITTED, ReportStatus.PENDING_APPROVAL]
    ).values_list("item_id", "period_start", "created_at"):
        if created_at.astimezone(SHANGHAI).date() <= as_of:
            made[item_id].add(start)
    return {
        item.pk
        for item in items
        if item_reporting_state(item, made[item.pk], as_of=as_of, calendar=calendar).overdue
    }


@pytest.mark.parametrize("as_of", DAYS, ids=str)
def test_the_database_keeps_every_item_the_schedule_finds_unreported(items, supervisor, as_of):
    expected = _by_the_schedule(items, as_of)
    found = not_reported(item_list_for(supervisor), as_of=as_of, calendar=work_calendar())
    assert {entry.item.pk for entry in found} == expected
    assert expected  # the days are chosen so that some items owe a report
    # The database's own answer is the schedule's but for the first reports' grace, which it only
    # bounds: it may keep an item assigned in the last two months, or one whose deadline came
    # before its first report.
    kept = may_be_unreported(Item.objects.all(), as_of=as_of, calendar=work_calendar())
    just_assigned = {
        item.pk
        for item in items
        if item.assigned_on
        and item.deadline
        and (
            item.assigned_on > as_of - timedelta(days=62)
            or item.deadline < item.assigned_on + timedelta(days=31)
        )
    }
    assert expected <= {item.pk for item in kept} <= expected | just_assigned


def test_the_database_leaves_out_most_items(items, supervisor):
    """Items reported for their latest period never reach the schedule's arithmetic."""
    as_of = date(2023, 7, 25)
    calendar = work_calendar()
    candidates = may_be_unreported(Item.objects.all(), as_of=as_of, calendar=calendar).count()
    owing = Item.objects.filter(status__in=OWING_STATUSES).count()
    assert len(_by_the_schedule(items, as_of)) <= candidates < owing / 2


def test_a_long_list_on_my_work_shows_its_first_rows_and_opens_the_rest(
    items, supervisor, monkeypatch, settings
):
    """A city's office may have thousands of items without this period's report: 我的工作 shows
    the earliest due and links to the item list of them all."""
    from luoshi.conftest import client_for
    from luoshi.items import views

    settings.LUOSHI_TODAY = date(2023, 7, 25)
    owed = not_reported(item_list_for(supervisor), as_of=date(2023, 7, 25), calendar=work_calendar())
    assert len(owed) > 3
    monkeypatch.setattr(views, "WORK_ROWS", 3)
    page = client_for(supervisor).get("/work/").content.decode()
    section = page[page.index('data-testid="not-reported"') :]
    assert section.count("应于") == 3
    assert f"查看全部 {len(owed)} 项" in page
    listed = client_for(supervisor).get("/items/?month=2023-07&report=overdue")
    assert listed.context["page"].paginator.count == len(owed)
