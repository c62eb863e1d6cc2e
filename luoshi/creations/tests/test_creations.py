"""Honour creations and on-site meetings through their services and pages: the stage machine's
refusals, the failure and the next year's application with its history, the checklist, the
meetings planned against held, and who may do what."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.conftest import client_for
from luoshi.creations import services
from luoshi.creations.models import Creation, Level, MeetingLevel, StageChange
from luoshi.creations.selectors import creation_rows, creations_stats, onsite_stats
from luoshi.creations.stages import Group, Stage
from luoshi.items.models import Item, Status
from luoshi.items.services import NotAllowed, ServiceError
from luoshi.org.models import Region, Unit, User

pytestmark = pytest.mark.django_db
JAN, MAR, MAY, JULY = date(2023, 1, 16), date(2023, 3, 1), date(2023, 5, 19), date(2023, 7, 25)


def _create(region: Region, actor: User, title: str = "全省双拥模范县", **changes) -> Creation:
    templates = services.templates_ensure(region=region)
    data = services.CreationInput(
        title=title,
        year=2023,
        level=Level.PROVINCIAL,
        template=templates[services.DEFAULT_TEMPLATE],
        lead_unit=Unit.objects.get(region=region, short_name="县发改局"),
        expected_award=date(2023, 12, 31),
        materials=("创建工作实施方案", "自评报告"),
        **changes,
    )
    return services.creation_create(actor=actor, region=region, data=data, as_of=JAN)


@pytest.fixture
def creation(zhashui, supervisor) -> Creation:
    return _create(zhashui, supervisor)


def move(creation: Creation, actor: User, target: Stage, on: date = MAR, reason: str = "") -> Creation:
    return services.creation_move(
        actor=actor, creation=creation, target=target, on=on, reason=reason, as_of=JULY
    )


def test_a_creation_is_an_item_of_its_kind_at_the_first_stage_of_its_template(creation):
    item = creation.item
    assert (item.kind, item.status, item.deadline) == ("creation", Status.ASSIGNED, date(2023, 12, 31))
    assert creation.stage == Stage.PLANNING
    assert list(creation.history.values_list("to_stage", flat=True)) == [Stage.PLANNING]
    assert list(creation.materials.values_list("name", flat=True)) == ["创建工作实施方案", "自评报告"]


def test_illegal_stage_jumps_are_refused_and_change_nothing(creation, supervisor):
    with pytest.raises(ServiceError, match="下一阶段是“申报”"):
        move(creation, supervisor, Stage.FIRST_CHECK)
    with pytest.raises(ServiceError, match="直接到“授牌命名”"):
        move(creation, supervisor, Stage.AWARDED)
    creation.refresh_from_db()
    assert creation.stage == Stage.PLANNING and creation.history.count() == 1
    move(creation, supervisor, Stage.APPLIED)
    with pytest.raises(ServiceError, match="下一阶段是“初核”"):
        move(creation, supervisor, Stage.PLANNING, on=MAY)  # never back


def test_a_stage_is_the_offices_to_record(creation, fagaiju_head):
    with pytest.raises(NotAllowed, match="督查办"):
        move(creation, fagaiju_head, Stage.APPLIED)


def test_a_stage_day_is_not_after_today_nor_before_the_last(creation, supervisor):
    with pytest.raises(ServiceError, match="晚于今天"):
        move(creation, supervisor, Stage.APPLIED, on=date(2023, 8, 1))
    move(creation, supervisor, Stage.APPLIED, on=MAY)
    with pytest.raises(ServiceError, match="不能早于上一阶段"):
        move(creation, supervisor, Stage.FIRST_CHECK, on=MAR)


def test_a_failure_needs_its_reason_and_withdraws_the_item(creation, supervisor):
    move(creation, supervisor, Stage.APPLIED)
    with pytest.raises(ServiceError, match="写明原因"):
        move(creation, supervisor, Stage.FAILED, on=MAY)
    failed = move(creation, supervisor, Stage.FAILED, on=MAY, reason="前期对接沟通不到位")
    assert (failed.stage, failed.failed_stage, failed.failed_reason) == (
        Stage.FAILED,
        Stage.FIRST_CHECK,
        "前期对接沟通不到位",
    )
    assert failed.item.status == Status.WITHDRAWN
    with pytest.raises(ServiceError, match="明年可重新申报"):
        move(failed, supervisor, Stage.FIRST_CHECK, on=MAY)


def test_a_failed_creation_reapplied_next_year_keeps_its_history(creation, supervisor):
    move(creation, supervisor, Stage.APPLIED)
    move(creation, supervisor, Stage.FAILED, on=MAY, reason="前期对接沟通不到位")
    with pytest.raises(ServiceError, match="2023年以后"):
        services.creation_reapply(actor=supervisor, creation=creation, year=2023, as_of=JULY)
    again = services.creation_reapply(actor=supervisor, creation=creation, year=2024, as_of=JULY)
    assert again.pk != creation.pk and again.previous == creation
    assert (again.item.title, again.item.year, again.stage) == ("全省双拥模范县", 2024, Stage.PLANNING)
    assert list(again.materials.values_list("name", flat=True)) == ["创建工作实施方案", "自评报告"]
    assert services.lineage(again) == [creation]
    old_history = list(StageChange.objects.filter(creation=creation).values_list("to_stage", flat=True))
    assert old_history == [Stage.PLANNING, Stage.APPLIED, Stage.FAILED]  # untouched
    with pytest.raises(ServiceError, match="已经重新申报"):
        services.creation_reapply(actor=supervisor, creation=creation, year=2025, as_of=JULY)
    # Its page shows the earlier application, and the failed one points to the new one.
    client = client_for(supervisor)
    page = client.get(f"/creations/{again.pk}/")
    assert "未通过初核，前期对接沟通不到位" in page.content.decode()
    old_page = client.get(f"/creations/{creation.pk}/").content.decode()
    assert "已于2024年" in old_page and 'data-testid="reapply"' not in old_page


def test_only_a_failed_creation_is_reapplied(creation, supervisor):
    with pytest.raises(ServiceError, match="只有未通过"):
        services.creation_reapply(actor=supervisor, creation=creation, year=2024, as_of=JULY)


def test_a_creation_entered_part_way_starts_at_its_stage(zhashui, supervisor):
    entered = _create(zhashui, supervisor, "国家卫生县", stage=Stage.FIRST_CHECK)
    assert entered.stage == Stage.FIRST_CHECK
    assert entered.history.get().reason == "录入时已到达该阶段"
    with pytest.raises(ServiceError, match="中没有“动态复审”"):
        _create(zhashui, supervisor, "省级文明县城", stage=Stage.REVIEW)


def test_the_ledger_groups_creations_by_their_stage_on_the_day(creation, supervisor):
    move(creation, supervisor, Stage.APPLIED, on=MAR)
    move(creation, supervisor, Stage.FIRST_CHECK, on=MAY)
    assert [row.group for row in creation_rows(supervisor, as_of=date(2023, 4, 1))] == [Group.APPLYING]
    assert [row.group for row in creation_rows(supervisor, as_of=JULY)] == [Group.READY]
    stats = creations_stats(user=supervisor, as_of=JULY)
    assert stats["by_group"][Group.READY] == 1 and stats["total"] == 1 and stats["awarded"] == 0
    page = client_for(supervisor).get("/creations/")
    assert "已达到创建条件待请验（1项）" in page.content.decode()


def test_a_unit_ticks_its_material_and_others_do_not_see_it(
    creation, fagaiju_head, yingpan_reporter, demo_mode
):
    material = creation.materials.first()
    Item.objects.filter(pk=creation.pk).update(status=Status.ACCEPTED)  # the unit signed for it
    client = client_for(fagaiju_head)
    response = client.post(f"/creations/materials/{material.pk}/tick/", {"note": "纸质档案已归档"})
    assert response.status_code == 302
    material.refresh_from_db()
    assert (material.ready_on, material.note) == (JULY, "纸质档案已归档")
    assert client_for(yingpan_reporter).get(f"/creations/{creation.pk}/").status_code == 404
    other = creation.materials.last()
    assert (
        client_for(yingpan_reporter).post(f"/creations/materials/{other.pk}/tick/", {"note": "x"}).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.ready_on is None


def test_a_tick_needs_evidence_or_a_note(creation, supervisor):
    with pytest.raises(ServiceError, match="写明资料存放情况"):
        services.material_tick(
            actor=supervisor, material=creation.materials.first(), evidence=None, as_of=JULY
        )


def test_the_stage_form_is_the_offices_and_moves_the_creation(creation, supervisor, fagaiju_head):
    url = f"/creations/{creation.pk}/stage/"
    assert client_for(fagaiju_head).post(url, {"target": "applied", "on": "2023-03-01"}).status_code == 403
    client_for(supervisor).post(url, {"target": "first_check", "on": "2023-03-01"})
    creation.refresh_from_db()
    assert creation.stage == Stage.PLANNING  # the jump was refused, with its message
    client_for(supervisor).post(url, {"target": "applied", "on": "2023-03-01"})
    creation.refresh_from_db()
    assert creation.stage == Stage.APPLIED


def test_another_countys_office_sees_no_creation(creation, zhenan_supervisor):
    client = client_for(zhenan_supervisor)
    assert client.get(f"/creations/{creation.pk}/").status_code == 404
    assert "全省双拥模范县" not in client.get("/creations/").content.decode()


# ---------------------------------------------------------------------------------------------
# On-site meetings


def _meeting(region: Region, actor: User, planned_on: date, project: Item | None = None):
    data = services.MeetingInput(
        title="全市周末现场会",
        year=2023,
        level=MeetingLevel.MUNICIPAL,
        planned_on=planned_on,
        lead_unit=Unit.objects.get(region=region, short_name="县发改局"),
        sites=[
            services.SiteInput(
                project_item=project,
                place="" if project else "营盘镇观摩点",
                checks=[("环境整治", date(2023, 9, 10))],
            )
        ],
    )
    return services.meeting_create(actor=actor, region=region, data=data, as_of=JAN)


def test_meetings_planned_against_held(zhashui, supervisor):
    first = _meeting(zhashui, supervisor, date(2023, 5, 20))
    _meeting(zhashui, supervisor, date(2023, 9, 16))
    services.meeting_held(actor=supervisor, meeting=first, held_on=date(2023, 5, 20), as_of=JULY)
    stats = onsite_stats(user=supervisor, as_of=JULY)
    assert (stats["planned"], stats["held"], stats["due_by_now"]) == (2, 1, 1)
    assert onsite_stats(user=supervisor, as_of=date(2023, 5, 1))["held"] == 0
    with pytest.raises(ServiceError, match="已登记召开"):
        services.meeting_held(actor=supervisor, meeting=first, held_on=date(2023, 5, 21), as_of=JULY)
    page = client_for(supervisor).get("/creations/meetings/").content.decode()
    assert "计划召开 2 场" in page and "已召开 1 场" in page


def test_a_site_is_a_key_project_or_a_place(zhashui, supervisor, project_ledger):
    task = Item.objects.create(region=zhashui, code="DB-1", year=2023, title="不是项目的事项")
    with pytest.raises(ServiceError, match="重点项目"):
        _meeting(zhashui, supervisor, date(2023, 9, 16), project=task)
    project = Item.objects.create(region=zhashui, code="XM-1", kind="project", year=2023, title="标准化厂房")
    meeting = _meeting(zhashui, supervisor, date(2023, 9, 16), project=project)
    assert meeting.sites.get().name == "标准化厂房"


def test_a_readiness_check_is_ticked_by_the_office(zhashui, supervisor, fagaiju_reporter):
    meeting = _meeting(zhashui, supervisor, date(2023, 9, 16))
    check = meeting.sites.get().checks.get()
    assert client_for(fagaiju_reporter).post(f"/creations/checks/{check.pk}/done/").status_code == 403
    client_for(supervisor).post(f"/creations/checks/{check.pk}/done/")
    check.refresh_from_db()
    assert check.done_on is not None
    page = client_for(supervisor).get(f"/creations/meetings/{meeting.pk}/").content.decode()
    assert "营盘镇观摩点" in page and "环境整治" in page


def test_the_items_page_links_to_its_record(creation, supervisor, demo_mode):
    page = client_for(supervisor).get(f"/items/{creation.pk}/").content.decode()
    assert f'href="/creations/{creation.pk}/"' in page and "当前阶段：谋划" in page


def test_the_office_enters_a_creation_with_its_checklist(zhashui, supervisor, fagaiju_head, demo_mode):
    assert client_for(fagaiju_head).get("/creations/new/").status_code == 403
    template = services.templates_ensure(region=zhashui)[services.DEFAULT_TEMPLATE]
    unit = Unit.objects.get(region=zhashui, short_name="县卫健局")
    response = client_for(supervisor).post(
        "/creations/new/",
        {
            "title": "全国基层中医药工作先进县",
            "year": 2023,
            "level": "national",
            "template": template.pk,
            "stage": "first_check",
            "origin": "planned",
            "expected_award": "2023-12-31",
            "lead_unit": unit.pk,
            "materials": "创建工作实施方案\n自评报告\n",
        },
    )
    creation = Creation.objects.get(item__title="全国基层中医药工作先进县")
    assert response["Location"] == f"/creations/{creation.pk}/"
    assert (creation.stage, creation.item.status, creation.template) == (
        Stage.FIRST_CHECK,
        Status.ASSIGNED,
        template,
    )
    assert list(creation.materials.values_list("name", flat=True)) == ["创建工作实施方案", "自评报告"]
