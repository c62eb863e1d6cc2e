"""The indicators ledger's share of the benchmark's county, and its measured pages: they answer,
show every row, and the floor works out the same figures as the pages."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.db.models import Count
from django.test import Client

from luoshi.bench import floors
from luoshi.bench.builder import AS_OF, Builder, City, Shape
from luoshi.bench.indicators import PEER_GROUP, indicator_names
from luoshi.indicators import selectors
from luoshi.indicators.compute import Type
from luoshi.indicators.models import Indicator, PeerValue, Value
from luoshi.items.models import Item
from luoshi.org.models import User

ITEMS = 400  # 150 indicators beside 4,000 items: 15 beside 400


def _build(tmp_path: Path, counties: int, items: int) -> City:
    return Builder(Shape(counties=counties, items_per_county=items), media_root=tmp_path / "media").build()


@pytest.fixture
def city(db: None, tmp_path: Path, settings: object) -> City:
    settings.LUOSHI_TODAY = AS_OF  # type: ignore[attr-defined]
    return _build(tmp_path, 2, ITEMS)


def _client(user_id: int) -> Client:
    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    return client


def _figures(row: selectors.Row) -> tuple[object, ...]:
    result = row.result
    ranking = (result.ranking.rank, result.ranking.peers) if result.ranking else None
    half = result.half_year.passed if result.half_year else None
    return (row.title, row.region_name, result.month, result.actual, result.completion, result.growth,
            ranking, row.trend, half, row.colour, row.lagging)  # fmt: skip


def _floor_figures(row: dict[str, object]) -> tuple[object, ...]:
    keys = ("title", "region", "month", "actual", "completion", "growth", "rank", "trend", "half_year")
    return (*(row[k] for k in keys), row["colour"], row["lagging"])


def test_each_county_gets_its_indicators_with_values_corrections_and_peers(city):
    assert city.rows["share:indicators"] == (
        Item.objects.filter(code__regex=r"^(ZB|GC)-").count()
        + Indicator.objects.count()
        + Value.objects.count()
        + PeerValue.objects.count()
    )
    outside = [name for name in PEER_GROUP if name not in {c.name for c in city.counties}]
    assert len(outside) == 5  # the two built counties rank among each other and five entered
    for county in city.counties:
        indicators = Indicator.objects.filter(item__region_id=county.region_id)
        assert indicators.count() == 15
        assert [i.item.title for i in indicators.select_related("item")] == [
            name for name, _kind, _town in indicator_names()[:15]
        ]
        assert set(indicators.values_list("type", flat=True)) == set(Type)
        assert set(indicators.values_list("direction", flat=True)) == {"higher", "lower"}
        current = Value.objects.filter(indicator__in=indicators, is_current=True)
        months = Counter(current.values_list("indicator_id", "year").annotate(n=Count("pk")).values_list("n"))
        assert months == Counter({(12,): 15, (6,): 15})  # last year's twelve, this year's January-June
        assert set(
            PeerValue.objects.filter(indicator__in=indicators).values_list("region_name", flat=True)
        ) == set(outside)
        assert PeerValue.objects.filter(indicator__in=indicators).count() == 15 * 5 * 6
    superseded = Value.objects.filter(is_current=False)
    assert superseded.exists()
    assert all(value.superseded_by.is_current for value in superseded)
    assert Value.objects.filter(verification="true", year=AS_OF.year).exists()
    assert Indicator.objects.filter(catch_up_item__isnull=False).exists()


def test_the_table_and_the_catch_up_ledger_answer_with_every_row_as_the_floor_works_them_out(city):
    county = city.counties[0]
    office = User.objects.get(pk=county.supervisor_id)
    page = _client(county.supervisor_id).get("/indicators/")
    assert page.status_code == 200
    floor = floors.indicator_table([county.region_id], as_of=AS_OF)
    assert page.content.decode().count('data-testid="indicator-row"') == len(floor) == 15
    rows = selectors.table_rows(office, as_of=AS_OF)
    assert [_figures(row) for row in rows] == [_floor_figures(row) for row in floor]
    assert {row["rank"][1] for row in floor if row["rank"]} == {7}  # itself, the other county, five entered

    city_page = _client(city.office_user_id).get("/indicators/")
    assert city_page.status_code == 200
    every = floors.indicator_table([c.region_id for c in city.counties], as_of=AS_OF)
    assert city_page.content.decode().count('data-testid="indicator-row"') == len(every) == 30
    city_office = User.objects.get(pk=city.office_user_id)
    assert [_figures(row) for row in selectors.table_rows(city_office, as_of=AS_OF)] == [
        _floor_figures(row) for row in every
    ]

    ledger = _client(county.supervisor_id).get("/indicators/catch-up/")
    assert ledger.status_code == 200
    lagging = floors.indicator_table([county.region_id], as_of=AS_OF, lagging_only=True)
    assert 0 < len(lagging) < 15
    assert ledger.content.decode().count('data-testid="catch-up-row"') == len(lagging)
    assert [row.title for row in selectors.lagging_rows(rows)] == [row["title"] for row in lagging]


def test_with_the_citys_seven_counties_built_every_rank_comes_from_their_own_ledgers(db, tmp_path):
    city = _build(tmp_path, 7, 40)
    assert not PeerValue.objects.exists()
    county = city.counties[0]
    floor = floors.indicator_table([county.region_id], as_of=AS_OF)
    assert len(floor) == 2 and {row["rank"][1] for row in floor if row["rank"]} == {7}
