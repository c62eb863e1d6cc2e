"""Indicators through their services and pages: values kept in versions, the colour from the
indicator rules, the month entry, scoping, the catch-up item and the table's query budget."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.conftest import client_for
from luoshi.indicators import services
from luoshi.indicators.compute import Type
from luoshi.indicators.models import Value
from luoshi.indicators.selectors import indicator_history, table_rows
from luoshi.indicators.services import IndicatorInput, ValueInput
from luoshi.items.services import ServiceError

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


def make(supervisor, region, lead, leader, title, **changes):
    data = IndicatorInput(
        title=title,
        year=2023,
        type=Type.CUMULATIVE,
        unit="亿元",
        target_value=D(10),
        lead_unit=lead,
        patron_leader=leader,
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return services.indicator_create(actor=supervisor, region=region, data=data, assign=True, as_of=JULY)


def june(actor, indicator, value, **changes):
    return services.values_record(
        actor=actor,
        indicator=indicator,
        year=2023,
        entries=[ValueInput(month=6, value=D(value), **changes)],
        as_of=JULY,
    )


@pytest.fixture
def revenue(zhashui, supervisor, fagaiju, deputy_fengrui):
    return make(supervisor, zhashui, fagaiju, deputy_fengrui, "测试财政收入")


def test_a_figure_feeds_the_table_and_the_items_colour(revenue, fagaiju_head, supervisor):
    june(fagaiju_head, revenue, "3")  # 30% at June: 20 points behind
    row = next(r for r in table_rows(supervisor, as_of=JULY) if r.pk == revenue.pk)
    assert (row.result.actual, row.result.completion, row.result.half_year.passed) == (D(3), D(30), False)
    revenue.item.refresh_from_db()
    assert revenue.item.computed_colour == "yellow"
    assert revenue.item.computed_reason.startswith("测试财政收入完成全年目标30%，时间进度50%")


def test_a_correction_keeps_the_old_value_who_and_why(revenue, fagaiju_head, fagaiju_reporter):
    june(fagaiju_head, revenue, "3")
    with pytest.raises(ServiceError, match="理由"):
        june(fagaiju_reporter, revenue, "3.2")
    june(fagaiju_reporter, revenue, "3.2", note="统计局修正")
    history = list(indicator_history(revenue))
    assert [(v.value, v.is_current) for v in history] == [(D("3.2"), True), (D(3), False)]
    assert history[0].supersedes == history[1] and history[0].entered_by == fagaiju_reporter
    assert history[0].note == "统计局修正"
    assert revenue.item.events.filter(kind="report_corrected", note__contains="原为3").exists()
    june(fagaiju_reporter, revenue, "3.2")  # the same figure again changes nothing
    assert Value.objects.filter(indicator=revenue).count() == 2


def test_another_unit_may_not_enter_nor_see(revenue, wenlvju_reporter, zhenan_supervisor):
    with pytest.raises(ServiceError):
        june(wenlvju_reporter, revenue, "3")
    for user in (wenlvju_reporter, zhenan_supervisor):
        client = client_for(user)
        assert "测试财政收入" not in client.get("/indicators/").content.decode()
        assert client.get(f"/indicators/{revenue.pk}/").status_code == 404


def test_the_month_entry_page_saves_all_of_a_units_indicators_at_once(
    zhashui, supervisor, fagaiju, deputy_fengrui, fagaiju_reporter
):
    first = make(supervisor, zhashui, fagaiju, deputy_fengrui, "填报测试一")
    second = make(supervisor, zhashui, fagaiju, deputy_fengrui, "填报测试二", type=Type.COUNT, unit="家")
    client = client_for(fagaiju_reporter)
    page = client.get("/indicators/entry/?month=6")
    assert page.status_code == 200 and "填报测试一" in page.content.decode()
    response = client.post(
        "/indicators/entry/?month=6",
        {
            "source": "县统计局月报",
            f"value_{first.pk}": "4.5",
            f"growth_{first.pk}": "6.1",
            f"value_{second.pk}": "3",
        },
    )
    assert response.status_code == 302
    assert Value.objects.get(indicator=first, month=6).growth == D("6.1")
    assert Value.objects.get(indicator=second, month=6).value == 3
    # a correction without its reason saves nothing of the page
    response = client.post(
        "/indicators/entry/?month=6", {f"value_{first.pk}": "4.6", f"value_{second.pk}": "4"}
    )
    assert response.status_code == 200
    assert Value.objects.filter(indicator__in=[first, second]).count() == 2


def test_a_lagging_indicator_gets_a_catch_up_item(revenue, supervisor, fagaiju, deputy_fengrui, fagaiju_head):
    june(fagaiju_head, revenue, "2")
    client = client_for(supervisor)
    assert "测试财政收入" in client.get("/indicators/catch-up/").content.decode()
    response = client.post(
        f"/indicators/{revenue.pk}/catch-up/",
        {"measures": "逐月盯紧重点税源", "patron_leader": deputy_fengrui.pk, "lead_unit": fagaiju.pk},
    )
    assert response.status_code == 302
    revenue.refresh_from_db()
    item = revenue.catch_up_item
    assert item is not None and item.status == "assigned" and item.description == "逐月盯紧重点税源"
    assert item.code in client.get("/indicators/catch-up/").content.decode()
    assert client_for(fagaiju_head).post(f"/indicators/{revenue.pk}/catch-up/", {}).status_code == 403


def test_the_indicator_page_shows_its_chart_data_and_history(revenue, supervisor, fagaiju_head):
    june(fagaiju_head, revenue, "3")
    page = client_for(supervisor).get(f"/indicators/{revenue.pk}/")
    text = page.content.decode()
    assert 'id="indicator-data"' in text and "indicator.js" in text and "<script>" not in text
    assert page.context["chart"]["actual"][5] == 3.0


def test_the_office_verifies_a_months_figure_on_the_indicator_page(
    revenue, supervisor, fagaiju_head, zhenan_supervisor
):
    june(fagaiju_head, revenue, "3")
    client = client_for(supervisor)
    page = client.get(f"/indicators/{revenue.pk}/").content.decode()
    assert 'data-testid="verify-form"' in page and "部分属实" in page
    address = f"/indicators/{revenue.pk}/verify/"
    # 不属实 needs what the office found
    client.post(address, {"year": 2023, "month": 6, "verdict": "untrue", "note": " "})
    assert Value.objects.get(indicator=revenue, month=6).verification == "unchecked"
    response = client.post(address, {"year": 2023, "month": 6, "verdict": "partly", "note": "佐证缺税务月报"})
    assert response.status_code == 302
    value = Value.objects.get(indicator=revenue, month=6)
    assert (value.verification, value.verified_by) == ("partly", supervisor)
    assert value.verification_note == "佐证缺税务月报"
    assert revenue.item.events.filter(kind="report_verified", note__contains="部分属实").exists()
    page = client.get(f"/indicators/{revenue.pk}/").content.decode()
    assert "部分属实：佐证缺税务月报" in page
    # the unit that entered the figure may not verify it; another county does not see it
    unit_page = client_for(fagaiju_head).get(f"/indicators/{revenue.pk}/").content.decode()
    assert 'data-testid="verify-form"' not in unit_page
    data = {"year": 2023, "month": 6, "verdict": "true"}
    assert client_for(fagaiju_head).post(address, data).status_code == 403
    assert client_for(zhenan_supervisor).post(address, data).status_code == 404
    assert client.post(address, {"year": 2023, "month": 5, "verdict": "true"}).status_code == 404
    assert Value.objects.get(indicator=revenue, month=6).verification == "partly"
    with pytest.raises(ServiceError, match="督查办"):
        services.value_verify(actor=fagaiju_head, value=value, verdict="true")


def test_the_table_costs_the_same_queries_for_three_indicators_as_for_thirteen(
    zhashui, supervisor, fagaiju, deputy_fengrui, fagaiju_head
):
    client = client_for(supervisor)

    def count() -> int:
        client.get("/indicators/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/indicators/").status_code == 200
        return len(queries)

    for n in range(3):
        june(fagaiju_head, make(supervisor, zhashui, fagaiju, deputy_fengrui, f"预算测试指标{n}"), "4")
    few = count()
    for n in range(3, 13):
        june(fagaiju_head, make(supervisor, zhashui, fagaiju, deputy_fengrui, f"预算测试指标{n}"), "4")
    assert count() == few
    assert few <= 20
