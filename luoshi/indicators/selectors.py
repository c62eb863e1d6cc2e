"""Reads of indicators, always scoped to the acting user (through items.selectors.item_list_for).

The table, the indicator page, the catch-up ledger, `luoshi stats` and the colours' facts all come
from `_evaluate`: one query for the indicators, one for their current values (this year's and last
year's), one for the figures of the same indicators in the peer regions that keep this ledger
here (ranking reads their figures, never their items), one for the peers' entered figures; then the
pure computations (compute.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from luoshi.indicators import compute
from luoshi.indicators.compute import Peer, Type
from luoshi.indicators.models import KIND, Direction, Indicator, PeerValue, Value, ValueEvidence
from luoshi.indicators.rules import can_enter_values
from luoshi.items.models import Item
from luoshi.items.selectors import item_list_for
from luoshi.org.models import Region, User


def indicator_list_for(user: User | object) -> QuerySet[Indicator]:
    """Every indicator the user may see: those whose item the user may see."""
    return Indicator.objects.filter(item__in=item_list_for(user).filter(kind=KIND).values("pk"))


def indicator_detail_for(user: User | object, pk: int) -> Indicator:
    """Indicator.DoesNotExist for one the user may not see (the view answers 404)."""
    return (
        indicator_list_for(user)
        .select_related("item__region", "item__lead_unit", "item__patron_leader__person", "catch_up_item")
        .get(pk=pk)
    )


@dataclass
class Row:
    pk: int
    title: str
    region_id: int
    region_name: str
    year: int
    type: Type
    unit: str
    higher_is_better: bool
    target_value: Decimal | None
    target_growth: Decimal | None
    leader_name: str
    unit_id: int | None
    unit_name: str
    illustrative: bool
    catch_up_item_id: int | None
    stored_colour: str
    stored_reason: str
    facts: compute.Facts
    result: compute.Result
    trend: str = ""

    @property
    def colour(self) -> str:
        return self.stored_colour or self.result.colour.colour.value

    @property
    def colour_reason(self) -> str:
        return self.stored_reason if self.stored_colour else self.result.colour.reason

    @property
    def lagging(self) -> bool:
        """A lagging indicator: not past half at mid-year, yellow or red, or in the
        bottom third of its peers."""
        half = self.result.half_year
        ranking = self.result.ranking
        return bool(
            (half is not None and not half.passed)
            or self.colour in ("yellow", "red")
            or (ranking is not None and ranking.bottom_third)
        )


def _facts_of(
    rows: Iterable[dict[str, Any]], values: dict[int, list[tuple[int, int, Decimal, Any]]]
) -> dict[int, compute.Facts]:
    facts = {}
    for row in rows:
        this_year: dict[int, Decimal] = {}
        last_year: dict[int, Decimal] = {}
        growth: dict[int, Decimal] = {}
        for year, month, value, published in values.get(row["pk"], []):
            if year == row["item__year"]:
                this_year[month] = value
                if published is not None:
                    growth[month] = published
            elif year == row["item__year"] - 1:
                last_year[month] = value
        facts[row["pk"]] = compute.Facts(
            name=row["item__title"],
            type=Type(row["type"]),
            unit=row["unit"],
            higher_is_better=row["direction"] == Direction.HIGHER,
            target_value=row["target_value"],
            target_growth=row["target_growth"],
            this_year=this_year,
            last_year=last_year,
            growth=growth,
        )
    return facts


def _current_values(
    indicator_ids: Any, *, months: Iterable[int] | None = None
) -> dict[int, list[tuple[int, int, Decimal, Any]]]:
    values: dict[int, list[tuple[int, int, Decimal, Any]]] = defaultdict(list)
    current = Value.objects.filter(indicator_id__in=indicator_ids, is_current=True)
    if months is not None:
        current = current.filter(month__in=list(months))
    for indicator_id, year, month, value, growth in current.order_by().values_list(
        "indicator_id", "year", "month", "value", "growth"
    ):
        values[indicator_id].append((year, month, value, growth))
    return values


FIELDS = (
    "pk",
    "item__title",
    "item__year",
    "item__region_id",
    "item__region__name",
    "item__region__parent_id",
    "type",
    "direction",
    "unit",
    "target_value",
    "target_growth",
    "item__patron_leader__person__name",
    "item__lead_unit_id",
    "item__lead_unit__short_name",
    "illustrative",
    "catch_up_item_id",
    "item__assessed_colour",
    "item__computed_colour",
    "item__assessed_reason",
    "item__computed_reason",
)


def _peer_facts(
    data: list[dict[str, Any]], known: dict[int, compute.Facts], months: Iterable[int]
) -> dict[tuple[int, int, str], list[tuple[str, compute.Facts]]]:
    """The same indicators (by name and year) of the regions under the same city that keep this
    ledger here: (city, year, name) → [(region, facts)]. Two queries whatever the number; the
    figures of an indicator already read (`known`: a city's page reads all its counties) are not
    read again, and of the others only the `months` ranked are."""
    cities = {row["item__region__parent_id"] for row in data if row["item__region__parent_id"]}
    names = {row["item__title"] for row in data}
    years = {row["item__year"] for row in data}
    if not cities:
        return {}
    peers = list(
        Indicator.objects.filter(
            item__region__parent_id__in=cities, item__title__in=names, item__year__in=years, item__kind=KIND
        ).values(*FIELDS)
    )
    unknown = [row for row in peers if row["pk"] not in known]
    read = _current_values([row["pk"] for row in unknown], months=months)
    facts = {**known, **_facts_of(unknown, read)}
    grouped: dict[tuple[int, int, str], list[tuple[str, compute.Facts]]] = defaultdict(list)
    for row in peers:
        key = (row["item__region__parent_id"], row["item__year"], row["item__title"])
        grouped[key].append((row["item__region__name"], facts[row["pk"]]))
    return grouped


def _peers_at(
    row: dict[str, Any],
    own: compute.Facts,
    month: int,
    computed: list[tuple[str, compute.Facts]],
    entered: dict[tuple[int, int], list[Peer]],
) -> list[Peer]:
    if not month:
        return []
    peers = [
        Peer(
            region=region,
            value=facts.this_year.get(month),
            growth=compute.growth_at(facts, month),
            own=region == row["item__region__name"],
        )
        for region, facts in computed
    ]
    if not any(p.own for p in peers):
        peers.append(
            Peer(row["item__region__name"], own.this_year.get(month), compute.growth_at(own, month), own=True)
        )
    known = {p.region for p in peers}
    peers += [p for p in entered.get((row["pk"], month), []) if p.region not in known]
    return peers


def _evaluate(indicators: QuerySet[Indicator], *, as_of: date) -> list[Row]:
    data = list(indicators.order_by("sort_order", "item__code", "pk").values(*FIELDS))
    if not data:
        return []
    ids = [row["pk"] for row in data]
    facts = _facts_of(data, _current_values(ids))
    # Each indicator ranks at its latest month and the month before (its trend): only those months
    # of the peers' figures are read.
    latest = {
        row["pk"]: compute.latest_month(facts[row["pk"]], compute.reporting_month(row["item__year"], as_of))
        for row in data
    }
    months = {m for month in latest.values() for m in (month, month - 1) if m > 0}
    peer_facts = _peer_facts(data, facts, months)
    year_of = {row["pk"]: row["item__year"] for row in data}
    entered: dict[tuple[int, int], list[Peer]] = defaultdict(list)
    for indicator_id, year, month, name, value, growth in (
        PeerValue.objects.filter(indicator_id__in=ids, month__in=months)
        .order_by("region_name")
        .values_list("indicator_id", "year", "month", "region_name", "value", "growth")
    ):
        if year == year_of[indicator_id]:
            entered[(indicator_id, month)].append(Peer(region=name, value=value, growth=growth))
    rows = []
    for row in data:
        own = facts[row["pk"]]
        computed = peer_facts.get((row["item__region__parent_id"], row["item__year"], row["item__title"]), [])
        month = latest[row["pk"]]
        peers = _peers_at(row, own, month, computed, entered)
        result = compute.evaluate(own, as_of=as_of, year=row["item__year"], peers=peers)
        before = (
            compute.rank(
                _peers_at(row, own, month - 1, computed, entered),
                higher_is_better=own.higher_is_better,
                by=compute.rank_basis(own, month),
            )
            if month > 1
            else None
        )
        assessed = row["item__assessed_colour"]
        rows.append(
            Row(
                pk=row["pk"],
                title=row["item__title"],
                region_id=row["item__region_id"],
                region_name=row["item__region__name"],
                year=row["item__year"],
                type=Type(row["type"]),
                unit=row["unit"],
                higher_is_better=own.higher_is_better,
                target_value=row["target_value"],
                target_growth=row["target_growth"],
                leader_name=row["item__patron_leader__person__name"] or "",
                unit_id=row["item__lead_unit_id"],
                unit_name=row["item__lead_unit__short_name"] or "",
                illustrative=row["illustrative"],
                catch_up_item_id=row["catch_up_item_id"],
                stored_colour=assessed or row["item__computed_colour"],
                stored_reason=row["item__assessed_reason"] if assessed else row["item__computed_reason"],
                facts=own,
                result=result,
                trend=compute.trend(before, result.ranking),
            )
        )
    return rows


def table_rows(
    user: User | object, *, as_of: date, year: int | None = None, region: int | None = None
) -> list[Row]:
    """The indicators of a year (default: `as_of`'s) the user may see, as of `as_of`."""
    indicators = (
        indicator_list_for(user)
        .filter(item__year=year or as_of.year)
        .exclude(item__status__in=("withdrawn", "replaced"))
    )
    if region:
        indicators = indicators.filter(item__region_id=region)
    return _evaluate(indicators, as_of=as_of)


def lagging_rows(rows: Sequence[Row]) -> list[Row]:
    """The catch-up ledger (赶超台账): the lagging indicators, in the table's order."""
    return [row for row in rows if row.lagging]


def indicator_results(ids: Sequence[int], *, as_of: date) -> dict[int, Row]:
    """The rows of the indicators `ids`, unscoped (for the colours, which the system computes)."""
    return {row.pk: row for row in _evaluate(Indicator.objects.filter(pk__in=ids), as_of=as_of)}


def indicator_history(indicator: Indicator) -> QuerySet[Value]:
    """Every version of every value of the indicator, the newest first (who changed what, when)."""
    return (
        Value.objects.filter(indicator=indicator)
        .select_related("entered_by", "supersedes", "verified_by")
        .prefetch_related("files")
        .order_by("-entered_at", "-pk")
    )


def corrections(indicator: Indicator) -> list[Value]:
    """The values that replaced an earlier version: the corrections, with what they replaced."""
    return [value for value in indicator_history(indicator) if value.supersedes_id is not None]


def entry_indicators(user: User | object, *, year: int) -> list[Indicator]:
    """The indicators whose figures the user enters (the lead unit's, or all for the office)."""
    indicators = (
        indicator_list_for(user)
        .filter(item__year=year)
        .select_related("item", "item__region")
        .order_by("sort_order", "item__code")
    )
    return [indicator for indicator in indicators if can_enter_values(user, indicator.item)]


def month_values(indicators: Sequence[Indicator], *, year: int, month: int) -> dict[int, Value]:
    return {
        value.indicator_id: value
        for value in Value.objects.filter(
            indicator__in=indicators, year=year, month=month, is_current=True
        ).prefetch_related("files")
    }


def month_figures(indicator: Indicator, *, year: int) -> dict[int, Decimal]:
    """month → the current figure of the indicator's year."""
    values = Value.objects.filter(indicator=indicator, year=year, is_current=True)
    return dict(values.values_list("month", "value"))


@dataclass(frozen=True)
class PeerLine:
    """A peer region's figure of a month on the peers' page: entered by the office, or computed from
    the region's own ledger where it keeps one here (read only)."""

    region_name: str
    value: Decimal | None = None
    growth: Decimal | None = None
    computed: bool = False


def city_peers(region: Region) -> list[str]:
    """The other counties of the region's city, by name, in the city's order."""
    if not region.parent_id:
        return []
    return list(
        Region.objects.filter(parent_id=region.parent_id)
        .exclude(pk=region.pk)
        .order_by("sort_order", "code")
        .values_list("name", flat=True)
    )


def peer_lines(indicator: Indicator, *, month: int) -> list[PeerLine]:
    """The peers with the month's figures: the city's other counties that are regions here, and the
    names entered before this year."""
    item = indicator.item
    region = item.region
    computed = (
        set(
            Indicator.objects.filter(
                item__region__parent_id=region.parent_id, item__title=item.title, item__year=item.year
            )
            .exclude(item__region=region)
            .values_list("item__region__name", flat=True)
        )
        if region.parent_id
        else set()
    )
    entered = {
        peer.region_name: peer
        for peer in PeerValue.objects.filter(indicator=indicator, year=item.year, month=month)
    }
    names = city_peers(region)
    names += sorted(
        set(
            PeerValue.objects.filter(indicator=indicator, year=item.year).values_list(
                "region_name", flat=True
            )
        )
        - set(names)
    )
    lines = []
    for name in names:
        peer = entered.get(name)
        lines.append(
            PeerLine(
                region_name=name,
                value=peer.value if peer else None,
                growth=peer.growth if peer else None,
                computed=name in computed,
            )
        )
    return lines


def _figure(value: Decimal | None, places: int = 2) -> str | None:
    return None if value is None else compute.number(value, places)


def row_json(row: Row) -> dict[str, Any]:
    result = row.result
    return {
        "name": row.title,
        "region": row.region_name,
        "unit": row.unit,
        "type": row.type.value,
        "month": result.month,
        "target": _figure(result.target),
        "target_growth": _figure(row.target_growth),
        "actual": _figure(result.actual),
        "completion": _figure(result.completion, 1),
        "growth": _figure(result.growth),
        "rank": result.ranking.rank if result.ranking else None,
        "peers": result.ranking.peers if result.ranking else None,
        "rank_trend": row.trend,
        "half_year": result.half_year.label if result.half_year else None,
        "colour": row.colour,
        "gap": _figure(result.gap),
        "projection": _figure(result.projection),
    }


def indicators_stats(*, user: Any, as_of: date) -> list[dict[str, Any]]:
    """`luoshi stats` section "indicators": the table's rows, through the same selectors."""
    return [row_json(row) for row in table_rows(user, as_of=as_of)]


def catch_up_items_for(user: User | object, rows: Sequence[Row]) -> dict[int, Item]:
    ids = [row.catch_up_item_id for row in rows if row.catch_up_item_id]
    items = item_list_for(user).filter(pk__in=ids).select_related("patron_leader__person", "lead_unit")
    return {item.pk: item for item in items}


def value_evidence_for(user: User | object) -> QuerySet[ValueEvidence]:
    """The evidence files of the indicators the user may see."""
    return ValueEvidence.objects.filter(value__indicator__in=indicator_list_for(user).values("pk"))
