"""The key projects ledger as its users meet it: the services, the pages, the refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.conftest import client_for
from luoshi.items import services as items
from luoshi.items.models import Item, Status, SupervisionAction
from luoshi.items.services import ReportInput, ServiceError
from luoshi.items.workflow import Action
from luoshi.org.models import Unit
from luoshi.projects import services
from luoshi.projects.models import Phase, Stage
from luoshi.projects.selectors import LedgerFilters, ledger_rows, rows_filter
from luoshi.projects.services import ProjectInput

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


def make(supervisor, region, unit, leader, title, *, started=True, planned=1200, start=date(2023, 1, 1)):
    stage = services.stage_set_ensure(region=region)[4 if started else 2]
    return services.project_create(
        actor=supervisor,
        region=region,
        data=ProjectInput(
            title=title,
            year=2023,
            stage=stage,
            planned_investment=Decimal(planned),
            total_investment=Decimal(planned * 3),
            lead_unit=unit,
            patron_leader=leader,
            planned_start=start,
            actual_start=start if started else None,
        ),
        assign=True,
        as_of=JULY,
    )


def report(head, project, value, month=6):
    item = Item.objects.get(pk=project.pk)
    if item.status == Status.ASSIGNED:
        items.item_take(actor=head, item=item, action=Action.ACCEPT, as_of=JULY)
    return items.report_submit(
        actor=head,
        item=item,
        data=ReportInput(
            period_start=date(2023, month, 1), done=f"1-{month}月累计完成投资", value=Decimal(value)
        ),
        as_of=JULY,
    )


@pytest.fixture
def ledger(zhashui, supervisor, fagaiju, fagaiju_head, deputy_fengrui):
    """Two projects of 县发改局: one started (report pending), one not started since March."""
    started = make(supervisor, zhashui, fagaiju, deputy_fengrui, "城区停车场建设")
    idle = make(
        supervisor, zhashui, fagaiju, deputy_fengrui, "物流园二期", started=False, start=date(2023, 3, 1)
    )
    return started, idle


def test_a_project_is_an_item_of_its_kind_measured_by_its_investment(ledger):
    started, _idle = ledger
    item = started.item
    assert (item.kind, item.measure, item.target_value, item.value_unit) == ("project", "value", 1200, "万元")
    assert item.code.startswith("XM-2023-") and item.status == Status.ASSIGNED


def test_the_monthly_investment_report_feeds_the_ledger_and_the_colour_at_once(
    ledger, fagaiju_head, supervisor
):
    """最多报一次: the unit reports its June figure once, on the project's item."""
    started, _idle = ledger
    report(fagaiju_head, started, 300)  # 300 of 600 planned to the end of June
    row = next(r for r in ledger_rows(supervisor, as_of=JULY) if r.pk == started.pk)
    assert row.completed_investment == 300 and row.state == "behind"
    assert row.verdict.reason == "1-6月完成投资300万元，低于序时计划600万元，差300万元"
    started.item.refresh_from_db()
    assert started.item.computed_colour == "yellow"
    assert started.item.computed_reason.startswith("完成投资25%，序时进度50%，滞后25个百分点")


def test_the_ledger_page_figures_link_to_the_lists_they_count(ledger, supervisor):
    client = client_for(supervisor)
    page = client.get("/projects/")
    assert page.status_code == 200
    summary = {f.key: f for f in page.context["summary"].figures}
    assert summary["total"].value == 2 and summary["not_started"].value == 1
    listed = client.get(f"/projects/?{summary['not_started'].query}")
    assert listed.context["count"] == 1
    assert "物流园二期" in listed.content.decode() and "城区停车场建设" not in listed.content.decode()


def test_another_unit_and_another_county_see_nothing(
    ledger, wenlvju_reporter, zhenan_supervisor, fagaiju_reporter
):
    started, _idle = ledger
    for outsider in (wenlvju_reporter, zhenan_supervisor):
        client = client_for(outsider)
        assert client.get(f"/projects/{started.pk}/").status_code == 404
        assert client.get(f"/projects/{started.pk}/site/").status_code == 404
        text = client.get("/projects/").content.decode()
        assert "城区停车场建设" not in text and "物流园二期" not in text
    assert "城区停车场建设" in client_for(fagaiju_reporter).get("/projects/").content.decode()


def test_the_ledger_page_costs_the_same_queries_for_three_projects_as_for_thirteen(
    zhashui, supervisor, fagaiju, deputy_fengrui
):
    client = client_for(supervisor)

    def count() -> int:
        client.get("/projects/")  # warm the session and the per-user caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/projects/").status_code == 200
        return len(queries)

    for n in range(3):
        make(supervisor, zhashui, fagaiju, deputy_fengrui, f"预算测试项目{n}")
    few = count()
    for n in range(3, 13):
        make(supervisor, zhashui, fagaiju, deputy_fengrui, f"预算测试项目{n}", started=n % 2 == 0)
    assert count() == few
    assert few <= 20


