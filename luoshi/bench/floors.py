"""Floors: the figures of each measured page from the least SQL that gives them, written by hand.

A floor is what the page would cost if it did nothing but ask the database for exactly what it
shows, in as few queries as that takes (one aggregate for the counts by colour, one query for a
list's rows): no scope object, no template, no middleware. The page's time over its floor's is
the ratio the benchmark reports. Floors read the same rows the pages do (the benchmark's items
all report monthly, on the 25th, so "who has not reported" is one date comparison here; a
ledger's items that report otherwise, as indicators whose figures are monthly values, are left
out of it). They use the ORM's plainest parts only, and no selector of the app, so that work done
on the selectors does not move the floor. A ledger's figures are computed with its pure functions
(indicators.compute): they define the figures, and no page can do with less.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from luoshi.alerts import engine
from luoshi.alerts.models import ItemColour, Proposal
from luoshi.core.workdays import WorkCalendar
from luoshi.indicators import compute
from luoshi.indicators.models import KIND as INDICATOR
from luoshi.indicators.models import Indicator, PeerValue, Value
from luoshi.items.models import (
    ACTIVE_STATUSES,
    DONE_STATUSES,
    Colour,
    Evidence,
    Instruction,
    Item,
    ItemEvent,
    Milestone,
    ProgressReport,
    ReportCycle,
    ReportStatus,
    Status,
)
from luoshi.items.reporting import OWING_STATUSES
from luoshi.items.schedule import FIRST_REPORT_GRACE_WORKDAYS, Cycle, period_containing
from luoshi.projects.models import Blocker, MonthlyPlan, Project

ACTIVE = sorted(ACTIVE_STATUSES)
OWING = sorted(OWING_STATUSES)
COLOURS = (Colour.RED, Colour.YELLOW, Colour.GREEN)
LIST_ROWS = 50
ITEM_ROW = (
    "pk",
    "code",
    "title",
    "kind",
    "status",
    "deadline",
    "computed_colour",
    "assessed_colour",
    "progress_percent",
    "lead_unit__short_name",
    "lead_unit__region__name",
    "patron_leader__person__name",
)


@dataclass(frozen=True)
class Owing:
    """The monthly period whose report is overdue as of a day, and what makes an item owe it."""

    start: date  # the period's first day
    assigned_by: date  # items assigned by then are expected to report it
    upcoming: date  # the next period (due today or later)

    @classmethod
    def as_of(cls, day: date, calendar: WorkCalendar) -> Owing:
        period = period_containing(Cycle.MONTHLY, 25, day, calendar)
        upcoming = period
        if period.due >= day:
            period = period_containing(Cycle.MONTHLY, 25, period.start - timedelta(days=1), calendar)
        else:
            upcoming = period_containing(Cycle.MONTHLY, 25, period.end + timedelta(days=1), calendar)
        return cls(
            start=period.start,
            assigned_by=calendar.add_workdays(period.due, -FIRST_REPORT_GRACE_WORKDAYS),
            upcoming=upcoming.start,
        )


def _reported(start: date) -> Exists:
    return Exists(
        ProgressReport.objects.filter(
            item=OuterRef("pk"),
            period_start=start,
            status__in=[ReportStatus.SUBMITTED, ReportStatus.PENDING_APPROVAL],
        )
    )


def _overdue(items: QuerySet[Item], owing: Owing) -> QuerySet[Item]:
    return items.filter(
        status__in=OWING,
        report_cycle=ReportCycle.MONTHLY,
        assigned_on__lte=owing.assigned_by,
        deadline__gte=owing.start,
    ).exclude(_reported(owing.start))


def _shown(prefix: str = "") -> Case:
    return Case(
        When(~Q(**{f"{prefix}assessed": ""}), then=F(f"{prefix}assessed")),
        default=F(f"{prefix}computed"),
        output_field=CharField(),
    )


def _counts() -> dict[str, Count]:
    return {c.value: Count("pk", filter=Q(shown=c.value)) for c in COLOURS} | {"total": Count("pk")}


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time()))


# ---------------------------------------------------------------------------------------------
# The dashboard


def dashboard(region_ids: list[int], *, as_of: date, owing: Owing, supervisor: bool) -> dict[str, Any]:
    period = as_of.replace(day=1)
    snapshots = ItemColour.objects.filter(
        period=period, status__in=ACTIVE, item__region_id__in=region_ids
    ).annotate(shown=_shown())
    # Totals, kinds, units, leaders and regions: one grouped aggregate, summed up in Python.
    grouped = list(
        snapshots.values(
            "item__kind",
            "item__region_id",
            "item__region__name",
            "item__lead_unit_id",
            "item__lead_unit__short_name",
            "item__patron_leader_id",
            "item__patron_leader__person__name",
        )
        .annotate(**_counts(), overdue=Count("pk", filter=Q(deadline_overdue=True)))
        .order_by()
    )
    row = (
        "item_id",
        "item__code",
        "item__title",
        "item__deadline",
        "item__lead_unit__short_name",
        "computed_reason",
    )
    red = list(
        snapshots.filter(shown=Colour.RED).values(*row).order_by("item__deadline", "item__code")[:LIST_ROWS]
    )
    overdue = list(
        snapshots.filter(deadline_overdue=True)
        .values(*row)
        .order_by("item__deadline", "item__code")[:LIST_ROWS]
    )
    trend = list(
        ItemColour.objects.filter(
            period__gte=date(as_of.year, 1, 1),
            period__lte=period,
            status__in=ACTIVE,
            item__region_id__in=region_ids,
        )
        .annotate(shown=_shown())
        .values("period")
        .annotate(**_counts())
        .order_by("period")
    )
    not_reported = list(
        _overdue(Item.objects.filter(region_id__in=region_ids), owing)
        .values("lead_unit_id", "lead_unit__short_name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    year_start = date(as_of.year, 1, 1)
    reports = list(
        ProgressReport.objects.filter(
            item__region_id__in=region_ids,
            status=ReportStatus.SUBMITTED,
            submitted_at__gte=_day_end(year_start - timedelta(days=1)),
            submitted_at__lt=_day_end(as_of),
        )
        .values("unit_id")
        .annotate(total=Count("pk"), late=Count("pk", filter=Q(is_late=True)))
        .order_by()
    )
    untrue = list(
        ProgressReport.objects.filter(
            item__region_id__in=region_ids,
            verification__verdict="untrue",
            verification__verified_on__gte=year_start,
            verification__verified_on__lte=as_of,
        )
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    proposals: list[Any] = []
    if supervisor:
        proposals = list(
            Proposal.objects.filter(status="proposed", item__region_id__in=region_ids)
            .values("pk", "item_id", "item__code", "item__title", "action", "reason", "proposed_on")
            .order_by("-proposed_on", "-id")[:20]
        )
    return {
        "total": sum(r["total"] for r in grouped),
        "red": len(red),
        "overdue": len(overdue),
        "trend": len(trend),
        "not_reported": len(not_reported),
        "reports": len(reports),
        "untrue": len(untrue),
        "proposals": len(proposals),
    }


# ---------------------------------------------------------------------------------------------
# 我的工作


def _mine(unit_id: int) -> QuerySet[Item]:
    supported = Item.support_units.through.objects.filter(unit_id=unit_id).values("item_id")
    return Item.objects.filter(Q(lead_unit_id=unit_id) | Q(pk__in=supported))


def work_unit(unit_id: int, user_id: int, *, owing: Owing, head: bool) -> int:
    """A reporter's (and with `head`, a unit head's) 我的工作."""
    to_report = list(
        _mine(unit_id)
        .filter(status__in=OWING, report_cycle=ReportCycle.MONTHLY, assigned_on__lte=owing.assigned_by)
        .annotate(last=_reported(owing.start), current=_reported(owing.upcoming))
        .filter(Q(last=False, deadline__gte=owing.start) | Q(current=False))
        .values(*ITEM_ROW, "last", "current")
        .order_by("last", "deadline")
    )
    instructions = list(
        Instruction.objects.filter(item__lead_unit_id=unit_id, acknowledged_at__isnull=True)
        .values("pk", "text", "given_on", "item_id", "item__title", "leader__person__name")
        .order_by("-given_on")
    )
    returned = list(
        ProgressReport.objects.filter(
            author_id=user_id, status=ReportStatus.REJECTED, superseded_by__isnull=True
        )
        .values("pk", "item_id", "item__title", "period_start", "rejection_reason")
        .order_by("-created_at")
    )
    rows = len(to_report) + len(instructions) + len(returned)
    if head:
        to_sign = list(
            Item.objects.filter(lead_unit_id=unit_id, status=Status.ASSIGNED)
            .values(*ITEM_ROW)
            .order_by("deadline")
        )
        to_approve = list(
            ProgressReport.objects.filter(unit_id=unit_id, status=ReportStatus.PENDING_APPROVAL)
            .values("pk", "item_id", "item__title", "period_start", "author__name", "created_at")
            .order_by("created_at")
        )
        rows += len(to_sign) + len(to_approve)
    return rows


def verify_queue(region_ids: list[int]) -> list[dict[str, Any]]:
    """Each item's latest submitted report not yet verified, oldest first, with its evidence count:
    one statement over the items that hold such a report (Item.report_to_verify)."""
    evidence = (
        Evidence.objects.filter(report_id=OuterRef("pk"))
        .order_by()
        .values("report_id")
        .annotate(n=Count("pk"))
    )
    return list(
        ProgressReport.objects.filter(awaiting_item__region_id__in=region_ids)
        .annotate(evidence_count=Coalesce(Subquery(evidence.values("n")[:1]), 0))
        .values(
            "pk",
            "item_id",
            "item__title",
            "unit__short_name",
            "unit__region__name",
            "period_start",
            "submitted_at",
            "is_late",
            "evidence_count",
        )
        .order_by("submitted_at")[:LIST_ROWS]
    )


def work_office(region_ids: list[int], *, owing: Owing) -> int:
    """A supervision office's 我的工作: the queue to verify, who has not reported, requests, drafts."""
    queue = verify_queue(region_ids)
    items = Item.objects.filter(region_id__in=region_ids)
    not_reported = list(_overdue(items, owing).values(*ITEM_ROW).order_by("deadline"))
    requests = list(items.filter(status=Status.COMPLETION_REQUESTED).values(*ITEM_ROW).order_by("updated_at"))
    declined = list(items.filter(status=Status.RETURNED, accepted_on__isnull=True).values(*ITEM_ROW))
    drafts = items.filter(status=Status.DRAFT).count()
    return len(queue) + len(not_reported) + len(requests) + len(declined) + drafts


