"""luoshi stats: every registered ledger's figures, through the same selectors as the pages."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command

from luoshi.conftest import client_for, demo_user
from luoshi.core import registry
from luoshi.items.models import Item, Status
from luoshi.org.models import Region

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


@pytest.fixture
def demo(demo_db, db, demo_mode):
    """The demo county (loaded once for the module), on its day."""


def stats(capsys, *args: str) -> dict:
    call_command("stats", "--as-of", "2023-07-25", "--json", *args)
    return json.loads(capsys.readouterr().out)


def test_the_items_section_counts_the_countys_items_by_kind_status_and_colour(demo, capsys):
    payload = stats(capsys, "--region", "柞水县")
    assert (payload["region"], payload["as_of"]) == ("柞水县", "2023-07-25")
    section = payload["items"]
    county = Item.objects.filter(region=Region.objects.get(name="柞水县"))
    assert section["total"] == county.count() > 70
    assert section["by_kind"] == {
        kind: county.filter(kind=kind).count() for kind in county.values_list("kind", flat=True).distinct()
    }
    assert section["by_status"][Status.CLOSED] == county.filter(status=Status.CLOSED).count()
    assert sum(section["by_colour"].values()) == section["total"]
    assert section["by_colour"]["red"] == sum(1 for item in county if item.colour == "red")


def test_the_dashboard_section_is_what_the_county_office_sees_on_its_dashboard(demo, capsys):
    section = stats(capsys, "--region", "柞水县")["dashboard"]
    page = client_for(demo_user("duchaban")).get("/dashboard/")
    board = page.context["board"]
    assert section["under_supervision"] == board.totals.total
    assert section["red"] == board.red_count and section["overdue"] == board.overdue_count
    assert section["by_colour"]["red"] == board.totals.counts["red"]


def test_a_city_counts_its_counties(demo, capsys):
    city = stats(capsys, "--region", "商洛市")["items"]["total"]
    counties = [stats(capsys, "--region", name)["items"]["total"] for name in ("柞水县", "镇安县")]
    assert city == sum(counties)


def test_a_registered_ledger_adds_its_section_without_the_command_changing(demo, capsys):
    def honours_stats(*, user, as_of):
        return {"as_of": as_of.isoformat(), "planned": 32}

    registry.register(
        registry.Ledger(kind="honour", label="荣誉台账", app_label="honours", stats=honours_stats)
    )
    try:
        payload = stats(capsys, "--region", "柞水县")
    finally:
        registry.unregister("honour")
    assert payload["honours"] == {"as_of": "2023-07-25", "planned": 32}
    assert "honours" not in stats(capsys, "--region", "柞水县")


def test_a_wrong_date_or_region_is_said_in_chinese(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="格式不对"):
        call_command("stats", "--as-of", "2023-13-01", "--region", "柞水县")
    with pytest.raises(CommandError, match="找不到行政区"):
        call_command("stats", "--region", "不存在县")
