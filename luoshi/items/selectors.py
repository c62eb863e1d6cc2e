"""Reads of items, always scoped to the acting user (org.selectors.scope_for)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import cast

from django.db.models import (
    Case,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncMonth, TruncWeek
from django.utils import timezone

from luoshi.core.workdays import WorkCalendar
from luoshi.items.hooks import ListQuery, item_list_narrowed
from luoshi.items.models import (
    ACTIVE_STATUSES,
    DONE_STATUSES,
    Colour,
    ImportJob,
    Instruction,
    Item,
    ItemEvent,
    ProgressReport,
    ReportStatus,
    Status,
    SupervisionAction,
)
from luoshi.items.reporting import OWING_STATUSES, ReportingState, item_reporting_state
from luoshi.items.rules import DRAFT_READERS, can_see_import_job
from luoshi.items.schedule import (
    FIRST_REPORT_GRACE_WORKDAYS,
    Cycle,
    Period,
    period_containing,
    schedule_periods,
)
from luoshi.org.models import Region, Role, Unit, User
from luoshi.org.selectors import scope_for


def item_list_for(user: User | object) -> QuerySet[Item]:
    """Every item the user may see. rules.can_view_item says the same of one item."""
    # Units come with their region: a user who sees several regions reads "柞水县 县发改局".
    items = Item.objects.select_related(
        "region", "lead_unit__region", "patron_leader__person", "responsible_person"
    ).prefetch_related(Prefetch("support_units", queryset=Unit.objects.select_related("region")))
    scope = scope_for(user)
    if scope.everything:
        return items
    draft_regions = frozenset().union(*(seat.covers for seat in scope.seats if seat.role in DRAFT_READERS))
    visible = ~Q(status=Status.DRAFT) & scope.q(Item, region="region", units=("lead_unit", "support_units"))
    return items.filter(visible | Q(status=Status.DRAFT, region_id__in=draft_regions))


@dataclass
class ItemFilters:
    """The filters of the item list (and of its Excel export)."""

    kind: str = ""
    source: str = ""
    unit: int | None = None  # lead or support unit
    leader: int | None = None
    status: str = ""  # a Status value, or "active" / "done"
    colour: str = ""  # a Colour value, or "none"
    deadline_from: date | None = None
    deadline_to: date | None = None
    text: str = ""
    year: int | None = None
    region: int | None = None
    lead_unit: int | None = None
    # Filters on a month (alerts.selectors.month_filter applies them):
    month: date | None = None
    overdue: bool = False  # past the deadline, not completed
    report_overdue: bool = False  # 本期未报送: not_reported decides, on the month's day (month_as_of)

    @property
    def by_month(self) -> bool:
        return bool(self.month or self.overdue or self.report_overdue)


def item_filter(items: QuerySet[Item], filters: ItemFilters) -> QuerySet[Item]:
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.source:
        items = items.filter(source=filters.source)
    if filters.unit:
        supported = Item.support_units.through.objects.filter(unit_id=filters.unit).values("item_id")
        items = items.filter(Q(lead_unit_id=filters.unit) | Q(pk__in=supported))
    if filters.leader:
        items = items.filter(patron_leader_id=filters.leader)
    if filters.by_month:
        pass
    elif filters.status == "active":
        items = items.filter(status__in=ACTIVE_STATUSES)
    elif filters.status == "done":
        items = items.filter(status__in=[Status.COMPLETED, Status.CLOSED])
    elif filters.status:
        items = items.filter(status=filters.status)
    if filters.lead_unit:
        items = items.filter(lead_unit_id=filters.lead_unit)
    if filters.by_month:
        pass  # the status and the colour are the month's: alerts.selectors.month_filter
    elif filters.colour == "none":
        items = items.filter(assessed_colour="", computed_colour="")
    elif filters.colour in Colour.values:
        # The colour a list shows: the assessed one where there is one, else the computed one.
        items = items.filter(
            Q(assessed_colour=filters.colour) | Q(assessed_colour="", computed_colour=filters.colour)
        )
    if filters.deadline_from:
        items = items.filter(deadline__gte=filters.deadline_from)
    if filters.deadline_to:
        items = items.filter(deadline__lte=filters.deadline_to)
    if filters.text:
        items = items.filter(
            Q(title__icontains=filters.text)
            | Q(code__icontains=filters.text)
            | Q(description__icontains=filters.text)
        )
    if filters.year:
        items = items.filter(year=filters.year)
    if filters.region:
        items = items.filter(region_id=filters.region)
    return items


def item_list_filtered(user: User | object, filters: ItemFilters, *, today: date) -> QuerySet[Item]:
    """The item list's rows: what the user may see, narrowed by the filters. Filters on data that
    other apps keep (a month's colour snapshot) are applied by those apps (hook item_list_narrowed)."""
    items = item_filter(item_list_for(user), filters)
    for narrow in item_list_narrowed.receivers:
        items = cast("QuerySet[Item]", narrow(ListQuery(items=items, filters=filters, today=today)))
    return items


def sees_many_regions(user: User | object) -> bool:
    """Whether the user sees more than one region (a city's office sees its counties): then every
    list names a unit with its region, and the item list can be filtered by region."""
    scope = scope_for(user)
    if scope.everything:
        return Region.objects.all()[:2].count() > 1
    return len(scope.visible_region_ids) > 1


def item_detail_for(user: User | object, pk: int) -> Item:
    """One item with what its page shows, or Item.DoesNotExist when the user may not see it."""
    return (
        item_list_for(user)
        .select_related("replaced_by", "origin_action", "parent")
        .prefetch_related("milestones", "replaces")
        .get(pk=pk)
    )


def report_periods_to_offer(item: Item, *, as_of: date, calendar: WorkCalendar) -> list[Period]:
    """The periods a report can be for (the report form's and the API's): those missing so far, and
    the current one."""
    if item.assigned_on is None:
        return []
    periods = schedule_periods(
        item.cycle,
        item.report_due_day,
        assigned_on=item.assigned_on,
        deadline=item.deadline,
        calendar=calendar,
        until=as_of + timedelta(days=31),
    )
    reported = set(item.reports.exclude(status=ReportStatus.REJECTED).values_list("period_start", flat=True))
    offer = [p for p in periods if p.start not in reported and p.start <= as_of + timedelta(days=31)][-6:]
    if item.cycle != Cycle.ONCE:
        current = period_containing(item.cycle, item.report_due_day, as_of, calendar)
        if current.start not in reported and all(p.start != current.start for p in offer):
            offer.append(current)
    elif not offer and periods:
        offer = periods[-1:]
    return sorted(offer, key=lambda p: p.start)


def item_reports(item: Item) -> QuerySet[ProgressReport]:
    return (
        item.reports.select_related("unit", "author", "approved_by", "verification__verifier", "supersedes")
        .prefetch_related("evidence")
        .annotate(corrected=Exists(ProgressReport.objects.filter(supersedes=OuterRef("pk"))))
        .order_by("-period_start", "-version", "-created_at")
    )


def item_events(item: Item) -> QuerySet[ItemEvent]:
    return item.events.select_related("actor").order_by("-at", "-id")


def report_list_for(user: User | object) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.filter(item__in=item_list_for(user).values("pk")).select_related(
        "item", "unit", "author"
    )


def verification_queue_for(user: User | object) -> QuerySet[ProgressReport]:
    """Each item's latest report, when no one has verified it yet, oldest first.

    An older period's report that a newer one has followed is history, not work for the office.
    The item holds its report awaiting verification (`Item.report_to_verify`, kept by the report
    services), so the queue is the items holding one: an indexed look-up, however many reports
    the year has gathered.
    """
    return (
        ProgressReport.objects.filter(awaiting_item__in=item_list_for(user).values("pk"))
        .select_related("item__lead_unit", "unit__region", "author")
        .prefetch_related("evidence")
        .order_by("submitted_at", "pk")
    )


def instruction_list_for(user: User | object) -> QuerySet[Instruction]:
    return Instruction.objects.filter(item__in=item_list_for(user).values("pk")).select_related(
        "item", "leader__person", "acknowledged_by"
    )


def supervision_list_for(user: User | object) -> QuerySet[SupervisionAction]:
    scope = scope_for(user)
    actions = SupervisionAction.objects.select_related("region", "created_by").prefetch_related(
        Prefetch("items", queryset=Item.objects.select_related("lead_unit")), "units", "opened_items"
    )
    if scope.everything:
        return actions
    return actions.filter(scope.q(SupervisionAction, region="region", units=("units",)))


# ---------------------------------------------------------------------------------------------
# "我的工作": what each role has to do today


@dataclass
class Owed:
    item: Item
    state: ReportingState


@dataclass
class Work:
    to_report: list[Owed] = field(default_factory=list)
    to_sign: list[Item] = field(default_factory=list)
    to_approve: list[ProgressReport] = field(default_factory=list)
    returned_reports: list[ProgressReport] = field(default_factory=list)
    instructions: list[Instruction] = field(default_factory=list)
    verify_queue: list[ProgressReport] = field(default_factory=list)
    not_reported: list[Owed] = field(default_factory=list)
    completion_requests: list[Item] = field(default_factory=list)
    declined: list[Item] = field(default_factory=list)
    drafts: int = 0
    patronage: list[Item] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)


