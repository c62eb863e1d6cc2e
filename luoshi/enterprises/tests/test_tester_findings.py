"""The tester's findings on enterprises: the tax import's month (the last one reported, never one
not ended) and its blank cells, the sub-trades' thresholds, the base data's admin by region."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from luoshi.conftest import client_for, demo_user
from luoshi.enterprises import selectors, services
from luoshi.enterprises.excel import TaxRow
from luoshi.enterprises.models import Category, Enterprise, TaxRecord, Threshold
from luoshi.items.models import Source
from luoshi.items.services import ServiceError

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


@pytest.fixture
def demo(demo_db, db, demo_mode):
    """The demo county on its day (2023-07-25)."""


def sheet(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    book.active.append(["企业名称", "本月税收（万元）", "上年同月（万元）"])
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "taxes.xlsx"
    return data


def test_the_import_page_offers_the_previous_month(demo):
    page = client_for(demo_user("duchaban")).get("/enterprises/taxes/import/")
    assert page.context["form"].initial["month"] == date(2023, 6, 1)


def test_a_month_not_ended_is_refused(demo, supervisor, zhashui):
    mine = Enterprise.objects.get(name="柞水大西沟矿业有限公司")
    rows = [TaxRow(2, mine, Decimal(1), None)]
    with pytest.raises(ServiceError, match="尚未结束"):
        services.taxes_import(actor=supervisor, region=zhashui, month=date(2023, 7, 1), rows=rows, as_of=JULY)
    with pytest.raises(ServiceError, match="尚未结束"):
        services.taxes_import(actor=supervisor, region=zhashui, month=date(2024, 1, 1), rows=rows, as_of=JULY)
    services.taxes_import(actor=supervisor, region=zhashui, month=date(2023, 6, 1), rows=rows, as_of=JULY)
    page = client_for(demo_user("duchaban")).post(
        "/enterprises/taxes/import/", {"file": sheet([[mine.name, "1", "1"]]), "month": "2023-07"}
    )
    assert any("尚未结束" in str(e) for e in page.context["errors"])


def test_a_blank_last_year_cell_keeps_the_stored_figure(demo, supervisor, zhashui):
    mine = Enterprise.objects.get(name="柞水大西沟矿业有限公司")
    before = TaxRecord.objects.get(enterprise=mine, month=date(2023, 6, 1))
    assert before.last_year is not None
    services.taxes_import(
        actor=supervisor,
        region=zhashui,
        month=date(2023, 6, 1),
        rows=[TaxRow(2, mine, Decimal("99.5"), None)],
        as_of=JULY,
    )
    after = TaxRecord.objects.get(pk=before.pk)
    assert (after.amount, after.last_year) == (Decimal("99.5"), before.last_year)
    page = client_for(demo_user("duchaban")).get("/enterprises/taxes/import/")
    assert "留空" in page.content.decode()


def test_a_trade_candidate_is_measured_against_its_sub_trades_threshold(demo, supervisor, zhashui):
    wholesale = Threshold.objects.get(region=zhashui, category=Category.TRADE, sub_trade="wholesale")
    retail = Threshold.objects.get(region=zhashui, category=Category.TRADE, sub_trade="retail")
    assert (wholesale.amount, retail.amount) == (Decimal(2000), Decimal(500))
    shop = Enterprise.objects.create(
        region=zhashui,
        name="某批发公司",
        category=Category.TRADE,
        sub_trade="wholesale",
        candidate_year=2023,
        revenue=Decimal(1500),
    )
    found = {c.enterprise.pk: c for c in selectors.candidates(supervisor, year=2023, as_of=JULY)}
    assert found[shop.pk].gap == Decimal(500)
    assert found[shop.pk].threshold == wholesale


def test_the_cultivation_item_comes_from_other(demo, supervisor):
    candidate = Enterprise.objects.filter(
        region__name="柞水县", candidate_year=2023, in_statistics=False
    ).first()
    item = services.cultivation_item_open(actor=supervisor, enterprise=candidate, as_of=JULY)
    assert item.source == Source.OTHER


def test_the_admin_shows_a_county_admin_only_his_county(county_admin, zhashui, zhenan):
    Enterprise.objects.create(region=zhashui, name="柞水的企业", category=Category.INDUSTRY)
    Enterprise.objects.create(region=zhenan, name="镇安的企业", category=Category.INDUSTRY)
    client = client_for(county_admin)
    text = client.get("/admin/enterprises/enterprise/").content.decode()
    assert "柞水的企业" in text and "镇安的企业" not in text
    assert client.get("/admin/enterprises/threshold/").status_code == 200
    assert client.get("/admin/enterprises/cultivationtarget/add/").status_code == 200


def test_the_office_keeps_its_enterprises_thresholds_and_target(supervisor, zhashui, fagaiju, fagaiju_head):
    from luoshi.audit.models import AuditEvent
    from luoshi.enterprises.models import CultivationTarget

    client = client_for(supervisor)
    response = client.post(
        "/enterprises/setup/enterprises/new/",
        {
            "name": "页面新增的企业",
            "category": "trade",
            "sub_trade": "wholesale",
            "unit": fagaiju.pk,
            "candidate_year": "2023",
            "revenue": "1500",
            "key_taxpayer": "on",
        },
    )
    assert response.status_code == 302
    made = Enterprise.objects.get(name="页面新增的企业")
    assert (made.region, made.sub_trade, made.key_taxpayer) == (zhashui, "wholesale", True)
    # In the statistics without a date: refused with the reason.
    response = client.post(
        f"/enterprises/setup/enterprises/{made.pk}/",
        {"name": "页面新增的企业", "category": "trade", "in_statistics": "on"},
    )
    assert response.status_code == 200
    made.refresh_from_db()
    assert not made.in_statistics
    response = client.post(
        f"/enterprises/setup/enterprises/{made.pk}/",
        {
            "name": "页面新增的企业",
            "category": "trade",
            "in_statistics": "on",
            "in_statistics_on": "2023-07-01",
        },
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.in_statistics_on == date(2023, 7, 1)
    Threshold.objects.filter(region=zhashui).delete()
    threshold = {"category": "trade", "sub_trade": "retail", "measure": "零售业500万元", "amount": "500"}
    assert client.post("/enterprises/setup/thresholds/new/", threshold).status_code == 302
    # The same trade twice: refused, with the page again.
    assert client.post("/enterprises/setup/thresholds/new/", threshold).status_code == 200
    assert Threshold.objects.filter(region=zhashui).count() == 1
    response = client.post("/enterprises/setup/targets/new/", {"year": "2024", "count": "30"})
    assert (
        response.status_code == 302 and CultivationTarget.objects.get(region=zhashui, year=2024).count == 30
    )
    assert AuditEvent.objects.filter(object_text="页面新增的企业").exists()
    assert client_for(fagaiju_head).get("/enterprises/setup/enterprises/").status_code == 403


def test_another_countys_office_may_not_edit_the_countys_enterprise(zhashui, zhenan_supervisor):
    mine = Enterprise.objects.create(region=zhashui, name="柞水的测试企业", category=Category.INDUSTRY)
    assert client_for(zhenan_supervisor).get(f"/enterprises/setup/enterprises/{mine.pk}/").status_code == 404
