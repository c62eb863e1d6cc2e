"""Every transition of the life cycle, allowed and refused, for each role."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.conftest import client_for, demo_user
from luoshi.items import services
from luoshi.items.models import EventKind, Item, ItemEvent, Status, Verdict, Verification
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
    assert fagaiju_head.notifications.filter(title__contains="新交办事项").exists()
    assert fagaiju_reporter.notifications.filter(title__contains="新交办事项").exists()
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
