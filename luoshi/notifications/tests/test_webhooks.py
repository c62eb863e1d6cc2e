"""Group robot addresses (企业微信, 钉钉) cannot turn the job worker on the network it runs in.

Only https addresses on the robots' own hosts, or the county's configured gateway, are accepted
when a unit is saved, and again by the worker before each post; the worker refuses a host that
resolves, or connects, to an internal address, follows no redirect and gives up quickly.
"""

from __future__ import annotations

import logging
import socket

import pytest
import requests
from django.core.exceptions import ValidationError

from luoshi.conftest import client_for
from luoshi.notifications.delivery import notify_unit_group
from luoshi.notifications.jobs import post_webhook
from luoshi.notifications.tests.conftest import Robot
from luoshi.notifications.webhooks import WEBHOOK_TIMEOUT, WebhookRefused, address_problem, webhook_post
from luoshi.org.models import Unit, webhook_address_problem

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=abc"
PAYLOAD = {"msgtype": "markdown", "markdown": {"content": "**催办**"}}


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # the cloud's metadata service
        "http://127.0.0.1:8000/admin/",
        "https://127.0.0.1/cgi-bin/webhook/send",
        "https://10.0.0.8/robot/send",
        "https://[::1]/robot/send",
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",  # not https
        "https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send",
        "https://evil.example/?u=https://qyapi.weixin.qq.com/",
        "https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send",
        "https://admin:secret@qyapi.weixin.qq.com/cgi-bin/webhook/send",
        "https://qyapi.weixin.qq.com@169.254.169.254/",
        "ftp://oapi.dingtalk.com/robot/send",
    ],
)
def test_a_unit_refuses_robot_addresses_outside_the_robots_hosts(url):
    assert webhook_address_problem(url)
    for field in ("wecom_webhook", "dingtalk_webhook"):
        unit = Unit(**{field: url})
        with pytest.raises(ValidationError) as refused:
            unit.clean_fields(exclude=[f.name for f in Unit._meta.fields if f.name != field])
        assert field in refused.value.message_dict


@pytest.mark.parametrize("url", [WECOM, DINGTALK, "https://OAPI.DINGTALK.COM./robot/send?access_token=abc"])
def test_the_robots_own_addresses_are_accepted(url):
    assert webhook_address_problem(url) is None
    Unit(wecom_webhook=url, dingtalk_webhook=url).clean_fields(
        exclude=[f.name for f in Unit._meta.fields if not f.name.endswith("_webhook")]
    )


def test_the_message_says_what_is_allowed_in_chinese():
    assert webhook_address_problem("http://169.254.169.254/") == "群机器人地址必须以 https:// 开头。"
    assert webhook_address_problem("https://169.254.169.254/") == (
        "只能填写企业微信或钉钉群机器人的地址（允许的主机：qyapi.weixin.qq.com、oapi.dingtalk.com）。"
    )


def test_the_allowed_hosts_and_the_gateway_come_from_the_settings(settings):
    settings.LUOSHI_WEBHOOK_HOSTS = ["oapi.dingtalk.com"]
    assert webhook_address_problem(WECOM) and webhook_address_problem(DINGTALK) is None
    # plain http to the gateway only when the setting says http, and only on its port
    settings.LUOSHI_WEBHOOK_GATEWAY = "http://10.0.0.9:8080"
    assert webhook_address_problem("http://10.0.0.9:8080/cgi-bin/webhook/send?key=x") is None
    assert webhook_address_problem("http://10.0.0.9:8081/cgi-bin/webhook/send?key=x")
    assert webhook_address_problem("http://10.0.0.9/cgi-bin/webhook/send?key=x")
    assert webhook_address_problem("https://10.0.0.9:8080/cgi-bin/webhook/send?key=x")
    settings.LUOSHI_WEBHOOK_GATEWAY = "robot-gw.zs.gov.cn"  # a bare host: https on 443
    assert webhook_address_problem("https://robot-gw.zs.gov.cn/robot/send?access_token=x") is None
    assert webhook_address_problem("http://robot-gw.zs.gov.cn/robot/send?access_token=x")


@pytest.mark.django_db
def test_the_admin_page_refuses_an_internal_address(county_admin, fagaiju):
    def post(address: str):
        return client_for(county_admin).post(
            f"/admin/org/unit/{fagaiju.pk}/change/",
            {
                "region": fagaiju.region_id,
                "parent": "",
                "name": fagaiju.name,
                "short_name": fagaiju.short_name,
                "aliases": fagaiju.aliases,
                "kind": fagaiju.kind,
                "sort_order": fagaiju.sort_order,
                "is_active": "on",
                "wecom_webhook": address,
                "dingtalk_webhook": "",
                "dingtalk_secret": "",
            },
        )

    refused = post("http://169.254.169.254/latest/meta-data/")
    assert refused.status_code == 200
    assert "群机器人地址必须以 https:// 开头" in refused.content.decode()
    fagaiju.refresh_from_db()
    assert fagaiju.wecom_webhook == ""
    assert post(WECOM).status_code == 302
    fagaiju.refresh_from_db()
    assert fagaiju.wecom_webhook == WECOM


