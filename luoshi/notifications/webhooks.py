"""Posting to a unit's group robot, from inside the government network, without being turned on it.

A robot address comes from the admin page, so the worker trusts none of it: before each post it
checks the address against the rule of the day (an address saved before the rule is refused too),
resolves the host and refuses any address that is not public unless it is the configured gateway,
checks the address it actually connected to (a name may resolve differently the second time),
never follows a redirect and gives up quickly.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import parse_url

from luoshi.org.models import (
    DEFAULT_PORTS,
    ROBOT_ADDRESSES,
    AddressRule,
    is_webhook_gateway,
    webhook_address_problem,
    webhook_origin,
)

# (connect, read) seconds: a robot answers at once or not at all.
WEBHOOK_TIMEOUT = (3, 5)


class WebhookRefused(Exception):
    """The address may not be posted to. Trying again later does not help."""


def address_problem(ip: str, origin: tuple[str, str, int]) -> str | None:
    """Why the worker may not connect to `ip` for a robot at `origin`; None when it may."""
    if is_webhook_gateway(origin):
        return None
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_global and not address.is_multicast:
        return None
    return f"{origin[1]} 解析到内部地址 {address}，不向其推送"


def webhook_check(url: str, rule: AddressRule = ROBOT_ADDRESSES) -> tuple[str, str, int]:
    """The address's (scheme, host, port), once the rule and the name's addresses allow it."""
    problem = webhook_address_problem(url, rule)
    origin = webhook_origin(url)
    if problem or origin is None:
        raise WebhookRefused(problem or f"{rule.noun}格式不正确")
    # requests reads the address with urllib3's parser: both must see the same host and port.
    parsed = parse_url(url)
    if ((parsed.host or "").lower().strip("[]").rstrip("."), parsed.port or origin[2]) != origin[1:]:
        raise WebhookRefused(f"{rule.noun}格式不正确")
    try:
        addresses = socket.getaddrinfo(origin[1], origin[2], type=socket.SOCK_STREAM)
    except OSError as error:  # the name server may answer next time: the job is tried again
        raise requests.ConnectionError(f"无法解析 {origin[1]}：{error}") from error
    for *_, sockaddr in addresses:
        problem = address_problem(str(sockaddr[0]), origin)
        if problem:
            raise WebhookRefused(problem)
    return origin


def _checked_peer(sock: socket.socket, connection: HTTPConnection, scheme: str) -> socket.socket:
    """Close and refuse a fresh connection whose peer address the robot rule does not allow."""
    origin = (scheme, connection.host.lower(), connection.port or DEFAULT_PORTS[scheme])
    problem = address_problem(str(sock.getpeername()[0]), origin)
    if problem:
        sock.close()
        raise WebhookRefused(problem)
    return sock


class _CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _checked_peer(super()._new_conn(), self, "http")


class _CheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _checked_peer(super()._new_conn(), self, "https")


class _CheckedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPConnectionPool,
            "https": _CheckedHTTPSConnectionPool,
        }


def _session() -> requests.Session:
    session = requests.Session()
    # No proxy, .netrc or CA bundle from the environment: the robot is reached directly or through
    # the configured gateway, and the peer check above sees the robot, not a proxy.
    session.trust_env = False
    adapter = _CheckedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def webhook_post(
    url: str,
    payload: dict[str, object] | None = None,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    rule: AddressRule = ROBOT_ADDRESSES,
) -> requests.Response:
    """Post `payload` (as JSON), or `body` exactly as given (a signed one), to an address `rule`
    allows (a group robot's by default); a redirect is refused, not followed."""
    webhook_check(url, rule)
    with _session() as session:
        response = session.post(
            url,
            data=body,
            json=payload if body is None else None,
            headers=headers,
            timeout=WEBHOOK_TIMEOUT,
            allow_redirects=False,
        )
    if response.is_redirect or 300 <= response.status_code < 400:
        raise WebhookRefused(f"{rule.noun}返回跳转（{response.status_code}），不跟随")
    response.raise_for_status()
    return response