COLOUR_ORDER = {Colour.RED: 0, Colour.YELLOW: 1, Colour.GREEN: 2, "": 3}


# Reports that count as made: submitted, or waiting for the unit head's approval.
MADE_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.PENDING_APPROVAL)


def day_start(day: date) -> datetime:
    """The first moment of `day`, local time. Moments are compared with it, not converted to their
    dates (which the database would do row by row, past every index)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def reports_made_by(as_of: date) -> QuerySet[ProgressReport]:
    """The reports made by the end of `as_of`: a past day's answer is what was owed on that day."""
    return ProgressReport.objects.filter(
        status__in=MADE_STATUSES, created_at__lt=day_start(as_of + timedelta(days=1))
    )


def owed_reports(items: QuerySet[Item], *, as_of: date, calendar: WorkCalendar) -> list[Owed]:
    """Items that owe a report (overdue, or due soon), overdue first, then by due date.

    Only reports made by `as_of` count: a past day's answer is what was owed on that day.
    """
    owing = list(items.filter(status__in=OWING_STATUSES))
    reported: dict[int, set[date]] = defaultdict(set)
    for item_id, start in (
        reports_made_by(as_of)
        .filter(item_id__in=[item.pk for item in owing])
        .values_list("item_id", "period_start")
    ):
        reported[item_id].add(start)
    owed = []
    for item in owing:
        state = item_reporting_state(item, reported[item.pk], as_of=as_of, calendar=calendar)
        if state.owes:
            owed.append(Owed(item, state))

    def order(entry: Owed) -> tuple[int, date]:
        period = entry.state.overdue or entry.state.upcoming
        assert period is not None
        return (0 if entry.state.overdue else 1, period.due)

    return sorted(owed, key=order)


