"""The leaders' dashboard (驾驶舱): every figure from the month's colour snapshots (alerts.ItemColour),
through the user's scope, in a number of queries that does not grow with the number of items.

Every figure has the list it counts: `links` builds the item-list query that shows exactly those
items (the list filters the same snapshots). 本期未报送 is no snapshot's figure: it, and the list
it opens, ask items.selectors.not_reported, as 我的工作 does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from luoshi.alerts.models import ItemColour
from luoshi.alerts.selectors import shown_colour
from luoshi.alerts.services import month_of
from luoshi.core import registry
from luoshi.core.selectors import work_calendar
from luoshi.items.models import ACTIVE_STATUSES, Colour, ProgressReport, ReportStatus, Verification
from luoshi.items.selectors import (
    day_start,
    item_list_for,
    month_as_of,
    not_reported,
    sees_many_regions,
)
from luoshi.org.models import Unit, User
from luoshi.org.selectors import scope_for

COLOURS = (Colour.RED, Colour.YELLOW, Colour.GREEN)
LIST_LIMIT = 50


def snapshots_for(user: User | object, period: date) -> QuerySet[Any]:
    """The month's colour of every item under supervision the user may see."""
    return ItemColour.objects.filter(
        period=period, status__in=list(ACTIVE_STATUSES), item__in=item_list_for(user).values("pk")
    ).annotate(shown=shown_colour())


def colour_counts() -> dict[str, Count]:
    return {colour.value: Count("pk", filter=Q(shown=colour.value)) for colour in COLOURS} | {
        "total": Count("pk")
    }


def item_list_url(period: date, **filters: object) -> str:
    query = {"month": f"{period:%Y-%m}", "status": "active"} | {
        k: v for k, v in filters.items() if v not in (None, "")
    }
    return f"{reverse('items:list')}?{urlencode(query)}"


def not_reported_url(period: date, unit_id: int) -> str:
    query = {"month": f"{period:%Y-%m}", "report": "overdue", "lead": unit_id}
    return f"{reverse('items:list')}?{urlencode(query)}"


def unit_label(short_name: str | None, region_name: str | None, *, many_regions: bool) -> str:
    """A unit as lists name it: with its region when the user sees more than one (柞水县 县发改局)."""
    name = short_name or "—"
    return f"{region_name} {name}" if many_regions and region_name else name


@dataclass
class Counted:
    label: str
    counts: dict[str, int]
    links: dict[str, str]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.counts.get("total", 0)


@dataclass
class Dashboard:
    as_of: date
    period: date
    totals: Counted
    kinds: list[Counted]
    red: list[ItemColour]
    red_count: int
    overdue: list[ItemColour]
    overdue_count: int
    overdue_link: str
    not_reported: list[Counted]
    units: list[Counted]
    # Why the ranking leaves units out, for a user who sees some units' work only in part.
    units_note: str
    units_ranked: bool  # False when the table holds only the user's own unit(s)
    leaders: list[Counted]
    regions: list[Counted]  # one row per region when the user sees more than one
    trend: dict[str, list]
    many_regions: bool = False  # units are named with their region

    @property
    def month_label(self) -> str:
        return f"{self.period.year}年{self.period.month}月"


def dashboard_for(user: User | object, *, as_of: date, today: date) -> Dashboard:
    """The dashboard as of a day (`as_of`, not after `today`): the month's record for a past month."""
    period = month_of(as_of)
    rows = snapshots_for(user, period)
    many_regions = sees_many_regions(user)

    totals_row = rows.aggregate(**colour_counts())
    totals = Counted("合计", totals_row, {c: item_list_url(period, colour=c) for c in [*COLOURS, ""]})
    totals.links["total"] = item_list_url(period)

    kinds = [
        Counted(
            registry.kind_label(row["item__kind"]),
            row,
            {c: item_list_url(period, kind=row["item__kind"], colour=c) for c in COLOURS}
            | {"total": item_list_url(period, kind=row["item__kind"])},
        )
        for row in rows.values("item__kind").annotate(**colour_counts()).order_by("item__kind")
    ]

    related = ("item__lead_unit__region", "item__patron_leader__person")
    red = (
        rows.filter(shown=Colour.RED)
        .select_related("item", *related)
        .order_by("item__deadline", "item__code")
    )
    overdue = (
        rows.filter(deadline_overdue=True)
        .select_related("item", *related)
        .order_by("item__deadline", "item__code")
    )

    not_reported = _not_reported_units(
        user, period=period, as_of=month_as_of(period, today=today), many_regions=many_regions
    )

    units, units_note, units_ranked = _unit_ranking(
        user, rows, period=period, as_of=as_of, many_regions=many_regions
    )

    leaders = [
        Counted(
            f"{row['item__patron_leader__person__name']}（{row['item__patron_leader__title']}）",
            row,
            {c: item_list_url(period, leader=row["item__patron_leader"], colour=c) for c in COLOURS}
            | {"total": item_list_url(period, leader=row["item__patron_leader"])},
        )
        for row in rows.filter(item__patron_leader__isnull=False)
        .values(
            "item__patron_leader",
            "item__patron_leader__person__name",
            "item__patron_leader__title",
            "item__patron_leader__rank",
        )
        .annotate(**colour_counts())
        .order_by("item__patron_leader__rank")
    ]

    regions = [
        Counted(
            row["item__region__name"],
            row,
            {c: item_list_url(period, region=row["item__region"], colour=c) for c in COLOURS}
            | {"total": item_list_url(period, region=row["item__region"])},
        )
        for row in rows.values("item__region", "item__region__name", "item__region__sort_order")
        .annotate(**colour_counts())
        .order_by("item__region__sort_order", "item__region")
    ]

    trend_rows = (
        ItemColour.objects.filter(
            period__year=period.year,
            period__lte=period,
            status__in=list(ACTIVE_STATUSES),
            item__in=item_list_for(user).values("pk"),
        )
        .annotate(shown=shown_colour())
        .values("period")
        .annotate(**colour_counts())
        .order_by("period")
    )
    trend: dict[str, list] = {"months": [], "links": [], **{c.value: [] for c in COLOURS}}
    for row in trend_rows:
        trend["months"].append(f"{row['period'].month}月")
        trend["links"].append({c.value: item_list_url(row["period"], colour=c.value) for c in COLOURS})
        for c in COLOURS:
            trend[c.value].append(row[c.value])

    return Dashboard(
        as_of=as_of,
        period=period,
        totals=totals,
        kinds=kinds,
        red=list(red[:LIST_LIMIT]),
        red_count=totals_row[Colour.RED],
        overdue=list(overdue[:LIST_LIMIT]),
        overdue_count=overdue.count(),
        overdue_link=item_list_url(period, overdue="1"),
        not_reported=not_reported,
        units=units,
        units_note=units_note,
        units_ranked=units_ranked,
        leaders=leaders,
        regions=regions if len(regions) > 1 else [],
        trend=trend,
        many_regions=many_regions,
    )


