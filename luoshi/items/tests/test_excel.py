"""Import is all or nothing and names every bad cell; export has the import's columns."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from luoshi.conftest import client_for
from luoshi.items import excel, services
from luoshi.items.models import EventKind, Item, ItemEvent, Status

pytestmark = pytest.mark.django_db

HEADER = [
    "编号",
    "事项名称*",
    "牵头单位*",
    "配合单位",
    "包抓县级领导",
    "完成时限*",
    "节点",
    "目标值",
    "计量单位",
    "报送周期",
]


def sheet(*rows: list[object], header: list[str] = HEADER) -> io.BytesIO:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


GOOD = [
    [
        "",
        "溶洞互通式立交开工",
        "县发改局",
        "县交通运输局、县自然资源局",
        "冯锐",
        "2023-08-31",
        "完成用地预审：8月10日；开工：8月底前",
        "",
        "",
        "每月",
    ],
    ["", "储备成熟项目不少于200个", "发改局", "", "冯锐", "2023/8/31", "", 200, "个", ""],
    ["", "改厕改房任务全面完成", "县农业农村局", "县住建局", "王宁", "2023年9月30日", "", "", "", "每半月"],
    ["", "观摩项目达到观摩要求", "县发改局", "", "", "10月20日前", "", "", "", ""],
    ["", "7月指标上报准备到位", "县统计局", "", "冯锐", datetime(2023, 7, 31), "", "", "", "每周"],
]


def test_good_sheet_is_read_in_full(zhashui):
    result = excel.read_sheet(sheet(*GOOD), region=zhashui, year=2023)
    assert result.ok, [str(e) for e in result.errors]
    first, second, third, fourth, fifth = result.rows
    assert [u.short_name for u in first.support_units] == ["县交通运输局", "县自然资源局"]
    assert first.patron_leader.person.name == "冯锐"
    assert [(m.name, m.due) for m in first.milestones] == [
        ("完成用地预审", date(2023, 8, 10)),
        ("开工", date(2023, 8, 31)),
    ]
    assert second.lead_unit.short_name == "县发改局"  # found by its other name
    assert (second.measure, second.target_value, second.value_unit) == ("value", 200, "个")
    assert [r.deadline for r in result.rows] == [
        date(2023, 8, 31),
        date(2023, 8, 31),
        date(2023, 9, 30),
        date(2023, 10, 20),
        date(2023, 7, 31),
    ]
    assert (third.report_cycle, fifth.report_cycle, fourth.report_cycle) == (
        "semimonthly",
        "weekly",
        "monthly",
    )


def test_bad_rows_import_nothing_and_every_bad_cell_is_named(zhashui, supervisor):
    bad = sheet(
        GOOD[0],
        ["", "", "县发改局", "", "", "2023-08-31", "", "", "", ""],  # row 3: no title
        [
            "",
            "招商考核办法",
            "县招商局局",
            "",
            "李四",
            "8月末尾",
            "",
            "",
            "",
            "",
        ],  # row 4: unit, leader, date
        ["DB-2023-0007", "重复编号一", "县发改局", "", "", "2023-08-31", "", "", "", ""],
        ["DB-2023-0007", "重复编号二", "县发改局", "", "", "2023-08-31", "", "abc", "", "每年"],  # row 6
    )
    result = excel.read_sheet(bad, region=zhashui, year=2023)
    messages = [str(e) for e in result.errors]
    assert messages == [
        "第3行 B列（事项名称）：必填，不能为空",
        "第4行 C列（牵头单位）：找不到单位“县招商局局”",
        "第4行 E列（包抓县级领导）：找不到县级领导“李四”",
        "第4行 F列（完成时限）：无法识别的日期“8月末尾”，请写成 2023-08-31、2023年8月31日或“8月底前”",
        "第6行 A列（编号）：编号“DB-2023-0007”与第5行重复",
        "第6行 H列（目标值）：“abc”不是数字",
        "第6行 J列（报送周期）：无法识别的报送周期“每年”",
    ]
    response = client_for(supervisor).post("/items/import/", {"file": _upload(bad), "year": 2023})
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有导入任何事项" in page
    for message in messages:
        assert message in page
    assert not Item.objects.exists()


def test_existing_code_is_a_bad_cell(zhashui, fagaiju_item):
    result = excel.read_sheet(
        sheet([fagaiju_item.code, "新事项", "县发改局", "", "", "2023-08-31", "", "", "", ""]),
        region=zhashui,
        year=2023,
    )
    assert [str(e) for e in result.errors] == [f"第2行 A列（编号）：编号“{fagaiju_item.code}”已存在"]


def test_missing_required_column_and_not_a_workbook(zhashui):
    result = excel.read_sheet(sheet(["x"], header=["事项名称", "牵头单位"]), region=zhashui, year=2023)
    assert [str(e) for e in result.errors] == ["表格缺少必填列：完成时限。"]
    assert "xlsx" in str(excel.read_sheet(io.BytesIO(b"not excel"), region=zhashui, year=2023).errors[0])


def test_import_page_creates_and_assigns(zhashui, supervisor, fagaiju_head):
    response = client_for(supervisor).post(
        "/items/import/", {"file": _upload(sheet(*GOOD)), "year": 2023, "assign": "on"}, follow=True
    )
    assert "已导入 5 项并交办" in response.content.decode()
    items = Item.objects.order_by("code")
    assert [i.code for i in items] == [f"DB-2023-000{n}" for n in range(1, 6)]
    assert {i.status for i in items} == {Status.ASSIGNED}
    assert ItemEvent.objects.filter(kind=EventKind.IMPORTED).count() == 5
    assert items[0].milestones.count() == 2 and items[0].support_units.count() == 2
    assert fagaiju_head.notifications.filter(title="新交办事项 3 项").exists()


def test_dry_run_imports_nothing(zhashui, supervisor):
    response = client_for(supervisor).post(
        "/items/import/", {"file": _upload(sheet(*GOOD)), "year": 2023, "dry_run": "1"}
    )
    assert "检查通过：5 项" in response.content.decode()
    assert not Item.objects.exists()


def test_only_the_office_imports(zhashui, fagaiju_head):
    assert client_for(fagaiju_head).get("/items/import/").status_code == 403
    with pytest.raises(services.NotAllowed):
        services.items_import(
            actor=fagaiju_head, region=zhashui, rows=[], assign=False, as_of=date(2023, 7, 25)
        )


def test_export_has_the_templates_columns_and_imports_again(zhashui, supervisor):
    client = client_for(supervisor)
    client.post("/items/import/", {"file": _upload(sheet(*GOOD)), "year": 2023})
    exported = client.get("/items/export.xlsx", {"text": "开工"})
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert list(rows[0][: len(excel.COLUMNS)]) == [c.header for c in excel.COLUMNS]
    assert [r[1] for r in rows[1:]] == ["溶洞互通式立交开工"]
    # the exported sheet, codes removed, reads back as the same item
    Item.objects.all().delete()
    workbook = load_workbook(io.BytesIO(exported.content))
    workbook.active["A2"] = None
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    again = excel.read_sheet(out, region=zhashui, year=2023)
    assert again.ok, [str(e) for e in again.errors]
    assert again.rows[0].deadline == date(2023, 8, 31) and len(again.rows[0].milestones) == 2


def test_template_download(supervisor):
    response = client_for(supervisor).get("/items/template.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["督办事项", "填写说明"]
    assert workbook.active["B1"].value == "事项名称*"
    assert any(row[0] == "县发改局" for row in workbook["填写说明"].iter_rows(values_only=True))


def test_cli_import_and_export(zhashui, tmp_path, capsys):
    path = tmp_path / "items.xlsx"
    path.write_bytes(sheet(*GOOD).getvalue())
    call_command("import", "items", str(path), "--dry-run", "--region", "柞水县", "--year", "2023")
    assert not Item.objects.exists()
    call_command("import", "items", str(path), "--region", "柞水县", "--year", "2023")
    assert Item.objects.count() == 5
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(sheet(["", "", "县发改局", "", "", "2023-08-31", "", "", "", ""]).getvalue())
    with pytest.raises(CommandError, match="没有导入"):
        call_command("import", "items", str(bad), "--region", "柞水县", "--year", "2023")
    assert "第2行 B列（事项名称）" in capsys.readouterr().err
    out = tmp_path / "out.xlsx"
    call_command("export", "items", "--out", str(out), "--region", "柞水县")
    assert load_workbook(out).active.max_row == 6


def _upload(content: io.BytesIO):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("台账.xlsx", content.getvalue())