def work_leader(person_id: int) -> int:
    """A leader's 我的工作: the items they patron."""
    return len(
        list(
            Item.objects.filter(patron_leader__person_id=person_id)
            .exclude(status__in=[Status.WITHDRAWN, Status.REPLACED, Status.DRAFT])
            .values(*ITEM_ROW)
            .order_by("deadline")
        )
    )


# ---------------------------------------------------------------------------------------------
# The item list, an item's page


def item_list(
    region_ids: list[int], *, kind: str = "", colour: str = "", page: int = 1, per_page: int = 30
) -> int:
    """A filtered page of the list (under way, by deadline) and the count the pager needs."""
    items = Item.objects.filter(region_id__in=region_ids, status__in=ACTIVE)
    if kind:
        items = items.filter(kind=kind)
    if colour:
        items = items.filter(Q(assessed_colour=colour) | Q(assessed_colour="", computed_colour=colour))
    start = (page - 1) * per_page
    rows = list(items.values(*ITEM_ROW).order_by("deadline", "code")[start : start + per_page])
    return len(rows) + items.count()


def item_page(item_id: int) -> int:
    item = (
        Item.objects.filter(pk=item_id)
        .values(
            *ITEM_ROW, "description", "planned_start", "assigned_on", "responsible_person__name", "measure"
        )
        .get()
    )
    milestones = list(
        Milestone.objects.filter(item_id=item_id).values("name", "due", "done_on").order_by("sort_order")
    )
    reports = list(
        ProgressReport.objects.filter(item_id=item_id)
        .annotate(corrected=Exists(ProgressReport.objects.filter(supersedes=OuterRef("pk"))))
        .values(
            "pk",
            "period_start",
            "done",
            "problems",
            "next_steps",
            "percent",
            "status",
            "version",
            "created_at",
            "corrected",
            "unit__short_name",
            "author__name",
            "verification__verdict",
            "verification__note",
            "verification__verifier__name",
        )
        .order_by("-period_start", "-version", "-created_at")
    )
    evidence = list(
        Evidence.objects.filter(report__item_id=item_id).values(
            "pk", "report_id", "original_name", "content_type"
        )
    )
    events = list(
        ItemEvent.objects.filter(item_id=item_id)
        .values("kind", "at", "note", "actor__name")
        .order_by("-at", "-id")[:200]
    )
    months = list(
        ItemColour.objects.filter(item_id=item_id)
        .values("period", "computed", "assessed", "computed_reason", "assessed_reason")
        .order_by("period")
    )
    instructions = list(
        Instruction.objects.filter(item_id=item_id).values("text", "given_on", "leader__person__name")
    )
    assert item
    return 1 + len(milestones) + len(reports) + len(evidence) + len(events) + len(months) + len(instructions)


