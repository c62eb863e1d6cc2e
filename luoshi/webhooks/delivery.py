"""Sending one delivery once: sign its body, post it through the robots' checked path (the address
rule again, public addresses only, no redirects, 3 s / 5 s), record the try, and say whether and
when to try again. A subscription whose deliveries keep failing is disabled and its office told.

Runs in the job worker, outside any transaction while it posts: the database is never held for
the receiver's seconds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests
from django.db import transaction
from django.db.models import F

from luoshi.core import clock
from luoshi.items.hooks import Audience, notice_publish
from luoshi.notifications.webhooks import WebhookRefused, webhook_post
from luoshi.webhooks.models import (
    SUBSCRIPTION_ADDRESSES,
    Attempt,
    Delivery,
    DeliveryStatus,
    Subscription,
    address_shown,
)
from luoshi.webhooks.signing import HEADER, signature_header

logger = logging.getLogger("luoshi.webhooks")

MAX_ATTEMPTS = 5
# Seconds before the 2nd, 3rd, 4th and 5th tries.
BACKOFF = (60, 300, 1800, 7200)
# Deliveries given up in a row before the subscription is disabled.
FAILURES_TO_DISABLE = 3


@dataclass(frozen=True)
class Outcome:
    ok: bool
    response_code: int | None = None
    error: str = ""
    retry: bool = False  # whether trying again may help


def _post(subscription: Subscription, delivery: Delivery) -> Outcome:
    body = delivery.body.encode()
    timestamp = int(clock.actual_now().timestamp())  # the receiver compares it with its own clock
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "luoshi-webhooks/1",
        "X-Luoshi-Event": delivery.event,
        "X-Luoshi-Delivery": str(delivery.uid),
        HEADER: signature_header(subscription.signing_key, timestamp, body),
    }
    try:
        response = webhook_post(subscription.url, body=body, headers=headers, rule=SUBSCRIPTION_ADDRESSES)
    except WebhookRefused as refusal:
        return Outcome(ok=False, error=str(refusal)[:300])
    except requests.HTTPError as error:
        code = error.response.status_code if error.response is not None else None
        return Outcome(ok=False, response_code=code, error=f"接收系统返回 {code}", retry=True)
    except requests.Timeout:
        return Outcome(ok=False, error="接收系统未在时限内答复（连接3秒、读取5秒）", retry=True)
    except requests.RequestException as error:
        # The exception's text may hold the address with its token: only its kind is kept.
        return Outcome(ok=False, error=f"无法连接接收系统（{type(error).__name__}）", retry=True)
    return Outcome(ok=True, response_code=response.status_code)


def delivery_attempt(*, delivery_id: int) -> int | None:
    """Try a pending delivery once; the seconds to wait before the next try, or None when done."""
    delivery = Delivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return None
    subscription = delivery.subscription
    if not subscription.is_active:
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.CANCELLED, finished_at=clock.actual_now()
        )
        return None
    outcome = _post(subscription, delivery)
    number = delivery.attempts + 1
    again = outcome.retry and number < MAX_ATTEMPTS
    with transaction.atomic():
        Attempt.objects.create(
            delivery=delivery,
            number=number,
            ok=outcome.ok,
            response_code=outcome.response_code,
            error=outcome.error,
        )
        finished = None if again else clock.actual_now()
        status = (
            DeliveryStatus.DELIVERED
            if outcome.ok
            else (DeliveryStatus.PENDING if again else DeliveryStatus.FAILED)
        )
        Delivery.objects.filter(pk=delivery.pk).update(attempts=number, status=status, finished_at=finished)
        if outcome.ok:
            Subscription.objects.filter(pk=subscription.pk).exclude(failures=0).update(failures=0)
        elif not again:
            _count_failure(subscription.pk, outcome)
    if not outcome.ok:
        logger.warning(
            "事件推送第%s次失败（%s %s）：%s",
            number,
            subscription.name,
            address_shown(subscription.url),
            outcome.error,
        )
    return BACKOFF[number - 1] if again else None


def _count_failure(subscription_id: int, outcome: Outcome) -> None:
    subscription = Subscription.objects.select_for_update().get(pk=subscription_id)
    subscription.failures = F("failures") + 1
    subscription.save(update_fields=["failures"])
    subscription.refresh_from_db(fields=["failures"])
    if subscription.is_active and subscription.failures >= FAILURES_TO_DISABLE:
        reason = f"连续{subscription.failures}条推送失败，系统已自动停用（最近一次：{outcome.error}）"
        subscription_auto_disable(subscription=subscription, reason=reason)


def subscription_auto_disable(*, subscription: Subscription, reason: str) -> None:
    subscription.is_active = False
    subscription.disabled_reason = reason[:300]
    subscription.updated_at = clock.now()
    subscription.version = F("version") + 1
    subscription.save(update_fields=["is_active", "disabled_reason", "updated_at", "version"])
    notice_publish(
        Audience(supervisors_of_region=subscription.region_id),
        title=f"事件推送已停用：{subscription.name}",
        body=f"{reason}。请检查接收系统后重新启用。",
    )
