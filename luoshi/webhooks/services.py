"""Writes of the webhooks: subscriptions (create, change, disable, enable, test ping) and the
deliveries an event makes, queued for the job worker once they have committed."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from luoshi.core import clock
from luoshi.items.services import Conflict, ServiceError, ensure
from luoshi.org.models import Region, User
from luoshi.webhooks import payloads
from luoshi.webhooks.models import PING, Delivery, Subscription, new_signing_key
from luoshi.webhooks.rules import NOT_MANAGER, can_manage
from luoshi.webhooks.tasks import deliveries_enqueue


@dataclass(frozen=True)
class SubscriptionInput:
    name: str
    url: str
    events: tuple[str, ...]


def _clean(subscription: Subscription) -> None:
    try:
        subscription.full_clean(exclude=["region", "created_by"])
    except ValidationError as error:
        messages = [message for messages in error.message_dict.values() for message in messages]
        raise ServiceError("；".join(messages)) from error


def _save(subscription: Subscription) -> None:
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError as error:
        raise ServiceError("本行政区已有同名的订阅。") from error


@transaction.atomic
def subscription_create(*, actor: User, region: Region, data: SubscriptionInput) -> Subscription:
    """A new subscription with a new signing key (shown once, on the page that creates it)."""
    ensure(can_manage(actor, region.pk), NOT_MANAGER)
    subscription = Subscription(
        region=region,
        name=data.name.strip(),
        url=data.url.strip(),
        events=list(data.events),
        created_by=actor,
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    _clean(subscription)
    _save(subscription)
    return subscription


def _locked(subscription: Subscription, version: int | None = None) -> Subscription:
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if version is not None and locked.version != version:
        raise Conflict("这个订阅已被其他人修改，请刷新页面后重试。")
    return locked


@transaction.atomic
def subscription_update(
    *, actor: User, subscription: Subscription, data: SubscriptionInput, version: int, new_key: bool = False
) -> Subscription:
    ensure(can_manage(actor, subscription.region_id), NOT_MANAGER)
    subscription = _locked(subscription, version)
    subscription.name = data.name.strip()
    subscription.url = data.url.strip()
    subscription.events = list(data.events)
    if new_key:
        subscription.signing_key = new_signing_key()
    subscription.updated_at = clock.now()
    _clean(subscription)
    subscription.version = F("version") + 1
    _save(subscription)
    subscription.refresh_from_db(fields=["version"])
    return subscription


@transaction.atomic
def subscription_disable(*, actor: User, subscription: Subscription) -> Subscription:
    ensure(can_manage(actor, subscription.region_id), NOT_MANAGER)
    subscription = _locked(subscription)
    ensure(subscription.is_active, "这个订阅已经停用。", ServiceError)
    subscription.is_active = False
    subscription.disabled_reason = f"{actor}停用"[:300]
    return _touch(subscription)


@transaction.atomic
def subscription_enable(*, actor: User, subscription: Subscription) -> Subscription:
    """Enabled again, its address checked against today's rule, its failures forgotten."""
    ensure(can_manage(actor, subscription.region_id), NOT_MANAGER)
    subscription = _locked(subscription)
    ensure(not subscription.is_active, "这个订阅已经启用。", ServiceError)
    subscription.is_active = True
    subscription.disabled_reason = ""
    subscription.failures = 0
    _clean(subscription)
    return _touch(subscription)


def _touch(subscription: Subscription) -> Subscription:
    subscription.updated_at = clock.now()
    subscription.version = F("version") + 1
    subscription.save()
    subscription.refresh_from_db(fields=["version"])
    return subscription


@transaction.atomic
def subscription_ping(*, actor: User, subscription: Subscription) -> Delivery:
    """A test message, signed and sent like an event, recorded among the deliveries."""
    ensure(can_manage(actor, subscription.region_id), NOT_MANAGER)
    ensure(subscription.is_active, "订阅已停用，请先启用再发送测试消息。", ServiceError)
    [delivery] = deliveries_create(
        [
            Occurrence(
                event=PING,
                region_id=subscription.region_id,
                object_id=subscription.pk,
                at=clock.now(),
                summary=payloads.ping_summary(subscription.pk),
            )
        ],
        only=subscription,
    )
    return delivery


@dataclass(frozen=True)
class Occurrence:
    """Something that happened to an object of a region, with the summary its body carries."""

    event: str
    region_id: int
    object_id: int
    at: datetime
    summary: dict[str, Any]


def _lineage(region_id: int, parents: Mapping[int, int | None]) -> set[int]:
    """The region and every region above it (a city's subscription hears its counties)."""
    found: set[int] = set()
    current: int | None = region_id
    while current is not None and current not in found:
        found.add(current)
        current = parents.get(current)
    return found


@transaction.atomic
def deliveries_create(
    occurrences: Sequence[Occurrence], *, only: Subscription | None = None
) -> list[Delivery]:
    """A delivery for each active subscription that chose the event, of the object's region or a
    region above it; queued for the job worker once committed."""
    if not occurrences:
        return []
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    lines = {o.region_id: _lineage(o.region_id, parents) for o in occurrences}
    if only is not None:
        subscriptions = [only]
    else:
        wanted = set().union(*lines.values())
        subscriptions = list(Subscription.objects.filter(is_active=True, region_id__in=wanted))
    if not subscriptions:
        return []
    regions = Region.objects.in_bulk(list(lines))
    rows = []
    for occurrence in occurrences:
        for subscription in subscriptions:
            chosen = only is not None or occurrence.event in subscription.events
            if not chosen or subscription.region_id not in lines[occurrence.region_id]:
                continue
            uid = uuid.uuid4()
            rows.append(
                Delivery(
                    subscription=subscription,
                    uid=uid,
                    event=occurrence.event,
                    object_id=occurrence.object_id,
                    occurred_at=occurrence.at,
                    body=payloads.body(
                        event=occurrence.event,
                        uid=str(uid),
                        occurred_at=occurrence.at,
                        region=regions[occurrence.region_id],
                        obj=occurrence.summary,
                    ),
                )
            )
    created = Delivery.objects.bulk_create(rows, batch_size=500)
    transaction.on_commit(partial(deliveries_enqueue, [delivery.pk for delivery in created]))
    return created
