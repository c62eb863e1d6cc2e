"""Enterprises on the demo county: the figures of the speech from the data, the candidates' gaps,
the key taxpayers' growth, the tax list's import (all or nothing) and the cultivation item."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from luoshi.conftest import client_for, demo_user
from luoshi.core.sheets import MB, ImportLimits
from luoshi.enterprises.excel import read_tax_sheet
from luoshi.enterprises.models import Enterprise, TaxRecord
from luoshi.items.models import Status
from luoshi.org.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_db, db, demo_mode):
    """The demo county (loaded once for the module), on its day."""


def stats() -> dict:
    out = io.StringIO()
    call_command("stats", "--as-of", "2023-07-25", "--region", "柞水县", "--json", stdout=out)
    return json.loads(out.getvalue())["enterprises"]


def test_the_stats_section_counts_the_data(demo):
    section = stats()
    county = Enterprise.objects.filter(region__name="柞水县")
    assert section["in_statistics"] == county.filter(in_statistics=True).count() == 121
    assert section["candidates"] == county.filter(candidate_year=2023).count() == 32
    assert section["candidates_done"] == 2
    assert section["key_taxpayers"] == county.filter(key_taxpayer=True).count() == 20
    assert section["key_taxpayers_grew"] == 13
    names = set(county.filter(category="industry", in_statistics=True).values_list("name", flat=True))
    assert {"柞水大西沟矿业有限公司", "陕西盘龙药业集团股份有限公司"} <= names


def test_the_pages_show_the_same_figures(demo):
    client = client_for(demo_user("liupeng"))
    page = client.get("/enterprises/?view=candidates")
    text = page.content.decode()
    done = [c.enterprise.name for c in page.context["candidates"] if c.done]
    assert sorted(done) == ["柞水县再生资源利用有限公司", "柞水县雨阳农业科技有限公司"]
    gaps = [c.gap for c in page.context["candidates"] if not c.done]
    assert all(gap is not None and gap > 0 for gap in gaps)
    assert "在库五上企业 <a" in text and f"{stats()['in_statistics']} 家" in text
    taxpayers = client.get("/enterprises/?view=taxpayers").context["taxpayers"]
    assert sum(t.grew for t in taxpayers) == stats()["key_taxpayers_grew"]


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


def test_the_tax_list_is_imported_all_or_nothing(demo):
    client = client_for(demo_user("duchaban"))
    mine = Enterprise.objects.get(name="柞水大西沟矿业有限公司")
    kept = TaxRecord.objects.get(enterprise=mine, month=date(2023, 6, 1))
    bad = sheet([[mine.name, "12.5", "10"], ["不存在的企业", "3", ""], [mine.name, "abc", ""]])
    response = client.post("/enterprises/taxes/import/", {"file": bad, "month": "2023-06"})
    errors = [str(e) for e in response.context["errors"]]
    assert "第3行 A列（企业名称）：本县没有名为“不存在的企业”的企业" in errors
    assert any(e.startswith("第4行 A列") for e in errors)
    assert TaxRecord.objects.get(pk=kept.pk).amount == kept.amount  # the month is a past one: June
    good = sheet([[mine.name, "12.5", "10"]])
    response = client.post("/enterprises/taxes/import/", {"file": good, "month": "2023-06"})
    assert response.status_code == 302
    record = TaxRecord.objects.get(enterprise=mine, month=date(2023, 6, 1))
    assert (record.amount, record.last_year) == (Decimal("12.50"), Decimal("10.00"))
    # A unit may not import.
    assert client_for(demo_user("fgj-head")).post("/enterprises/taxes/import/", {}).status_code == 403


def test_the_import_command(demo, tmp_path, capsys):
    path = tmp_path / "taxes.xlsx"
    path.write_bytes(sheet([["陕西盘龙药业集团股份有限公司", "88", "80"]]).getvalue())
    call_command("import", "taxes", str(path), "--month", "2023-06", "--region", "柞水县")
    assert (
        TaxRecord.objects.get(enterprise__name="陕西盘龙药业集团股份有限公司", month=date(2023, 6, 1)).amount
        == 88
    )


def test_the_office_opens_a_candidates_cultivation_item(demo):
    candidate = Enterprise.objects.filter(
        region__name="柞水县", candidate_year=2023, in_statistics=False
    ).first()
    assert candidate is not None
    assert client_for(demo_user("fgj-head")).post(f"/enterprises/{candidate.pk}/cultivate/").status_code in (
        403,
        404,
    )
    response = client_for(demo_user("duchaban")).post(f"/enterprises/{candidate.pk}/cultivate/")
    assert response.status_code == 302
    candidate.refresh_from_db()
    item = candidate.cultivation_item
    assert item is not None and item.kind == "enterprise" and item.status == Status.ASSIGNED
    assert item.lead_unit_id == candidate.unit_id


def test_a_tax_list_refused_as_a_whole_says_why_and_a_note_below_it_is_skipped(demo):
    zhashui = Region.objects.get(name="柞水县")

    def workbook(header: list[object], *rows: list[object]) -> io.BytesIO:
        book = Workbook()
        book.active.append(["2023年6月重点税源企业纳税情况"])
        book.active.append(header)
        for row in rows:
            book.active.append(row)
        data = io.BytesIO()
        book.save(data)
        data.seek(0)
        return data

    def errors(data: io.BytesIO, **kwargs) -> list[str]:
        return [str(e) for e in read_tax_sheet(data, region=zhashui, **kwargs).errors]

    mine = "柞水大西沟矿业有限公司"
    assert errors(workbook(["名称", "金额"], [mine, 1])) == ["表格中找不到表头（应有“企业名称”等列）。"]
    assert errors(workbook(["企业名称", "备注"], [mine, ""])) == ["表格缺少“本月税收”列。"]
    assert errors(workbook(["企业名称", "本月税收"])) == ["表格中没有企业的税收数据。"]
    header = ["序号", "纳税人名称", "本月入库税收(万元)", "上年同期"]
    assert errors(workbook(header, [1, None, 3, None], [2, mine, None, 1])) == [
        "第3行 B列（企业名称）：不能为空",
        "第4行 C列（本月税收（万元））：缺少本月税收",
    ]
    result = read_tax_sheet(workbook(header, [1, mine, 12.5, 10], ["注：单位万元"]), region=zhashui)
    assert result.ok, result.errors
    assert [(r.amount, r.last_year) for r in result.rows] == [(Decimal("12.50"), Decimal("10.00"))]
    limits = ImportLimits(max_rows=3, max_unpacked_bytes=50 * MB, max_errors=10)
    refused = errors(workbook(header, *[[1, mine, 1, 1]] * 5), limits=limits)
    assert len(refused) == 1 and "超过每次最多导入 3 行的上限" in refused[0]