def not_reported(items: QuerySet[Item], *, as_of: date, calendar: WorkCalendar) -> list[Owed]:
    """本期未报送: the items among `items` whose latest report past its due day is missing on `as_of`.

    The one place that decides it. 我的工作, the dashboard's 本期未报送的单位 and the item list
    those figures open (alerts.selectors.month_filter) all ask this function, so they agree.
    The database first keeps the items whose report may be missing (may_be_unreported); the
    schedule (reporting.item_reporting_state) decides of those few.
    """
    candidates = may_be_unreported(items, as_of=as_of, calendar=calendar)
    return [
        entry for entry in owed_reports(candidates, as_of=as_of, calendar=calendar) if entry.state.overdue
    ]


def may_be_unreported(items: QuerySet[Item], *, as_of: date, calendar: WorkCalendar) -> QuerySet[Item]:
    """The items among `items` whose latest period past its due day may lack its report on `as_of`:
    every item not_reported keeps, and few others. The database finds that period's start for
    each item (latest_period_past_due) and keeps the items no report made by `as_of` is for."""
    made = reports_made_by(as_of).filter(item=OuterRef("pk"), period_start=OuterRef("period_past_due"))
    return (
        items.filter(status__in=OWING_STATUSES, assigned_on__lte=as_of)
        .alias(period_past_due=latest_period_past_due(as_of=as_of, calendar=calendar))
        .filter(period_past_due__isnull=False)
        .filter(~Exists(made))
    )


