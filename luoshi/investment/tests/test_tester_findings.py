"""The tester's findings on leads: dates within reason, bad query strings, contacts masked in the
audit log, a follower of the following unit and a task force of the lead's chain, the stats as of a
day from the stage history, the base data's admin scoped by region."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from luoshi.audit.models import AuditEvent
from luoshi.conftest import client_for, demo_user
from luoshi.investment import services
from luoshi.investment.forms import LeadForm
from luoshi.investment.models import IndustryChain, Lead, TaskForce
from luoshi.investment.services import LeadInput
from luoshi.investment.stages import LABELS, Stage
from luoshi.items.services import ServiceError
from luoshi.org.models import Person, Unit

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


@pytest.fixture
def chain(zhashui):
    return IndustryChain.objects.create(region=zhashui, name="测试用产业链")


@pytest.fixture
def lead(supervisor, zhashui, chain, fagaiju):
    return services.lead_create(
        actor=supervisor,
        region=zhashui,
        data=LeadInput(company="测试菌业有限公司", chain=chain, contacted_on=date(2023, 3, 1), unit=fagaiju),
        as_of=JULY,
    )


# -- M1: a stage's date ----------------------------------------------------------------------


def test_a_stage_move_is_refused_in_the_future(lead, fagaiju_reporter):
    with pytest.raises(ServiceError, match="晚于今天"):
        services.lead_move(
            actor=fagaiju_reporter,
            lead=lead,
            target=Stage.NEGOTIATING,
            on=JULY + timedelta(days=1),
            as_of=JULY,
        )


def test_a_stage_move_is_refused_before_the_latest_stage_date(lead, fagaiju_reporter):
    services.lead_move(
        actor=fagaiju_reporter, lead=lead, target=Stage.NEGOTIATING, on=date(2023, 5, 1), as_of=JULY
    )
    with pytest.raises(ServiceError, match="不能早于"):
        services.lead_move(
            actor=fagaiju_reporter,
            lead=lead,
            target=Stage.LOST,
            on=date(2023, 4, 1),
            reason="转投外省",
            as_of=JULY,
        )
    assert Lead.objects.get(pk=lead.pk).stage == Stage.NEGOTIATING


# -- M2: the first contact's date ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "message"), [(JULY + timedelta(days=1), "晚于今天"), (date(1999, 12, 31), "2000年")]
)
def test_a_first_contact_in_the_future_or_long_ago_is_refused(supervisor, zhashui, chain, day, message):
    with pytest.raises(ServiceError, match=message):
        services.lead_create(
            actor=supervisor,
            region=zhashui,
            data=LeadInput(company="某公司", chain=chain, contacted_on=day),
            as_of=JULY,
        )
    assert not Lead.objects.exists()


def test_the_list_counts_only_leads_contacted_by_the_day(demo_db, db, demo_mode, settings):
    region_leads = Lead.objects.filter(region__name="柞水县")
    first = region_leads.order_by("contacted_on").first()
    assert first is not None
    day = first.contacted_on
    settings.LUOSHI_TODAY = day
    page = client_for(demo_user("duchaban")).get("/investment/")
    out = io.StringIO()
    call_command("stats", "--as-of", day.isoformat(), "--region", "柞水县", "--json", stdout=out)
    assert len(page.context["rows"]) == json.loads(out.getvalue())["investment"]["leads"]
    assert (
        len(page.context["rows"]) == region_leads.filter(contacted_on__lte=day).count() < region_leads.count()
    )


# -- M3: query strings that answered 500 -----------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "funnel/?year=0",
        "funnel/?year=-1",
        "funnel/?year=99999",
        "funnel/?year=10000000000000000000000",
        "?chain=99999999999999999999999",
    ],
)
def test_bad_query_strings_fall_back(demo_db, db, demo_mode, query):
    page = client_for(demo_user("duchaban")).get(f"/investment/{query}")
    assert page.status_code == 200
    if "year" in query:
        assert page.context["year"] == JULY.year


# -- M4: contacts in the audit log -----------------------------------------------------------


def test_the_audit_log_masks_the_contact_phone(supervisor, zhashui, chain):
    services.lead_create(
        actor=supervisor,
        region=zhashui,
        data=LeadInput(company="保密公司", chain=chain, contacted_on=JULY, contact_phone="13912345678"),
        as_of=JULY,
    )
    events = AuditEvent.objects.filter(object_text__contains="保密公司")
    assert events.exists()
    for event in AuditEvent.objects.all():
        text = json.dumps([event.summary, event.changes], ensure_ascii=False)
        assert "13912345678" not in text
    assert "139****5678" in json.dumps([e.changes for e in events], ensure_ascii=False)


# -- M8: unit and follower, chain and task force ---------------------------------------------


def test_a_follower_of_another_unit_is_refused(supervisor, zhashui, chain, fagaiju):
    stranger = Person.objects.filter(unit__region=zhashui, is_active=True).exclude(unit=fagaiju).first()
    with pytest.raises(ServiceError, match="跟进人"):
        services.lead_create(
            actor=supervisor,
            region=zhashui,
            data=LeadInput(company="某公司", chain=chain, contacted_on=JULY, unit=fagaiju, follower=stranger),
            as_of=JULY,
        )


def test_a_task_force_of_another_chain_is_refused(supervisor, zhashui, chain):
    other = IndustryChain.objects.create(region=zhashui, name="测试用旅游链")
    force = TaskForce.objects.create(region=zhashui, name="测试用旅游专班", chain=other)
    with pytest.raises(ServiceError, match="专班"):
        services.lead_create(
            actor=supervisor,
            region=zhashui,
            data=LeadInput(company="某公司", chain=chain, contacted_on=JULY, task_force=force),
            as_of=JULY,
        )


def test_the_form_lists_followers_with_their_units_and_no_auditor_observer_or_admin(demo_org, zhashui):
    form = LeadForm(region=zhashui)
    field = form.fields["follower"]
    people = list(field.queryset)
    assert people
    roles = {m.role for p in people for u in [getattr(p, "user", None)] if u for m in u.memberships.all()}
    assert not roles & {"auditor", "viewer", "admin"}
    first = people[0]
    assert first.unit.short_name in field.label_from_instance(first)


# -- M9: the stats as of a day ---------------------------------------------------------------


def test_the_stats_count_stages_as_they_were_on_the_day(lead, fagaiju_reporter, supervisor):
    services.lead_move(
        actor=fagaiju_reporter, lead=lead, target=Stage.SIGNED, on=date(2023, 6, 1), as_of=JULY
    )
    from luoshi.investment.selectors import investment_stats

    before = investment_stats(user=supervisor, as_of=date(2023, 5, 31))
    after = investment_stats(user=supervisor, as_of=date(2023, 6, 1))
    assert before["by_chain"]["测试用产业链"] == {"contact": 1}
    assert after["by_chain"]["测试用产业链"] == {"signed": 1}


# -- L1: a lost lead --------------------------------------------------------------------------


def test_a_lost_lead_shows_no_dead_end_buttons_and_no_doubled_word(lead, supervisor):
    services.lead_move(actor=supervisor, lead=lead, target=Stage.LOST, on=JULY, reason="转投外省", as_of=JULY)
    with pytest.raises(ServiceError) as refused:
        services.follow_up_record(
            actor=supervisor,
            lead=Lead.objects.get(pk=lead.pk),
            data=services.FollowUpInput(on=JULY, kind="call", summary="电话"),
            as_of=JULY,
        )
    assert "已已" not in refused.value.message
    page = client_for(supervisor).get(f"/investment/{lead.pk}/")
    assert "记录跟进" not in page.content.decode() and "改变阶段" not in page.content.decode()
    assert LABELS[Stage.LOST]


# -- H1: the base data's admin ----------------------------------------------------------------


def test_the_admin_shows_a_county_admin_only_his_county(county_admin, zhashui, zhenan, chain):
    IndustryChain.objects.create(region=zhenan, name="镇安的产业链")
    client = client_for(county_admin)
    page = client.get("/admin/investment/industrychain/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "测试用产业链" in text and "镇安的产业链" not in text
    assert client.get("/admin/investment/taskforce/add/").status_code == 200
    assert client.get("/admin/investment/listentry/").status_code == 200
    assert Unit.objects.filter(region=zhashui).exists()


# -- H1: the office's pages for the base data --------------------------------------------------


def test_the_office_keeps_its_chains_task_forces_and_lists(supervisor, zhashui, fagaiju, fagaiju_head):
    client = client_for(supervisor)
    assert client.get("/investment/setup/chains/").status_code == 200
    response = client.post("/investment/setup/chains/new/", {"name": "页面新增的产业链", "sort_order": "5"})
    assert response.status_code == 302
    chain = IndustryChain.objects.get(name="页面新增的产业链")
    assert chain.region == zhashui
    response = client.post(
        f"/investment/setup/chains/{chain.pk}/", {"name": "页面改名的产业链", "sort_order": "5"}
    )
    assert response.status_code == 302
    chain.refresh_from_db()
    assert chain.name == "页面改名的产业链"
    response = client.post(
        "/investment/setup/task-forces/new/",
        {"name": "页面新增的专班", "chain": chain.pk, "unit": fagaiju.pk},
    )
    assert response.status_code == 302 and TaskForce.objects.get(name="页面新增的专班").chain == chain
    response = client.post(
        "/investment/setup/lists/new/",
        {"kind": "activity", "title": "页面新增的招商活动", "held_on": "2023-07-01"},
    )
    assert response.status_code == 302
    page = client.get("/investment/setup/lists/")
    assert "页面新增的招商活动" in page.content.decode()
    assert AuditEvent.objects.filter(object_text="页面改名的产业链").exists()
    # Units may not; an unknown kind is not a page.
    assert client_for(fagaiju_head).get("/investment/setup/chains/").status_code == 403
    assert client_for(fagaiju_head).post("/investment/setup/chains/new/", {"name": "越权"}).status_code == 403
    assert client.get("/investment/setup/nothing/").status_code == 404


def test_another_countys_office_may_not_edit_or_use_the_countys_rows(zhashui_chain_and_zhenan):
    chain, zhenan_office = zhashui_chain_and_zhenan
    client = client_for(zhenan_office)
    assert client.get(f"/investment/setup/chains/{chain.pk}/").status_code == 404
    response = client.post("/investment/setup/task-forces/new/", {"name": "越权专班", "chain": chain.pk})
    assert response.status_code == 200 and not TaskForce.objects.filter(name="越权专班").exists()


@pytest.fixture
def zhashui_chain_and_zhenan(zhashui, zhenan_supervisor):
    return IndustryChain.objects.create(region=zhashui, name="柞水的测试链"), zhenan_supervisor


# -- L2: a landing item is not left open ---------------------------------------------------------


def test_the_landing_item_is_withdrawn_with_a_note_when_the_office_records_the_landing(lead, supervisor):
    from luoshi.items.models import Item, Status

    services.lead_move(actor=supervisor, lead=lead, target=Stage.SIGNED, on=date(2023, 5, 1), as_of=JULY)
    item = services.landing_item_open(actor=supervisor, lead=lead, as_of=JULY)
    services.lead_move(actor=supervisor, lead=lead, target=Stage.LANDED, on=JULY, as_of=JULY)
    item = Item.objects.get(pk=item.pk)
    assert item.status == Status.WITHDRAWN


def test_the_office_is_told_when_a_unit_records_the_landing(lead, supervisor, fagaiju_reporter):
    from luoshi.items.models import Item, Status
    from luoshi.notifications.models import Notification

    services.lead_move(actor=supervisor, lead=lead, target=Stage.SIGNED, on=date(2023, 5, 1), as_of=JULY)
    item = services.landing_item_open(actor=supervisor, lead=lead, as_of=JULY)
    services.lead_move(
        actor=fagaiju_reporter, lead=lead, target=Stage.LOST, on=JULY, reason="企业转投外省", as_of=JULY
    )
    assert Item.objects.get(pk=item.pk).status == Status.ASSIGNED
    assert Notification.objects.filter(recipient=supervisor, item=item, title__contains="落地督办").exists()


# -- L5: no monthly rate above 100% --------------------------------------------------------------


def test_the_months_show_counts_not_rates(demo_db, db, demo_mode):
    funnel = client_for(demo_user("duchaban")).get("/investment/funnel/").context["funnel"]
    assert all(row.signed_rate is None and row.landed_rate is None for row in funnel.by_month)
    assert all((row.signed_rate or 0) <= 100 for row in funnel.by_chain)
