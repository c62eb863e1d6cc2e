"""Leads through their services: the stage machine's refusals, the follow-up reminder and the
signed-not-landed escalation of the daily watch (idempotent), and who may do what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from luoshi.investment import services
from luoshi.investment.models import KIND, IndustryChain, Lead, TaskForce
from luoshi.investment.services import FollowUpInput, LeadInput
from luoshi.investment.stages import Stage
from luoshi.items.models import Item, Status
from luoshi.items.services import ServiceError
from luoshi.notifications.models import Notification
from luoshi.org.models import Leader, Unit

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


@pytest.fixture
def zhaoshang(zhashui):
    return Unit.objects.get(region=zhashui, short_name="县招商服务中心")


@pytest.fixture
def chain(zhashui):
    return IndustryChain.objects.create(region=zhashui, name="木耳产业链")


@pytest.fixture
def lead(supervisor, zhashui, chain, zhaoshang, fagaiju):
    force = TaskForce.objects.create(
        region=zhashui,
        name="木耳产业链招商专班",
        chain=chain,
        leader=Leader.objects.get(person__name="王宁"),
        unit=zhaoshang,
    )
    return services.lead_create(
        actor=supervisor,
        region=zhashui,
        data=LeadInput(
            company="测试菌业有限公司",
            chain=chain,
            contacted_on=date(2023, 3, 1),
            contact_phone="13900001234",
            task_force=force,
            unit=fagaiju,
        ),
    )


def test_a_lead_moves_forward_with_its_dates_and_history(lead, fagaiju_reporter):
    services.lead_move(actor=fagaiju_reporter, lead=lead, target=Stage.SIGNED, on=date(2023, 4, 2))
    lead.refresh_from_db()
    assert (lead.stage, lead.negotiating_on, lead.signed_on) == ("signed", date(2023, 4, 2), date(2023, 4, 2))
    assert [c.to_stage for c in lead.stage_changes.all()] == ["contact", "signed"]
    with pytest.raises(ServiceError, match="不能退回"):
        services.lead_move(actor=fagaiju_reporter, lead=lead, target=Stage.NEGOTIATING, on=JULY)
    with pytest.raises(ServiceError, match="原因"):
        services.lead_move(actor=fagaiju_reporter, lead=lead, target=Stage.LOST, on=JULY)
    services.lead_move(actor=fagaiju_reporter, lead=lead, target=Stage.LOST, on=JULY, reason="企业转投外省")
    lead.refresh_from_db()
    assert (lead.stage, lead.lost_reason, lead.lost_on) == ("lost", "企业转投外省", JULY)


def test_only_the_following_unit_and_the_office_move_or_follow_up(lead, wenlvju_reporter, magistrate):
    for user in (wenlvju_reporter, magistrate):
        with pytest.raises(ServiceError, match="只有跟进单位和督查办"):
            services.lead_move(actor=user, lead=lead, target=Stage.NEGOTIATING, on=JULY)
        with pytest.raises(ServiceError, match="只有跟进单位和督查办"):
            services.follow_up_record(
                actor=user, lead=lead, data=FollowUpInput(on=JULY, kind="call", summary="越权"), as_of=JULY
            )
    assert Lead.objects.get(pk=lead.pk).stage == "contact"


def test_a_follow_up_is_refused_in_the_future_or_for_a_closed_lead(lead, fagaiju_reporter):
    data = FollowUpInput(on=JULY + timedelta(days=1), kind="visit", summary="拜访")
    with pytest.raises(ServiceError, match="晚于今天"):
        services.follow_up_record(actor=fagaiju_reporter, lead=lead, data=data, as_of=JULY)
    services.lead_move(actor=fagaiju_reporter, lead=lead, target=Stage.PRODUCING, on=JULY)
    with pytest.raises(ServiceError, match="不再跟进"):
        services.follow_up_record(
            actor=fagaiju_reporter,
            lead=Lead.objects.get(pk=lead.pk),
            data=FollowUpInput(JULY, "call", "电话"),
            as_of=JULY,
        )


def _notes(user, company="测试菌业有限公司"):
    return list(
        Notification.objects.filter(recipient=user, title__contains=company).values_list("title", flat=True)
    )


def test_the_follow_up_reminder_once_per_quiet_spell(lead, zhashui, fagaiju_reporter, settings):
    settings.LUOSHI_INVESTMENT_FOLLOW_UP_DAYS = 30
    services.follow_up_record(
        actor=fagaiju_reporter,
        lead=lead,
        data=FollowUpInput(date(2023, 6, 1), "visit", "上门拜访"),
        as_of=JULY,
    )
    assert services.leads_watch(region=zhashui, as_of=date(2023, 6, 30)).reminded == 0  # 29 days
    assert services.leads_watch(region=zhashui, as_of=date(2023, 7, 1)).reminded == 1  # 30 days
    assert services.leads_watch(region=zhashui, as_of=date(2023, 7, 2)).reminded == 0  # told already
    assert _notes(fagaiju_reporter) == ["招商线索“测试菌业有限公司”需要跟进"]
    # Followed up, then quiet again: a new spell, a new reminder.
    services.follow_up_record(
        actor=fagaiju_reporter, lead=lead, data=FollowUpInput(date(2023, 7, 3), "call", "电话"), as_of=JULY
    )
    assert services.leads_watch(region=zhashui, as_of=date(2023, 8, 1)).reminded == 0
    assert services.leads_watch(region=zhashui, as_of=date(2023, 8, 2)).reminded == 1


def test_signed_not_landed_turns_yellow_then_red_and_opens_its_landing_item_once(
    lead, zhashui, fagaiju_reporter, supervisor, settings
):
    settings.LUOSHI_INVESTMENT_LANDING_YELLOW_DAYS, settings.LUOSHI_INVESTMENT_LANDING_RED_DAYS = 60, 90
    signed = date(2023, 4, 1)
    services.lead_move(actor=fagaiju_reporter, lead=lead, target=Stage.SIGNED, on=signed)
    assert services.leads_watch(region=zhashui, as_of=signed + timedelta(days=59)).warned == 0
    yellow = services.leads_watch(region=zhashui, as_of=signed + timedelta(days=60))
    assert (yellow.warned, yellow.opened) == (1, 0)
    assert _notes(supervisor) == ["黄色预警：测试菌业有限公司签约未落地"]
    assert services.leads_watch(region=zhashui, as_of=signed + timedelta(days=70)).warned == 0
    red = services.leads_watch(region=zhashui, as_of=signed + timedelta(days=90))
    assert (red.warned, red.opened) == (1, 1)
    lead.refresh_from_db()
    item = lead.landing_item
    assert item is not None and item.kind == KIND and item.status == Status.DRAFT
    assert item.lead_unit == lead.unit and item.patron_leader.person.name == "王宁"
    again = services.leads_watch(region=zhashui, as_of=signed + timedelta(days=91))
    assert (again.warned, again.opened) == (0, 0)
    assert Item.objects.filter(kind=KIND, region=zhashui).count() == 1
    # Landed: no more warning.
    services.lead_move(actor=fagaiju_reporter, lead=lead, target=Stage.LANDED, on=date(2023, 7, 20))
    assert services.leads_watch(region=zhashui, as_of=date(2023, 8, 1)).warned == 0


def test_the_office_opens_a_landing_item_assigned_to_the_unit(
    lead, supervisor, fagaiju_reporter, fagaiju_head
):
    services.lead_move(actor=fagaiju_reporter, lead=lead, target=Stage.SIGNED, on=date(2023, 6, 1))
    with pytest.raises(ServiceError, match="督查办"):
        services.landing_item_open(actor=fagaiju_head, lead=lead, as_of=JULY)
    item = services.landing_item_open(actor=supervisor, lead=lead, as_of=JULY)
    assert item.status == Status.ASSIGNED and item.lead_unit_id == lead.unit_id
    assert services.landing_item_open(actor=supervisor, lead=lead, as_of=JULY) == item


def test_a_unit_may_not_record_a_lead(zhashui, chain, fagaiju_head):
    with pytest.raises(ServiceError, match="督查办"):
        services.lead_create(
            actor=fagaiju_head, region=zhashui, data=LeadInput(company="越权", chain=chain, contacted_on=JULY)
        )
    assert not Lead.objects.exists()