class _EveryDayWorks(WorkCalendar):
    """A calendar without holidays: the due day a cycle names, before it moves to a working day."""

    def is_workday(self, day: date) -> bool:
        return True

    def next_workday(self, day: date) -> date:
        return day


_NOMINAL = _EveryDayWorks()
_DUE_DAYS = range(32)  # every due day an item may hold; the cycles clamp them to their own ranges
# The first report is due FIRST_REPORT_GRACE_WORKDAYS working days after the assignment at the
# earliest: as many days at least (make-up working days can fill a weekend).
_GRACE_AT_LEAST = timedelta(days=FIRST_REPORT_GRACE_WORKDAYS)


def latest_period_past_due(*, as_of: date, calendar: WorkCalendar) -> Case:
    """The start of each item's latest period whose report was due before `as_of`, in SQL: what
    reporting_state calls `overdue` when that period's report is missing (NULL when there is none).

    That period is one of the few around `as_of`, the newest the item's due day has passed (the
    oldest of them is past due whatever the due day and the holidays); or, for an item whose
    deadline came before them, the period holding the deadline. Of the first reports' grace only
    a bound is checked: the schedule, in Python, has the last word on the items kept.
    """
    # Due on a working day before `as_of`: the nominal due day is on or before this one.
    last_workday = calendar.previous_workday(as_of - timedelta(days=1))
    cases = [When(report_cycle=Cycle.ONCE, deadline__lte=last_workday, then=F("assigned_on"))]
    for cycle in (Cycle.WEEKLY, Cycle.SEMIMONTHLY, Cycle.MONTHLY):
        periods = _recent_periods(cycle, as_of=as_of, last_workday=last_workday)
        for period in periods:  # newest first: the first that passed its due day is the one
            due_days = [
                day
                for day in _DUE_DAYS
                if period_containing(cycle, day, period.start, _NOMINAL).due <= last_workday
            ]
            if not due_days:
                continue  # due today or later whatever the item's due day
            latest_due = calendar.next_workday(
                period_containing(cycle, due_days[-1], period.start, _NOMINAL).due
            )
            cases.append(
                When(
                    Q(report_cycle=cycle)
                    & (Q() if len(due_days) == len(_DUE_DAYS) else Q(report_due_day__lte=due_days[-1]))
                    & (Q(deadline__isnull=True) | Q(deadline__gte=period.start))
                    & Q(assigned_on__lte=min(period.end, latest_due - _GRACE_AT_LEAST)),
                    then=Value(period.start),
                )
            )
        cases.append(
            When(report_cycle=cycle, deadline__lt=periods[-1].start, then=_deadline_period_start(cycle))
        )
    return Case(*cases, default=None, output_field=DateField())


def _recent_periods(cycle: Cycle, *, as_of: date, last_workday: date) -> list[Period]:
    """The periods of `cycle` from the one holding `as_of` back to the first one due before `as_of`
    whatever its due day (its last day is not after `last_workday`), newest first."""
    periods = [period_containing(cycle, 1, as_of, _NOMINAL)]
    while periods[-1].end > last_workday:
        periods.append(period_containing(cycle, 1, periods[-1].start - timedelta(days=1), _NOMINAL))
    return periods


