"""What a tester found trying the ledger as a new user, each reproduced as the user met it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from luoshi.conftest import client_for
from luoshi.items.services import ServiceError
from luoshi.projects import services
from luoshi.projects.models import Project, Stage
from luoshi.projects.services import ProjectInput

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


def _form(stage: Stage, unit, changes: dict) -> dict:
    return {
        "title": "县城污水处理厂提标改造",
        "year": "2023",
        "level": "county",
        "stage": stage.pk,
        "total_investment": "8000",
        "planned_investment": "3000",
        "lead_unit": unit.pk,
        "planned_start": "2023-05-01",
        "assign": "on",
    } | changes


# -- 2. the create and edit forms check what the stage form checks ---------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"planned_investment": "9000"}, "年度计划投资9000万元不能大于总投资8000万元"),
        ({"stage": "under_construction"}, "须填写实际开工日期"),
        ({"stage": "in_operation"}, "须填写实际开工日期"),
    ],
)
def test_the_create_form_refuses_what_the_stage_form_refuses(supervisor, zhashui, fagaiju, changes, message):
    services.stage_set_ensure(region=zhashui)
    stages = {s.key: s for s in Stage.objects.filter(region=zhashui)}
    if "stage" in changes:
        changes = changes | {"stage": stages[changes["stage"]].pk}
    response = client_for(supervisor).post("/projects/new/", _form(stages["preliminary"], fagaiju, changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Project.objects.filter(item__title="县城污水处理厂提标改造").exists()


def test_the_edit_form_refuses_a_plan_above_the_total_and_construction_without_a_start(
    ledger, supervisor, zhashui
):
    started, _idle = ledger
    client = client_for(supervisor)
    page = client.get(f"/projects/{started.pk}/edit/")
    data = {
        "title": started.item.title,
        "level": started.level,
        "stage": started.stage.pk,
        "total_investment": "1000",
        "planned_investment": "1200",
        "lead_unit": started.item.lead_unit_id,
        "planned_start": "2023-01-01",
        "actual_start": "2023-01-01",
        "version": page.context["form"].initial["version"],
    }
    response = client.post(f"/projects/{started.pk}/edit/", data)
    assert "不能大于总投资" in response.content.decode()
    response = client.post(
        f"/projects/{started.pk}/edit/", data | {"total_investment": "3600", "actual_start": ""}
    )
    assert "须填写实际开工日期" in response.content.decode()
    started.refresh_from_db()
    assert (started.total_investment, started.actual_start) == (3600, date(2023, 1, 1))


def test_an_import_row_is_refused_by_the_same_rules(supervisor, zhashui, fagaiju):
    stages = {s.key: s for s in services.stage_set_ensure(region=zhashui)}
    data = ProjectInput(
        title="县城污水处理厂提标改造",
        year=2023,
        stage=stages["new_start"],
        planned_investment=Decimal(3000),
        total_investment=Decimal(8000),
        lead_unit=fagaiju,
    )
    with pytest.raises(ServiceError, match=r"第3行：.*须填写实际开工日期"):
        services.projects_import(
            actor=supervisor, region=zhashui, creates=[(3, data)], updates=[], as_of=JULY
        )
    data.stage, data.total_investment = stages["preliminary"], Decimal(2000)
    with pytest.raises(ServiceError, match="第3行：年度计划投资3000万元不能大于总投资2000万元"):
        services.projects_import(
            actor=supervisor, region=zhashui, creates=[(3, data)], updates=[], as_of=JULY
        )


# -- 3. the site visit's photos are seen, through a permission-checked view ------------------


def test_the_photos_of_a_site_visit_show_on_the_project_and_the_action_pages(
    ledger, supervisor, fagaiju_head, zhenan_supervisor
):
    from luoshi.items.models import SupervisionAction
    from luoshi.items.tests.test_reports import photo

    started, _idle = ledger
    client = client_for(supervisor)
    client.post(
        f"/projects/{started.pk}/site/",
        {"findings": "现场仅两台机械施工", "unannounced": "on", "photos": [photo()]},
    )
    action = SupervisionAction.objects.get(items=started.item)
    shot = action.site_photos.get()
    page = client.get(f"/projects/{started.pk}/").content.decode()
    assert f"/projects/photos/{shot.pk}/thumb/" in page and "现场仅两台机械施工" in page
    assert f"/supervision/{action.pk}/" in page
    action_page = client.get(f"/supervision/{action.pk}/").content.decode()
    assert f"/projects/actions/{action.pk}/photos/" in action_page  # the section's loader
    section = client.get(f"/projects/actions/{action.pk}/photos/").content.decode()
    assert f"/projects/photos/{shot.pk}/" in section
    for url in (f"/projects/photos/{shot.pk}/", f"/projects/photos/{shot.pk}/thumb/"):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg", url
        assert response["X-Content-Type-Options"] == "nosniff"
    # The unit sees its project's photos; another county does not.
    assert client_for(fagaiju_head).get(f"/projects/photos/{shot.pk}/").status_code == 200
    assert client_for(zhenan_supervisor).get(f"/projects/photos/{shot.pk}/").status_code == 404
    assert client_for(zhenan_supervisor).get(f"/projects/actions/{action.pk}/photos/").status_code == 404


# -- 4. a replaced project can no longer be changed -------------------------------------------


def test_a_replaced_project_refuses_changes_and_its_phone_page_says_so(ledger, supervisor, zhashui):
    started, idle = ledger
    client = client_for(supervisor)
    client.post(f"/projects/{idle.pk}/replace/", {"successor": started.pk, "reason": "用地无法落实"})
    idle.refresh_from_db()
    assert idle.item.status == "replaced"
    building = Stage.objects.get(region=zhashui, key="under_construction")
    response = client.post(
        f"/projects/{idle.pk}/stage/", {"stage": building.pk, "actual_start": "2023-07-20"}
    )
    assert "项目已替换，不能再修改" in response.content.decode()
    idle.refresh_from_db()
    assert idle.stage.key == "preliminary" and idle.actual_start is None
    for call in (
        lambda: services.project_plan_set(
            actor=supervisor, project=idle, plan={12: Decimal(1200)}, as_of=JULY
        ),
        lambda: services.blocker_add(
            actor=supervisor,
            project=idle,
            kind="land",
            description="征地",
            owner_unit=idle.item.lead_unit,
            deadline=date(2023, 8, 31),
        ),
        lambda: services.site_visit_record(actor=supervisor, project=idle, findings="看过", as_of=JULY),
    ):
        with pytest.raises(ServiceError, match="项目已替换，不能再修改"):
            call()
    phone = client.get(f"/projects/{idle.pk}/site/").content.decode()
    assert "已替换" in phone and started.item.title in phone and 'name="findings"' not in phone
    assert client.post(f"/projects/{idle.pk}/site/", {"findings": "看过"}).status_code == 200
    detail = client.get(f"/projects/{idle.pk}/").content.decode()
    assert f"/projects/{idle.pk}/stage/" not in detail and f"/projects/{idle.pk}/edit/" not in detail


# -- 9. the site page explains itself ----------------------------------------------------------


def test_an_empty_site_report_says_what_is_missing(ledger, supervisor):
    started, _idle = ledger
    response = client_for(supervisor).post(f"/projects/{started.pk}/site/", {"findings": "   "})
    assert response.status_code == 200 and "请写明现场看到的情况" in response.content.decode()


def test_those_who_may_not_record_a_visit_are_told_who_may(ledger, fagaiju_head, city_supervisor):
    started, _idle = ledger
    for user in (fagaiju_head, city_supervisor):
        page = client_for(user).get(f"/projects/{started.pk}/site/").content.decode()
        assert 'name="findings"' not in page and "只有柞水县督查办可以记录现场察看" in page


# -- 5. a year whose reporting has not begun ---------------------------------------------------


def test_next_years_ledger_has_no_1_0_month_heading(ledger, supervisor):
    page = client_for(supervisor).get("/projects/?year=2024").content.decode()
    assert "1-0月" not in page and "尚未开始报送" in page


# -- 6. the history speaks the project's words -------------------------------------------------


def test_a_plan_change_is_recorded_in_the_projects_words(ledger, supervisor):
    started, _idle = ledger
    data = services.project_input_of(started)
    data.planned_investment, data.description = Decimal("1300.00"), "新建停车位500个"
    services.project_update(actor=supervisor, project=started, data=data, as_of=JULY)
    page = client_for(supervisor).get(f"/projects/{started.pk}/").content.decode()
    assert "年度计划投资（万元）：1200 → 1300" in page and "建设内容：（空） → 新建停车位500个" in page
    assert "目标值" not in page and "具体内容" not in page and "1200.0000" not in page


# -- 7. units see their own reserve, read only; the target is the county's ---------------------


def test_a_unit_sees_its_own_reserve_projects_and_not_the_county_target(
    ledger, supervisor, zhashui, fagaiju, fagaiju_head
):
    from luoshi.projects.models import ReserveTarget

    stages = {s.key: s for s in services.stage_set_ensure(region=zhashui)}
    ReserveTarget.objects.create(region=zhashui, year=2024, count=200)
    for title, unit in (("发改局储备项目", fagaiju), ("水利局储备项目", None)):
        services.project_create(
            actor=supervisor,
            region=zhashui,
            data=ProjectInput(
                title=title,
                year=2024,
                stage=stages["planning"],
                planned_investment=Decimal(100),
                total_investment=Decimal(300),
                lead_unit=unit or fagaiju.__class__.objects.get(region=zhashui, short_name="县水利局"),
            ),
            as_of=JULY,
        )
    office = client_for(supervisor).get("/projects/reserve/").content.decode()
    assert "目标 200 个" in office
    unit_page = client_for(fagaiju_head).get("/projects/reserve/")
    assert unit_page.context["pipeline"].total == 1
    text = unit_page.content.decode()
    assert "目标 200 个" not in text and "还差" not in text
    listed = client_for(fagaiju_head).get("/projects/?year=2024")
    assert [row.title for row in listed.context["page"].object_list] == ["发改局储备项目"]
    mine = Project.objects.get(item__title="发改局储备项目")
    assert client_for(fagaiju_head).get(f"/projects/{mine.pk}/").status_code == 200
    assert client_for(fagaiju_head).get(f"/projects/{mine.pk}/edit/").status_code == 403


# -- 8. a draft made on the form: assigned from its page, not counted until then ---------------


def test_a_draft_is_assigned_from_the_project_page_and_counts_only_then(ledger, supervisor, zhashui, fagaiju):
    client = client_for(supervisor)
    before = client.get("/projects/").context["summary"].value("total")
    stage = Stage.objects.get(region=zhashui, key="preliminary")
    data = _form(stage, fagaiju, {})
    del data["assign"]
    client.post("/projects/new/", data)
    draft = Project.objects.get(item__title="县城污水处理厂提标改造")
    assert draft.item.status == "draft"
    ledger_page = client.get("/projects/")
    assert ledger_page.context["summary"].value("total") == before
    page = client.get(f"/projects/{draft.pk}/").content.decode()
    assert f"/projects/{draft.pk}/assign/" in page and "交办" in page
    response = client.post(f"/projects/{draft.pk}/assign/")
    assert response.status_code == 302 and response["Location"] == f"/projects/{draft.pk}/"
    draft.item.refresh_from_db()
    assert draft.item.status == "assigned"
    assert client.get("/projects/").context["summary"].value("total") == before + 1


# -- 9. the smaller things ---------------------------------------------------------------------


def test_import_counts_read_as_a_sentence():
    assert services.ImportCounts(0, 0, 152).summary() == "152个项目没有变化"
    assert services.ImportCounts(2, 1, 152).summary() == "新增2个项目并交办，更新1个项目，152个项目没有变化"


def test_the_template_guide_names_the_stage_once(supervisor, zhashui):
    import io

    from openpyxl import load_workbook

    services.stage_set_ensure(region=zhashui)
    response = client_for(supervisor).get("/projects/template.xlsx")
    guide = load_workbook(io.BytesIO(response.content))["填写说明"]
    stage_rows = [row for row in guide.iter_rows(values_only=True) if row[0] == "阶段"]
    assert len(stage_rows) == 1 and "谋划、储备、前期" in stage_rows[0][1]


def test_the_filters_read_in_chinese_and_the_figures_keep_them(ledger, supervisor, fagaiju):
    client = client_for(supervisor)
    page = client.get(f"/projects/?unit={fagaiju.pk}")
    text = page.content.decode()
    assert "责任单位:" not in text and "状态:" not in text and "---------" not in text
    behind = next(f for f in page.context["summary"].figures if f.key == "not_started")
    assert f"unit={fagaiju.pk}" in behind.query
    assert client.get(f"/projects/?{behind.query}").context["count"] == behind.value == 1


def test_the_city_office_sees_each_projects_county(ledger, city_supervisor):
    page = client_for(city_supervisor).get("/projects/")
    text = page.content.decode()
    assert "<th>县区</th>" in text and 'data-testid="region">柞水县' in text
    assert "包抓县级领导" not in text


def test_the_plan_to_date_is_written_alike_on_the_ledger_and_the_project_page(ledger, supervisor):
    started, _idle = ledger
    data = services.project_input_of(started)
    data.planned_investment, data.total_investment = Decimal("2752.71"), Decimal(9000)
    services.project_update(actor=supervisor, project=started, data=data, as_of=JULY)
    client = client_for(supervisor)
    row = next(r for r in client.get("/projects/").context["page"].object_list if r.pk == started.pk)
    assert row.plan_to_date == "1376.36" and "序时计划1376.36万元" in row.verdict.reason
    assert "（序时计划 1376.36 万元）" in client.get(f"/projects/{started.pk}/").content.decode()
