"""The commitments the office keeps on its own pages (not the admin): a livelihood project, a city
pledge (军令状) and a unit's letter of commitment (承诺书) created and edited, each edit checked
against the version it was opened on; the deputies' survey recorded from its page, its counts
bounded; a livelihood project always reported in 万元; another county's record a 404 in the log."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from luoshi.audit.models import Action as AuditAction
from luoshi.audit.models import AuditEvent
from luoshi.commitments import services
from luoshi.commitments.models import CityPledge, CommitmentLetter, Livelihood, Survey
from luoshi.commitments.selectors import livelihood_stats
from luoshi.conftest import client_for
from luoshi.items.models import EventKind, Item, Measure, Source, Status
from luoshi.items.services import ReportInput, ServiceError, report_submit
from luoshi.org.models import Leader, Region, Unit

pytestmark = pytest.mark.django_db
FEB, JULY, DEC = date(2023, 2, 15), date(2023, 7, 25), date(2023, 12, 20)


def _unit(region: Region, name: str) -> Unit:
    return Unit.objects.get(region=region, short_name=name)


def _leader(region: Region, name: str) -> Leader:
    return Leader.objects.get(region=region, person__name=name)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _livelihood_form(region: Region, **changes: object) -> dict[str, object]:
    return {
        "title": "城区学校学位扩容",
        "year": 2023,
        "description": "新增学位600个",
        "lead_unit": _unit(region, "县发改局").pk,
        "patron_leader": _leader(region, "冯锐").pk,
        "planned_investment": "1500",
        "planned_start": "2023-03-20",
        "deadline": "2023-12-31",
        "voted": "on",
    } | changes


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


# ---------------------------------------------------------------------------------------------
# 民生实事


def test_the_office_records_a_livelihood_project_on_its_page(zhashui, supervisor, fagaiju_head, demo_mode):
    client = client_for(supervisor)
    assert 'href="/commitments/livelihood/new/"' in _page(client, "/commitments/")
    assert client_for(fagaiju_head).get("/commitments/livelihood/new/").status_code == 403
    form = _page(client, "/commitments/livelihood/new/")
    assert "计划投资（万元）" in form and "经人大代表票决" in form and "计划建成" in form
    response = client.post("/commitments/livelihood/new/", _livelihood_form(zhashui))
    livelihood = Livelihood.objects.get(item__title="城区学校学位扩容")
    assert response.status_code == 302 and response["Location"] == f"/commitments/livelihood/{livelihood.pk}/"
    item = livelihood.item
    assert (item.kind, item.source, item.status) == ("commitment", Source.LIVELIHOOD, Status.ASSIGNED)
    assert (item.measure, item.value_unit, item.target_value) == (Measure.VALUE, "万元", Decimal(1500))
    assert (item.planned_start, item.deadline) == (date(2023, 3, 20), date(2023, 12, 31))
    assert item.patron_leader.name == "冯锐" and item.lead_unit.short_name == "县发改局"
    assert (livelihood.planned_investment, livelihood.voted) == (Decimal(1500), True)
    assert livelihood_stats(user=supervisor, as_of=JULY)["total"] == 1


def test_a_livelihood_project_is_edited_at_the_version_it_was_opened_on(
    zhashui, school, supervisor, demo_mode
):
    client = client_for(supervisor)
    url = f"/commitments/livelihood/{school.pk}/edit/"
    assert f'href="{url}"' in _page(client, f"/commitments/livelihood/{school.pk}/")
    opened = _page(client, url)
    version = Item.objects.get(pk=school.pk).version
    assert f'name="version" value="{version}"' in opened
    form = _livelihood_form(zhashui, planned_investment="1800", voted="", version=version)
    response = client.post(url, form)
    assert response.status_code == 302
    school.refresh_from_db()
    item = Item.objects.get(pk=school.pk)
    assert (school.planned_investment, school.voted) == (Decimal(1800), False)
    assert (item.target_value, item.measure, item.value_unit) == (Decimal(1800), Measure.VALUE, "万元")
    assert item.planned_start == date(2023, 3, 20)
    notes = " ".join(item.events.filter(kind=EventKind.UPDATED).values_list("note", flat=True))
    assert "计划投资" in notes and "1800" in notes and "票决" in notes
    stale = client.post(url, form | {"planned_investment": "900"})  # opened before the save
    assert stale.status_code == 409 and "已被" in stale.content.decode()
    school.refresh_from_db()
    assert school.planned_investment == Decimal(1800)
    # a post without the version it was read at is not a way round the check
    unversioned = {k: v for k, v in form.items() if k != "version"} | {"planned_investment": "700"}
    assert client.post(url, unversioned).status_code == 200
    school.refresh_from_db()
    assert school.planned_investment == Decimal(1800)


def test_a_livelihood_project_is_refused_a_completion_before_its_start(zhashui, supervisor, demo_mode):
    response = client_for(supervisor).post(
        "/commitments/livelihood/new/",
        _livelihood_form(zhashui, planned_start="2023-12-01", deadline="2023-06-30"),
    )
    assert response.status_code == 200 and "计划建成不能早于计划开工" in response.content.decode()
    assert not Livelihood.objects.exists()


def test_an_attached_item_is_reported_in_wan_from_then_on(zhashui, supervisor, fagaiju_reporter, settings):
    """An item of source 民生实事 made before the ledger measured %: registered, it is measured by
    its cumulative investment, and the next report's 万元 is the project's invested amount."""
    item = Item.objects.create(
        region=zhashui,
        code="DB-2023-0900",
        year=2023,
        title="乾佑河城区段河道综合治理一期",
        kind="commitment",
        source=Source.LIVELIHOOD,
        lead_unit=_unit(zhashui, "县发改局"),
        deadline=date(2023, 12, 31),
        status=Status.ACCEPTED,
        accepted_on=FEB,
    )
    livelihood = services.livelihood_attach(actor=supervisor, item=item, planned_investment=Decimal(2600))
    item.refresh_from_db()
    assert (item.measure, item.value_unit, item.target_value) == (Measure.VALUE, "万元", Decimal(2600))
    assert "累计完成投资（万元）" in item.events.first().note
    settings.LUOSHI_TODAY = JULY
    report_submit(
        actor=fagaiju_reporter,
        item=item,
        data=ReportInput(period_start=date(2023, 7, 1), done="累计完成投资450万元", value=Decimal(450)),
        as_of=JULY,
    )
    services.livelihood_progress(
        actor=supervisor, livelihood=livelihood, started_on=date(2023, 7, 3), completed_on=None, as_of=JULY
    )
    stats = livelihood_stats(user=supervisor, as_of=JULY)
    assert (stats["started"], stats["invested_wan"]) == (1, 450)


def test_an_item_reporting_another_unit_is_not_attached(zhashui, supervisor, fagaiju_reporter, settings):
    item = Item.objects.create(
        region=zhashui,
        code="DB-2023-0901",
        year=2023,
        title="农村公路",
        kind="commitment",
        source=Source.LIVELIHOOD,
        lead_unit=_unit(zhashui, "县发改局"),
        deadline=date(2023, 12, 31),
        status=Status.ACCEPTED,
        accepted_on=FEB,
        measure=Measure.VALUE,
        target_value=Decimal(30),
        value_unit="公里",
    )
    settings.LUOSHI_TODAY = JULY
    report_submit(
        actor=fagaiju_reporter,
        item=item,
        data=ReportInput(period_start=date(2023, 7, 1), done="完成12公里", value=Decimal(12)),
        as_of=JULY,
    )
    with pytest.raises(ServiceError, match="公里"):
        services.livelihood_attach(actor=supervisor, item=item, planned_investment=Decimal(700))


# ---------------------------------------------------------------------------------------------
# 军令状 and 承诺书


def test_the_office_records_and_edits_a_city_pledge(zhashui, supervisor, fagaiju_head, demo_mode):
    client = client_for(supervisor)
    assert 'href="/commitments/pledges/new/"' in _page(client, "/commitments/")
    assert client_for(fagaiju_head).get("/commitments/pledges/new/").status_code == 403
    form = {
        "title": "明年重点项目储备",
        "year": 2023,
        "demand": "储备成熟项目不少于200个",
        "standard": "入库储备项目清单",
        "deadline": "2023-08-31",
        "lead_unit": _unit(zhashui, "县发改局").pk,
        "patron_leader": _leader(zhashui, "冯锐").pk,
    }
    assert client.post("/commitments/pledges/new/", form).status_code == 302
    pledge = CityPledge.objects.get(item__title="明年重点项目储备")
    item = pledge.item
    assert (item.kind, item.source, item.status) == ("commitment", Source.CITY_PLEDGE, Status.ASSIGNED)
    assert (pledge.demand, pledge.standard, pledge.time_limit) == (
        "储备成熟项目不少于200个",
        "入库储备项目清单",
        date(2023, 8, 31),
    )
    assert item.patron_leader.name == "冯锐" and item.deadline == date(2023, 8, 31)
    url = f"/commitments/pledges/{pledge.pk}/edit/"
    assert f'href="{url}"' in _page(client, "/commitments/")
    _page(client, url)
    edit = form | {"standard": "以发改部门入库清单为准", "deadline": "2023-09-30", "version": item.version}
    assert client.post(url, edit).status_code == 302
    pledge.refresh_from_db()
    assert (pledge.standard, pledge.time_limit, pledge.item.deadline) == (
        "以发改部门入库清单为准",
        date(2023, 9, 30),
        date(2023, 9, 30),
    )
    assert "完成标准" in pledge.item.events.filter(kind=EventKind.UPDATED).first().note
    stale = client.post(url, edit | {"demand": "储备项目不少于100个"})
    assert stale.status_code == 409
    assert CityPledge.objects.get(pk=pledge.pk).demand == "储备成熟项目不少于200个"


def test_the_office_records_and_edits_a_letter_of_commitment(zhashui, supervisor, fagaiju_head, demo_mode):
    client = client_for(supervisor)
    assert 'href="/commitments/letters/new/"' in _page(client, "/commitments/")
    assert client_for(fagaiju_head).get("/commitments/letters/new/").status_code == 403
    fagaiju = _unit(zhashui, "县发改局")
    form = {
        "unit": fagaiju.pk,
        "year": 2023,
        "signed_on": "2023-02-28",
        "signer": "张三",
        "summary": "全年争取中省预算内投资1.2亿元",
    }
    assert client.post("/commitments/letters/new/", form).status_code == 302
    letter = CommitmentLetter.objects.get(unit=fagaiju, year=2023)
    assert (letter.signer, letter.summary, letter.version) == ("张三", "全年争取中省预算内投资1.2亿元", 1)
    again = client.post("/commitments/letters/new/", form)
    assert again.status_code == 200 and "已经登记" in again.content.decode()
    url = f"/commitments/letters/{letter.pk}/edit/"
    assert f'href="{url}"' in _page(client, "/commitments/")
    assert 'name="version" value="1"' in _page(client, url)
    assert client.post(url, form | {"signer": "李四", "version": 1}).status_code == 302
    letter.refresh_from_db()
    assert (letter.signer, letter.version) == ("李四", 2)
    stale = client.post(url, form | {"signer": "王五", "version": 1})
    assert stale.status_code == 409 and "已被" in stale.content.decode()
    assert CommitmentLetter.objects.get(pk=letter.pk).signer == "李四"
    assert client.post(url, form | {"signer": "赵六"}).status_code == 200  # no version: not saved
    assert CommitmentLetter.objects.get(pk=letter.pk).signer == "李四"
    with pytest.raises(ServiceError, match="晚于今天"):
        services.letter_record(
            actor=supervisor,
            unit=_unit(zhashui, "县财政局"),
            year=2023,
            signed_on=DEC,
            signer="甲",
            as_of=JULY,
        )


# ---------------------------------------------------------------------------------------------
# The deputies' survey


def _survey(**counts: int) -> services.SurveyInput:
    values = {
        "deputies": 120,
        "respondents": 100,
        "satisfied": 80,
        "basically_satisfied": 15,
        "dissatisfied": 3,
    }
    return services.SurveyInput(surveyed_on=date(2023, 12, 15), **(values | counts))


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"satisfied": -1}, "不能为负数"),
        ({"respondents": 130}, "参加测评的代表（130人）不能多于代表总数（120人）"),
        ({"satisfied": 90}, "票数合计108票，多于参加测评的代表（100人）"),
        ({"deputies": 0}, "请填写代表总数"),
        ({"satisfied": 0, "basically_satisfied": 0, "dissatisfied": 0}, "请填写测评票数"),
    ],
)
def test_the_surveys_counts_are_bounded(school, viewer, counts, message):
    with pytest.raises(ServiceError, match=message):
        services.survey_record(actor=viewer, livelihood=school, data=_survey(**counts), as_of=DEC)
    assert not Survey.objects.exists()


def test_a_survey_with_abstentions_rates_the_votes_cast(school, viewer):
    survey = services.survey_record(actor=viewer, livelihood=school, data=_survey(), as_of=DEC)
    assert (survey.deputies, survey.respondents, survey.votes, survey.rating) == (
        120,
        100,
        98,
        Decimal("96.9"),
    )


def test_the_congress_office_records_the_survey_on_its_page(
    school, viewer, fagaiju_head, settings, demo_mode
):
    settings.LUOSHI_TODAY = DEC
    url = f"/commitments/livelihood/{school.pk}/survey/"
    client = client_for(viewer)  # 县人大办
    assert f'href="{url}"' in _page(client, "/commitments/")
    assert f'href="{url}"' in _page(client, f"/commitments/livelihood/{school.pk}/")
    page = _page(client, url)
    assert "代表总数" in page and "参加测评" in page
    assert client_for(fagaiju_head).get(url).status_code == 403
    form = {
        "surveyed_on": "2023-12-15",
        "deputies": 120,
        "respondents": 100,
        "satisfied": 90,
        "basically_satisfied": 15,
        "dissatisfied": 3,
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and "多于参加测评的代表" in refused.content.decode()
    assert client.post(url, form | {"satisfied": 80}).status_code == 302
    assert Survey.objects.get().votes == 98
    assert "满意率96.9%" in _page(client, f"/commitments/livelihood/{school.pk}/")


def test_before_december_the_survey_page_says_when(school, viewer, demo_mode):
    page = _page(client_for(viewer), f"/commitments/livelihood/{school.pk}/survey/")
    assert "12月起" in page and 'name="satisfied"' not in page


# ---------------------------------------------------------------------------------------------
# Another county


def test_another_countys_records_are_404_and_logged(
    school, zhashui, supervisor, zhenan_supervisor, demo_mode
):
    pledge = services.pledge_create(
        actor=supervisor,
        region=zhashui,
        data=services.CommitmentInput(
            title="明年重点项目储备",
            year=2023,
            lead_unit=_unit(zhashui, "县发改局"),
            deadline=date(2023, 8, 31),
        ),
        demand="储备成熟项目不少于200个",
        standard="入库储备项目清单",
        as_of=FEB,
    )
    letter = services.letter_record(
        actor=supervisor,
        unit=_unit(zhashui, "县发改局"),
        year=2023,
        signed_on=date(2023, 2, 28),
        signer="张三",
    )
    client = client_for(zhenan_supervisor)
    for url, label, pk in [
        (f"/commitments/livelihood/{school.pk}/", "commitments.Livelihood", school.pk),
        (f"/commitments/livelihood/{school.pk}/edit/", "commitments.Livelihood", school.pk),
        (f"/commitments/livelihood/{school.pk}/survey/", "commitments.Livelihood", school.pk),
        (f"/commitments/pledges/{pledge.pk}/edit/", "commitments.CityPledge", pledge.pk),
        (f"/commitments/letters/{letter.pk}/edit/", "commitments.CommitmentLetter", letter.pk),
    ]:
        assert client.get(url).status_code == 404, url
        refusal = AuditEvent.objects.filter(action=AuditAction.REFUSED).order_by("id").last()
        assert (refusal.object_type, refusal.object_id, refusal.path) == (label, str(pk), url)
        assert "越权访问被拒绝" in refusal.summary and "城区学校" not in refusal.summary
    before = AuditEvent.objects.filter(action=AuditAction.REFUSED).count()
    assert client.get("/commitments/livelihood/999999/").status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == before
