"""Problems to rectify through their services, pages, sheet and command: 销号 only on a verified
request, a problem found again keeps its lineage, the counts by source and status, the import."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from luoshi.conftest import client_for, demo_user
from luoshi.items import services as items
from luoshi.items.models import Item, Measure, Source, Status
from luoshi.items.services import NotAllowed, ReportInput, ServiceError
from luoshi.items.tests.test_reports import photo
from luoshi.items.workflow import Action
from luoshi.org.models import Region, Unit, User
from luoshi.rectification import services
from luoshi.rectification.excel import read_problems_sheet, template_rows
from luoshi.rectification.models import Problem
from luoshi.rectification.selectors import rectification_stats

pytestmark = pytest.mark.django_db
APRIL, JULY = date(2023, 4, 20), date(2023, 7, 25)


def _problem(
    region: Region, actor: User, title: str = "疑似图斑 Q-2023-031", source: str = Source.HIGHER_FEEDBACK
):
    return services.problem_create(
        actor=actor,
        region=region,
        data=services.ProblemInput(
            title=title,
            year=2023,
            source=source,
            problem="疑似违法占用林地",
            lead_unit=Unit.objects.get(region=region, short_name="营盘镇"),
            deadline=date(2023, 9, 30),
            topic="秦岭生态环境保护",
            place="营盘镇朱家湾村",
        ),
        as_of=APRIL,
    )


@pytest.fixture
def town(demo_org) -> User:
    return demo_user("yingpan-head")


@pytest.fixture
def patch(zhashui, supervisor, town):
    problem = _problem(zhashui, supervisor)
    items.item_take(actor=town, item=problem.item, action=Action.ACCEPT, as_of=APRIL)
    return problem


def _report(problem: Problem, town: User, *, evidence: bool = True, percent: int | None = None):
    return items.report_submit(
        actor=town,
        item=Item.objects.get(pk=problem.pk),
        data=ReportInput(period_start=date(2023, 7, 1), done="违建已拆除，已复绿", percent=percent),
        files=[photo("复绿现场.jpg")] if evidence else [],
        as_of=JULY,
    )


def _request(problem: Problem, town: User) -> None:
    items.item_take(
        actor=town,
        item=Item.objects.get(pk=problem.pk),
        action=Action.REQUEST_COMPLETION,
        as_of=JULY,
        reason="申请销号",
    )


def _verify(report, supervisor, verdict: str = "true") -> None:
    items.report_verify(
        actor=supervisor,
        report=report,
        method="on_site",
        verdict=verdict,
        note="" if verdict == "true" else "未复绿",
        as_of=JULY,
    )


def close(problem: Problem, actor: User) -> Problem:
    return services.problem_close(actor=actor, problem=problem, as_of=JULY)


def test_closing_without_a_request_is_refused(patch, supervisor, town):
    with pytest.raises(ServiceError, match="申请销号"):
        close(patch, supervisor)
    report = _report(patch, town)
    _verify(report, supervisor)  # verified, but the town has not asked to close it
    with pytest.raises(ServiceError, match="申请销号"):
        close(patch, supervisor)
    assert Item.objects.get(pk=patch.pk).status == Status.IN_PROGRESS


def test_closing_a_request_not_verified_true_is_refused(patch, supervisor, town):
    report = _report(patch, town)
    _request(patch, town)
    with pytest.raises(ServiceError, match="须先核实"):
        close(patch, supervisor)
    _verify(report, supervisor, "partly")
    with pytest.raises(ServiceError, match="部分属实"):
        close(patch, supervisor)
    assert Item.objects.get(pk=patch.pk).status == Status.COMPLETION_REQUESTED


def test_a_true_report_without_its_proof_is_not_a_rectification(patch, supervisor, town):
    _verify(_report(patch, town, evidence=False), supervisor)
    _request(patch, town)
    with pytest.raises(ServiceError, match="没有佐证材料"):
        close(patch, supervisor)
    assert Item.objects.get(pk=patch.pk).status == Status.COMPLETION_REQUESTED


def test_a_true_report_of_work_half_done_is_not_a_rectification(patch, supervisor, town):
    """The office verified that the work is 30% done: true, and no reason to strike it off."""
    Item.objects.filter(pk=patch.pk).update(measure=Measure.PERCENT)
    first = _report(patch, town, percent=30)
    _verify(first, supervisor)
    _request(patch, town)
    with pytest.raises(ServiceError, match="进度为30%，尚未整改到位"):
        close(patch, supervisor)
    assert Item.objects.get(pk=patch.pk).status == Status.COMPLETION_REQUESTED


def test_a_verified_request_is_closed_by_the_office_only(patch, supervisor, town):
    _verify(_report(patch, town), supervisor)
    _request(patch, town)
    with pytest.raises(NotAllowed, match="督查办"):
        close(patch, town)
    closed = close(patch, supervisor)
    item = Item.objects.get(pk=closed.pk)
    assert (item.status, item.completed_on) == (Status.CLOSED, JULY)
    assert list(item.events.values_list("kind", flat=True)[:2]) == ["closed", "completed"]
    with pytest.raises(ServiceError, match="已销号"):
        close(patch, supervisor)


def test_a_reopened_problem_keeps_its_lineage(patch, supervisor, town):
    with pytest.raises(ServiceError, match="已办结或已销号"):
        services.problem_reopen(
            actor=supervisor, problem=patch, reason="反弹", deadline=date(2023, 8, 31), as_of=JULY
        )
    _verify(_report(patch, town), supervisor)
    _request(patch, town)
    close(patch, supervisor)
    with pytest.raises(ServiceError, match="写明原因"):
        services.problem_reopen(
            actor=supervisor, problem=patch, reason=" ", deadline=date(2023, 8, 31), as_of=JULY
        )
    again = services.problem_reopen(
        actor=supervisor, problem=patch, reason="明察暗访发现违建反弹", deadline=date(2023, 8, 31), as_of=JULY
    )
    assert again.reopens == patch and services.lineage(again) == [patch]
    assert (again.item.title, again.item.status, again.place) == (
        "疑似图斑 Q-2023-031",
        Status.ASSIGNED,
        "营盘镇朱家湾村",
    )
    assert Item.objects.get(pk=patch.pk).status == Status.CLOSED  # the closing stands
    with pytest.raises(ServiceError, match="已经重新整改"):
        services.problem_reopen(
            actor=supervisor, problem=patch, reason="又反弹", deadline=date(2023, 8, 31), as_of=JULY
        )
    client = client_for(supervisor)
    old_page = client.get(f"/rectification/{patch.pk}/").content.decode()
    assert f'见 <a href="/rectification/{again.pk}/">' in old_page
    new_page = client.get(f"/rectification/{again.pk}/").content.decode()
    assert "明察暗访发现违建反弹" in new_page and f'href="/rectification/{patch.pk}/"' in new_page


def test_the_close_button_shows_only_when_allowed_and_posts(patch, supervisor, town, demo_mode):
    client = client_for(supervisor)
    page = client.get(f"/rectification/{patch.pk}/").content.decode()
    assert 'data-testid="close"' not in page and "申请销号" in page
    assert client_for(town).post(f"/rectification/{patch.pk}/close/").status_code == 403
    _verify(_report(patch, town), supervisor)
    _request(patch, town)
    assert 'data-testid="close"' in client.get(f"/rectification/{patch.pk}/").content.decode()
    client.post(f"/rectification/{patch.pk}/close/")
    assert Item.objects.get(pk=patch.pk).status == Status.CLOSED


def test_the_counts_by_source_and_status(patch, zhashui, supervisor, zhenan_supervisor):
    _problem(zhashui, supervisor, "燃气管道占压隐患", Source.SELF_CHECK)
    stats = rectification_stats(user=supervisor, as_of=JULY)
    assert stats["by_source"] == {Source.HIGHER_FEEDBACK: 1, Source.INSPECTION: 0, Source.SELF_CHECK: 1}
    assert stats["by_status"][Status.ACCEPTED] == 1 and stats["by_status"][Status.ASSIGNED] == 1
    assert stats["by_source_and_status"][Source.SELF_CHECK] == {Status.ASSIGNED: 1}
    assert stats["by_topic"] == {"秦岭生态环境保护": 2}
    assert rectification_stats(user=zhenan_supervisor, as_of=JULY)["total"] == 0
    assert client_for(zhenan_supervisor).get(f"/rectification/{patch.pk}/").status_code == 404


def test_only_the_three_sources_of_problems(zhashui, supervisor):
    with pytest.raises(ServiceError, match="来源"):
        _problem(zhashui, supervisor, "会议交办的事", Source.MEETING)


def test_the_items_page_links_to_its_record(patch, supervisor, demo_mode):
    page = client_for(supervisor).get(f"/items/{patch.pk}/").content.decode()
    assert f'href="/rectification/{patch.pk}/"' in page and "地点：营盘镇朱家湾村" in page


# ---------------------------------------------------------------------------------------------
# The sheet


def _sheet(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["疑似图斑清单"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


HEADER = ["问题", "地点", "图斑编号", "来源", "责任单位", "整改时限（必填）"]


def test_a_list_of_suspected_patches_is_read_with_their_places(zhashui):
    sheet = _sheet(
        [
            HEADER,
            ["疑似图斑 A", "营盘镇北河村", "Q-1", "", "营盘镇", "9月底前"],
            ["疑似图斑 B", "小岭镇", "Q-2", "自查", "小岭镇", "2023-10-31"],
        ]
    )
    result = read_problems_sheet(sheet, region=zhashui, year=2023)
    assert result.ok, result.errors
    assert [(r.title, r.place, r.reference, r.source, r.deadline) for r in result.rows] == [
        ("疑似图斑 A", "营盘镇北河村", "Q-1", Source.HIGHER_FEEDBACK, date(2023, 9, 30)),
        ("疑似图斑 B", "小岭镇", "Q-2", Source.SELF_CHECK, date(2023, 10, 31)),
    ]


def test_every_bad_cell_is_named_and_nothing_kept(zhashui):
    sheet = _sheet(
        [
            HEADER,
            ["疑似图斑 A", "", "", "领导交办", "不存在的局", ""],
            ["", "", "", "", "营盘镇", "2023-09-30"],
        ]
    )
    result = read_problems_sheet(sheet, region=zhashui, year=2023)
    messages = [str(error) for error in result.errors]
    assert "第3行 D列（来源）：无法识别的来源“领导交办”，应为上级反馈、督查发现或自查发现" in messages
    assert "第3行 E列（责任单位）：找不到单位“不存在的局”" in messages
    assert "第3行 F列（整改时限）：不能为空" in messages
    assert "第4行 A列（问题）：不能为空" in messages
    assert not result.rows


def test_a_sheet_refused_as_a_whole_says_why_and_a_note_below_it_is_skipped(zhashui):
    def errors(rows: list[list[object]]) -> list[str]:
        return [str(error) for error in read_problems_sheet(_sheet(rows), region=zhashui, year=2023).errors]

    assert errors([["名称", "单位"], ["疑似图斑 A", "营盘镇"]]) == ["表格中找不到表头（应有“问题”等列）。"]
    assert errors([["问题", "地点"], ["疑似图斑 A", "营盘镇"]]) == ["表格缺少“责任单位”“整改时限”列。"]
    assert errors([HEADER]) == ["表格中没有问题。"]
    header = ["序号", "问题名称", "牵头单位", "完成时限"]
    rows = [[1, "疑似图斑 A", "营盘镇", datetime(2023, 9, 30)], ["注：时限以县委督查室通知为准"]]
    result = read_problems_sheet(_sheet([header, *rows]), region=zhashui, year=2023)
    assert result.ok, result.errors
    assert [(r.title, r.deadline, r.row) for r in result.rows] == [("疑似图斑 A", date(2023, 9, 30), 3)]


def test_the_template_row_reads_back(zhashui):
    result = read_problems_sheet(_sheet(template_rows()), region=zhashui, year=2023)
    assert result.ok, result.errors
    assert result.rows[0].topic == "秦岭生态环境保护" and result.rows[0].found_on == date(2023, 7, 10)


def test_luoshi_import_rectification(zhashui, tmp_path, capsys, demo_mode):
    path = tmp_path / "图斑.xlsx"
    path.write_bytes(
        _sheet([HEADER, ["疑似图斑 A", "营盘镇北河村", "Q-1", "", "营盘镇", "9月底前"]]).getvalue()
    )
    call_command("import", "rectification", str(path), "--assign", "--year", "2023", "--region", "柞水县")
    assert "已导入 1 个整改问题并交办" in capsys.readouterr().out
    problem = Problem.objects.get(reference="Q-1")
    assert (problem.place, problem.item.kind, problem.item.status) == (
        "营盘镇北河村",
        "rectification",
        Status.ASSIGNED,
    )
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_sheet([HEADER, ["疑似图斑 B", "", "", "", "不存在的局", "9月底前"]]).getvalue())
    with pytest.raises(CommandError, match="没有导入任何问题"):
        call_command("import", "rectification", str(bad), "--region", "柞水县")
    assert Problem.objects.count() == 1


def test_the_import_page_is_the_offices(supervisor, fagaiju_head, demo_mode):
    assert client_for(fagaiju_head).get("/rectification/import/").status_code == 403
    sheet = _sheet([HEADER, ["疑似图斑 C", "杏坪镇", "Q-3", "", "杏坪镇", "2023-09-30"]])
    sheet.name = "图斑.xlsx"
    response = client_for(supervisor).post(
        "/rectification/import/", {"file": sheet, "year": 2023, "assign": "on"}
    )
    assert response.status_code == 302
    assert Problem.objects.get(reference="Q-3").item.lead_unit.short_name == "杏坪镇"


# ---------------------------------------------------------------------------------------------
# The demo


@pytest.fixture
def demo(demo_db, db, demo_mode):
    """The demo county (loaded once for the module), on its day."""


def test_the_demo_has_problems_of_the_four_kinds_of_feedback_and_the_self_checks(demo, capsys):
    call_command("stats", "--as-of", "2023-07-25", "--region", "柞水县", "--json")
    section = json.loads(capsys.readouterr().out)["rectification"]
    assert {"秦岭生态环境保护", "“三长”制", "巩固衔接", "耕地缺口"} <= set(section["by_topic"])
    assert all(
        section["by_source"][source] > 0
        for source in (Source.HIGHER_FEEDBACK, Source.INSPECTION, Source.SELF_CHECK)
    )
    county = Item.objects.filter(region__name="柞水县", kind="rectification")
    assert section["total"] == county.count()
    assert section["by_status"][Status.CLOSED] == county.filter(status=Status.CLOSED).count() == 2
    assert section["reopened"] == 1 and section["with_detail"] == section["total"]
    page = client_for(demo_user("duchaban")).get("/rectification/?source=higher_feedback&status=closed")
    assert len(page.context["rows"]) == 2
