"""Group robots (企业微信, 钉钉): the messages they take and DingTalk's signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse


def wecom_payload(title: str, text: str) -> dict[str, object]:
    # https://developer.work.weixin.qq.com/document/path/91770 (群机器人): markdown message
    return {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{text}"}}


def dingtalk_payload(title: str, text: str) -> dict[str, object]:
    # https://open.dingtalk.com/document/robots/custom-robot-access: markdown message
    return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n{text}"}}


def dingtalk_signed_url(url: str, secret: str, *, timestamp_ms: int | None = None) -> str:
    """DingTalk's 加签: HMAC-SHA256 of "timestamp\\nsecret", base64, as query parameters."""
    if not secret:
        return url
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={sign}"
