"""A defect found trying the demo as the city office (商洛市督查办): its lists named units without
their county, so its two counties' 县发改局 read alike, and it could not filter by county.

A user who sees more than one region reads "柞水县 县发改局" in every list (the item list's table
and phone cards, 我的工作, the dashboard's unit lists) and filters the item list, and its export,
by 行政区. A county's own users read the names as before.
"""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape

import pytest
from openpyxl import load_workbook

from luoshi.alerts.services import colours_recompute
from luoshi.conftest import client_for
from luoshi.items.models import Item, Status
from luoshi.items.tests.factories import ItemFactory
from luoshi.org.models import Region, Unit

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


@pytest.fixture(autouse=True)
def on_the_day_of_the_speech(demo_mode):
    """Pages read today's date from the clock, which the demo pins to 2023-07-25."""


@pytest.fixture
def two_counties(zhashui, zhenan) -> dict[str, Item]:
    """Each county's 县发改局 leads an item whose July report is missing; 柞水县's has a red one too."""
    zhashui_fgj = Unit.objects.get(region=zhashui, short_name="县发改局")
    zhenan_fgj = Unit.objects.get(region=zhenan, short_name="县发改局")
    since_march = {
        "status": Status.IN_PROGRESS,
        "assigned_on": date(2023, 3, 1),
        "accepted_on": date(2023, 3, 1),
    }
    items = {
        "zhashui": ItemFactory(
            region=zhashui,
            lead_unit=zhashui_fgj,
            support_units=[Unit.objects.get(region=zhashui, short_name="县文旅局")],
            title="柞水县的事项",
            **since_march,
        ),
        "zhashui_red": ItemFactory(
            region=zhashui,
            lead_unit=zhashui_fgj,
            title="柞水县的红色事项",
            deadline=date(2023, 7, 20),
            **since_march,
        ),
        "zhenan": ItemFactory(region=zhenan, lead_unit=zhenan_fgj, title="镇安县的事项", **since_march),
    }
    colours_recompute(as_of=JULY)
    return items


def cards_and_table(html: str) -> tuple[str, str]:
    cards = html.split('data-testid="item-cards"')[1].split("</ul>")[0]
    table = html.split('class="table table-sm table-hover align-middle item-table"')[1].split("</table>")[0]
    return cards, table


def test_the_city_offices_list_names_each_unit_with_its_county(two_counties, city_supervisor):
    html = client_for(city_supervisor).get("/items/").content.decode()
    for part in cards_and_table(html):
        assert "柞水县 县发改局" in part and "镇安县 县发改局" in part
    assert "配合：柞水县 县文旅局" in cards_and_table(html)[1]


def test_a_county_offices_list_names_units_as_before(two_counties, supervisor):
    html = client_for(supervisor).get("/items/").content.decode()
    for part in cards_and_table(html):
        assert "县发改局" in part and "柞水县 县发改局" not in part
    # one region: no 行政区 to choose, but the dashboard's region links still filter
    assert 'name="region"' in html and 'type="hidden" name="region"' in html
    assert "全部行政区" not in html


def test_the_city_office_filters_the_list_and_the_export_by_county(two_counties, city_supervisor, zhenan):
    client = client_for(city_supervisor)
    response = client.get("/items/")
    form = response.context["form"]
    assert [label for _, label in form.fields["region"].choices] == [
        "全部行政区",
        "商洛市",
        "柞水县",
        "镇安县",
    ]
    assert "全部行政区" in response.content.decode()
    # the unit filter tells the two 县发改局 apart
    unit_labels = [label for _, label in form.fields["unit"].choices]
    assert "柞水县 县发改局" in unit_labels and "镇安县 县发改局" in unit_labels

    listed = client.get("/items/", {"region": zhenan.pk}).context["page"].object_list
    assert [item.title for item in listed] == ["镇安县的事项"]
    exported = client.get("/items/export.xlsx", {"region": zhenan.pk})
    rows = list(load_workbook(io.BytesIO(exported.getvalue())).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["镇安县的事项"]


def test_a_county_office_cannot_filter_by_a_county_it_does_not_see(two_counties, supervisor, zhenan):
    listed = client_for(supervisor).get("/items/", {"region": zhenan.pk}).context["page"].object_list
    assert "镇安县的事项" not in [item.title for item in listed]


def test_the_city_offices_work_names_each_unit_with_its_county(two_counties, city_supervisor):
    html = client_for(city_supervisor).get("/work/").content.decode()
    section = html.split('data-testid="not-reported"')[1].split("</section>")[0]
    names = {unescape(n) for n in re.findall(r'data-testid="not-reported-unit">([^<]+)</span>', section)}
    assert names == {"柞水县 县发改局", "镇安县 县发改局"}


def test_the_city_offices_dashboard_names_each_unit_with_its_county(
    two_counties, city_supervisor, supervisor
):
    board = client_for(city_supervisor).get("/dashboard/").context["board"]
    assert {u.label for u in board.not_reported} == {"柞水县 县发改局", "镇安县 县发改局"}
    assert {u.label for u in board.units} == {"柞水县 县发改局", "镇安县 县发改局"}
    html = client_for(city_supervisor).get("/dashboard/").content.decode()
    red = html.split('data-testid="red-list"')[1].split("</table>")[0]
    assert "柞水县的红色事项" in red and "柞水县 县发改局" in red
    # a county's office reads its units as before
    county = client_for(supervisor).get("/dashboard/").context["board"]
    assert {u.label for u in county.units} == {u.label for u in county.not_reported} == {"县发改局"}


def test_the_city_offices_list_takes_as_many_queries_for_many_rows(
    two_counties, city_supervisor, zhashui, zhenan, django_assert_max_num_queries
):
    client = client_for(city_supervisor)
    client.get("/items/")
    with django_assert_max_num_queries(24) as few:
        client.get("/items/")
        client.get("/items/", {"region": zhenan.pk}, HTTP_HX_REQUEST="true")
    for region in (zhashui, zhenan):
        units = list(Unit.objects.filter(region=region)[:4])
        for n in range(20):
            ItemFactory(region=region, lead_unit=units[n % 4], support_units=units[:2], title=f"更多{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/items/")
        client.get("/items/", {"region": zhenan.pk}, HTTP_HX_REQUEST="true")


def test_one_region_is_not_many(supervisor, city_supervisor, fagaiju_reporter):
    from luoshi.items.selectors import sees_many_regions

    assert sees_many_regions(city_supervisor)
    assert not sees_many_regions(supervisor)
    assert not sees_many_regions(fagaiju_reporter)
    assert Region.objects.count() == 3
