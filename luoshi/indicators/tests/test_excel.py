"""The statistics bureau's monthly sheet: all or nothing, every bad cell named, the page and the command."""

from __future__ import annotations

import io
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from luoshi.conftest import client_for
from luoshi.core.sheets import MB, ImportLimits
from luoshi.indicators import services
from luoshi.indicators.compute import Type
from luoshi.indicators.excel import read_indicators_sheet
from luoshi.indicators.models import Value
from luoshi.indicators.services import ValueInput
from luoshi.indicators.tests.test_indicators import JULY, june, make

pytestmark = pytest.mark.django_db
HEADER = ["指标名称", "单位", "本月", "1-本月累计", "同比增长（%）"]


def sheet(*rows: list[object], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.append(["2023年6月主要经济指标"])
    worksheet.append(header)
    for row in rows:
        worksheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def ledger(zhashui, supervisor, fagaiju, deputy_fengrui):
    revenue = make(supervisor, zhashui, fagaiju, deputy_fengrui, "测试财政收入")  # cumulative, 亿元
    firms = make(supervisor, zhashui, fagaiju, deputy_fengrui, "测试新增企业", type=Type.COUNT, unit="家")
    return revenue, firms


def current(indicator, month=6):
    return Value.objects.filter(indicator=indicator, year=2023, month=month, is_current=True).first()


def read(content: bytes, region, month=6):
    return read_indicators_sheet(io.BytesIO(content), region=region, year=2023, month=month)


def test_a_good_sheet_records_the_months_figures_and_the_table_shows_them(ledger, zhashui, supervisor):
    revenue, firms = ledger
    client = client_for(supervisor)
    table = client.get("/indicators/")
    assert "/indicators/import/" in table.content.decode()
    upload = SimpleUploadedFile(
        "6月.xlsx", sheet([" 测试财政收入 ", "亿元", 0.6, 4.5, 6.1], ["测试新增企业", "家", 2, 7, None])
    )
    response = client.post("/indicators/import/", {"file": upload, "month": "2023-06"})
    assert response.status_code == 302, response.content.decode()
    assert (current(revenue).value, current(revenue).growth) == (D("4.5"), D("6.1"))
    assert current(firms).value == 7 and current(revenue).entered_by == supervisor
    page = client.get("/indicators/?year=2023").content.decode()
    assert "4.5" in page


def test_one_bad_cell_changes_nothing_and_is_named(ledger, zhashui, supervisor):
    revenue, firms = ledger
    june(supervisor, revenue, "3")
    content = sheet(["测试财政收入", "亿元", None, 4.5, 6.1], ["测试新增企业", "家", None, "七", None])
    response = client_for(supervisor).post(
        "/indicators/import/", {"file": SimpleUploadedFile("a.xlsx", content), "month": "2023-06"}
    )
    assert response.status_code == 400
    assert "第4行 D列（1-本月累计）：“七”不是数字" in response.content.decode()
    assert current(revenue).value == 3 and current(firms) is None
    assert Value.objects.filter(indicator=revenue).count() == 1


def test_unknown_names_duplicates_units_and_negative_counts_are_named(ledger, zhashui):
    result = read(
        sheet(
            ["测试财政收入", "亿元", None, 4.5, None],
            ["没有的指标", "亿元", None, 1, None],
            ["测试财政收入", "亿元", None, 4.6, None],
            ["测试新增企业", "个", None, 3, None],
        ),
        zhashui,
    )
    assert [str(e) for e in result.errors] == [
        "第4行 A列（指标名称）：本县6月所在年度没有名为“没有的指标”的考核指标",
        "第5行 A列（指标名称）：指标“测试财政收入”与第3行重复",
        "第6行 B列（单位）：单位“个”与指标的计量单位“家”不符",
    ]
    negative = read(sheet(["测试新增企业", "家", None, -2, None]), zhashui)
    assert [str(e) for e in negative.errors] == ["第3行 D列（1-本月累计）：“测试新增企业”是计数，不能为负数"]


def test_wan_yuan_is_converted_and_a_months_figure_adds_to_last_months(ledger, zhashui, supervisor):
    revenue, _ = ledger
    result = read(sheet(["测试财政收入", "万元", None, 45000, None]), zhashui)
    assert result.ok and result.rows[0].value == D("4.5")
    refused = read(sheet(["测试财政收入", "亿元", 0.5, None, None]), zhashui)
    assert [str(e) for e in refused.errors] == [
        "第3行 C列（本月）：“测试财政收入”是累计指标，系统中没有5月的累计数，请填写“1-本月累计”"
    ]
    services.values_record(
        actor=supervisor, indicator=revenue, year=2023, entries=[ValueInput(month=5, value=D(4))], as_of=JULY
    )
    added = read(sheet(["测试财政收入", "亿元", 0.5, None, None]), zhashui)
    assert added.ok and added.rows[0].value == D("4.5")


def test_the_dry_run_writes_nothing(ledger, supervisor):
    revenue, _ = ledger
    content = sheet(["测试财政收入", "亿元", None, 4.5, None])
    response = client_for(supervisor).post(
        "/indicators/import/",
        {"file": SimpleUploadedFile("a.xlsx", content), "month": "2023-06", "dry_run": "1"},
    )
    assert response.status_code == 200 and "检查通过" in response.content.decode()
    assert current(revenue) is None


def test_another_countys_office_and_a_unit_are_refused(ledger, zhenan_supervisor, fagaiju_reporter):
    revenue, _ = ledger
    for user in (zhenan_supervisor, fagaiju_reporter):
        client = client_for(user)
        content = sheet(["测试财政收入", "亿元", None, 4.5, None])
        response = client.post(
            "/indicators/import/", {"file": SimpleUploadedFile("a.xlsx", content), "month": "2023-06"}
        )
        assert response.status_code in (400, 403)
    assert current(revenue) is None
    assert client_for(fagaiju_reporter).get("/indicators/import/").status_code == 403


def test_the_command_imports_a_sheet_and_refuses_a_bad_one(ledger, zhashui, tmp_path: Path):
    revenue, _ = ledger
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(sheet(["测试财政收入", "亿元", None, 4.5, None]))
    bad.write_bytes(sheet(["测试财政收入", "亿元", None, "abc", None]))
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_indicators", str(bad), "--month", "2023-06", "--region", zhashui.name)
    assert current(revenue) is None
    call_command("import_indicators", str(good), "--month", "2023-06", "--region", zhashui.name, "--dry-run")
    assert current(revenue) is None
    call_command("import_indicators", str(good), "--month", "2023-06", "--region", zhashui.name)
    assert current(revenue).value == D("4.5") and current(revenue).entered_by is None


def test_luoshi_import_indicators_goes_through_the_import_command(ledger, zhashui, tmp_path: Path):
    revenue, _ = ledger
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(sheet(["测试财政收入", "亿元", None, 4.5, None]))
    bad.write_bytes(sheet(["测试财政收入", "亿元", None, "abc", None]))
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import", "indicators", str(bad), month="2023-06", region=zhashui.name)
    call_command("import", "indicators", str(good), month="2023-06", region=zhashui.name, dry_run=True)
    assert current(revenue) is None
    call_command("import", "indicators", str(good), month="2023-06", region=zhashui.name)
    assert current(revenue).value == D("4.5") and current(revenue).entered_by is None


def test_the_import_command_names_the_targets_it_knows(tmp_path: Path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match=r"budgets.*items.*indicators"):  # argparse's own words
        call_command("import", "budgets", str(path))
    with pytest.raises(CommandError, match="--month"):
        call_command("import", "indicators", str(path), "--month", "June")


COUNTY_HEADER = ["县区", *HEADER]


def test_the_citys_ranking_table_gives_the_peers_figures_and_the_rank(ledger, zhashui, supervisor):
    """One sheet with a 县区 column: the county's own row is its figure, the others' rows are the
    peers' figures, and the rank follows."""
    revenue, _ = ledger
    services.values_record(
        actor=supervisor,
        indicator=revenue,
        year=2022,
        entries=[ValueInput(month=6, value=D(4))],
        as_of=JULY,
    )
    content = sheet(
        ["镇安县", "测试财政收入", "亿元", "", 5.2, 14.0],
        ["柞水县", "测试财政收入", "亿元", "", 4.5, ""],  # 4.5 over last June's 4: +12.5%
        ["洛南县", "测试财政收入", "万元", "", 39000, 9.5],  # in 万元: 3.9 亿元
        header=COUNTY_HEADER,
    )
    result = read(content, zhashui)
    assert result.ok, result.errors
    response = client_for(supervisor).post(
        "/indicators/import/", {"file": SimpleUploadedFile("排名.xlsx", content), "month": "2023-06"}
    )
    assert response.status_code == 302, response.content.decode()
    assert current(revenue).value == D("4.5")
    peers = {p.region_name: (p.value, p.growth) for p in revenue.peer_values.filter(year=2023, month=6)}
    assert peers == {"镇安县": (D("5.2"), D(14)), "洛南县": (D("3.9"), D("9.5"))}
    row = next(r for r in client_for(supervisor).get("/indicators/").context["rows"] if r.pk == revenue.pk)
    assert (row.result.ranking.rank, row.result.ranking.peers) == (2, 3)


def test_a_peers_cumulative_figure_must_be_its_cumulative_and_a_county_once(ledger, zhashui):
    content = sheet(
        ["镇安县", "测试财政收入", "亿元", 0.8, "", 14.0],
        ["洛南县", "测试新增企业", "家", "", 6, ""],
        ["洛南县", "测试新增企业", "家", "", 7, ""],
        header=COUNTY_HEADER,
    )
    result = read(content, zhashui)
    messages = [str(error) for error in result.errors]
    assert any("第3行" in m and "“镇安县”的累计指标请填写“1-本月累计”" in m for m in messages), messages
    assert any("第5行" in m and "“洛南县”的指标“测试新增企业”与第4行重复" in m for m in messages), messages
    assert result.error_count == 2


def test_a_growth_written_with_its_percent_sign_is_a_number(ledger, zhashui):
    result = read(sheet(["测试财政收入", "亿元", "", 4.5, "6.1%"]), zhashui)
    assert result.ok, result.errors
    assert result.rows[0].growth == D("6.1")


def test_a_sheet_is_refused_as_a_whole_with_what_is_wrong_with_it(ledger, zhashui):
    """What the statistics bureau's sheet is refused for, when it is the sheet and not a cell."""

    def errors(content: bytes) -> list[str]:
        return [str(error) for error in read(content, zhashui).errors]

    assert errors(sheet(["测试财政收入", 4.5], header=["名称", "数值"])) == [
        "表格中找不到表头（应有“指标名称”等列）。"
    ]
    assert errors(sheet(["测试财政收入", "亿元"], header=["指标名称", "单位"])) == [
        "表格缺少“本月”或“1-本月累计”列。"
    ]
    assert errors(sheet()) == ["表格中没有指标数据。"]
    limits = ImportLimits(max_rows=3, max_unpacked_bytes=50 * MB, max_errors=10)
    long = sheet(*[["测试财政收入", "亿元", None, 4.5, None]] * 5)
    refused = read_indicators_sheet(io.BytesIO(long), region=zhashui, year=2023, month=6, limits=limits)
    assert len(refused.errors) == 1 and "超过每次最多导入 3 行的上限" in str(refused.errors[0])


def test_the_sheets_own_ways_of_writing_its_headers_are_read(ledger, zhashui):
    """1-6月累计, 同比增长(%) in half-width brackets, a name left blank named by row and column, a
    row of nothing but a note in a column the import does not read skipped."""
    header = ["序号", "指标名称", "计量单位", "本月数", "1—6月累计", "同比增长(%)"]
    result = read(
        sheet(
            [1, "测试财政收入", "亿元", None, 4.5, 6.1],
            [2, None, "家", None, 7, None],
            ["注：本表为快报数"],
            header=header,
        ),
        zhashui,
    )
    assert [str(e) for e in result.errors] == ["第4行 B列（指标名称）：不能为空"]
    ok = read(
        sheet([1, "测试财政收入", "亿元", None, 4.5, 6.1], ["注：本表为快报数"], header=header), zhashui
    )
    assert ok.ok, ok.errors
    assert (ok.rows[0].value, ok.rows[0].growth) == (D("4.5"), D("6.1"))
