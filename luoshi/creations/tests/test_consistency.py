"""A creation's stage and its item's status move together; a creation or a meeting withdrawn from
the year's list counts no more and moves no more; days are checked against today and the record;
the towns and units whose sites a meeting visits see it and ready their own site; an opening out of
scope is a 404 recorded in the audit log."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

import pytest

from luoshi.audit.models import Action as AuditAction
from luoshi.audit.models import AuditEvent
from luoshi.conftest import client_for, demo_user
from luoshi.creations import services
from luoshi.creations.models import Creation, Level, MeetingLevel, OnSiteMeeting
from luoshi.creations.selectors import creation_rows, creations_stats, meeting_rows
from luoshi.creations.stages import Group, Stage
from luoshi.items import services as items
from luoshi.items.models import EventKind, Item, Status
from luoshi.items.rules import allowed_transitions
from luoshi.items.services import ReportInput, ServiceError
from luoshi.items.workflow import Action
from luoshi.org.models import Region, Unit, User

pytestmark = pytest.mark.django_db
JAN, MAR, MAY, JULY = date(2023, 1, 16), date(2023, 3, 1), date(2023, 5, 19), date(2023, 7, 25)


def text(response) -> str:
    return html.unescape(response.content.decode())


def _create(
    region: Region, actor: User, title: str = "全省双拥模范县", template: str = "", **changes
) -> Creation:
    templates = services.templates_ensure(region=region)
    data = services.CreationInput(
        title=title,
        year=2023,
        level=Level.PROVINCIAL,
        template=templates[template or services.DEFAULT_TEMPLATE],
        lead_unit=Unit.objects.get(region=region, short_name="县发改局"),
        expected_award=changes.pop("expected_award", date(2023, 12, 31)),
        materials=("自评报告",),
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


def withdraw(item: Item, actor: User, reason: str = "该项创建今年不再推进") -> Item:
    return items.item_take(actor=actor, item=item, action=Action.WITHDRAW, as_of=JULY, reason=reason)


# ---------------------------------------------------------------------------------------------
# Withdrawn from the year's list


def test_a_withdrawn_creation_counts_no_more_and_moves_no_more(creation, supervisor, demo_mode):
    move(creation, supervisor, Stage.APPLIED)
    move(creation, supervisor, Stage.FIRST_CHECK, on=MAY)
    other = _create(creation.item.region, supervisor, "国家卫生县")
    withdraw(creation.item, supervisor)
    rows = creation_rows(supervisor, as_of=JULY)
    assert [row.creation for row in rows] == [other]
    stats = creations_stats(user=supervisor, as_of=JULY)
    assert (stats["total"], stats["by_group"][Group.READY], stats["planned_at_start"]) == (1, 0, 1)
    for target in (Stage.FIRST_ACCEPTANCE, Stage.FAILED):
        with pytest.raises(ServiceError, match="已撤销"):
            move(creation, supervisor, target, on=JULY, reason="未通过")
    with pytest.raises(ServiceError, match="已撤销"):
        services.creation_plans_set(
            actor=supervisor, creation=creation, plans={Stage.AWARDED: date(2023, 12, 1)}, as_of=JULY
        )
    with pytest.raises(ServiceError, match="已撤销"):
        services.material_tick(
            actor=supervisor, material=creation.materials.get(), evidence=None, note="已归档", as_of=JULY
        )
    creation.refresh_from_db()
    assert creation.stage == Stage.FIRST_CHECK
    client = client_for(supervisor)
    page = text(client.get(f"/creations/{creation.pk}/"))
    assert 'data-testid="set-aside"' in page and "该创建已撤销" in page and "该项创建今年不再推进" in page
    assert 'data-testid="move"' not in page
    response = client.post(
        f"/creations/{creation.pk}/stage/", {"target": "first_acceptance", "on": "2023-07-20"}
    )
    assert response.status_code == 302
    creation.refresh_from_db()
    assert creation.stage == Stage.FIRST_CHECK
    assert "全省双拥模范县" not in text(client.get("/creations/"))


def test_a_failed_creation_still_counts_among_the_failed(creation, supervisor):
    move(creation, supervisor, Stage.APPLIED)
    move(creation, supervisor, Stage.FAILED, on=MAY, reason="前期对接沟通不到位")
    assert [row.group for row in creation_rows(supervisor, as_of=JULY)] == [Group.FAILED]


# ---------------------------------------------------------------------------------------------
# Stage and item status together


def test_the_award_completes_the_item_on_its_day(creation, supervisor):
    for target, on in (
        (Stage.APPLIED, date(2023, 2, 1)),
        (Stage.FIRST_CHECK, date(2023, 3, 1)),
        (Stage.FIRST_ACCEPTANCE, date(2023, 4, 1)),
        (Stage.REQUESTED, date(2023, 5, 1)),
        (Stage.ACCEPTED, date(2023, 6, 1)),
    ):
        move(creation, supervisor, target, on=on)
    assert Item.objects.get(pk=creation.pk).status == Status.ASSIGNED
    move(creation, supervisor, Stage.AWARDED, on=date(2023, 7, 3))
    item = Item.objects.get(pk=creation.pk)
    assert (item.status, item.completed_on, item.progress_percent) == (
        Status.COMPLETED,
        date(2023, 7, 3),
        Decimal(100),
    )
    event = item.events.get(kind=EventKind.COMPLETED)
    assert event.actor == supervisor and "授牌命名" in event.note


def test_a_review_passed_completes_the_item_a_title_entered_under_review_is_still_work(zhashui, supervisor):
    reviewed = _create(zhashui, supervisor, "国家卫生县", services.REVIEWED_TEMPLATE, stage=Stage.AWARDED)
    assert Item.objects.get(pk=reviewed.pk).status == Status.ASSIGNED  # this year's work is the review
    move(reviewed, supervisor, Stage.REVIEW, on=MAR)
    move(reviewed, supervisor, Stage.AWARDED, on=MAY)
    assert Item.objects.get(pk=reviewed.pk).status == Status.COMPLETED
    # A title of a programme without review entered as awarded is done work from the start.
    done = _create(zhashui, supervisor, "省级卫生镇", stage=Stage.AWARDED)
    assert Item.objects.get(pk=done.pk).status == Status.COMPLETED


def test_a_failure_withdraws_the_item_even_from_a_request_to_complete(creation, supervisor, fagaiju_head):
    item = items.item_take(actor=fagaiju_head, item=creation.item, action=Action.ACCEPT, as_of=MAR)
    items.report_submit(
        actor=fagaiju_head,
        item=item,
        data=ReportInput(period_start=date(2023, 3, 1), done="已申报"),
        as_of=MAR,
    )
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    # A unit does not ask to complete a creation: the award completes it.
    assert Action.REQUEST_COMPLETION not in {t.action for t in allowed_transitions(fagaiju_head, item)}
    with pytest.raises(ServiceError, match="授牌命名"):
        items.item_take(
            actor=fagaiju_head, item=item, action=Action.REQUEST_COMPLETION, as_of=MAR, reason="已完成"
        )
    # One asked before this rule came: the failure sends the request back, then withdraws the item.
    Item.objects.filter(pk=item.pk).update(status=Status.COMPLETION_REQUESTED)
    move(creation, supervisor, Stage.APPLIED)
    move(creation, supervisor, Stage.FAILED, on=MAY, reason="前期对接沟通不到位")
    item.refresh_from_db()
    assert item.status == Status.WITHDRAWN
    moves = item.events.exclude(to_status="").order_by("at", "pk")
    assert list(moves.values_list("kind", flat=True))[-2:] == [
        EventKind.COMPLETION_RETURNED,
        EventKind.WITHDRAWN,
    ]
    assert "前期对接沟通不到位" in item.events.get(kind=EventKind.WITHDRAWN).note


def test_a_reapplication_is_a_new_item_of_its_year_the_old_one_kept(creation, supervisor):
    move(creation, supervisor, Stage.APPLIED)
    move(creation, supervisor, Stage.FAILED, on=MAY, reason="前期对接沟通不到位")
    again = services.creation_reapply(actor=supervisor, creation=creation, year=2024, as_of=JULY)
    assert again.item.pk != creation.item.pk and again.item.year == 2024
    assert again.item.status == Status.ASSIGNED
    assert Item.objects.get(pk=creation.pk).status == Status.WITHDRAWN


def test_a_meeting_item_is_completed_by_the_meeting_held_not_on_request(zhashui, supervisor, fagaiju_head):
    meeting = _meeting(zhashui, supervisor)
    item = items.item_take(actor=fagaiju_head, item=meeting.item, action=Action.ACCEPT, as_of=MAR)
    items.report_submit(
        actor=fagaiju_head,
        item=item,
        data=ReportInput(period_start=date(2023, 3, 1), done="已筹备"),
        as_of=MAR,
    )
    with pytest.raises(ServiceError, match="召开"):
        items.item_take(
            actor=fagaiju_head, item=item, action=Action.REQUEST_COMPLETION, as_of=MAR, reason="已筹备"
        )


# ---------------------------------------------------------------------------------------------
# Days


def test_stage_days_are_not_after_today_nor_before_the_previous_stage(creation, supervisor):
    for target in (Stage.APPLIED, Stage.FIRST_CHECK, Stage.FIRST_ACCEPTANCE, Stage.REQUESTED, Stage.ACCEPTED):
        move(creation, supervisor, target, on=date(2023, 6, 1))
    with pytest.raises(ServiceError, match="晚于今天"):
        move(creation, supervisor, Stage.AWARDED, on=date(2023, 7, 26))
    with pytest.raises(ServiceError, match="不能早于上一阶段"):
        move(creation, supervisor, Stage.AWARDED, on=date(2023, 5, 31))
    client = client_for(supervisor)
    client.post(f"/creations/{creation.pk}/stage/", {"target": "awarded", "on": "2023-12-01"})
    creation.refresh_from_db()
    assert creation.stage == Stage.ACCEPTED


def test_an_expected_award_before_the_creations_year_is_refused(zhashui, supervisor, creation):
    with pytest.raises(ServiceError, match=r"预计授牌命名.*2023年"):
        _create(zhashui, supervisor, "国家卫生县", expected_award=date(2022, 12, 31))
    move(creation, supervisor, Stage.APPLIED)
    move(creation, supervisor, Stage.FAILED, on=MAY, reason="前期对接沟通不到位")
    with pytest.raises(ServiceError, match=r"预计授牌命名.*2024年"):
        services.creation_reapply(
            actor=supervisor, creation=creation, year=2024, expected_award=date(2023, 12, 31), as_of=JULY
        )


# ---------------------------------------------------------------------------------------------
# The towns and units whose sites a meeting visits


def _meeting(region: Region, actor: User, planned_on: date = date(2023, 9, 16)) -> OnSiteMeeting:
    data = services.MeetingInput(
        title="全市周末现场会",
        year=2023,
        level=MeetingLevel.MUNICIPAL,
        planned_on=planned_on,
        lead_unit=Unit.objects.get(region=region, short_name="县发改局"),
        sites=[
            services.SiteInput(
                place="营盘镇观摩点",
                unit=Unit.objects.get(region=region, short_name="营盘镇"),
                checks=[("环境整治", date(2023, 9, 10))],
            ),
            services.SiteInput(
                place="红岩寺镇观摩点",
                unit=Unit.objects.get(region=region, short_name="红岩寺镇"),
                checks=[("设施提升", date(2023, 9, 10))],
            ),
        ],
    )
    return services.meeting_create(actor=actor, region=region, data=data, as_of=JAN)


def test_a_site_unit_sees_the_meeting_and_readies_its_own_site_only(
    zhashui, supervisor, yingpan_reporter, demo_mode
):
    meeting = _meeting(zhashui, supervisor)
    own = meeting.sites.get(place="营盘镇观摩点").checks.get()
    others = meeting.sites.get(place="红岩寺镇观摩点").checks.get()
    client = client_for(yingpan_reporter)
    page = client.get(f"/creations/meetings/{meeting.pk}/")
    assert page.status_code == 200
    content = text(page)
    assert "营盘镇观摩点" in content and "红岩寺镇观摩点" in content
    assert f'href="/items/{meeting.pk}/"' not in content  # the item is the lead unit's work
    assert f'action="/creations/checks/{own.pk}/done/"' in content
    assert f'action="/creations/checks/{others.pk}/done/"' not in content
    assert 'data-testid="held"' not in content and "/edit/" not in content
    assert "全市周末现场会" in text(client.get("/creations/meetings/"))
    assert [m.pk for m in meeting_rows(yingpan_reporter, as_of=JULY)] == [meeting.pk]
    assert client.post(f"/creations/checks/{others.pk}/done/").status_code == 403
    assert (
        client.post(f"/creations/meetings/{meeting.pk}/held/", {"held_on": "2023-07-20"}).status_code == 403
    )
    assert client.post(f"/creations/meetings/{meeting.pk}/cancel/", {"reason": "x"}).status_code == 403
    assert client.get(f"/creations/meetings/{meeting.pk}/edit/").status_code == 403
    assert client.get(f"/items/{meeting.pk}/").status_code == 404
    assert client.post(f"/creations/checks/{own.pk}/done/").status_code == 302
    own.refresh_from_db()
    others.refresh_from_db()
    assert own.done_on == JULY and others.done_on is None


def test_a_unit_without_a_site_sees_no_meeting(zhashui, supervisor, wenlvju_reporter, demo_mode):
    meeting = _meeting(zhashui, supervisor)
    client = client_for(wenlvju_reporter)
    assert client.get(f"/creations/meetings/{meeting.pk}/").status_code == 404
    assert "全市周末现场会" not in text(client.get("/creations/meetings/"))


def test_the_demo_towns_see_the_meetings_at_their_sites(demo_db, db, demo_mode):
    yingpan = demo_user("yingpan-reporter")
    titles = {meeting.item.title for meeting in meeting_rows(yingpan, as_of=JULY)}
    assert "全市周末现场会（9月，柞水）" in titles


# ---------------------------------------------------------------------------------------------
# Opening out of scope


def test_another_countys_creation_and_meeting_are_404_and_recorded(
    creation, zhashui, supervisor, zhenan_supervisor, demo_mode
):
    meeting = _meeting(zhashui, supervisor)
    client = client_for(zhenan_supervisor)
    for url, model, pk in (
        (f"/creations/{creation.pk}/", "creations.Creation", creation.pk),
        (f"/creations/{creation.pk}/plans/", "creations.Creation", creation.pk),
        (f"/creations/meetings/{meeting.pk}/", "creations.OnSiteMeeting", meeting.pk),
        (f"/creations/meetings/{meeting.pk}/edit/", "creations.OnSiteMeeting", meeting.pk),
    ):
        before = AuditEvent.objects.filter(action=AuditAction.REFUSED).count()
        assert client.get(url).status_code == 404, url
        refusal = AuditEvent.objects.filter(action=AuditAction.REFUSED).order_by("id").last()
        assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == before + 1, url
        assert (refusal.object_type, refusal.object_id, refusal.path) == (model, str(pk), url)
        assert refusal.actor_username == "za-duchaban"
    check = meeting.sites.first().checks.get()
    material = creation.materials.get()
    for url, model, pk in (
        (f"/creations/checks/{check.pk}/done/", "creations.ReadinessCheck", check.pk),
        (f"/creations/materials/{material.pk}/tick/", "creations.Material", material.pk),
        (f"/creations/{creation.pk}/stage/", "creations.Creation", creation.pk),
        (f"/creations/meetings/{meeting.pk}/cancel/", "creations.OnSiteMeeting", meeting.pk),
    ):
        assert client.post(url, {"reason": "x", "note": "x"}).status_code == 404, url
        refusal = AuditEvent.objects.filter(action=AuditAction.REFUSED).order_by("id").last()
        assert (refusal.object_type, refusal.object_id) == (model, str(pk)), url
    # An id that does not exist is a 404 and nothing more.
    client.get("/creations/999999/")
    assert not AuditEvent.objects.filter(action=AuditAction.REFUSED, object_id="999999").exists()
