"""A city's office sees its counties side by side, each figure a link to its list."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from luoshi.alerts.services import colours_recompute
from luoshi.conftest import client_for
from luoshi.items.models import Status
from luoshi.items.tests.factories import ItemFactory
from luoshi.org.models import Unit

pytestmark = pytest.mark.django_db


def test_per_region_rows_for_a_city(demo_mode, city_supervisor, supervisor, zhashui, zhenan):
    zhashui_unit = Unit.objects.get(region=zhashui, short_name="县发改局")
    zhenan_unit = Unit.objects.get(region=zhenan, short_name="县发改局")
    ItemFactory(
        region=zhashui, lead_unit=zhashui_unit, status=Status.IN_PROGRESS, deadline=date(2023, 7, 20)
    )  # red
    ItemFactory(region=zhashui, lead_unit=zhashui_unit, status=Status.IN_PROGRESS)
    ItemFactory(region=zhenan, lead_unit=zhenan_unit, status=Status.IN_PROGRESS)
    colours_recompute(as_of=date(2023, 7, 25))
    client = client_for(city_supervisor)
    board = client.get("/dashboard/").context["board"]
    assert [(r.label, r.counts["total"], r.counts["red"]) for r in board.regions] == [
        ("柞水县", 2, 1),
        ("镇安县", 1, 0),
    ]
    html = client.get("/dashboard/").content.decode()
    table = html.split('data-testid="regions"')[1].split("</table>")[0]
    for href, number in re.findall(r'href="([^"]+)">(\d+)</a>', table):
        assert client.get(unescape(href)).context["page"].paginator.count == int(number)
    # a county's own office has one region: no such table
    assert client_for(supervisor).get("/dashboard/").context["board"].regions == []
