"""Defects found trying the demo as a new user, through the pages the demo accounts see.

- The city office's 我的工作 said every unit had reported while its dashboard named one that had
  not: both now ask items.selectors.not_reported, and the dashboard's figure opens that list.
- A unit reporter's dashboard ranked other units on the few items it shares with them.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from luoshi.conftest import client_for, demo_user
from luoshi.dashboard.selectors import UNITS_OWN_ONLY
from luoshi.items.models import Item, ProgressReport, Status
from luoshi.items.tests.conftest import submitted_report
from luoshi.items.tests.factories import ItemFactory
from luoshi.org.models import Region, Unit

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOT_REPORTED_UNIT = re.compile(r'data-testid="not-reported-unit">([^<]+)</span>')


@pytest.fixture
def demo(demo_db, db, demo_mode):
    """The demo county (loaded once for the module), on its day."""


@pytest.fixture
def zhenan_item(demo) -> Item:
    """An item of 镇安县's 县发改局 in progress since March, its July report missing."""
    zhenan = Region.objects.get(name="镇安县")
    return ItemFactory(
        region=zhenan,
        lead_unit=Unit.objects.get(region=zhenan, short_name="县发改局"),
        code="镇督-2023-0001",
        title="镇安县城东片区改造",
        status=Status.IN_PROGRESS,
        assigned_on=date(2023, 3, 1),
        accepted_on=date(2023, 3, 1),
    )


def work_names(client: Client) -> Counter[str]:
    """The units 我的工作's 本期未报送 names, once per item."""
    html = client.get("/work/").content.decode()
    section = html.split('data-testid="not-reported"')[1].split("</section>")[0]
    return Counter(unescape(name).strip() for name in NOT_REPORTED_UNIT.findall(section))


def dashboard_rows(client: Client, **params: str) -> list[tuple[str, int, str]]:
    """The dashboard's 本期未报送的单位: each unit, its number of items and the link on the number."""
    html = client.get("/dashboard/", params).content.decode()
    section = html.split('data-testid="not-reported"')[1].split("</ul>")[0]
    rows = re.findall(
        r'data-testid="not-reported-unit">([^<]+)</span><a href="([^"]+)">(\d+) 项</a>', section
    )
    return [(unescape(name).strip(), int(number), unescape(href)) for name, href, number in rows]


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("sl-duchaban", {"柞水县 县发改局": 1, "镇安县 县发改局": 1}),
        ("duchaban", {"县发改局": 1}),
    ],
)
def test_work_and_dashboard_name_the_same_units_not_reported(demo, zhenan_item, username, expected):
    client = client_for(demo_user(username))
    on_dashboard = {name: number for name, number, _ in dashboard_rows(client)}
    assert work_names(client) == Counter(on_dashboard) == Counter(expected)


@pytest.mark.parametrize("username", ["sl-duchaban", "duchaban"])
def test_each_not_reported_figure_opens_the_items_work_lists(demo, zhenan_item, username):
    client = client_for(demo_user(username))
    work = client.get("/work/").context["work"]
    rows = dashboard_rows(client)
    assert rows
    for name, number, href in rows:
        listed = client.get(href).context["page"].object_list
        assert len(listed) == number, (name, href)
        on_work = {e.item.pk for e in work.not_reported if name.endswith(e.item.lead_unit.short_name)}
        assert {item.pk for item in listed} <= on_work
    assert sum(number for _, number, _ in rows) == len(work.not_reported)


def test_a_past_month_counts_the_reports_made_by_its_end(demo):
    """June's report, made late on 10 July, was missing at the end of June: that month's
    dashboard names the unit and its figure opens the item; July's does not."""
    zhashui = Region.objects.get(name="柞水县")
    fagaiju = Unit.objects.get(region=zhashui, short_name="县发改局")
    item = ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        code="DB-2023-9001",
        title="六月迟报的事项",
        status=Status.IN_PROGRESS,
        assigned_on=date(2023, 3, 1),
        accepted_on=date(2023, 3, 1),
    )
    for month in (3, 4, 5, 6):
        report = submitted_report(item, demo_user("fgj-reporter"), period_start=date(2023, month, 1))
        made = datetime(2023, month if month < 6 else 7, 20 if month < 6 else 10, 10, tzinfo=SHANGHAI)
        ProgressReport.objects.filter(pk=report.pk).update(created_at=made, submitted_at=made)
    client = client_for(demo_user("duchaban"))
    june = dashboard_rows(client, as_of="2023-06-30")
    assert [(name, number) for name, number, _ in june] == [("县发改局", 1)]
    listed = client.get(june[0][2]).context["page"].object_list
    assert [i.title for i in listed] == ["六月迟报的事项"]
    july = client.get(dashboard_rows(client)[0][2]).context["page"].object_list
    assert "六月迟报的事项" not in [i.title for i in july]


def test_a_unit_reporters_dashboard_shows_its_own_unit_only_and_says_why(demo):
    reporter = client_for(demo_user("fgj-reporter"))
    response = reporter.get("/dashboard/")
    board = response.context["board"]
    html = response.content.decode()
    # 县发改局 shares items with 县财政局 and others: they are not ranked on those few items
    assert [u.label for u in board.units] == ["县发改局"]
    assert not board.units_ranked
    assert UNITS_OWN_ONLY in html and "本单位实绩" in html
    table = html.split('data-testid="units"')[1].split("</table>")[0]
    assert "<th>#</th>" not in table
    # its own row is whole: the same figures the county office reads for 县发改局
    office = client_for(demo_user("duchaban")).get("/dashboard/").context["board"]
    own = board.units[0]
    same = next(u for u in office.units if u.label == "县发改局")
    assert (own.counts, own.extra) == (same.counts, same.extra)
    assert reporter.get(own.links["total"]).context["page"].paginator.count == own.total


def test_offices_and_leaders_still_rank_every_unit(demo):
    for username in ("duchaban", "fengrui"):
        board = client_for(demo_user(username)).get("/dashboard/").context["board"]
        assert board.units_ranked and not board.units_note
        assert len(board.units) > 10
