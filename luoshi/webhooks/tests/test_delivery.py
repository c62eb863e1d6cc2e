"""Events out: what each event sends, to whom, when (after the commit only), signed how; the tries
and the subscription disabled when they keep failing; the address rule of the robots, reused."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from datetime import date

import pytest
from django.db import transaction

from luoshi.alerts.services import colours_recompute
from luoshi.audit.models import AuditEvent
from luoshi.bulletins import services as bulletin_services
from luoshi.bulletins.periods import parse as parse_period
from luoshi.conftest import demo_user
from luoshi.items import services as item_services
from luoshi.items.models import Item, Status
from luoshi.items.services import ReportInput, ServiceError
from luoshi.items.tests.factories import ItemFactory
from luoshi.items.workflow import Action
from luoshi.notifications.models import Notification
from luoshi.org.models import Region
from luoshi.webhooks import services
from luoshi.webhooks.delivery import BACKOFF, FAILURES_TO_DISABLE, MAX_ATTEMPTS, delivery_attempt
from luoshi.webhooks.models import Delivery, DeliveryStatus, Event, Subscription

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


def draft_item(**fields) -> Item:
    return ItemFactory(status=Status.DRAFT, assigned_on=None, **fields)


def assign(item: Item, actor) -> Item:
    return item_services.item_take(actor=actor, item=item, action=Action.ASSIGN, as_of=JULY)


@pytest.fixture
def accepted_item(fagaiju_item, fagaiju_head) -> Item:
    return item_services.item_take(actor=fagaiju_head, item=fagaiju_item, action=Action.ACCEPT, as_of=JULY)


def bodies(receiver) -> list[dict]:
    return [json.loads(post.body) for post in receiver.received]


def test_an_assignment_is_posted_signed_and_a_receiver_verifies_it(
    subscription, receiver, supervisor, fagaiju
):
    item = assign(draft_item(lead_unit=fagaiju, title="溶洞互通式立交开工"), supervisor)
    [post] = receiver.received
    # What a receiving system does, with the key the page showed once: no luoshi code.
    timestamp, signature = (part.split("=", 1)[1] for part in post.headers["X-Luoshi-Signature"].split(","))
    key = Subscription.objects.get(pk=subscription.pk).signing_key.encode()
    expected = hmac.new(key, timestamp.encode() + b"." + post.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature, expected)
    assert post.path == "/luoshi/events?token=receiver-token-0725"
    assert post.headers["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(post.body)
    assert post.headers["X-Luoshi-Event"] == body["event"] == "item.assigned"
    assert post.headers["X-Luoshi-Delivery"] == body["id"]
    assert body["region"]["name"] == "柞水县"
    assert body["object"] == {
        "type": "item",
        "id": item.pk,
        "code": item.code,
        "title": "溶洞互通式立交开工",
        "kind": item.kind,
        "status": "assigned",
        "lead_unit": "县发改局",
        "deadline": "2023-12-31",
        "path": f"/items/{item.pk}/",
    }
    assert body["occurred_at"].startswith("2023-07-25T")  # the app's day, as on the item's timeline
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.status == DeliveryStatus.DELIVERED
    [attempt] = delivery.tries.all()
    assert attempt.ok and attempt.response_code == 200


def test_nothing_leaves_before_the_commit_nor_after_a_rollback(subscription, receiver, supervisor, fagaiju):
    with transaction.atomic():
        assign(draft_item(lead_unit=fagaiju), supervisor)
        assert receiver.received == [] and not Delivery.objects.exists()
    assert len(receiver.received) == 1

    with pytest.raises(RuntimeError), transaction.atomic():
        assign(draft_item(lead_unit=fagaiju, title="撤回的交办"), supervisor)
        raise RuntimeError
    assert len(receiver.received) == 1 and Delivery.objects.count() == 1


def test_a_report_that_reaches_the_office_is_posted_without_its_text(
    subscription, receiver, accepted_item, fagaiju_head
):
    fagaiju_item = accepted_item
    report = item_services.report_submit(
        actor=fagaiju_head,
        item=fagaiju_item,
        data=ReportInput(period_start=date(2023, 7, 1), done="保密的本期完成情况", percent=40),
        as_of=JULY,
    )
    [body] = [b for b in bodies(receiver) if b["event"] == "report.submitted"]
    assert body["object"]["id"] == report.pk
    assert body["object"]["item"]["title"] == fagaiju_item.title
    assert body["object"]["unit"] == "县发改局" and body["object"]["percent"] == 40.0
    assert "保密的本期完成情况" not in json.dumps(body, ensure_ascii=False)


def test_a_report_waiting_for_its_head_is_posted_when_approved(
    subscription, receiver, fagaiju, accepted_item, fagaiju_reporter, fagaiju_head
):
    fagaiju_item = accepted_item
    fagaiju.reports_need_approval = True
    fagaiju.save()
    report = item_services.report_submit(
        actor=fagaiju_reporter,
        item=fagaiju_item,
        data=ReportInput(period_start=date(2023, 7, 1), done="待审核", percent=20),
        as_of=JULY,
    )
    assert not [b for b in bodies(receiver) if b["event"] == "report.submitted"]
    item_services.report_approve(actor=fagaiju_head, report=report, as_of=JULY)
    assert [b["object"]["id"] for b in bodies(receiver) if b["event"] == "report.submitted"] == [report.pk]


def test_a_colour_change_is_posted_from_the_recomputation_and_a_first_colour_is_not(
    subscription, receiver, fagaiju
):
    late = ItemFactory(
        lead_unit=fagaiju, deadline=date(2023, 7, 10), computed_colour="green", title="逾期事项"
    )
    first = ItemFactory(lead_unit=fagaiju, deadline=date(2023, 7, 10), computed_colour="", title="初次亮灯")
    colours_recompute(as_of=JULY, items=[late, first])
    late.refresh_from_db()
    first.refresh_from_db()
    assert late.computed_colour == first.computed_colour == "red"
    [body] = [b for b in bodies(receiver) if b["event"] == "item.colour_changed"]
    assert body["object"]["id"] == late.pk
    assert (body["object"]["colour_from"], body["object"]["colour_to"]) == ("green", "red")
    assert body["object"]["reason"] == late.computed_reason
    colours_recompute(as_of=JULY, items=[late, first])  # nothing changed: nothing sent
    assert len([b for b in bodies(receiver) if b["event"] == "item.colour_changed"]) == 1


def test_a_published_bulletin_is_posted_and_a_draft_is_not(subscription, receiver, supervisor, zhashui):
    draft = bulletin_services.bulletin_draft(
        actor=supervisor, region=zhashui, period=parse_period("2023-W29"), as_of=JULY, today=JULY
    )
    assert not [b for b in bodies(receiver) if b["event"] == "bulletin.published"]
    published = bulletin_services.bulletin_publish(actor=supervisor, bulletin=draft, on=JULY)
    [body] = [b for b in bodies(receiver) if b["event"] == "bulletin.published"]
    assert body["object"]["id"] == published.pk
    assert body["object"]["number"] == published.number_label
    assert body["object"]["published_on"] == "2023-07-25"


def test_another_county_hears_nothing_and_the_city_hears_its_counties(
    receiver, supervisor, zhenan_supervisor, city_supervisor, zhashui, zhenan, fagaiju
):
    def subscribe(actor, region, name):
        data = services.SubscriptionInput(
            name=name, url=f"{receiver.url}&who={name}", events=(Event.ITEM_ASSIGNED,)
        )
        return services.subscription_create(actor=actor, region=region, data=data)

    subscribe(zhenan_supervisor, zhenan, "zhenan")
    subscribe(city_supervisor, Region.objects.get(name="商洛市"), "city")
    assign(draft_item(lead_unit=fagaiju), supervisor)
    assert [post.path.rsplit("=", 1)[1] for post in receiver.received] == ["city"]


def test_only_the_events_a_subscription_chose_are_posted(receiver, supervisor, zhashui, fagaiju):
    services.subscription_create(
        actor=supervisor,
        region=zhashui,
        data=services.SubscriptionInput(name="通报", url=receiver.url, events=(Event.BULLETIN_PUBLISHED,)),
    )
    assign(draft_item(lead_unit=fagaiju), supervisor)
    assert receiver.received == [] and not Delivery.objects.exists()


def test_a_failing_receiver_is_tried_again_then_given_up_and_the_subscription_disabled(
    subscription, receiver, supervisor, monkeypatch
):
    from luoshi.webhooks import tasks

    scheduled: list[int] = []
    monkeypatch.setattr(tasks.delivery_send, "schedule", lambda args, delay: scheduled.append(delay))
    receiver.answers = [503] * 100
    for number in range(1, FAILURES_TO_DISABLE + 1):
        delivery = services.subscription_ping(actor=supervisor, subscription=subscription)
        delivery.refresh_from_db()
        assert delivery.attempts == 1 and delivery.status == DeliveryStatus.PENDING
        delays = [delivery_attempt(delivery_id=delivery.pk) for _ in range(MAX_ATTEMPTS - 1)]
        assert delays == [*BACKOFF[1:], None]
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == MAX_ATTEMPTS
        assert [(a.ok, a.response_code) for a in delivery.tries.all()] == [(False, 503)] * MAX_ATTEMPTS
        subscription.refresh_from_db()
        assert subscription.failures == number
        assert subscription.is_active == (number < FAILURES_TO_DISABLE)
    assert scheduled == [BACKOFF[0]] * FAILURES_TO_DISABLE  # the job's own first retry
    assert "连续3条推送失败" in subscription.disabled_reason
    assert Notification.objects.filter(recipient=supervisor, title="事件推送已停用：县大屏").exists()
    # disabled: a pending try is cancelled, nothing is sent, and a ping is refused
    posts = len(receiver.received)
    pending = Delivery.objects.create(
        subscription=subscription, event="ping", occurred_at=subscription.created_at, body="{}"
    )
    assert delivery_attempt(delivery_id=pending.pk) is None
    pending.refresh_from_db()
    assert pending.status == DeliveryStatus.CANCELLED and len(receiver.received) == posts
    with pytest.raises(ServiceError, match="已停用"):
        services.subscription_ping(actor=supervisor, subscription=subscription)


def test_a_success_resets_the_count_of_failures(subscription, receiver, supervisor):
    Subscription.objects.filter(pk=subscription.pk).update(failures=2)
    services.subscription_ping(actor=supervisor, subscription=subscription)
    subscription.refresh_from_db()
    assert subscription.failures == 0 and subscription.is_active


# --- the address rule: the robots', with the hosts of its own setting --------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://127.0.0.1/events",
        "https://10.0.0.8/events",
        "http://hooks.example.gov.cn/events",  # not https
        "https://hooks.example.gov.cn:8443/events",
        "https://hooks.example.gov.cn.evil.example/events",
        "https://admin:secret@hooks.example.gov.cn/events",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",  # a robot's host is not a receiver's
    ],
)
def test_an_address_outside_the_rule_is_refused_on_save(url, settings, supervisor, zhashui):
    settings.LUOSHI_WEBHOOK_OUT_HOSTS = ["hooks.example.gov.cn"]
    with pytest.raises(ServiceError, match=r"推送地址|只能填写"):
        services.subscription_create(
            actor=supervisor,
            region=zhashui,
            data=services.SubscriptionInput(name="越界", url=url, events=(Event.ITEM_ASSIGNED,)),
        )
    assert not Subscription.objects.exists()


def test_the_allowed_hosts_come_from_their_own_setting(settings, supervisor, zhashui):
    data = services.SubscriptionInput(
        name="市大屏", url="https://hooks.example.gov.cn/e", events=("item.assigned",)
    )
    settings.LUOSHI_WEBHOOK_OUT_HOSTS = []
    with pytest.raises(ServiceError, match="允许的主机：无"):
        services.subscription_create(actor=supervisor, region=zhashui, data=data)
    settings.LUOSHI_WEBHOOK_OUT_HOSTS = ["hooks.example.gov.cn"]
    assert services.subscription_create(actor=supervisor, region=zhashui, data=data).pk


def test_the_address_is_checked_again_before_each_post(subscription, receiver, settings, monkeypatch):
    settings.LUOSHI_WEBHOOK_GATEWAY = ""  # the gateway is withdrawn after the subscription was saved
    delivery = services.subscription_ping(actor=demo_user("duchaban"), subscription=subscription)
    delivery.refresh_from_db()
    assert receiver.received == [] and delivery.status == DeliveryStatus.FAILED  # refused: not retried
    assert "推送地址必须以 https:// 开头" in delivery.tries.get().error

    settings.LUOSHI_WEBHOOK_OUT_HOSTS = ["hooks.example.gov.cn"]
    Subscription.objects.filter(pk=subscription.pk).update(url="https://hooks.example.gov.cn/e", failures=0)
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.8", 443))],
    )
    subscription.refresh_from_db()
    delivery = services.subscription_ping(actor=demo_user("duchaban"), subscription=subscription)
    assert "内部地址 10.0.0.8" in delivery.tries.get().error


def test_a_redirect_is_not_followed(subscription, receiver, supervisor):
    receiver.location = "http://169.254.169.254/latest/meta-data/"
    delivery = services.subscription_ping(actor=supervisor, subscription=subscription)
    assert len(receiver.received) == 1
    assert "不跟随" in delivery.tries.get().error


def test_the_audit_log_never_holds_the_key_nor_the_receivers_token(subscription):
    written = json.dumps(
        list(AuditEvent.objects.values("summary", "object_text", "changes")), ensure_ascii=False
    )
    assert "webhooks.Subscription" in json.dumps(
        list(AuditEvent.objects.values_list("object_type", flat=True))
    )
    assert subscription.signing_key not in written
    assert "receiver-token-0725" not in written
    assert "/luoshi/events?******" in written


def test_items_assigned_by_an_import_are_posted_each(subscription, receiver, supervisor, zhashui, fagaiju):
    rows = [
        item_services.ItemInput(
            title=f"导入交办的事项{n}", year=2023, lead_unit=fagaiju, deadline=date(2023, 12, 31)
        )
        for n in (1, 2)
    ]
    item_services.items_import(actor=supervisor, region=zhashui, rows=rows, assign=True, as_of=JULY)
    titles = sorted(b["object"]["title"] for b in bodies(receiver) if b["event"] == "item.assigned")
    assert titles == ["导入交办的事项1", "导入交办的事项2"]
