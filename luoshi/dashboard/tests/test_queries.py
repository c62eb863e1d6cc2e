"""The dashboard and the lists it links to take the same number of queries for 10 items and 1,000."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from luoshi.alerts.models import ItemColour
from luoshi.alerts.services import colours_recompute
from luoshi.conftest import client_for
from luoshi.items.models import Item, Status

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


def _items(region, unit, leader, n: int) -> None:
    start = Item.objects.count()
    Item.objects.bulk_create(
        [
            Item(
                region=region,
                lead_unit=unit,
                patron_leader=leader,
                code=f"DB-2023-{start + i + 1:05d}",
                year=2023,
                title=f"事项{i}",
                status=Status.IN_PROGRESS,
                assigned_on=date(2023, 1, 3),
                deadline=date(2023, 12, 31) - timedelta(days=i % 200),
                progress_percent=Decimal(i % 100),
                kind=("task", "project", "commitment")[i % 3],
            )
            for i in range(n)
        ]
    )


def test_query_count_does_not_grow_with_items(
    demo_mode, zhashui, fagaiju, deputy_fengrui, supervisor, django_assert_max_num_queries
):
    _items(zhashui, fagaiju, deputy_fengrui, 10)
    colours_recompute(as_of=JULY)
    client = client_for(supervisor)
    client.get("/dashboard/")
    with django_assert_max_num_queries(40) as small:
        client.get("/dashboard/")
        client.get("/items/", {"month": "2023-07", "colour": "red", "status": "active"})
    _items(zhashui, fagaiju, deputy_fengrui, 990)
    colours_recompute(as_of=JULY)
    assert ItemColour.objects.count() == 1000
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/dashboard/")
        client.get("/items/", {"month": "2023-07", "colour": "red", "status": "active"})
