"""Background jobs: deliveries that leave the machine (email, group robots)."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.core.mail import send_mail
from huey.contrib.djhuey import task

from luoshi.notifications.robots import dingtalk_signed_url

logger = logging.getLogger("luoshi.notifications")

WEBHOOK_TIMEOUT = 10


@task(retries=3, retry_delay=60)
def send_email(recipients: list[str], subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


@task(retries=3, retry_delay=60)
def post_webhook(url: str, payload: dict[str, object], dingtalk_secret: str = "") -> None:
    if dingtalk_secret:
        url = dingtalk_signed_url(url, dingtalk_secret)
    response = requests.post(url, json=payload, timeout=WEBHOOK_TIMEOUT)
    response.raise_for_status()
    # Both robots answer 200 with an error code in the body when they refuse a message.
    try:
        answer = response.json()
    except ValueError:
        return
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0):
        raise RuntimeError(f"群机器人拒收消息：{answer}")
