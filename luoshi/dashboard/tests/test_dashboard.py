"""The dashboard: every number a link to the list it counts; constant queries; history by month."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from luoshi.alerts.models import ItemColour
from luoshi.alerts.services import colours_recompute
from luoshi.conftest import client_for, demo_user
from luoshi.dashboard.selectors import dashboard_for
from luoshi.items.models import ACTIVE_STATUSES, Item, ProgressReport, Status
from luoshi.items.tests.conftest import submitted_report
from luoshi.items.tests.factories import ItemFactory
from luoshi.org.models import Unit

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)
LINK = re.compile(r'<a[^>]*href="(/items/\?[^"]+)"[^>]*>\s*(?:[红黄绿共]\s*)?(\d+)\s*(?:项)?\s*</a>')


@pytest.fixture
def demo(demo_db, db, demo_mode):
    """The demo county (loaded once for the module), on its day."""


def links_with_numbers(html: str) -> list[tuple[str, int]]:
    return [(unescape(href), int(number)) for href, number in LINK.findall(html)]


def test_every_number_is_the_list_it_opens(demo):
    client = client_for(demo_user("duchaban"))
    page = client.get("/dashboard/").content.decode()
    links = links_with_numbers(page)
    assert len(links) > 30
    for href, number in links:
        listed = client.get(href).context["page"].paginator.count
        assert listed == number, (href, number, listed)


def test_numbers_agree_with_the_warnings_command_and_the_items(demo, capsys):
    # The leader's county: the demo's other counties hold items too (镇安县's indicators, for ranks).
    call_command("warnings", "--as-of", "2023-07-25", "--region", "柞水县", "--json")
    payload = json.loads(capsys.readouterr().out)
    board = client_for(demo_user("fengrui")).get("/dashboard/").context["board"]
    assert board.totals.counts == payload["total"] | {"total": payload["items"]}
    for kind in board.kinds:
        key = next(
            k
            for k, v in payload["by_kind"].items()
            if sum(v.values()) == kind.total and v == {c: kind.counts[c] for c in v}
        )
        assert key
    active = Item.objects.filter(status__in=ACTIVE_STATUSES, region__name="柞水县")
    assert payload["items"] == active.count()
    for colour in ("red", "yellow", "green"):
        shown = [i for i in active if i.colour == colour]
        assert payload["total"][colour] == len(shown)
    assert payload["total"]["red"] >= 1 and payload["total"]["yellow"] >= 1


def test_a_leader_goes_from_the_red_count_to_a_red_item_and_reads_why(demo):
    leader = Client()
    leader.post("/login/", {"username": "liupeng", "password": "demo-pass-2023"})
    landing = leader.get("/", follow=True)
    assert landing.redirect_chain[-1][0] == "/dashboard/"
    red_link = re.search(r'href="([^"]+)" data-testid="red-count"', landing.content.decode())[1]
    listing = leader.get(unescape(red_link))
    first = listing.context["page"].object_list[0]
    assert first.colour == "red"
    page = leader.get(f"/items/{first.pk}/").content.decode()
    reason = re.search(r'data-testid="colour-reason">\s*(.+?)\s*</div>', page, re.S)[1]
    assert reason == first.computed_reason and len(reason) > 6


def test_an_earlier_month_shows_that_months_record(demo):
    client = client_for(demo_user("duchaban"))
    june = client.get("/dashboard/", {"as_of": "2023-06-30"}).context["board"]
    july = client.get("/dashboard/").context["board"]
    june_rows = ItemColour.objects.filter(period=date(2023, 6, 1), status__in=ACTIVE_STATUSES)
    assert june.totals.counts["total"] == june_rows.count() < july.totals.counts["total"]
    assert june.totals.counts["red"] == sum(1 for row in june_rows if row.colour == "red")
    assert list(june.trend["months"]) == ["2月", "3月", "4月", "5月", "6月"]
    html = client.get("/dashboard/", {"as_of": "2023-06-30"}).content.decode()
    for href, number in links_with_numbers(html):
        assert "month=2023-06" in href
        assert client.get(href).context["page"].paginator.count == number


def test_a_future_date_is_today(demo):
    board = client_for(demo_user("duchaban")).get("/dashboard/", {"as_of": "2030-01-01"}).context["board"]
    assert board.as_of == JULY


def test_units_land_on_their_work_leaders_and_the_office_on_the_dashboard(demo_org):
    assert client_for(demo_user("fgj-reporter")).get("/")["Location"] == "/work/"
    for username in ("liupeng", "duchaban", "renda"):
        assert client_for(demo_user(username)).get("/")["Location"] == "/dashboard/"


def test_another_county_counts_nothing_of_zhashui(demo):
    board = client_for(demo_user("za-duchaban")).get("/dashboard/").context["board"]
    assert board.totals.counts["total"] == 0
    city = client_for(demo_user("sl-duchaban")).get("/dashboard/").context["board"]
    assert (
        city.totals.counts["total"]
        == client_for(demo_user("duchaban")).get("/dashboard/").context["board"].totals.counts["total"]
    )


def test_chart_data_goes_through_json_script(demo):
    html = client_for(demo_user("duchaban")).get("/dashboard/").content.decode()
    data = json.loads(
        re.search(r'<script id="dashboard-data" type="application/json">(.+?)</script>', html, re.S)[1]
    )
    assert data["trend"]["months"][-1] == "7月"
    assert "vendor/echarts/echarts.min.js" in html


def test_reports_on_time_are_counted_by_local_days_of_the_year(demo_mode, zhashui, supervisor):
    """The ranking's 按时报送 counts the reports submitted from 1 January to the day, in local time
    (compared as moments: the database converts no row)."""
    shanghai = ZoneInfo("Asia/Shanghai")
    unit = Unit.objects.create(region=zhashui, name="柞水县测试局", short_name="县测试局", kind="department")
    item = ItemFactory(
        region=zhashui,
        lead_unit=unit,
        code="OT-0001",
        status=Status.IN_PROGRESS,
        assigned_on=date(2022, 10, 1),
    )
    colours_recompute(as_of=JULY)
    for month, moment, late in [
        (12, datetime(2022, 12, 31, 23, 50, tzinfo=shanghai), False),  # last year's
        (1, datetime(2023, 1, 1, 0, 10, tzinfo=shanghai), True),  # this year's first moments
        (6, datetime(2023, 7, 25, 23, 30, tzinfo=shanghai), False),  # the day's last hour
        (7, datetime(2023, 7, 26, 0, 5, tzinfo=shanghai), False),  # the next day
    ]:
        report = submitted_report(
            item, demo_user("fgj-reporter"), period_start=date(2022 if month == 12 else 2023, month, 1)
        )
        ProgressReport.objects.filter(pk=report.pk).update(submitted_at=moment, is_late=late)
    board = dashboard_for(supervisor, as_of=JULY, today=JULY)
    row = next(u for u in board.units if u.label == "县测试局")
    assert row.extra["on_time"] == Decimal(50)