def _not_reported_units(
    user: User | object, *, period: date, as_of: date, many_regions: bool
) -> list[Counted]:
    """本期未报送 by lead unit, most items first: items.selectors.not_reported decides, as on 我的工作."""
    units: dict[int, Unit] = {}
    counts: dict[int, int] = defaultdict(int)
    for entry in not_reported(item_list_for(user), as_of=as_of, calendar=work_calendar()):
        unit = entry.item.lead_unit
        assert unit is not None  # a constraint: every item past its draft has a lead unit
        units[unit.pk] = unit
        counts[unit.pk] += 1
    ordered = sorted(units.values(), key=lambda u: (-counts[u.pk], u.region.sort_order, u.sort_order, u.pk))
    return [
        Counted(
            unit_label(unit.short_name, unit.region.name, many_regions=many_regions),
            {"total": counts[unit.pk]},
            {"total": not_reported_url(period, unit.pk)},
        )
        for unit in ordered
    ]


UNITS_OWN_ONLY = (
    "你的账号只能看到本单位牵头或配合的事项，其他单位的事项看不全，排名会失真，所以这里只列本单位的实绩。"
)
UNITS_PARTIAL = "只通过单位角色看到的其他单位，事项看不全，不参加排名。"


def _unit_ranking(
    user: User | object, rows: QuerySet[ItemColour], *, period: date, as_of: date, many_regions: bool
) -> tuple[list[Counted], str, bool]:
    """Units by outcomes: share of their items green, reds, reports on time this year, untrue reports.

    Only units whose work the user sees whole are ranked: those of a region the user sees whole,
    and the user's own units. A reporter of 县发改局 sees of 县财政局 only the items the two share;
    ranking 县财政局 on those would be false. Returns the rows, a note saying who is left out and
    why, and whether the rows are a ranking (not when only the user's own units are left).
    """
    scope = scope_for(user)
    note, ranked = "", True
    if not scope.everything and scope.unit_ids:
        rows = rows.filter(
            Q(item__lead_unit__region_id__in=scope.region_ids) | Q(item__lead_unit_id__in=scope.unit_ids)
        )
        note, ranked = (UNITS_PARTIAL, True) if scope.region_ids else (UNITS_OWN_ONLY, False)
    by_unit = {
        row["item__lead_unit"]: row
        for row in rows.values(
            "item__lead_unit", "item__lead_unit__short_name", "item__lead_unit__region__name"
        ).annotate(**colour_counts())
    }
    year_start = date(as_of.year, 1, 1)
    visible = item_list_for(user).values("pk")
    reports = {
        row["unit"]: row
        for row in ProgressReport.objects.filter(
            item__in=visible,
            status=ReportStatus.SUBMITTED,
            # Moments against the local day's bounds: no conversion per row, and an index serves.
            submitted_at__gte=day_start(year_start),
            submitted_at__lt=day_start(as_of + timedelta(days=1)),
        )
        .values("unit")
        .annotate(total=Count("pk"), late=Count("pk", filter=Q(is_late=True)))
    }
    untrue = dict(
        Verification.objects.filter(
            report__item__in=visible, verdict="untrue", verified_on__gte=year_start, verified_on__lte=as_of
        )
        .values("report__unit")
        .annotate(n=Count("pk"))
        .values_list("report__unit", "n")
    )
    ranking = []
    for unit_id, row in by_unit.items():
        report_row = reports.get(unit_id, {"total": 0, "late": 0})
        on_time = (
            Decimal(100) * (report_row["total"] - report_row["late"]) / report_row["total"]
            if report_row["total"]
            else None
        )
        green_share = Decimal(100) * row[Colour.GREEN] / row["total"] if row["total"] else Decimal(0)
        ranking.append(
            Counted(
                unit_label(
                    row["item__lead_unit__short_name"],
                    row["item__lead_unit__region__name"],
                    many_regions=many_regions,
                ),
                row,
                {
                    "total": item_list_url(period, lead=unit_id),
                    Colour.RED: item_list_url(period, lead=unit_id, colour=Colour.RED),
                },
                {"green_share": green_share, "on_time": on_time, "untrue": untrue.get(unit_id, 0)},
            )
        )
    ranking.sort(
        key=lambda u: (-u.extra["green_share"], u.counts[Colour.RED], -(u.extra["on_time"] or 0), u.label)
    )
    return ranking, note, ranked
