"""The pages of 事件推送: the region's office and system administrator manage its subscriptions;
another county's get 404, everyone else 403; the key is shown once; the tries are on the page."""

from __future__ import annotations

import pytest

from luoshi.conftest import client_for
from luoshi.webhooks.models import Delivery, Subscription

pytestmark = pytest.mark.django_db


def test_the_office_creates_a_subscription_and_sees_its_key_once(supervisor, receiver):
    client = client_for(supervisor)
    assert "还没有事件推送订阅" in client.get("/webhooks/").content.decode()
    response = client.post(
        "/webhooks/new/",
        {"name": "市大屏", "url": receiver.url, "events": ["item.assigned", "bulletin.published"]},
    )
    subscription = Subscription.objects.get()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert subscription.signing_key in response.content.decode()
    assert subscription.events == ["item.assigned", "bulletin.published"]
    assert subscription.created_by == supervisor
    page = client.get(f"/webhooks/{subscription.pk}/").content.decode()
    assert "市大屏" in page and "事项交办、通报发布" in page
    assert subscription.signing_key not in page
    assert "市大屏" in client.get("/webhooks/").content.decode()


def test_a_refused_address_is_said_on_the_form(supervisor):
    response = client_for(supervisor).post(
        "/webhooks/new/",
        {"name": "内网", "url": "http://169.254.169.254/latest/", "events": ["item.assigned"]},
    )
    assert response.status_code == 200
    assert "推送地址必须以 https:// 开头" in response.content.decode()
    assert not Subscription.objects.exists()


def test_the_system_administrator_manages_them_too(county_admin, subscription):
    client = client_for(county_admin)
    assert client.get("/webhooks/").status_code == 200
    assert client.get(f"/webhooks/{subscription.pk}/").status_code == 200
    client.post(f"/webhooks/{subscription.pk}/disable/")
    subscription.refresh_from_db()
    assert not subscription.is_active


def test_a_reporter_a_leader_and_an_observer_are_refused(
    fagaiju_reporter, fengrui_user, viewer, subscription
):
    for user in (fagaiju_reporter, fengrui_user, viewer):
        client = client_for(user)
        for address in (
            "/webhooks/",
            "/webhooks/new/",
            f"/webhooks/{subscription.pk}/",
            f"/webhooks/{subscription.pk}/edit/",
        ):
            assert client.get(address).status_code == 403, (user, address)
        for action in ("disable", "ping"):
            assert client.post(f"/webhooks/{subscription.pk}/{action}/").status_code == 403
    subscription.refresh_from_db()
    assert subscription.is_active and not Delivery.objects.exists()


def test_another_countys_office_gets_404_and_changes_nothing(zhenan_supervisor, subscription):
    client = client_for(zhenan_supervisor)
    assert "县大屏" not in client.get("/webhooks/").content.decode()
    for address in (f"/webhooks/{subscription.pk}/", f"/webhooks/{subscription.pk}/edit/"):
        assert client.get(address).status_code == 404
    for action in ("disable", "ping", "edit"):
        assert client.post(f"/webhooks/{subscription.pk}/{action}/", {"name": "改"}).status_code == 404
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.name == "县大屏" and not Delivery.objects.exists()


def test_a_test_ping_and_its_tries_are_on_the_subscriptions_page(supervisor, subscription, receiver):
    client = client_for(supervisor)
    client.post(f"/webhooks/{subscription.pk}/ping/")
    assert len(receiver.received) == 1
    page = client.get(f"/webhooks/{subscription.pk}/").content.decode()
    assert "测试消息" in page and "已送达" in page and "第1次" in page and "成功（200）" in page


def test_edit_keeps_the_key_unless_asked_and_refuses_a_stale_version(supervisor, subscription, receiver):
    client = client_for(supervisor)
    key = subscription.signing_key
    form = {
        "name": "县大屏二号",
        "url": receiver.url,
        "events": ["item.assigned"],
        "version": subscription.version,
    }
    assert client.post(f"/webhooks/{subscription.pk}/edit/", form).status_code == 302
    subscription.refresh_from_db()
    assert (subscription.name, subscription.signing_key, subscription.events) == (
        "县大屏二号",
        key,
        ["item.assigned"],
    )
    stale = client.post(f"/webhooks/{subscription.pk}/edit/", form | {"name": "旧页面"})
    assert "已被其他人修改" in stale.content.decode()
    for version in ({}, {"version": "0"}):  # no version, or 0: not a way round the check
        unversioned = {k: v for k, v in form.items() if k != "version"} | version | {"name": "无版本"}
        assert client.post(f"/webhooks/{subscription.pk}/edit/", unversioned).status_code == 200
    subscription.refresh_from_db()
    assert subscription.name == "县大屏二号"
    renewed = client.post(
        f"/webhooks/{subscription.pk}/edit/", form | {"version": subscription.version, "new_key": "on"}
    )
    subscription.refresh_from_db()
    assert subscription.signing_key != key and subscription.signing_key in renewed.content.decode()


def test_a_disabled_subscription_is_enabled_again_with_its_failures_forgotten(supervisor, subscription):
    Subscription.objects.filter(pk=subscription.pk).update(
        is_active=False, failures=3, disabled_reason="连续3条推送失败"
    )
    client = client_for(supervisor)
    assert "连续3条推送失败" in client.get(f"/webhooks/{subscription.pk}/").content.decode()
    client.post(f"/webhooks/{subscription.pk}/enable/")
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.failures == 0 and not subscription.disabled_reason
