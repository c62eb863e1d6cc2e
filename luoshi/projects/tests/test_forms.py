"""The ledger's daily work through its forms: the office records, others are refused."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.conftest import client_for
from luoshi.items.models import Status
from luoshi.org.models import Unit
from luoshi.projects.models import Blocker, MonthlyPlan, Project, Stage

pytestmark = pytest.mark.django_db


def test_the_office_records_a_project_with_its_item(supervisor, zhashui, fagaiju, deputy_fengrui):
    client = client_for(supervisor)
    assert client.get("/projects/new/").status_code == 200
    stage = Stage.objects.get(region=zhashui, key="preliminary")
    response = client.post(
        "/projects/new/",
        {
            "title": "县城污水处理厂提标改造",
            "year": "2023",
            "level": "municipal",
            "stage": stage.pk,
            "total_investment": "8000",
            "planned_investment": "3000",
            "patron_leader": deputy_fengrui.pk,
            "lead_unit": fagaiju.pk,
            "planned_start": "2023-09-01",
            "assign": "on",
        },
    )
    project = Project.objects.get(item__title="县城污水处理厂提标改造")
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert (project.level, project.item.status, project.item.target_value) == (
        "municipal",
        Status.ASSIGNED,
        3000,
    )


def test_the_office_edits_a_project_and_its_timeline_says_so(ledger, supervisor):
    started, _idle = ledger
    client = client_for(supervisor)
    page = client.get(f"/projects/{started.pk}/edit/")
    assert page.status_code == 200
    data = {
        "title": "城区智慧停车场建设",
        "level": started.level,
        "stage": started.stage.pk,
        "total_investment": "4000",
        "planned_investment": "1200",
        "patron_leader": started.item.patron_leader_id,
        "lead_unit": started.item.lead_unit_id,
        "planned_start": "2023-01-01",
        "actual_start": "2023-01-01",
        "version": page.context["form"].initial["version"],
    }
    unversioned = {k: v for k, v in data.items() if k != "version"}
    assert client.post(f"/projects/{started.pk}/edit/", unversioned).status_code == 200  # not saved
    started.refresh_from_db()
    assert started.total_investment != 4000
    assert client.post(f"/projects/{started.pk}/edit/", data).status_code == 302
    started.refresh_from_db()
    assert (started.item.title, started.total_investment) == ("城区智慧停车场建设", 4000)
    assert "总投资（万元）：3600 → 4000" in client.get(f"/projects/{started.pk}/").content.decode()


def test_a_blocker_is_added_and_resolved(ledger, supervisor, zhashui):
    started, _idle = ledger
    client = client_for(supervisor)
    land = Unit.objects.get(region=zhashui, short_name="县自然资源局")
    response = client.post(
        f"/projects/{started.pk}/blockers/new/",
        {"kind": "land", "description": "征地未完成", "owner_unit": land.pk, "deadline": "2023-08-31"},
    )
    assert response.status_code == 302
    blocker = Blocker.objects.get(project=started)
    assert client.post(f"/projects/blockers/{blocker.pk}/resolve/", {"resolution": ""}).status_code == 302
    blocker.refresh_from_db()
    assert blocker.is_open  # refused: the resolution must be written
    client.post(f"/projects/blockers/{blocker.pk}/resolve/", {"resolution": "7月20日完成征地"})
    blocker.refresh_from_db()
    assert (blocker.resolved_on, blocker.resolution) == (date(2023, 7, 25), "7月20日完成征地")


def test_the_monthly_plan_adds_up_to_the_year(ledger, supervisor):
    started, _idle = ledger
    client = client_for(supervisor)
    response = client.post(f"/projects/{started.pk}/plan/", {"month_3": "500", "month_9": "500"})
    assert response.status_code == 200 and "应等于年度计划投资1200万元" in response.content.decode()
    assert not MonthlyPlan.objects.filter(project=started).exists()
    response = client.post(f"/projects/{started.pk}/plan/", {"month_3": "600", "month_9": "600"})
    assert response.status_code == 302
    assert dict(MonthlyPlan.objects.filter(project=started).values_list("month__month", "amount")) == {
        3: 600,
        9: 600,
    }


def test_a_stage_of_construction_needs_its_start(ledger, supervisor, zhashui):
    _started, idle = ledger
    client = client_for(supervisor)
    building = Stage.objects.get(region=zhashui, key="under_construction")
    response = client.post(f"/projects/{idle.pk}/stage/", {"stage": building.pk, "actual_start": ""})
    assert "须填写实际开工日期" in response.content.decode()
    response = client.post(
        f"/projects/{idle.pk}/stage/", {"stage": building.pk, "actual_start": "2023-08-01"}
    )
    assert "不能晚于今天" in response.content.decode()
    response = client.post(
        f"/projects/{idle.pk}/stage/", {"stage": building.pk, "actual_start": "2023-07-20"}
    )
    assert response.status_code == 302
    idle.refresh_from_db()
    assert (idle.stage, idle.actual_start) == (building, date(2023, 7, 20))


def test_units_and_other_counties_are_refused_every_form(ledger, fagaiju_head, zhenan_supervisor, zhashui):
    started, _idle = ledger
    blocker = Blocker.objects.create(
        project=started,
        kind="land",
        description="征地",
        owner_unit=started.item.lead_unit,
        deadline=date(2023, 8, 31),
    )
    for user, refused in ((fagaiju_head, 403), (zhenan_supervisor, 404)):
        client = client_for(user)
        for url in ("edit", "plan", "stage", "blockers/new"):
            assert client.get(f"/projects/{started.pk}/{url}/").status_code == refused, (user, url)
            assert client.post(f"/projects/{started.pk}/{url}/", {"title": "越权"}).status_code == refused
        assert (
            client.post(f"/projects/blockers/{blocker.pk}/resolve/", {"resolution": "越权"}).status_code
            == refused
        )
    assert client_for(fagaiju_head).get("/projects/new/").status_code == 403
    blocker.refresh_from_db()
    started.refresh_from_db()
    assert blocker.is_open and started.item.title == "城区停车场建设"
