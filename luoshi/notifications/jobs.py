"""Background jobs: deliveries that leave the machine (email, group robots)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from huey.contrib.djhuey import task

from luoshi.notifications.robots import dingtalk_signed_url
from luoshi.notifications.webhooks import WebhookRefused, webhook_post

logger = logging.getLogger("luoshi.notifications")


@task(retries=3, retry_delay=60)
def send_email(recipients: list[str], subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


@task(retries=3, retry_delay=60)
def post_webhook(url: str, payload: dict[str, object], dingtalk_secret: str = "") -> None:
    try:
        response = webhook_post(dingtalk_signed_url(url, dingtalk_secret), payload)
    except WebhookRefused as refusal:
        # Not retried: the address stays refused until an administrator corrects it.
        logger.error("群机器人消息未发送（%s）：%s", _redacted(url), refusal)
        return
    # Both robots answer 200 with an error code in the body when they refuse a message.
    try:
        answer = response.json()
    except ValueError:
        return
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0):
        raise RuntimeError(f"群机器人拒收消息：{answer}")


def _redacted(url: str) -> str:
    """The address without its query: the robot's key is a secret that does not go to the log."""
    return url.split("?", 1)[0]
