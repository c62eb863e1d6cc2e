"""Percentages look the same on every page: 60%, 33.3%, and — when there is none."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from luoshi.conftest import client_for
from luoshi.core.templatetags.luoshi import percent
from luoshi.items.models import Status
from luoshi.items.tests.factories import ItemFactory


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "—"),
        ("", "—"),
        ("不是数", "—"),
        (float("nan"), "—"),
        (float("inf"), "—"),
        (Decimal("1E+30"), "—"),
        (0, "0%"),
        (60, "60%"),
        (Decimal("60.00"), "60%"),
        (Decimal("100.00"), "100%"),
        (Decimal("1E+2"), "100%"),
        (Decimal("33.33"), "33.3%"),
        (Decimal("12.50"), "12.5%"),
        (Decimal("66.666"), "66.7%"),
        (Decimal("0.05"), "0.1%"),  # half up, as people round
        (Decimal("0.04"), "0%"),
        (Decimal("-0.04"), "0%"),  # never "-0%"
        (Decimal("59.96"), "60%"),
        (100 / 3, "33.3%"),
        ("45", "45%"),
    ],
)
def test_percent_filter(value, shown):
    assert percent(value) == shown


@pytest.mark.django_db
def test_list_detail_and_report_show_the_same_percent(demo_mode, zhashui, fagaiju, fagaiju_reporter):
    item = ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        title="三分之一的事项",
        status=Status.IN_PROGRESS,
        accepted_on=date(2023, 7, 4),
        progress_percent=Decimal("33.33"),
        last_reported_at="2023-07-20T10:00:00+08:00",
    )
    client = client_for(fagaiju_reporter)
    response = client.post(
        f"/items/{item.pk}/report/",
        {"period_start": "2023-07-01", "done": "完成三分之一", "percent": "33.33", "confidence": "green"},
        follow=True,
    )
    detail = response.content.decode()
    assert "进度 33.3%" in detail and "33.33" not in detail
    progress = detail.split('data-testid="progress">')[1].split("</dd>")[0]
    assert progress.startswith("33.3%")
    listing = client.get("/items/").content.decode()
    assert listing.count("33.3%") == 2 and "33.33" not in listing  # the card and the table row