def _deadline_period_start(cycle: Cycle) -> Cast:
    """The start of the period holding the item's deadline (its last period), as a date."""
    if cycle == Cycle.WEEKLY:
        return Cast(TruncWeek("deadline"), DateField())
    month = TruncMonth("deadline")
    if cycle == Cycle.MONTHLY:
        return Cast(month, DateField())
    second_half = ExpressionWrapper(month + timedelta(days=15), output_field=DateField())
    return Cast(
        Case(When(deadline__day__lte=15, then=month), default=second_half, output_field=DateField()),
        DateField(),
    )


def month_as_of(month: date, *, today: date) -> date:
    """The day a month's 本期未报送 is counted on: today in the current month, a past month's last day."""
    next_month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return min(today, next_month - timedelta(days=1))


def work_for(user: User, *, as_of: date, calendar: WorkCalendar) -> Work:
    scope = scope_for(user)
    work = Work(roles=scope.roles())
    visible = item_list_for(user)
    unit_ids = {seat.unit_id for seat in scope.seats if seat.role in (Role.REPORTER, Role.UNIT_HEAD)}
    head_units = {seat.unit_id for seat in scope.seats if seat.role == Role.UNIT_HEAD}
    if unit_ids:
        supported = Item.support_units.through.objects.filter(unit_id__in=unit_ids).values("item_id")
        mine = visible.filter(Q(lead_unit_id__in=unit_ids) | Q(pk__in=supported))
        work.to_report = [
            entry
            for entry in owed_reports(mine, as_of=as_of, calendar=calendar)
            if entry.state.overdue or (entry.state.upcoming and (entry.state.upcoming.due - as_of).days <= 14)
        ]
        work.instructions = list(
            Instruction.objects.filter(
                item__in=mine.filter(lead_unit_id__in=unit_ids), acknowledged_at__isnull=True
            )
            .select_related("item", "leader__person")
            .order_by("-given_on")
        )
        work.returned_reports = list(
            ProgressReport.objects.filter(
                author=user, status=ReportStatus.REJECTED, superseded_by__isnull=True
            ).select_related("item")
        )
    if head_units:
        work.to_sign = list(
            visible.filter(lead_unit_id__in=head_units, status=Status.ASSIGNED).order_by("deadline")
        )
        work.to_approve = list(
            ProgressReport.objects.filter(unit_id__in=head_units, status=ReportStatus.PENDING_APPROVAL)
            .select_related("item", "author")
            .order_by("created_at")
        )
    # A city's office supervises its counties too (the seat covers them), as rules.is_supervisor_of says.
    supervised = frozenset().union(*(seat.covers for seat in scope.seats if seat.role == Role.SUPERVISOR))
    if supervised:
        region_items = visible.filter(region_id__in=supervised)
        work.verify_queue = list(verification_queue_for(user).filter(item__region_id__in=supervised)[:50])
        work.not_reported = not_reported(region_items, as_of=as_of, calendar=calendar)
        work.completion_requests = list(
            region_items.filter(status=Status.COMPLETION_REQUESTED).order_by("updated_at")
        )
        work.declined = list(region_items.filter(status=Status.RETURNED, accepted_on__isnull=True))
        work.drafts = region_items.filter(status=Status.DRAFT).count()
    if Role.LEADER in work.roles and user.person_id is not None:
        patronage = visible.filter(patron_leader__person_id=user.person_id).exclude(
            status__in=[Status.WITHDRAWN, Status.REPLACED, Status.DRAFT]
        )
        work.patronage = sorted(
            patronage,
            key=lambda i: (COLOUR_ORDER.get(i.colour, 3), i.status in DONE_STATUSES, i.deadline or as_of),
        )
    return work


def import_job_for(user: User, pk: int) -> ImportJob | None:
    """An import job, if `user` may see it: the one who started it, and its region's office."""
    job = ImportJob.objects.select_related("created_by").filter(pk=pk).first()
    return job if job is not None and can_see_import_job(user, job) else None


def import_jobs_recent(region: Region, *, limit: int = 5) -> list[ImportJob]:
    """The region's latest import jobs, for its office's import page."""
    return list(ImportJob.objects.filter(region=region).select_related("created_by")[:limit])
