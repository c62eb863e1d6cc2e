"""Commitments through their services and pages: livelihood projects' figures as of a day, the
deputies' survey (the people's congress office's, at the year's end, once), the city's demands and
the letters of commitment, and who may do what."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from luoshi.commitments import services
from luoshi.commitments.selectors import commitments_stats, livelihood_stats
from luoshi.conftest import client_for, demo_user
from luoshi.items.models import Item, Source, Status
from luoshi.items.services import NotAllowed, ReportInput, ServiceError, report_submit
from luoshi.org.models import Region, Unit

pytestmark = pytest.mark.django_db
FEB, JULY, DEC = date(2023, 2, 15), date(2023, 7, 25), date(2023, 12, 20)


def _unit(region: Region, name: str) -> Unit:
    return Unit.objects.get(region=region, short_name=name)


@pytest.fixture
def school(zhashui, supervisor):
    return services.livelihood_create(
        actor=supervisor,
        region=zhashui,
        data=services.CommitmentInput(
            title="城区学校学位扩容",
            year=2023,
            lead_unit=_unit(zhashui, "县发改局"),
            deadline=date(2023, 12, 31),
        ),
        planned_investment=Decimal(1500),
        as_of=FEB,
    )


def _report(livelihood, actor, month: int, value: int, day: date) -> None:
    Item.objects.filter(pk=livelihood.pk).update(status=Status.ACCEPTED, accepted_on=FEB)
    report_submit(
        actor=actor,
        item=Item.objects.get(pk=livelihood.pk),
        data=ReportInput(
            period_start=date(2023, month, 1), done=f"累计完成投资{value}万元", value=Decimal(value)
        ),
        as_of=day,
    )


def test_a_livelihood_project_is_a_commitment_reported_in_wan(school):
    item = school.item
    assert (item.kind, item.source, item.measure, item.value_unit) == (
        "commitment",
        Source.LIVELIHOOD,
        "value",
        "万元",
    )
    assert item.target_value == Decimal(1500)


def test_the_figures_of_a_day_are_those_reported_and_recorded_by_then(
    school, supervisor, fagaiju_reporter, settings
):
    settings.LUOSHI_TODAY = date(2023, 5, 22)
    _report(school, fagaiju_reporter, 5, 300, date(2023, 5, 22))
    services.livelihood_progress(
        actor=supervisor,
        livelihood=school,
        started_on=date(2023, 4, 1),
        completed_on=None,
        as_of=date(2023, 5, 22),
    )
    before = livelihood_stats(user=supervisor, as_of=date(2023, 3, 31))
    assert (before["total"], before["started"], before["invested_wan"]) == (1, 0, 0)
    assert before["not_started"] == ["城区学校学位扩容"]
    after = livelihood_stats(user=supervisor, as_of=JULY)
    assert (after["started"], after["completed"], after["invested_wan"]) == (1, 0, 300)
    assert after["not_started"] == [] and after["satisfaction_percent"] is None


def test_completion_needs_a_start_and_no_day_after_today(school, supervisor):
    with pytest.raises(ServiceError, match="先登记开工"):
        services.livelihood_progress(
            actor=supervisor, livelihood=school, started_on=None, completed_on=JULY, as_of=JULY
        )
    with pytest.raises(ServiceError, match="晚于今天"):
        services.livelihood_progress(
            actor=supervisor, livelihood=school, started_on=date(2023, 8, 1), completed_on=None, as_of=JULY
        )
    with pytest.raises(ServiceError, match="开工"):
        services.livelihood_progress(
            actor=supervisor, livelihood=school, started_on=JULY, completed_on=date(2023, 7, 1), as_of=JULY
        )


def test_the_survey_is_the_congress_offices_at_the_years_end_and_once(school, viewer, fagaiju_head):
    data = services.SurveyInput(
        surveyed_on=date(2023, 12, 15),
        deputies=60,
        respondents=50,
        satisfied=40,
        basically_satisfied=8,
        dissatisfied=2,
    )
    with pytest.raises(ServiceError, match="12月起"):
        services.survey_record(actor=viewer, livelihood=school, data=data, as_of=JULY)
    with pytest.raises(NotAllowed, match="县人大办"):
        services.survey_record(actor=fagaiju_head, livelihood=school, data=data, as_of=DEC)
    survey = services.survey_record(actor=viewer, livelihood=school, data=data, as_of=DEC)  # 县人大办
    assert (survey.respondents, survey.rating) == (50, Decimal("96.0"))
    with pytest.raises(ServiceError, match="已经录入"):
        services.survey_record(actor=viewer, livelihood=school, data=data, as_of=DEC)
    assert livelihood_stats(user=viewer, as_of=DEC)["satisfaction_percent"] == 96.0
    assert livelihood_stats(user=viewer, as_of=date(2023, 12, 10))["satisfaction_percent"] is None


def test_the_survey_form_posts_for_the_congress_office(school, viewer, fagaiju_head, settings):
    settings.LUOSHI_TODAY = DEC
    url = f"/commitments/livelihood/{school.pk}/survey/"
    form = {
        "surveyed_on": "2023-12-15",
        "deputies": 30,
        "respondents": 30,
        "satisfied": 30,
        "basically_satisfied": 0,
        "dissatisfied": 0,
    }
    assert client_for(fagaiju_head).post(url, form).status_code == 403
    client_for(viewer).post(url, form)
    page = client_for(viewer).get(f"/commitments/livelihood/{school.pk}/").content.decode()
    assert "满意率100.0%" in page


def test_an_existing_livelihood_item_is_given_its_detail_once(zhashui, supervisor):
    task = Item.objects.create(region=zhashui, code="DB-1", year=2023, title="普通事项")
    with pytest.raises(ServiceError, match="来源为民生实事"):
        services.livelihood_attach(actor=supervisor, item=task, planned_investment=Decimal(1))
    item = Item.objects.create(
        region=zhashui, code="DB-2", year=2023, title="河道治理", kind="commitment", source=Source.LIVELIHOOD
    )
    services.livelihood_attach(actor=supervisor, item=item, planned_investment=Decimal(2600))
    with pytest.raises(ServiceError, match="已登记"):
        services.livelihood_attach(actor=supervisor, item=item, planned_investment=Decimal(2600))


def test_a_city_pledge_and_a_letter_show_on_the_ledger(zhashui, supervisor, fagaiju_reporter, demo_mode):
    fagaiju = _unit(zhashui, "县发改局")
    services.pledge_create(
        actor=supervisor,
        region=zhashui,
        data=services.CommitmentInput(
            title="明年重点项目储备", year=2023, lead_unit=fagaiju, deadline=date(2023, 8, 31)
        ),
        demand="储备成熟项目不少于200个",
        standard="入库储备项目清单",
        as_of=FEB,
    )
    services.letter_record(
        actor=supervisor, unit=fagaiju, year=2023, signed_on=date(2023, 2, 28), signer="张三"
    )
    with pytest.raises(ServiceError, match="已经登记"):
        services.letter_record(
            actor=supervisor, unit=fagaiju, year=2023, signed_on=date(2023, 2, 28), signer="张三"
        )
    stats = commitments_stats(user=supervisor, as_of=JULY)
    assert stats["by_source"][Source.CITY_PLEDGE] == {"total": 1, "done": 0, "overdue": 0}
    assert stats["letters"] == {"units": 1, "commitments": 0}
    page = client_for(fagaiju_reporter).get("/commitments/").content.decode()
    assert "储备成熟项目不少于200个" in page and "张三" in page


def test_another_county_sees_none_of_it(school, zhenan_supervisor, zhashui, supervisor, demo_mode):
    services.letter_record(
        actor=supervisor,
        unit=_unit(zhashui, "县发改局"),
        year=2023,
        signed_on=date(2023, 2, 28),
        signer="张三",
    )
    client = client_for(zhenan_supervisor)
    assert client.get(f"/commitments/livelihood/{school.pk}/").status_code == 404
    page = client.get("/commitments/").content.decode()
    assert "城区学校学位扩容" not in page and "张三" not in page


def test_the_ledger_takes_over_the_commitment_kind():
    from luoshi.core import registry

    entry = registry.ledger("commitment")
    assert entry is not None and entry.app_label == "commitments" and entry.url_name == "commitments:ledger"
    assert "commitment" in dict(registry.plain_kind_choices())  # items made anywhere stay commitments


@pytest.fixture
def demo(demo_db, db, demo_mode):
    """The demo county (loaded once for the module), on its day."""


def test_the_demo_gives_the_days_livelihood_figures(demo, capsys):
    call_command("stats", "--as-of", "2023-07-25", "--region", "柞水县", "--json")
    payload = json.loads(capsys.readouterr().out)
    section = payload["livelihood"]
    assert {key: section[key] for key in ("total", "started", "completed", "invested_wan")} == {
        "total": 10,
        "started": 8,
        "completed": 3,
        "invested_wan": 3220,
    }
    assert set(section["not_started"]) == {"红岩寺谷子沟红色教育基地建设", "乾佑河城区段河道综合治理一期"}
    assert payload["commitments"]["by_source"][Source.LIVELIHOOD]["total"] == 10
    # every project, the two the speech's items brought included, reports its investment in 万元
    projects = Item.objects.filter(region__name="柞水县", livelihood__isnull=False)
    assert set(projects.values_list("measure", "value_unit")) == {("value", "万元")}
    page = client_for(demo_user("duchaban")).get("/commitments/")
    assert page.context["figures"] == livelihood_stats(user=demo_user("duchaban"), as_of=JULY)


def test_the_items_page_links_to_its_record(school, supervisor, demo_mode):
    page = client_for(supervisor).get(f"/items/{school.pk}/").content.decode()
    assert f'href="/commitments/livelihood/{school.pk}/"' in page and "计划投资1500万元" in page
