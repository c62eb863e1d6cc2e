"""The key projects ledger in Excel, as its users meet it: the exported sheet, the ledger import and
the month's investment import, through the pages."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from luoshi.conftest import client_for
from luoshi.items.models import Item, ItemEvent, ProgressReport, Status
from luoshi.projects.excel import amount, header_of
from luoshi.projects.models import Project
from luoshi.projects.selectors import ledger_rows
from luoshi.projects.tests.test_projects import JULY, report

pytestmark = pytest.mark.django_db

HEADERS = [
    "序号",
    "项目编码",
    "项目名称",
    "建设内容",
    "总投资（万元）",
    "年度计划投资（万元）",
    "1-6月完成投资（万元）",
    "包抓县级领导",
    "责任单位",
    "开工情况",
    "入库情况",
    "存在问题",
    "级别",
    "阶段",
    "计划开工",
]


def sheet(*rows: list[object]) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("台账.xlsx", out.getvalue())


def exported(client, query: str = "") -> list[list[object]]:
    response = client.get(f"/projects/export.xlsx{query}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def upload(client, url: str, rows: list[list[object]], **fields: str):
    return client.post(url, {"file": sheet(*rows), **fields})


def errors_of(response) -> list[str]:
    return [str(error) for error in response.context["errors"]]


@pytest.mark.parametrize(
    ("value", "factor", "expected"),
    [
        ("1.2亿元", 1, Decimal(12000)),
        ("3500万元", 1, Decimal(3500)),
        ("3,500", 1, Decimal(3500)),
        (1.2, 10000, Decimal(12000)),  # a number in an 亿元 column
        ("3500万元", 10000, Decimal(3500)),  # the cell's unit wins over the header's
        (None, 1, None),
    ],
)
def test_amounts_are_read_in_the_unit_written_and_kept_in_wan(value, factor, expected):
    assert amount(value, Decimal(factor)) == expected
    assert header_of("总投资（亿元）") == ("总投资", Decimal(10000))
    assert header_of("年度计划投资(万元)*") == ("年度计划投资", Decimal(1))


def test_the_export_is_the_county_ledger_of_what_is_on_screen(ledger, supervisor):
    started, _idle = ledger
    rows = exported(client_for(supervisor), "?state=behind")
    assert rows[0] == HEADERS
    assert len(rows) == 2  # the filter on screen: the project not started is not in it
    assert rows[1][:11] == [
        1,
        started.item.code,
        "城区停车场建设",
        None,
        3600,
        1200,
        0,
        "冯锐",
        "县发改局",
        "已开工（2023-01-01）",
        "未入库",
    ]
    assert rows[1][12:14] == ["县级重点", "在建"]


def test_an_export_imported_again_changes_nothing(ledger, supervisor):
    client = client_for(supervisor)
    rows = exported(client)
    versions = dict(Item.objects.values_list("pk", "version"))
    events = ItemEvent.objects.count()
    response = upload(client, "/projects/import/", rows, year="2023")
    assert response.status_code == 302
    assert dict(Item.objects.values_list("pk", "version")) == versions
    assert ItemEvent.objects.count() == events


def test_an_edited_row_updates_its_project_and_a_new_row_creates_one(ledger, supervisor, zhashui):
    started, _idle = ledger
    client = client_for(supervisor)
    rows = exported(client)
    rows[1][4] = "0.5亿元"  # 总投资
    rows.append([None, None, "新建水厂", "日供水2万吨", 8000, 3500, None, None, "县水利局", "未开工"])
    assert upload(client, "/projects/import/", rows, year="2023").status_code == 302
    started.refresh_from_db()
    assert started.total_investment == 5000
    assert "总投资（万元）：3600 → 5000" in started.item.events.first().note
    water = Project.objects.get(item__title="新建水厂")
    assert (water.item.region, water.item.status, water.stage.label) == (zhashui, Status.ASSIGNED, "前期")
    assert (water.total_investment, water.planned_investment) == (8000, 3500)


def test_a_bad_cell_is_named_and_nothing_is_imported(ledger, supervisor):
    client = client_for(supervisor)
    rows = exported(client)
    rows[1][8] = "县不存在局"
    rows[2][5] = "很多"
    rows.append([None, None, "新建水厂", None, 8000, 3500, None, None, "县水利局"])
    response = upload(client, "/projects/import/", rows, year="2023")
    assert response.status_code == 400
    assert errors_of(response) == [
        "第2行 I列（责任单位）：找不到单位“县不存在局”",
        "第3行 F列（年度计划投资）：“很多”不是金额，请写数字，如 3500、3500万元或1.2亿元",
    ]
    assert not Project.objects.filter(item__title="新建水厂").exists()


def test_a_column_in_yi_yuan_is_read_as_wan_yuan(supervisor):
    rows = [
        ["项目名称", "总投资（亿元）", "年度计划投资（亿元）", "责任单位", "开工情况"],
        ["新建水厂", 1.2, "3500万元", "县水利局", "已开工（2023-05-10）"],
    ]
    assert upload(client_for(supervisor), "/projects/import/", rows, year="2023").status_code == 302
    project = Project.objects.get(item__title="新建水厂")
    assert (project.total_investment, project.planned_investment) == (12000, 3500)
    assert (project.actual_start, project.stage.label) == (date(2023, 5, 10), "新开工")


def test_the_month_investment_import_moves_a_project_from_behind_to_on_track(
    ledger,
    supervisor,
    fagaiju_head,
    fagaiju,
):
    started, _idle = ledger
    report(fagaiju_head, started, 100, month=5)  # 1-5月 100 of the 600 planned to June: behind

    def state() -> str:
        return next(r for r in ledger_rows(supervisor, as_of=JULY) if r.pk == started.pk).state

    assert state() == "behind"
    rows = [
        ["项目编码", "项目名称", "月份", "本月完成投资（亿元）"],
        [started.item.code, "城区停车场建设", "2023-06", 0.06],
    ]
    response = upload(client_for(supervisor), "/projects/investments/import/", rows)
    assert response.status_code == 302
    june = ProgressReport.objects.get(item=started.item, period_start=date(2023, 6, 1))
    assert (june.value, june.unit, june.author, june.status) == (700, fagaiju, supervisor, "submitted")
    assert state() == "on_track"
    started.item.refresh_from_db()
    # The colour no longer says the investment lags (a June figure entered on 25 July is late by
    # the item's schedule, which the colour still says).
    assert "完成投资" not in started.item.computed_reason
    # The same figure again changes nothing; another figure for June is the unit's to correct.
    assert upload(client_for(supervisor), "/projects/investments/import/", rows).status_code == 302
    rows[1][3] = 0.07
    response = upload(client_for(supervisor), "/projects/investments/import/", rows)
    assert response.status_code == 400
    assert errors_of(response)[0].startswith("第2行 D列（本月完成投资）：6月投资已报送为700万元")
    assert ProgressReport.objects.filter(item=started.item).count() == 2


def test_a_cumulative_column_names_its_month(ledger, supervisor, fagaiju_head):
    started, _idle = ledger
    report(fagaiju_head, started, 100, month=5)
    rows = exported(client_for(supervisor))
    rows[1][6] = 650  # 1-6月完成投资, in the exported ledger itself
    rows[2][6] = None
    rows = [[r[1], r[2], r[6]] for r in rows]
    response = upload(client_for(supervisor), "/projects/investments/import/", rows)
    assert response.status_code == 400  # the project not started has no figure
    assert errors_of(response) == ["第3行 C列（1-6月完成投资）：必填，不能为空"]
    rows.pop()
    assert upload(client_for(supervisor), "/projects/investments/import/", rows).status_code == 302
    assert ProgressReport.objects.get(item=started.item, period_start=date(2023, 6, 1)).value == 650


def test_another_county_and_a_unit_cannot_import(ledger, supervisor, zhenan_supervisor, fagaiju_head):
    started, _idle = ledger
    rows = [["项目编码", "月份", "本月完成投资"], [started.item.code, "2023-06", 900]]
    response = upload(client_for(zhenan_supervisor), "/projects/investments/import/", rows)
    assert response.status_code == 400
    assert errors_of(response) == [f"第2行 A列（项目编码）：本县没有编码为“{started.item.code}”的项目"]
    ledger_sheet = exported(client_for(supervisor))
    response = upload(client_for(zhenan_supervisor), "/projects/import/", ledger_sheet, year="2023")
    assert response.status_code == 400 and "本县没有编码为" in errors_of(response)[0]
    for url in ("/projects/import/", "/projects/investments/import/", "/projects/template.xlsx"):
        assert client_for(fagaiju_head).get(url).status_code == 403
        assert upload(client_for(fagaiju_head), url, rows, year="2023").status_code == 403
    assert not ProgressReport.objects.filter(item=started.item).exists()
    assert Project.objects.count() == 2


def test_a_workbook_that_unpacks_to_hundreds_of_megabytes_is_refused_before_it_is_read(ledger, supervisor):
    """The ledger and the month's investments are checked as the other imports are: by the zip's
    directory, before openpyxl opens what it would unpack to."""
    from luoshi.items.tests.test_import_limits import bomb

    client = client_for(supervisor)
    for url, fields in (("/projects/import/", {"year": "2023"}), ("/projects/investments/import/", {})):
        upload_file = SimpleUploadedFile("台账.xlsx", bomb().getvalue())
        response = client.post(url, {"file": upload_file, **fields})
        assert response.status_code == 400, url
        (error,) = errors_of(response)
        assert "解压后有" in str(error) and "没有读取" in str(error)
