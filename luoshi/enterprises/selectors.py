"""Reads of enterprises, always scoped to the acting user: the three lists and the figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from luoshi.enterprises.models import Category, CultivationTarget, Enterprise, TaxRecord, Threshold
from luoshi.org.models import User
from luoshi.org.selectors import scope_for


def enterprise_list_for(user: User | object) -> QuerySet[Enterprise]:
    """The region's enterprises for its office, leaders and observers; a unit's own (those it serves)."""
    scope = scope_for(user)
    return Enterprise.objects.filter(scope.q(Enterprise, region="region_id", units=["unit"])).select_related(
        "region", "unit", "cultivation_item"
    )


def enterprise_detail_for(user: User | object, pk: int) -> Enterprise:
    return enterprise_list_for(user).get(pk=pk)


def in_statistics(enterprises: QuerySet[Enterprise], as_of: date) -> QuerySet[Enterprise]:
    return enterprises.filter(in_statistics=True, in_statistics_on__lte=as_of)


@dataclass(frozen=True)
class Candidate:
    enterprise: Enterprise
    threshold: Threshold | None
    done: bool  # entered the statistics this year

    @property
    def gap(self) -> Decimal | None:
        """How far the enterprise's revenue is below its category's threshold (0 once reached)."""
        if self.threshold is None or self.threshold.amount is None or self.enterprise.revenue is None:
            return None
        return max(self.threshold.amount - self.enterprise.revenue, Decimal(0))


def candidates(user: User | object, *, year: int, as_of: date) -> list[Candidate]:
    """The year's cultivation candidates (培育库), done ones first, then the nearest to the threshold."""
    rows = enterprise_list_for(user).filter(candidate_year=year)
    regions = {e.region_id for e in rows}
    thresholds = {
        (t.region_id, t.category, t.sub_trade): t for t in Threshold.objects.filter(region_id__in=regions)
    }
    found = [
        Candidate(
            e,
            # The trade's own threshold, else the category's.
            thresholds.get((e.region_id, e.category, e.sub_trade))
            or thresholds.get((e.region_id, e.category, "")),
            e.in_statistics_on is not None
            and e.in_statistics_on.year == year
            and e.in_statistics_on <= as_of,
        )
        for e in rows
    ]
    return sorted(
        found, key=lambda c: (not c.done, c.gap if c.gap is not None else Decimal(10**12), c.enterprise.name)
    )


def target_for(user: User | object, *, year: int) -> int:
    regions = scope_for(user).visible_region_ids
    return sum(
        CultivationTarget.objects.filter(region_id__in=regions, year=year).values_list("count", flat=True)
    )


@dataclass(frozen=True)
class Taxpayer:
    enterprise: Enterprise
    month: date | None  # the latest month with a figure
    this_month: Decimal | None
    to_date: Decimal  # the year's tax to that month
    last_year_to_date: Decimal | None

    @property
    def growth(self) -> Decimal | None:
        if not self.last_year_to_date:
            return None
        return ((self.to_date - self.last_year_to_date) / self.last_year_to_date * 100).quantize(
            Decimal("0.1")
        )

    @property
    def grew(self) -> bool:
        return self.last_year_to_date is not None and self.to_date > self.last_year_to_date


def key_taxpayers(user: User | object, *, as_of: date) -> list[Taxpayer]:
    """The key taxpayers with the year's tax to the latest month before `as_of`, against last year."""
    enterprises = list(enterprise_list_for(user).filter(key_taxpayer=True))
    records: dict[int, list[TaxRecord]] = {}
    for record in TaxRecord.objects.filter(
        enterprise__in=enterprises, month__year=as_of.year, month__lte=as_of
    ).order_by("month"):
        records.setdefault(record.enterprise_id, []).append(record)
    rows = []
    for enterprise in enterprises:
        own = records.get(enterprise.pk, [])
        last = own[-1] if own else None
        previous = [r.last_year for r in own if r.last_year is not None]
        rows.append(
            Taxpayer(
                enterprise,
                last.month if last else None,
                last.amount if last else None,
                sum((r.amount for r in own), Decimal(0)),
                sum(previous, Decimal(0)) if own and len(previous) == len(own) else None,
            )
        )
    return sorted(rows, key=lambda row: -row.to_date)


def enterprises_stats(*, user: Any, as_of: date) -> dict[str, Any]:
    """`luoshi stats` section "enterprises", through the pages' selectors."""
    listed = in_statistics(enterprise_list_for(user), as_of)
    by_category = Counter(listed.values_list("category", flat=True))
    found = candidates(user, year=as_of.year, as_of=as_of)
    taxpayers = key_taxpayers(user, as_of=as_of)
    return {
        "in_statistics": sum(by_category.values()),
        "by_category": {label: by_category.get(value, 0) for value, label in Category.choices},
        "candidates_target": target_for(user, year=as_of.year),
        "candidates": len(found),
        "candidates_done": sum(1 for c in found if c.done),
        "key_taxpayers": len(taxpayers),
        "key_taxpayers_grew": sum(1 for t in taxpayers if t.grew),
    }
