"""The year's turn through its services, its pages and its command: carrying keeps the history and
the links, closing needs a reason the life cycle allows, closing twice does nothing more, another
county's items are untouched, the task breakdown table imports as next year's items, and only a
county's own office may do any of it."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from luoshi.audit.models import AuditEvent
from luoshi.conftest import client_for
from luoshi.items.models import EventKind, Item, Milestone, Source, Status
from luoshi.items.services import Conflict, NotAllowed, ServiceError
from luoshi.items.tests.factories import ItemFactory
from luoshi.org.models import Unit
from luoshi.yearend import services
from luoshi.yearend.models import Carryover, YearClosing, YearRules
from luoshi.yearend.services import Choice, Decision, Milestones, Plan

pytestmark = pytest.mark.django_db
DEC = date(2023, 12, 29)
CARRY_ALL = Plan(default=Choice(Decision.CARRY))


@pytest.fixture
def unfinished(zhashui, fagaiju, deputy_fengrui, supervisor) -> Item:
    item = ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        patron_leader=deputy_fengrui,
        title="溶洞互通式立交建设",
        code="DB-2023-0901",
        status=Status.IN_PROGRESS,
        accepted_on=date(2023, 7, 5),
    )
    Milestone.objects.create(item=item, name="完成征地", due=date(2023, 9, 30), done_on=date(2023, 9, 20))
    Milestone.objects.create(item=item, name="主体开工", due=date(2023, 11, 30))
    Milestone.objects.create(item=item, name="主体完工", due=date(2024, 10, 31))
    item.events.create(kind=EventKind.REPORT_SUBMITTED, note="完成征地拆迁", actor=supervisor)
    return item


@pytest.fixture
def zhenan_item(zhenan) -> Item:
    unit = Unit.objects.filter(region=zhenan).exclude(kind="supervision").first()
    return ItemFactory(region=zhenan, lead_unit=unit, code="DB-2023-0001", status=Status.ACCEPTED)


def close(actor, region, plan, **kwargs):
    return services.year_close(actor=actor, region=region, year=2023, as_of=DEC, plan=plan, **kwargs)


def test_carrying_links_the_new_item_keeps_history_and_closes_the_old_as_carried(
    unfinished, zhashui, supervisor
):
    audited = AuditEvent.objects.count()
    outcome = close(supervisor, zhashui, CARRY_ALL)
    unfinished.refresh_from_db()
    new = unfinished.carried_to.to_item
    assert outcome.carried[0].new_code == new.code and new.code.startswith("DB-2024-")
    assert (new.year, new.status, new.assigned_on, new.deadline) == (
        2024,
        Status.ASSIGNED,
        DEC,
        date(2024, 12, 31),
    )
    assert (new.lead_unit, new.patron_leader, new.title) == (
        unfinished.lead_unit,
        unfinished.patron_leader,
        unfinished.title,
    )
    assert new.carried_from.from_item == unfinished
    # the old one closed as 结转: replaced by the new one, with the event saying so
    assert (unfinished.status, unfinished.replaced_by) == (Status.REPLACED, new)
    assert "年度结转" in unfinished.events.get(kind=EventKind.REPLACED).note
    # the remaining milestones only, those of the closed year a year later
    assert list(new.milestones.values_list("name", "due")) == [
        ("主体开工", date(2024, 11, 30)),
        ("主体完工", date(2024, 10, 31)),
    ]
    # the history is readable from the new item's page
    page = client_for(supervisor).get(f"/items/{new.pk}/").content.decode()
    assert "由2023年度事项" in page and unfinished.code in page and "完成征地拆迁" in page
    old_page = client_for(supervisor).get(f"/items/{unfinished.pk}/").content.decode()
    assert "已结转至2024年度" in old_page and new.code in old_page
    assert YearClosing.objects.get(region=zhashui, year=2023).carried == 1
    assert AuditEvent.objects.count() > audited  # every row written is in the audit log


def test_milestones_can_keep_their_dates(unfinished, zhashui, supervisor):
    close(supervisor, zhashui, Plan(default=Choice(Decision.CARRY, milestones=Milestones.KEEP)))
    new = Item.objects.get(carried_from__from_item=unfinished)
    assert sorted(new.milestones.values_list("due", flat=True)) == [date(2023, 11, 30), date(2024, 10, 31)]


def test_closing_needs_a_reason_and_withdraws_with_it(unfinished, zhashui, supervisor):
    with pytest.raises(ServiceError, match="关闭需要写明理由"):
        close(supervisor, zhashui, Plan(default=Choice(Decision.CLOSE)))
    unfinished.refresh_from_db()
    assert unfinished.status == Status.IN_PROGRESS
    close(supervisor, zhashui, Plan(default=Choice(Decision.CLOSE, reason="上级政策调整，不再实施")))
    unfinished.refresh_from_db()
    assert unfinished.status == Status.WITHDRAWN
    assert unfinished.events.get(kind=EventKind.WITHDRAWN).note == "2023年度关闭：上级政策调整，不再实施"
    assert not Item.objects.filter(year=2024).exists()


def test_a_completion_request_cannot_be_closed_and_nothing_is_written(
    unfinished, zhashui, fagaiju, supervisor
):
    asking = ItemFactory(
        region=zhashui, lead_unit=fagaiju, code="DB-2023-0902", status=Status.COMPLETION_REQUESTED
    )
    plan = Plan(
        default=Choice(Decision.CARRY),
        choices={asking.code: Choice(Decision.CLOSE, reason="不再实施")},
    )
    with pytest.raises(ServiceError, match=r"DB-2023-0902.*请先办结或退回办结申请"):
        close(supervisor, zhashui, plan)
    assert not Carryover.objects.exists() and not Item.objects.filter(year=2024).exists()


def test_per_item_choices_override_the_bulk_choice(unfinished, zhashui, fagaiju, supervisor):
    other = ItemFactory(region=zhashui, lead_unit=fagaiju, code="DB-2023-0903", status=Status.ACCEPTED)
    plan = Plan(
        default=Choice(Decision.CARRY),
        choices={
            other.code: Choice(Decision.CLOSE, reason="已由市级统筹"),
            unfinished.code: Choice(Decision.CARRY, deadline=date(2024, 6, 30)),
        },
    )
    outcome = close(supervisor, zhashui, plan)
    other.refresh_from_db()
    assert other.status == Status.WITHDRAWN
    assert outcome.carried[0].new_item.deadline == date(2024, 6, 30)


def test_a_changed_version_refuses_the_whole_closing(unfinished, zhashui, supervisor):
    plan = Plan(
        default=Choice(Decision.CARRY, version=unfinished.version - 1 if unfinished.version > 1 else 99)
    )
    with pytest.raises(Conflict, match="已被修改"):
        close(supervisor, zhashui, plan)
    assert not Item.objects.filter(year=2024).exists()


def test_the_dry_run_writes_nothing(unfinished, zhashui, supervisor):
    outcome = close(supervisor, zhashui, CARRY_ALL, dry_run=True)
    assert outcome.message().startswith("预览（未保存）：将结转 1 项")
    unfinished.refresh_from_db()
    assert unfinished.status == Status.IN_PROGRESS and not Item.objects.filter(year=2024).exists()


def test_closing_twice_does_nothing_more(unfinished, zhashui, supervisor):
    close(supervisor, zhashui, CARRY_ALL)
    counts = (Item.objects.count(), Carryover.objects.count(), YearClosing.objects.count())
    again = close(supervisor, zhashui, CARRY_ALL)
    assert again.lines == [] and "没有要结转或关闭的事项" in again.message()
    assert (Item.objects.count(), Carryover.objects.count(), YearClosing.objects.count()) == counts


def test_another_countys_items_are_untouched(unfinished, zhenan_item, zhashui, supervisor):
    close(supervisor, zhashui, CARRY_ALL)
    zhenan_item.refresh_from_db()
    assert zhenan_item.status == Status.ACCEPTED
    assert not Carryover.objects.filter(from_item=zhenan_item).exists()
    with pytest.raises(ServiceError, match="不是柞水县2023年度未完成的事项"):
        close(supervisor, zhashui, Plan(choices={zhenan_item.code + "X": Choice(Decision.CARRY)}))


def test_only_the_countys_office_closes_its_year(
    unfinished, zhashui, zhenan_supervisor, fagaiju_head, magistrate
):
    for user in (zhenan_supervisor, fagaiju_head, magistrate):
        with pytest.raises(NotAllowed):
            close(user, zhashui, CARRY_ALL)


def test_a_year_is_not_closed_before_its_december(unfinished, zhashui, supervisor):
    with pytest.raises(ServiceError, match="最早在2023年12月1日"):
        services.year_close(
            actor=supervisor, region=zhashui, year=2023, as_of=date(2023, 7, 25), plan=CARRY_ALL
        )


# ---------------------------------------------------------------------------------------------
# Pages


def test_the_page_lists_the_unfinished_items_previews_and_closes(unfinished, zhashui, supervisor, settings):
    settings.LUOSHI_TODAY = DEC
    client = client_for(supervisor)
    page = client.get("/yearend/?year=2023")
    assert page.status_code == 200
    text = page.content.decode()
    assert unfinished.code in text and "县发改局" in text
    form = {"year": "2023", "decision": "carry", f"version-{unfinished.pk}": unfinished.version}
    other = ItemFactory(region=zhashui, lead_unit=unfinished.lead_unit, code="DB-2023-0904")
    own = {
        f"decision-{other.pk}": "close",
        f"reason-{other.pk}": "并入市级项目",
        f"version-{other.pk}": other.version,
    }
    preview = client.post("/yearend/?year=2023", form | own | {"preview": "1"})
    text = preview.content.decode()
    assert "预览（未保存）：将结转 1 项到2024年度，关闭 1 项" in text
    assert "并入市级项目" in text and '<option value="close" selected>' in text  # kept for the confirmation
    assert not Item.objects.filter(year=2024).exists()
    done = client.post("/yearend/?year=2023", form | own | {"confirm": "1"}, follow=True)
    assert "已结转 1 项到2024年度，关闭 1 项" in done.content.decode()
    assert Item.objects.filter(year=2024, carried_from__from_item=unfinished).exists()
    other.refresh_from_db()
    assert other.status == Status.WITHDRAWN


def test_the_pages_are_the_offices_alone_and_another_county_is_not_found(
    unfinished, zhashui, zhenan, supervisor, fagaiju_head, magistrate, zhenan_supervisor
):
    urls = ("/yearend/", "/yearend/next/", "/yearend/import/", "/yearend/template.xlsx")
    for user in (fagaiju_head, magistrate):
        for url in urls:
            assert client_for(user).get(url).status_code == 403, (user, url)
    for url in urls:
        assert client_for(supervisor).get(f"{url}?region={zhenan.pk}").status_code == 404, url
        assert client_for(supervisor).get(url).status_code == 200, url
    # 镇安县's office sees its own year, never 柞水县's items
    assert unfinished.code not in client_for(zhenan_supervisor).get("/yearend/?year=2023").content.decode()


def test_the_next_years_rules_are_copied_once_and_missing_holidays_are_said(zhashui, supervisor, settings):
    settings.LUOSHI_TODAY = DEC
    client = client_for(supervisor)
    client.post("/yearend/next/", {"year": "2024"})
    client.post("/yearend/next/", {"year": "2024"})
    year_rules = YearRules.objects.get(region=zhashui, year=2024)
    assert "2024年度预警规则" in year_rules.rule_set.note
    assert "2024年度采用" in client.get("/yearend/next/?year=2024").content.decode()
    page = client.get("/yearend/next/?year=2099").content.decode()
    assert "2099年的节假日安排尚未录入" in page


# ---------------------------------------------------------------------------------------------
# The task breakdown table


def breakdown(rows: list[list[object]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2024年县政府工作报告重点任务分解表"])
    sheet.append(["序号", "工作任务", "牵头领导", "牵头单位", "配合单位", "完成时限"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "任务分解表.xlsx"
    return out


def test_a_task_breakdown_table_imports_as_next_years_items(zhashui, supervisor, settings):
    settings.LUOSHI_TODAY = DEC
    client = client_for(supervisor)
    sheet = [
        [1, "完成全县生产总值增长6.5%", "冯锐", "县发改局", "县统计局", "年底前"],
        [2, "新建改造农村公路50公里", "", "县交通局", "", "全年"],
    ]
    checked = client.post("/yearend/import/", {"year": "2024", "file": breakdown(sheet), "dry_run": "1"})
    assert "检查通过：2 项都可以导入" in checked.content.decode()
    assert not Item.objects.filter(year=2024).exists()
    client.post("/yearend/import/", {"year": "2024", "file": breakdown(sheet)})
    items = Item.objects.filter(region=zhashui, year=2024).order_by("code")
    assert [(i.title, i.source, i.status, i.deadline) for i in items] == [
        ("完成全县生产总值增长6.5%", Source.WORK_REPORT, Status.DRAFT, date(2024, 12, 31)),
        ("新建改造农村公路50公里", Source.WORK_REPORT, Status.DRAFT, date(2024, 12, 31)),
    ]
    assert items[0].patron_leader.person.name == "冯锐"


def test_bad_cells_of_a_breakdown_table_are_named_by_its_headers(zhashui, supervisor):
    sheet = [[1, "建设智慧城市", "无此人", "不存在的局", "", "某天"]]
    page = client_for(supervisor).post("/yearend/import/", {"year": "2024", "file": breakdown(sheet)})
    text = page.content.decode()
    assert page.status_code == 400
    assert "第3行 C列（牵头领导）：找不到县级领导“无此人”" in text
    assert "第3行 D列（牵头单位）：找不到单位“不存在的局”" in text
    assert "第3行 F列（完成时限）" in text
    assert not Item.objects.filter(year=2024).exists()


# ---------------------------------------------------------------------------------------------
# The command


def test_the_command_previews_without_a_choice_and_carries_all(unfinished, zhashui, tmp_path):
    out = io.StringIO()
    call_command("year", "close", "--region", "柞水县", "--year", "2023", "--as-of", "2023-12-29", stdout=out)
    assert "预览" in out.getvalue() or "暂不处理" in out.getvalue()
    assert not Item.objects.filter(year=2024).exists()
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"default": "carry", "items": {unfinished.code: {"deadline": "2024-06-30"}}}))
    out = io.StringIO()
    call_command(
        "year",
        "close",
        "--region",
        "柞水县",
        "--year",
        "2023",
        "--as-of",
        "2023-12-29",
        "--plan",
        str(plan),
        stdout=out,
    )
    assert "已结转 1 项到2024年度" in out.getvalue()
    assert Item.objects.get(carried_from__from_item=unfinished).deadline == date(2024, 6, 30)
    out = io.StringIO()
    call_command(
        "year",
        "close",
        "--region",
        "柞水县",
        "--year",
        "2023",
        "--as-of",
        "2023-12-29",
        "--carry-all",
        stdout=out,
    )
    assert "没有要结转或关闭的事项" in out.getvalue()


def test_the_import_command_reads_a_breakdown_table(zhashui, tmp_path):
    path = tmp_path / "分解表.xlsx"
    path.write_bytes(breakdown([[1, "新建改造农村公路50公里", "", "县交通局", "", "全年"]]).getvalue())
    out = io.StringIO()
    call_command(
        "import", "breakdown", str(path), "--region", "柞水县", "--year", "2024", "--dry-run", stdout=out
    )
    assert "检查通过：1 项都可以导入" in out.getvalue()
    assert not Item.objects.filter(year=2024).exists()
    call_command(
        "import", "breakdown", str(path), "--region", "柞水县", "--year", "2024", stdout=io.StringIO()
    )
    assert Item.objects.get(year=2024).source == Source.WORK_REPORT
