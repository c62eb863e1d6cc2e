"""What the ground layer knows of a request: the address it comes from."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address a request comes from: for counting failed logins (AXES_CLIENT_IP_CALLABLE) and
    for the audit log.

    REMOTE_ADDR, unless LUOSHI_TRUSTED_PROXY_COUNT says that many proxies of ours stand in front of
    the app: then the address the outermost of them saw, read from X-Forwarded-For counted from the
    right. Each proxy appends the address it was called from, so whatever a client writes into the
    header itself stays on the left and is never taken.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies: int = settings.LUOSHI_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