def test_replacing_a_project_that_cannot_start_keeps_its_history(ledger, supervisor):
    started, idle = ledger
    client = client_for(supervisor)
    form = client.get(f"/projects/{idle.pk}/replace/")
    assert form.status_code == 200
    response = client.post(
        f"/projects/{idle.pk}/replace/",
        {"successor": started.pk, "reason": "用地无法落实，年内不具备开工条件"},
    )
    assert response.status_code == 302
    idle.item.refresh_from_db()
    assert idle.item.status == Status.REPLACED and idle.item.replaced_by_id == started.pk
    rows = ledger_rows(supervisor, as_of=JULY)
    assert [r.title for r in rows_filter(rows, LedgerFilters())] == ["城区停车场建设"]
    assert [r.title for r in rows_filter(rows, LedgerFilters(set_aside=True))] == ["物流园二期"]
    page = client.get(f"/projects/{idle.pk}/").content.decode()
    assert "已由" in page and "城区停车场建设" in page and "用地无法落实" in page  # its timeline


def test_a_unit_head_cannot_replace(ledger, fagaiju_head):
    started, idle = ledger
    response = client_for(fagaiju_head).post(
        f"/projects/{idle.pk}/replace/", {"successor": started.pk, "reason": "x"}
    )
    assert response.status_code == 403
    idle.item.refresh_from_db()
    assert idle.item.status != Status.REPLACED


def test_a_blocker_opens_an_item_for_its_owner(ledger, supervisor, zhashui):
    started, _idle = ledger
    land = Unit.objects.get(region=zhashui, short_name="县自然资源局")
    blocker = services.blocker_add(
        actor=supervisor,
        project=started,
        kind="land",
        description="征地未完成",
        owner_unit=land,
        deadline=date(2023, 8, 31),
    )
    response = client_for(supervisor).post(f"/projects/blockers/{blocker.pk}/open-item/")
    assert response.status_code == 302
    blocker.refresh_from_db()
    item = blocker.item
    assert (item.lead_unit, item.deadline, item.status) == (land, date(2023, 8, 31), Status.ASSIGNED)
    assert item in started.related_items.all()
    with pytest.raises(ServiceError, match="已经交办"):
        services.blocker_open_item(actor=supervisor, blocker=blocker, as_of=JULY)


def test_another_region_names_its_own_stages(zhenan, zhenan_supervisor):
    """Stage sets are data per region: 镇安县 keeps 七个一批-style stages of its own."""
    own = [
        Stage.objects.create(region=zhenan, key=key, label=label, phase=phase, sort_order=n)
        for n, (key, label, phase) in enumerate(
            [
                ("plan", "谋划一批", Phase.PLANNING),
                ("sign", "签约一批", Phase.PREPARATION),
                ("build", "开工一批", Phase.CONSTRUCTION),
                ("done", "投产一批", Phase.COMPLETED),
            ]
        )
    ]
    assert services.stage_set_ensure(region=zhenan) == own  # kept, not replaced by the default
    unit = Unit.objects.get(region=zhenan, short_name="县发改局")
    project = services.project_create(
        actor=zhenan_supervisor,
        region=zhenan,
        data=ProjectInput(
            title="镇安测试项目",
            year=2023,
            stage=own[3],
            planned_investment=Decimal(100),
            total_investment=Decimal(100),
            lead_unit=unit,
            actual_start=date(2023, 3, 1),
        ),
        assign=True,
        as_of=JULY,
    )
    row = ledger_rows(zhenan_supervisor, as_of=JULY)[0]
    assert (row.stage_label, row.state) == ("投产一批", "completed")
    page = client_for(zhenan_supervisor).get("/projects/").content.decode()
    assert "签约一批" in page and "新开工" not in page
    default = services.stage_set_ensure(
        region=Unit.objects.get(short_name="县发改局", region__name="柞水县").region
    )
    with pytest.raises(ServiceError, match="不是本县的项目阶段"):
        services.project_stage_set(
            actor=zhenan_supervisor, project=project, stage=default[0], actual_start=None, as_of=JULY
        )


def test_a_site_visit_with_a_photo_becomes_a_supervision_action(ledger, supervisor):
    from luoshi.items.tests.test_reports import photo

    started, _idle = ledger
    client = client_for(supervisor)
    page = client.get(f"/projects/{started.pk}/site/")
    assert "包抓县级领导" in page.content.decode() and "冯锐" in page.content.decode()
    response = client.post(
        f"/projects/{started.pk}/site/",
        {"findings": "现场仅两台机械施工", "unannounced": "on", "photos": [photo()]},
    )
    assert response.status_code == 302
    action = SupervisionAction.objects.get(items=started.item)
    assert (action.kind, action.findings, action.site_photos.count()) == (
        "unannounced",
        "现场仅两台机械施工",
        1,
    )