@pytest.mark.django_db
def test_an_address_saved_before_the_rule_is_not_posted_to(
    fagaiju, robot_server, django_capture_on_commit_callbacks, caplog
):
    # saved as the unit stood before the rule; the local robot is not the configured gateway
    Unit.objects.filter(pk=fagaiju.pk).update(
        wecom_webhook=f"{robot_server}/cgi-bin/webhook/send?key=secret-key",
        dingtalk_webhook="http://169.254.169.254/latest/meta-data/",
    )
    fagaiju.refresh_from_db()
    with (
        caplog.at_level(logging.ERROR, logger="luoshi.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify_unit_group(fagaiju, title="催办", text="请按时报送")
    assert Robot.received == []
    refusals = [r.getMessage() for r in caplog.records if r.name == "luoshi.notifications"]
    assert len(refusals) == 2 and all("群机器人消息未发送" in message for message in refusals)
    assert not any("secret-key" in message for message in refusals)  # the key stays out of the log


def internal_names(monkeypatch, *answers: str) -> list[str]:
    """Make every name resolve to `answers` in turn (the last one from then on); return the names asked."""
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        address = answers[min(len(asked), len(answers)) - 1]
        address, _, real_port = address.partition("#")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(real_port or port)))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.mark.parametrize(
    "address", ["169.254.169.254", "127.0.0.1", "10.0.0.8", "192.168.1.20", "100.64.0.1"]
)
def test_a_robot_host_that_resolves_to_an_internal_address_is_refused(monkeypatch, address):
    asked = internal_names(monkeypatch, address)
    sent = []
    monkeypatch.setattr(requests.Session, "send", lambda *args, **kwargs: sent.append(args))
    with pytest.raises(WebhookRefused, match="内部地址"):
        webhook_post(WECOM, PAYLOAD)
    assert asked == ["qyapi.weixin.qq.com"] and sent == []


def test_the_address_actually_connected_to_is_checked_too(monkeypatch, robot_server):
    """A name that answers a public address first and an internal one next (DNS rebinding)."""
    port = robot_server.rsplit(":", 1)[1]
    asked = internal_names(monkeypatch, "101.226.1.1", f"127.0.0.1#{port}")
    with pytest.raises(WebhookRefused, match=r"内部地址 127\.0\.0\.1"):
        webhook_post(WECOM, PAYLOAD)
    assert len(asked) == 2  # the check, then the connection, which reached the local robot
    assert Robot.received == []  # and was closed before a byte was sent


@pytest.mark.parametrize(
    ("ip", "allowed"),
    [
        ("101.226.1.1", True),
        ("2408:8000::1", True),
        ("127.0.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - an address refused, not one bound to
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:127.0.0.1", False),
    ],
)
def test_which_addresses_a_robot_may_have(ip, allowed):
    assert (address_problem(ip, ("https", "qyapi.weixin.qq.com", 443)) is None) == allowed


def test_the_gateway_may_have_an_internal_address(settings):
    settings.LUOSHI_WEBHOOK_GATEWAY = "http://10.0.0.9:8080"
    assert address_problem("10.0.0.9", ("http", "10.0.0.9", 8080)) is None
    assert address_problem("10.0.0.9", ("http", "10.0.0.9", 8081))


def test_a_redirect_is_not_followed(robot_server, settings, caplog):
    settings.LUOSHI_WEBHOOK_GATEWAY = robot_server
    Robot.redirects = {"/cgi-bin/webhook/send": "http://169.254.169.254/latest/meta-data/"}
    with pytest.raises(WebhookRefused, match="跳转"):
        webhook_post(f"{robot_server}/cgi-bin/webhook/send?key=x", PAYLOAD)
    Robot.redirects = {"/cgi-bin/webhook/send": f"{robot_server}/elsewhere"}
    with caplog.at_level(logging.ERROR, logger="luoshi.notifications"):
        post_webhook.call_local(f"{robot_server}/cgi-bin/webhook/send?key=x", PAYLOAD)
    assert [path.split("?")[0] for path, _ in Robot.received] == ["/cgi-bin/webhook/send"] * 2
    assert "不跟随" in caplog.text


def test_short_timeouts_and_no_redirects_or_proxies(robot_server, settings, monkeypatch):
    settings.LUOSHI_WEBHOOK_GATEWAY = robot_server
    monkeypatch.setenv("HTTP_PROXY", "http://169.254.169.254:3128")  # ignored: not from the environment
    calls = []
    request = requests.Session.request

    def spy(self, method, url, **kwargs):
        calls.append((self.trust_env, kwargs))
        return request(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    webhook_post(f"{robot_server}/robot/send?access_token=x", PAYLOAD)
    [(trust_env, kwargs)] = calls
    assert WEBHOOK_TIMEOUT == (3, 5) and kwargs["timeout"] == (3, 5)
    assert kwargs["allow_redirects"] is False and trust_env is False
    assert len(Robot.received) == 1


def test_a_name_that_does_not_resolve_now_is_tried_again_later(monkeypatch):
    def getaddrinfo(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(requests.ConnectionError, match=r"无法解析 qyapi\.weixin\.qq\.com"):
        webhook_post(WECOM, PAYLOAD)