# ---------------------------------------------------------------------------------------------
# `luoshi stats`, the recomputation's facts, the export's rows


def stats(region_id: int, *, as_of: date, owing: Owing) -> int:
    by_state = list(
        Item.objects.filter(region_id=region_id)
        .values("kind", "status", "assessed_colour", "computed_colour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    snapshots = list(
        ItemColour.objects.filter(period=as_of.replace(day=1), status__in=ACTIVE, item__region_id=region_id)
        .annotate(shown=_shown())
        .values("item__kind")
        .annotate(**_counts(), overdue=Count("pk", filter=Q(deadline_overdue=True)))
        .order_by()
    )
    not_reported = list(
        _overdue(Item.objects.filter(region_id=region_id), owing)
        .values("lead_unit__short_name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return len(by_state) + len(snapshots) + len(not_reported)


def recompute_facts(region_ids: list[int] | None, *, as_of: date) -> int:
    """What a recomputation must read: the items, their milestones, reports and past colours."""
    items = Item.objects.all() if region_ids is None else Item.objects.filter(region_id__in=region_ids)
    rated = items.filter(status__in=sorted(ACTIVE_STATUSES | DONE_STATUSES))
    fields = (
        "pk",
        "kind",
        "status",
        "region_id",
        "parent_id",
        "planned_start",
        "assigned_on",
        "deadline",
        "completed_on",
        "measure",
        "progress_percent",
        "untrue_on",
        "computed_colour",
        "computed_reason",
        "assessed_colour",
        "assessed_on",
    )
    rows = list(items.values_list(*fields))
    ids = rated.values("pk")
    milestones = list(Milestone.objects.filter(item__in=ids).values_list("item_id", "name", "due", "done_on"))
    reports = list(
        ProgressReport.objects.filter(item__in=ids, superseded_by__isnull=True)
        .exclude(status=ReportStatus.REJECTED)
        .values_list("item_id", "period_start", "status", "is_late")
    )
    history = list(
        ItemColour.objects.filter(item__in=ids, period__lt=as_of.replace(day=1)).values_list(
            "item_id", "computed", "assessed"
        )
    )
    return len(rows) + len(milestones) + len(reports) + len(history)


def export_rows(region_ids: list[int], *, deadline_to: date | None) -> int:
    """The export's cells: the items with their names, their support units, their milestones."""
    items = Item.objects.filter(region_id__in=region_ids)
    if deadline_to is not None:
        items = items.filter(deadline__lte=deadline_to)
    rows = list(
        items.values_list(
            "pk",
            "code",
            "title",
            "kind",
            "source",
            "year",
            "description",
            "patron_leader__person__name",
            "lead_unit__short_name",
            "responsible_person__name",
            "responsible_person__unit__short_name",
            "planned_start",
            "deadline",
            "measure",
            "target_value",
            "value_unit",
            "target_text",
            "report_cycle",
            "report_due_day",
            "region__name",
            "version",
            "status",
            "computed_colour",
            "assessed_colour",
            "computed_reason",
            "assessed_reason",
            "progress_percent",
            "last_reported_at",
        ).order_by("deadline", "code")
    )
    ids = items.values("pk")
    supports = list(
        Item.support_units.through.objects.filter(item_id__in=ids).values_list("item_id", "unit__short_name")
    )
    milestones = list(Milestone.objects.filter(item__in=ids).values_list("item_id", "name", "due"))
    return len(rows) + len(supports) + len(milestones)


# ---------------------------------------------------------------------------------------------
# Ledgers


def project_ledger(region_ids: list[int], *, as_of: date) -> int:
    """The key projects ledger: every project's row with its cumulative investment reported for
    the last month (the summary counts all of them), the monthly plans, the open blockers' kinds:
    3 queries. The state rules run in Python on the page as here they would."""
    reported = (
        ProgressReport.objects.filter(
            item_id=OuterRef("item_id"),
            period_start__lt=as_of.replace(day=1),
            status=ReportStatus.SUBMITTED,
            superseded_by__isnull=True,
        )
        .order_by("-period_start")
        .values("value")[:1]
    )
    projects = Project.objects.filter(item__region_id__in=region_ids, item__year=as_of.year)
    rows = list(
        projects.annotate(completed=Subquery(reported)).values(
            "pk",
            "item__code",
            "item__title",
            "level",
            "stage__label",
            "item__patron_leader__person__name",
            "item__lead_unit__short_name",
            "planned_investment",
            "completed",
            "in_statistics",
            "showcase",
        )
    )
    plans = list(
        MonthlyPlan.objects.filter(project__in=projects).values_list("project_id", "month", "amount")
    )
    blockers = list(
        Blocker.objects.filter(project__in=projects, resolved_on__isnull=True).values_list(
            "project_id", "kind"
        )
    )
    return len(rows) + len(plans) + len(blockers)


INDICATOR_ROW = (
    "pk",
    "item__title",
    "item__region_id",
    "item__region__name",
    "item__region__parent_id",
    "type",
    "direction",
    "unit",
    "target_value",
    "target_growth",
    "item__patron_leader__person__name",
    "item__lead_unit__short_name",
    "item__assessed_colour",
    "item__computed_colour",
    "item__assessed_reason",
    "item__computed_reason",
)
CATCH_UP_ROW = (
    "catch_up_item__code",
    "catch_up_item__description",
    "catch_up_item__patron_leader__person__name",
    "catch_up_item__lead_unit__short_name",
)


def _series(rows: Any) -> dict[int, dict[tuple[int, int], tuple[Decimal, Decimal | None]]]:
    """indicator → (year, month) → (value, published growth)."""
    series: dict[int, dict[tuple[int, int], tuple[Decimal, Decimal | None]]] = defaultdict(dict)
    for indicator_id, year, month, value, growth in rows:
        series[indicator_id][(year, month)] = (value, growth)
    return series


def _facts(
    row: dict[str, Any], months: dict[tuple[int, int], tuple[Decimal, Any]], year: int
) -> compute.Facts:
    return compute.Facts(
        name=row["item__title"],
        type=compute.Type(row["type"]),
        unit=row["unit"],
        higher_is_better=row["direction"] == "higher",
        target_value=row["target_value"],
        target_growth=row["target_growth"],
        this_year={m: v for (y, m), (v, _g) in months.items() if y == year},
        last_year={m: v for (y, m), (v, _g) in months.items() if y == year - 1},
        growth={m: g for (y, m), (_v, g) in months.items() if y == year and g is not None},
    )


def indicator_table(
    region_ids: list[int], *, as_of: date, lagging_only: bool = False
) -> list[dict[str, Any]]:
    """The indicator table (or, `lagging_only`, the catch-up ledger): each indicator of the year
    with its figures at its latest month, its rank among the city's counties then and a month
    before, its colour. 4 queries: the indicators (with their catch-up item), their current values
    of this year and last, the same indicators' values in the city's other counties for the
    months ranked only, the peers' entered figures for those months. The figures come from
    indicators.compute's pure functions (their definitions, not a selector); the colour is the
    stored one, as the nightly recomputation leaves it, computed only where none is."""
    year = as_of.year
    up_to = compute.reporting_month(year, as_of)
    indicators = Indicator.objects.filter(
        item__region_id__in=region_ids, item__kind=INDICATOR, item__year=year
    ).exclude(item__status__in=[Status.WITHDRAWN, Status.REPLACED])
    rows = list(
        indicators.values(*INDICATOR_ROW, *(CATCH_UP_ROW if lagging_only else ())).order_by(
            "sort_order", "item__code", "pk"
        )
    )
    own = _series(
        Value.objects.filter(indicator__in=indicators, is_current=True, year__in=(year - 1, year))
        .order_by()
        .values_list("indicator_id", "year", "month", "value", "growth")
    )
    facts = {row["pk"]: _facts(row, own[row["pk"]], year) for row in rows}
    latest = {pk: compute.latest_month(f, up_to) for pk, f in facts.items()}
    ranked = {m for month in latest.values() if month for m in (month - 1, month) if m}
    # The city's other counties keeping the ledger here: their figures for the ranked months only.
    others = Indicator.objects.filter(
        item__region__parent_id__in={row["item__region__parent_id"] for row in rows},
        item__title__in={row["item__title"] for row in rows},
        item__kind=INDICATOR,
        item__year=year,
    ).exclude(item__region_id__in=region_ids)
    theirs = list(
        Value.objects.filter(
            indicator__in=others, is_current=True, month__in=ranked, year__in=(year - 1, year)
        )
        .order_by()
        .values_list(
            "indicator_id",
            "indicator__item__title",
            "indicator__item__region__name",
            "indicator__item__region__parent_id",
            "indicator__type",
            "year",
            "month",
            "value",
            "growth",
        )
    )
    # (city, name) → region → its facts (the own counties' and the others').
    peers: dict[tuple[int, str], dict[str, compute.Facts]] = defaultdict(dict)
    for row in rows:
        peers[(row["item__region__parent_id"], row["item__title"])][row["item__region__name"]] = facts[
            row["pk"]
        ]
    their_rows: dict[int, dict[str, Any]] = {}
    their_months = _series((pk, y, m, v, g) for pk, _t, _r, _c, _ty, y, m, v, g in theirs)
    for pk, title, region, city, kind, *_rest in theirs:
        their_rows[pk] = {"item__title": title, "type": kind, "region": region, "city": city}
    for pk, row in their_rows.items():
        peers[(row["city"], row["item__title"])][row["region"]] = compute.Facts(
            name=row["item__title"],
            type=compute.Type(row["type"]),
            unit="",
            this_year={m: v for (y, m), (v, _g) in their_months[pk].items() if y == year},
            last_year={m: v for (y, m), (v, _g) in their_months[pk].items() if y == year - 1},
            growth={m: g for (y, m), (_v, g) in their_months[pk].items() if y == year and g is not None},
        )
    entered: dict[tuple[int, int], list[tuple[str, Any, Any]]] = defaultdict(list)
    for indicator_id, region_name, month, value, growth in (
        PeerValue.objects.filter(indicator__in=indicators, year=year, month__in=ranked)
        .order_by()
        .values_list("indicator_id", "region_name", "month", "value", "growth")
    ):
        entered[(indicator_id, month)].append((region_name, value, growth))

    def ranking(row: dict[str, Any], own_facts: compute.Facts, month: int, by: str) -> compute.Ranking | None:
        if not month:
            return None
        group = peers[(row["item__region__parent_id"], row["item__title"])]
        at = [
            compute.Peer(
                region,
                f.this_year.get(month),
                compute.growth_at(f, month),
                region == row["item__region__name"],
            )
            for region, f in group.items()
        ]
        at += [compute.Peer(name, v, g) for name, v, g in entered[(row["pk"], month)] if name not in group]
        return compute.rank(at, higher_is_better=own_facts.higher_is_better, by=by)

    shown = []
    for row in rows:
        own_facts, month = facts[row["pk"]], latest[row["pk"]]
        actual = own_facts.this_year.get(month) if month else None
        target = compute.year_target(own_facts)
        by = compute.rank_basis(own_facts, month)
        rank = ranking(row, own_facts, month, by)
        before = ranking(row, own_facts, month - 1, by) if month > 1 else None
        half = compute.half_year_check(own_facts, month)
        colour = row["item__assessed_colour"] or row["item__computed_colour"]
        if not colour:
            colour = engine.indicator_colour(
                compute.colour_facts(own_facts, month, rank, expected=up_to)
            ).colour.value
        lagging = bool(
            (half and not half.passed) or colour in ("yellow", "red") or (rank and rank.bottom_third)
        )
        if lagging_only and not lagging:
            continue
        figures = {
            "title": row["item__title"],
            "region": row["item__region__name"],
            "month": month,
            "actual": actual,
            "target": target,
            "completion": compute.completion(actual, target) if own_facts.type.accumulates else None,
            "growth": compute.growth_at(own_facts, month) if month else None,
            "rank": (rank.rank, rank.peers) if rank else None,
            "trend": compute.trend(before, rank),
            "half_year": half.passed if half else None,
            "colour": colour,
            "lagging": lagging,
        }
        if lagging_only:
            figures |= {
                "gap": compute.gap_to_target(own_facts, actual),
                "catch_up": compute.catch_up(own_facts, month),
                "projection": compute.projection(own_facts, month),
            }
        shown.append(figures)
    return shown
