"""A single problem recorded and edited by the office on its own pages (at the version it was
opened on); a sheet imported again updates the problems it already brought (matched by source and
number, else by source, problem and place) and says how many it created, updated and left as they
were, with a dry run; another county's problem is a 404 in the log."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from luoshi.audit.models import Action as AuditAction
from luoshi.audit.models import AuditEvent
from luoshi.conftest import client_for
from luoshi.items.models import EventKind, Item, Source, Status
from luoshi.org.models import Leader, Region, Unit
from luoshi.rectification import excel, services
from luoshi.rectification.models import Problem

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


def _unit(region: Region, name: str) -> Unit:
    return Unit.objects.get(region=region, short_name=name)


def _form(region: Region, **changes: object) -> dict[str, object]:
    return {
        "title": "疑似图斑 Q-2023-031",
        "problem": "林地内疑似违建",
        "source": Source.HIGHER_FEEDBACK,
        "topic": "秦岭生态环境保护",
        "place": "营盘镇朱家湾村",
        "reference": "Q-2023-031",
        "measures": "拆除复绿",
        "found_on": "2023-07-10",
        "year": 2023,
        "lead_unit": _unit(region, "营盘镇").pk,
        "patron_leader": Leader.objects.get(region=region, person__name="冯锐").pk,
        "deadline": "2023-09-30",
        "assign": "on",
    } | changes


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_office_records_a_single_problem(zhashui, supervisor, fagaiju_head, demo_mode):
    client = client_for(supervisor)
    assert 'href="/rectification/new/"' in _page(client, "/rectification/")
    assert client_for(fagaiju_head).get("/rectification/new/").status_code == 403
    page = _page(client, "/rectification/new/")
    assert "整改措施" in page and "整改时限" in page and "包抓县级领导" in page
    response = client.post("/rectification/new/", _form(zhashui))
    problem = Problem.objects.get(reference="Q-2023-031")
    assert response.status_code == 302 and response["Location"] == f"/rectification/{problem.pk}/"
    item = problem.item
    assert (item.kind, item.source, item.status, item.deadline) == (
        "rectification",
        Source.HIGHER_FEEDBACK,
        Status.ASSIGNED,
        date(2023, 9, 30),
    )
    assert item.patron_leader.name == "冯锐" and item.lead_unit.short_name == "营盘镇"
    assert (problem.problem, problem.measures, problem.place, problem.found_on) == (
        "林地内疑似违建",
        "拆除复绿",
        "营盘镇朱家湾村",
        date(2023, 7, 10),
    )
    refused = client.post("/rectification/new/", _form(zhashui, source=Source.MEETING, reference="Q-9"))
    assert refused.status_code == 200 and not Problem.objects.filter(reference="Q-9").exists()


def test_a_problem_is_edited_at_the_version_it_was_opened_on(zhashui, supervisor, town_head, demo_mode):
    client = client_for(supervisor)
    client.post("/rectification/new/", _form(zhashui))
    problem = Problem.objects.get(reference="Q-2023-031")
    url = f"/rectification/{problem.pk}/edit/"
    assert f'href="{url}"' in _page(client, f"/rectification/{problem.pk}/")
    assert client_for(town_head).get(url).status_code == 403
    version = Item.objects.get(pk=problem.pk).version
    assert f'name="version" value="{version}"' in _page(client, url)
    edit = _form(zhashui, measures="拆除违建，补植复绿", deadline="2023-10-31", version=version)
    assert client.post(url, edit).status_code == 302
    problem.refresh_from_db()
    assert (problem.measures, problem.item.deadline) == ("拆除违建，补植复绿", date(2023, 10, 31))
    notes = " ".join(problem.item.events.filter(kind=EventKind.UPDATED).values_list("note", flat=True))
    assert "整改措施" in notes and "整改时限" in notes
    stale = client.post(url, edit | {"measures": "只拆不绿"})
    assert stale.status_code == 409 and "已被" in stale.content.decode()
    assert Problem.objects.get(pk=problem.pk).measures == "拆除违建，补植复绿"
    unversioned = {k: v for k, v in edit.items() if k != "version"} | {"measures": "只拆不绿"}
    assert client.post(url, unversioned).status_code == 200  # without its version: not saved
    assert Problem.objects.get(pk=problem.pk).measures == "拆除违建，补植复绿"


@pytest.fixture
def town_head(demo_org):
    from luoshi.conftest import demo_user

    return demo_user("yingpan-head")


# ---------------------------------------------------------------------------------------------
# Importing a sheet again


def _sheet(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


HEADER = ["问题", "地点", "图斑编号", "来源", "责任单位", "整改时限", "整改措施"]
ROWS = [
    ["疑似图斑 A", "营盘镇北河村", "Q-1", "", "营盘镇", "9月底前", "拆除复绿"],
    ["疑似图斑 B", "小岭镇", "Q-2", "自查", "小岭镇", "2023-10-31", ""],
]


def _import(region: Region, rows: list[list[object]], *, actor=None, dry_run: bool = False, header=HEADER):
    sheet = excel.read_problems_sheet(_sheet([header, *rows]), region=region, year=2023)
    assert sheet.ok, sheet.errors
    return services.problems_import(
        actor=actor,
        region=region,
        rows=sheet.rows,
        columns=sheet.columns,
        assign=True,
        as_of=JULY,
        dry_run=dry_run,
    )


def test_the_same_sheet_imported_again_changes_nothing(zhashui, demo_mode):
    first = _import(zhashui, ROWS)
    assert (len(first.created), len(first.updated), len(first.unchanged)) == (2, 0, 0)
    again = _import(zhashui, ROWS)
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 2)
    assert Problem.objects.count() == 2
    assert "2 个没有变化" in again.message(dry_run=False)


def test_a_sheet_imported_again_updates_the_problems_it_brought(zhashui, supervisor, demo_mode):
    _import(zhashui, ROWS)
    a = Problem.objects.get(reference="Q-1")
    version = a.item.version
    changed = [
        ["疑似图斑 A", "营盘镇北河村二组", "Q-1", "", "营盘镇", "2023-08-31", "拆除复绿"],
        ROWS[1],
        ["疑似图斑 C", "杏坪镇", "Q-3", "", "杏坪镇", "2023-09-30", ""],
    ]
    dry = _import(zhashui, changed, actor=supervisor, dry_run=True)
    assert (len(dry.created), len(dry.updated), len(dry.unchanged)) == (1, 1, 1)
    assert "将新增 1 个" in dry.message(dry_run=True) and "尚未导入" in dry.message(dry_run=True)
    assert Problem.objects.count() == 2 and Problem.objects.get(pk=a.pk).place == "营盘镇北河村"
    done = _import(zhashui, changed, actor=supervisor)
    assert (len(done.created), len(done.updated), len(done.unchanged)) == (1, 1, 1)
    assert Problem.objects.count() == 3
    a.refresh_from_db()
    assert (a.place, a.item.deadline, a.item.version) == ("营盘镇北河村二组", date(2023, 8, 31), version + 1)
    note = a.item.events.filter(kind=EventKind.UPDATED).first().note
    assert "地点" in note or "整改时限" in note


def test_a_problem_changed_only_in_its_detail_is_updated(zhashui, demo_mode):
    _import(zhashui, ROWS)
    rows = [[*ROWS[0][:6], "拆除违建并复绿"], ROWS[1]]
    outcome = _import(zhashui, rows)
    assert (len(outcome.created), len(outcome.updated), len(outcome.unchanged)) == (0, 1, 1)
    problem = Problem.objects.get(reference="Q-1")
    assert problem.measures == "拆除违建并复绿"
    assert "整改措施" in problem.item.events.filter(kind=EventKind.UPDATED).first().note


def test_without_a_number_the_problem_is_matched_by_its_text_and_place(zhashui, demo_mode):
    header = ["问题", "地点", "来源", "责任单位", "整改时限"]
    rows = [
        ["河长制巡河记录不全", "营盘镇", "上级反馈", "营盘镇", "2023-08-31"],
        ["河长制巡河记录不全", "小岭镇", "上级反馈", "小岭镇", "2023-08-31"],
    ]
    assert len(_import(zhashui, rows, header=header).created) == 2
    again = _import(zhashui, [[*rows[0][:4], "2023-09-30"], rows[1]], header=header)
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 1, 1)
    moved = Problem.objects.get(place="营盘镇")
    assert moved.item.deadline == date(2023, 9, 30)
    assert Problem.objects.count() == 2


def test_a_closed_problem_is_left_as_it_was(zhashui, demo_mode):
    _import(zhashui, ROWS)
    Item.objects.filter(problem__reference="Q-1").update(status=Status.CLOSED)
    outcome = _import(zhashui, [[*ROWS[0][:5], "2023-12-31", ROWS[0][6]], ROWS[1]])
    assert (len(outcome.created), len(outcome.updated), len(outcome.unchanged)) == (0, 0, 2)
    assert Item.objects.get(problem__reference="Q-1").deadline == date(2023, 9, 30)
    assert "已办结或销号" in outcome.message(dry_run=False)


def test_the_same_problem_twice_in_a_sheet_is_refused(zhashui, demo_mode):
    from luoshi.items.services import ServiceError

    with pytest.raises(ServiceError, match="第3行与第2行是同一个问题"):
        _import(zhashui, [ROWS[0], ROWS[0]])
    assert not Problem.objects.exists()


def test_the_command_and_the_page_say_what_they_did(zhashui, supervisor, tmp_path, capsys, demo_mode):
    path = tmp_path / "图斑.xlsx"
    path.write_bytes(_sheet([HEADER, *ROWS]).getvalue())
    arguments = ("import", "rectification", str(path), "--assign", "--year", "2023", "--region", "柞水县")
    call_command(*arguments)
    assert "已导入 2 个整改问题并交办" in capsys.readouterr().out
    call_command(*arguments, "--dry-run")
    out = capsys.readouterr().out
    assert "检查通过" in out and "2 个没有变化" in out
    call_command(*arguments)
    assert "2 个没有变化" in capsys.readouterr().out
    assert Problem.objects.count() == 2
    sheet = _sheet([HEADER, [*ROWS[0][:5], "2023-08-31", ROWS[0][6]], ROWS[1]])
    sheet.name = "图斑.xlsx"
    client = client_for(supervisor)
    response = client.post(
        "/rectification/import/", {"file": sheet, "year": 2023, "assign": "on"}, follow=True
    )
    assert "更新 1 个" in response.content.decode() and Problem.objects.count() == 2


# ---------------------------------------------------------------------------------------------
# Another county


def test_another_countys_problem_is_404_and_logged(zhashui, supervisor, zhenan_supervisor, demo_mode):
    client_for(supervisor).post("/rectification/new/", _form(zhashui))
    problem = Problem.objects.get()
    client = client_for(zhenan_supervisor)
    for url in (f"/rectification/{problem.pk}/", f"/rectification/{problem.pk}/edit/"):
        assert client.get(url).status_code == 404
        refusal = AuditEvent.objects.filter(action=AuditAction.REFUSED).order_by("id").last()
        assert (refusal.object_type, refusal.object_id, refusal.path) == ("items.Item", str(problem.pk), url)
        assert "疑似图斑" not in refusal.summary
    assert client.post(f"/rectification/{problem.pk}/close/").status_code == 404
    refusal = AuditEvent.objects.filter(action=AuditAction.REFUSED).order_by("id").last()
    assert refusal.path == f"/rectification/{problem.pk}/close/"
    # an item of another kind, or none, is a 404 and nothing more
    plain = Item.objects.create(region=zhashui, code="DB-2023-0999", year=2023, title="普通事项")
    before = AuditEvent.objects.filter(action=AuditAction.REFUSED).count()
    assert client.get(f"/rectification/{plain.pk}/").status_code == 404
    assert client_for(supervisor).get(f"/rectification/{plain.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == before
