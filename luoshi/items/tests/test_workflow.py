"""Every transition of the life cycle, allowed and refused, for each role."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from luoshi.conftest import client_for, demo_user
from luoshi.items import services
from luoshi.items.models import (
    EventKind,
    Item,
    ItemEvent,
    Measure,
    ProgressReport,
    Status,
    Verdict,
    Verification,
)
from luoshi.items.rules import allowed_transitions
from luoshi.items.tests.conftest import AS_OF, set_status, submitted_report
from luoshi.items.tests.factories import ItemFactory
from luoshi.items.workflow import TRANSITIONS, Action

pytestmark = pytest.mark.django_db

ROLES = {
    "supervisor": "duchaban",
    "lead_head": "fgj-head",
    "lead_reporter": "fgj-reporter",
    "support_reporter": "wlj-reporter",
    "other_unit_head": "yingpan-head",
    "leader": "fengrui",
    "viewer": "renda",
    "admin": "xitong",
    "city_supervisor": "sl-duchaban",
    "other_county_supervisor": "za-duchaban",
}
ALLOWED = {
    Action.ASSIGN: {"supervisor"},
    Action.ACCEPT: {"lead_head"},
    Action.DECLINE: {"lead_head"},
    Action.REQUEST_COMPLETION: {"lead_head", "lead_reporter"},
    Action.RETURN_COMPLETION: {"supervisor"},
    Action.COMPLETE: {"supervisor"},
    Action.CLOSE: {"supervisor"},
    Action.SUSPEND: {"supervisor"},
    Action.RESUME: {"supervisor"},
    Action.REPLACE: {"supervisor"},
    Action.WITHDRAW: {"supervisor"},
}
EXPECTED_STATUS = {
    Action.ASSIGN: Status.ASSIGNED,
    Action.ACCEPT: Status.ACCEPTED,
    Action.DECLINE: Status.RETURNED,
    Action.REQUEST_COMPLETION: Status.COMPLETION_REQUESTED,
    Action.RETURN_COMPLETION: Status.RETURNED,
    Action.COMPLETE: Status.COMPLETED,
    Action.CLOSE: Status.CLOSED,
    Action.SUSPEND: Status.SUSPENDED,
    Action.RESUME: Status.IN_PROGRESS,
    Action.REPLACE: Status.REPLACED,
    Action.WITHDRAW: Status.WITHDRAWN,
}


def prepare(item: Item, action: Action) -> dict[str, object]:
    """Put `item` in a state from which `action` is possible; return the extra arguments it needs."""
    accepted = {"accepted_on": date(2023, 7, 4)}
    reporter = demo_user("fgj-reporter")
    supervisor = demo_user("duchaban")
    if action == Action.ASSIGN:
        set_status(item, Status.DRAFT, assigned_on=None)
    elif action in (Action.ACCEPT, Action.DECLINE):
        set_status(item, Status.ASSIGNED)
    elif action == Action.REQUEST_COMPLETION:
        set_status(item, Status.IN_PROGRESS, **accepted)
        submitted_report(item, reporter)
    elif action == Action.RETURN_COMPLETION:
        set_status(item, Status.COMPLETION_REQUESTED, **accepted)
    elif action == Action.COMPLETE:
        set_status(item, Status.COMPLETION_REQUESTED, **accepted)
        report = submitted_report(item, reporter, percent=100)
        Verification.objects.create(
            report=report, method="on_site", verdict=Verdict.TRUE, verifier=supervisor, verified_on=AS_OF
        )
    elif action == Action.CLOSE:
        set_status(item, Status.COMPLETED, **accepted)
    elif action == Action.SUSPEND:
        set_status(item, Status.IN_PROGRESS, **accepted)
    elif action == Action.RESUME:
        set_status(item, Status.SUSPENDED, status_before_suspension=Status.IN_PROGRESS, **accepted)
    elif action in (Action.REPLACE, Action.WITHDRAW):
        set_status(item, Status.IN_PROGRESS, **accepted)
    extra: dict[str, object] = {}
    if TRANSITIONS[action].needs_reason:
        extra["reason"] = "测试理由"
    if action == Action.REPLACE:
        extra["successor"] = ItemFactory(region=item.region, lead_unit=item.lead_unit, title="替换项目")
    return extra


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("action", list(Action))
def test_transition_by_role(fagaiju_item, action, role):
    extra = prepare(fagaiju_item, action)
    user = demo_user(ROLES[role])
    before = fagaiju_item.status
    events = ItemEvent.objects.filter(item=fagaiju_item).count()
    if role in ALLOWED[action]:
        assert TRANSITIONS[action] in allowed_transitions(user, fagaiju_item)
        item = services.item_take(actor=user, item=fagaiju_item, action=action, as_of=AS_OF, **extra)
        item.refresh_from_db()
        assert item.status == EXPECTED_STATUS[action]
        event = ItemEvent.objects.filter(item=item, actor__isnull=False).order_by("-id").first()
        assert event.kind == TRANSITIONS[action].event
        assert (event.actor, event.from_status, event.to_status) == (user, before, item.status)
    else:
        assert TRANSITIONS[action] not in allowed_transitions(user, fagaiju_item)
        with pytest.raises(services.NotAllowed):
            services.item_take(actor=user, item=fagaiju_item, action=action, as_of=AS_OF, **extra)
        fagaiju_item.refresh_from_db()
        assert fagaiju_item.status == before
        assert ItemEvent.objects.filter(item=fagaiju_item).count() == events


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (Status.DRAFT, Action.ACCEPT),
        (Status.ASSIGNED, Action.COMPLETE),
        (Status.IN_PROGRESS, Action.CLOSE),
        (Status.CLOSED, Action.SUSPEND),
        (Status.COMPLETED, Action.WITHDRAW),
        (Status.WITHDRAWN, Action.ASSIGN),
    ],
)
def test_life_cycle_refuses_out_of_order(fagaiju_item, supervisor, fagaiju_head, status, action):
    set_status(fagaiju_item, status)
    actor = fagaiju_head if action == Action.ACCEPT else supervisor
    with pytest.raises(services.ServiceError, match="当前状态"):
        services.item_take(actor=actor, item=fagaiju_item, action=action, as_of=AS_OF, reason="x")


def test_completion_needs_a_verified_true_report(fagaiju_item, supervisor, fagaiju_reporter):
    set_status(fagaiju_item, Status.COMPLETION_REQUESTED, accepted_on=AS_OF)
    report = submitted_report(fagaiju_item, fagaiju_reporter, percent=100)
    with pytest.raises(services.ServiceError, match="核实"):
        services.item_take(actor=supervisor, item=fagaiju_item, action=Action.COMPLETE, as_of=AS_OF)
    Verification.objects.create(
        report=report,
        method="documents",
        verdict=Verdict.PARTLY,
        note="缺验收资料",
        verifier=supervisor,
        verified_on=AS_OF,
    )
    with pytest.raises(services.ServiceError, match="属实"):
        services.item_take(actor=supervisor, item=fagaiju_item, action=Action.COMPLETE, as_of=AS_OF)


def test_request_completion_needs_a_report(fagaiju_item, fagaiju_reporter):
    set_status(fagaiju_item, Status.IN_PROGRESS, accepted_on=AS_OF)
    with pytest.raises(services.ServiceError, match="报送"):
        services.item_take(
            actor=fagaiju_reporter,
            item=fagaiju_item,
            action=Action.REQUEST_COMPLETION,
            as_of=AS_OF,
            reason="已完成",
        )


def test_assignment_needs_lead_unit_and_deadline(zhashui, supervisor):
    item = ItemFactory(region=zhashui, status=Status.DRAFT, lead_unit=None, deadline=None, assigned_on=None)
    with pytest.raises(services.ServiceError, match="牵头单位"):
        services.item_take(actor=supervisor, item=item, action=Action.ASSIGN, as_of=AS_OF)


def test_a_reason_is_required_where_the_life_cycle_asks_for_one(fagaiju_item, fagaiju_head):
    with pytest.raises(services.ServiceError, match="理由"):
        services.item_take(
            actor=fagaiju_head, item=fagaiju_item, action=Action.DECLINE, as_of=AS_OF, reason=" "
        )


def test_declined_assignment_goes_back_to_the_office_which_assigns_again(
    fagaiju_item, fagaiju_head, supervisor
):
    services.item_take(
        actor=fagaiju_head, item=fagaiju_item, action=Action.DECLINE, as_of=AS_OF, reason="应由县交通局牵头"
    )
    fagaiju_item.refresh_from_db()
    assert fagaiju_item.status == Status.RETURNED
    assert TRANSITIONS[Action.REQUEST_COMPLETION] not in allowed_transitions(fagaiju_head, fagaiju_item)
    services.item_take(actor=supervisor, item=fagaiju_item, action=Action.ASSIGN, as_of=AS_OF)
    fagaiju_item.refresh_from_db()
    assert fagaiju_item.status == Status.ASSIGNED


def test_returned_completion_request_can_be_made_again(fagaiju_item, fagaiju_reporter, supervisor):
    set_status(fagaiju_item, Status.COMPLETION_REQUESTED, accepted_on=AS_OF)
    submitted_report(fagaiju_item, fagaiju_reporter)
    services.item_take(
        actor=supervisor,
        item=fagaiju_item,
        action=Action.RETURN_COMPLETION,
        as_of=AS_OF,
        reason="缺竣工验收资料",
    )
    fagaiju_item.refresh_from_db()
    assert TRANSITIONS[Action.ASSIGN] not in allowed_transitions(supervisor, fagaiju_item)
    services.item_take(
        actor=fagaiju_reporter,
        item=fagaiju_item,
        action=Action.REQUEST_COMPLETION,
        as_of=AS_OF,
        reason="已补齐",
    )
    fagaiju_item.refresh_from_db()
    assert fagaiju_item.status == Status.COMPLETION_REQUESTED


def test_replacement_links_the_successor(fagaiju_item, supervisor):
    set_status(fagaiju_item, Status.IN_PROGRESS, accepted_on=AS_OF)
    successor = ItemFactory(
        region=fagaiju_item.region, lead_unit=fagaiju_item.lead_unit, title="替换后的项目"
    )
    services.item_take(
        actor=supervisor,
        item=fagaiju_item,
        action=Action.REPLACE,
        as_of=AS_OF,
        reason="用地无法落实",
        successor=successor,
    )
    fagaiju_item.refresh_from_db()
    assert fagaiju_item.replaced_by == successor
    page = client_for(supervisor).get(f"/items/{successor.pk}/").content.decode()
    assert fagaiju_item.code in page


def test_assignment_notifies_the_lead_unit(fagaiju_item, supervisor, fagaiju_head, fagaiju_reporter):
    set_status(fagaiju_item, Status.DRAFT, assigned_on=None)
    services.item_take(actor=supervisor, item=fagaiju_item, action=Action.ASSIGN, as_of=AS_OF)
    assert fagaiju_head.notifications.filter(
        title__contains="新交办事项", body__contains="请单位负责人签收"
    ).exists()
    # Signing for it is the head's: the reporter is told of the work without being asked to sign.
    told = fagaiju_reporter.notifications.get(title__contains="新交办事项")
    assert "签收后即可报送进度" in told.body and "请单位负责人签收" not in told.body
    fagaiju_item.refresh_from_db()
    assert fagaiju_item.assigned_on == AS_OF


class TestPages:
    @pytest.mark.parametrize("role", list(ROLES))
    def test_page_shows_only_the_actions_the_user_may_take(self, fagaiju_item, role):
        set_status(fagaiju_item, Status.ASSIGNED)
        user = demo_user(ROLES[role])
        response = client_for(user).get(f"/items/{fagaiju_item.pk}/")
        if role in {
            "support_reporter",
            "supervisor",
            "lead_head",
            "lead_reporter",
            "leader",
            "viewer",
            "admin",
            "city_supervisor",
        }:
            assert response.status_code == 200
            page = response.content.decode()
            for action, transition in TRANSITIONS.items():
                shown = f"/items/{fagaiju_item.pk}/act/{action.value}/" in page
                assert shown == (transition in allowed_transitions(user, fagaiju_item)), (role, action)
        else:
            assert response.status_code == 404

    def test_refused_post_changes_nothing(self, fagaiju_item, fagaiju_reporter):
        response = client_for(fagaiju_reporter).post(f"/items/{fagaiju_item.pk}/act/accept/", follow=True)
        assert "没有权限签收" in response.content.decode()
        fagaiju_item.refresh_from_db()
        assert fagaiju_item.status == Status.ASSIGNED

    def test_sign_for_an_item(self, fagaiju_item, fagaiju_head):
        response = client_for(fagaiju_head).post(f"/items/{fagaiju_item.pk}/act/accept/", follow=True)
        assert "已签收" in response.content.decode()
        fagaiju_item.refresh_from_db()
        assert fagaiju_item.status == Status.ACCEPTED
        assert ItemEvent.objects.filter(
            item=fagaiju_item, kind=EventKind.ACCEPTED, actor=fagaiju_head
        ).exists()


class TestProgressFollowsTheLifeCycle:
    def test_a_done_or_not_item_shows_full_progress_once_completed_and_closed(
        self, fagaiju_item, supervisor, fagaiju_reporter
    ):
        set_status(fagaiju_item, Status.COMPLETION_REQUESTED, accepted_on=AS_OF, measure=Measure.DONE)
        report = submitted_report(fagaiju_item, fagaiju_reporter)
        ProgressReport.objects.filter(pk=report.pk).update(percent=None)
        Verification.objects.create(
            report=report, method="documents", verdict=Verdict.TRUE, verifier=supervisor, verified_on=AS_OF
        )
        services.item_take(actor=supervisor, item=fagaiju_item, action=Action.COMPLETE, as_of=AS_OF)
        fagaiju_item.refresh_from_db()
        assert fagaiju_item.progress_percent == Decimal(100)
        services.item_take(actor=supervisor, item=fagaiju_item, action=Action.CLOSE, as_of=AS_OF)
        fagaiju_item.refresh_from_db()
        assert fagaiju_item.progress_percent == Decimal(100)
        page = client_for(supervisor).get(f"/items/{fagaiju_item.pk}/").content.decode()
        assert "100%" in page.split('data-testid="progress"')[1].split("</dd>")[0]


class TestAssigningPastTheDeadline:
    """An item assigned after its deadline is overdue the day it arrives: the office must mean it."""

    @pytest.fixture
    def late_draft(self, fagaiju_item):
        return set_status(fagaiju_item, Status.DRAFT, assigned_on=None, deadline=date(2023, 7, 18))

    def test_refused_unless_the_office_confirms(self, late_draft, supervisor):
        with pytest.raises(services.ServiceError, match="修改完成时限，或勾选确认后交办"):
            services.item_take(
                actor=supervisor, item=late_draft, action=Action.ASSIGN, as_of=date(2023, 7, 19)
            )
        late_draft.refresh_from_db()
        assert late_draft.status == Status.DRAFT
        services.item_take(
            actor=supervisor,
            item=late_draft,
            action=Action.ASSIGN,
            as_of=date(2023, 7, 19),
            confirm_past_deadline=True,
        )
        late_draft.refresh_from_db()
        assert (late_draft.status, late_draft.assigned_on) == (Status.ASSIGNED, date(2023, 7, 19))
        event = ItemEvent.objects.get(item=late_draft, kind=EventKind.ASSIGNED)
        assert "完成时限已过" in event.note and event.data["past_deadline_confirmed"] is True

    def test_a_deadline_of_today_needs_no_confirmation(self, late_draft, supervisor):
        services.item_take(actor=supervisor, item=late_draft, action=Action.ASSIGN, as_of=date(2023, 7, 18))
        late_draft.refresh_from_db()
        assert late_draft.status == Status.ASSIGNED

    def test_the_item_page_warns_and_asks_for_the_confirmation(self, late_draft, supervisor):
        office = client_for(supervisor)
        page = office.get(f"/items/{late_draft.pk}/").content.decode()
        warning = page.split('data-testid="assign-past-deadline"')[1].split("</form>")[0]
        assert "完成时限2023年7月18日已过" in warning and 'name="confirm_past_deadline"' in warning

        response = office.post(f"/items/{late_draft.pk}/act/assign/", follow=True)
        assert "修改完成时限，或勾选确认后交办" in response.content.decode()
        late_draft.refresh_from_db()
        assert late_draft.status == Status.DRAFT

        response = office.post(
            f"/items/{late_draft.pk}/act/assign/", {"confirm_past_deadline": "on"}, follow=True
        )
        assert "已交办" in response.content.decode()
        late_draft.refresh_from_db()
        assert late_draft.status == Status.ASSIGNED

    def test_no_warning_while_the_deadline_is_ahead(self, fagaiju_item, supervisor):
        set_status(fagaiju_item, Status.DRAFT, assigned_on=None)
        page = client_for(supervisor).get(f"/items/{fagaiju_item.pk}/").content.decode()
        assert f"/items/{fagaiju_item.pk}/act/assign/" in page
        assert 'data-testid="assign-past-deadline"' not in page


class TestCityOffice:
    """商洛市督查办 sees its counties' items; only the county's own office acts on them."""

    def test_told_which_office_may_edit(self, fagaiju_item, city_supervisor):
        response = client_for(city_supervisor).get(f"/items/{fagaiju_item.pk}/edit/")
        assert response.status_code == 403
        assert "只有柞水县督查办可以修改这个事项；市督查办可以查看和督办" in response.content.decode()
        data = services.ItemInput(title="改名", year=2023, lead_unit=fagaiju_item.lead_unit, deadline=AS_OF)
        with pytest.raises(
            services.NotAllowed, match="只有柞水县督查办可以修改这个事项；市督查办可以查看和督办"
        ):
            services.item_update(
                actor=city_supervisor, item=fagaiju_item, expected_version=1, data=data, as_of=AS_OF
            )

    def test_told_which_office_may_assign(self, fagaiju_item, city_supervisor):
        set_status(fagaiju_item, Status.DRAFT, assigned_on=None)
        response = client_for(city_supervisor).post(f"/items/{fagaiju_item.pk}/act/assign/", follow=True)
        assert "只有柞水县督查办可以交办这个事项；市督查办可以查看和督办" in response.content.decode()
        fagaiju_item.refresh_from_db()
        assert fagaiju_item.status == Status.DRAFT

    def test_told_which_office_may_verify(self, fagaiju_item, city_supervisor, fagaiju_reporter):
        set_status(fagaiju_item, Status.IN_PROGRESS, accepted_on=AS_OF)
        report = submitted_report(fagaiju_item, fagaiju_reporter)
        response = client_for(city_supervisor).get(f"/reports/{report.pk}/verify/")
        assert response.status_code == 403
        assert "只有柞水县督查办可以核实进度报告；市督查办可以查看和督办" in response.content.decode()
        with pytest.raises(services.NotAllowed, match="只有柞水县督查办可以核实进度报告"):
            services.report_verify(
                actor=city_supervisor, report=report, method="documents", verdict="true", note="", as_of=AS_OF
            )

    def test_a_unit_is_told_the_county_office_without_the_city_part(self, fagaiju_item, fagaiju_head):
        response = client_for(fagaiju_head).get(f"/items/{fagaiju_item.pk}/edit/")
        assert response.status_code == 403
        message = response.content.decode()
        assert "只有柞水县督查办可以修改这个事项。" in message and "市督查办" not in message
