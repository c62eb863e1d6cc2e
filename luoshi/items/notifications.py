"""Who hears of what, and through which channel.

In-app notifications are rows written in the same transaction as the change they report.
Email and the unit's group robots (企业微信, 钉钉) are sent by the job worker after the commit,
so a rolled-back change never sends a message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.urls import reverse

from luoshi.items.models import Item, Notification
from luoshi.org.models import Leader, Membership, Role, Unit, User


def unit_people(unit_id: int | None, *roles: str) -> list[User]:
    if unit_id is None:
        return []
    memberships = Membership.objects.filter(unit_id=unit_id, user__is_active=True)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return list(User.objects.filter(pk__in=memberships.values("user_id")))


def region_supervisors(region_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__role=Role.SUPERVISOR, memberships__unit__region_id=region_id
        ).distinct()
    )


def leader_users(leader: Leader | None) -> list[User]:
    if leader is None:
        return []
    return list(User.objects.filter(person_id=leader.person_id, is_active=True))


def item_url(item: Item) -> str:
    return reverse("items:detail", args=[item.pk])


def notify(
    recipients: Iterable[User], *, item: Item | None, title: str, body: str = "", actor: User | None = None
) -> int:
    """Tell each recipient (but not the one who acted) in the app, and by email where they have one."""
    people = {user.pk: user for user in recipients if actor is None or user.pk != actor.pk}
    Notification.objects.bulk_create(
        [Notification(recipient=user, item=item, title=title, body=body) for user in people.values()]
    )
    emails = sorted({user.email for user in people.values() if user.email})
    if emails:
        link = item_url(item) if item else ""
        transaction.on_commit(partial(_queue_email, emails, title, f"{body}\n\n{link}".strip()))
    return len(people)


def notify_unit_group(unit: Unit | None, *, title: str, text: str) -> None:
    """Post to the unit's 企业微信 and 钉钉 group robots, where the unit configured them."""
    if unit is None:
        return
    if unit.wecom_webhook:
        transaction.on_commit(partial(_queue_webhook, unit.wecom_webhook, wecom_payload(title, text)))
    if unit.dingtalk_webhook:
        # Signed when it is sent: DingTalk refuses a signature older than an hour.
        transaction.on_commit(
            partial(
                _queue_webhook, unit.dingtalk_webhook, dingtalk_payload(title, text), unit.dingtalk_secret
            )
        )


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


def _queue_email(recipients: list[str], subject: str, body: str) -> None:
    from luoshi.items.tasks import send_email

    send_email(recipients, f"【落实】{subject}", body)


def _queue_webhook(url: str, payload: dict[str, object], dingtalk_secret: str = "") -> None:
    from luoshi.items.tasks import post_webhook

    post_webhook(url, payload, dingtalk_secret)
