"""Reads of subscriptions and their deliveries, scoped to the regions the user manages."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from luoshi.org.models import Region, User
from luoshi.org.selectors import scope_for
from luoshi.webhooks.models import Attempt, Delivery, Subscription
from luoshi.webhooks.rules import MANAGERS, managed_region_ids

DELIVERIES_SHOWN = 50


def subscription_list_for(user: User | object) -> QuerySet[Subscription]:
    subscriptions = Subscription.objects.select_related("region")
    managed = managed_region_ids(user)
    return subscriptions if managed is None else subscriptions.filter(region_id__in=managed)


def subscription_detail_for(user: User | object, pk: int) -> Subscription:
    """Subscription.DoesNotExist for another region's: the page answers 404."""
    return subscription_list_for(user).get(pk=pk)


def recent_deliveries(subscription: Subscription) -> list[Delivery]:
    tries = Prefetch("tries", queryset=Attempt.objects.order_by("number"))
    return list(subscription.deliveries.prefetch_related(tries)[:DELIVERIES_SHOWN])


def managing_region(user: User | object) -> Region | None:
    """The region for which the user creates subscriptions: that of their first office or
    administrator seat; for a superuser without one, the first county."""
    scope = scope_for(user)
    seat = next((s for s in scope.seats if s.role in MANAGERS), None)
    if seat is not None:
        return Region.objects.get(pk=seat.region_id)
    if scope.everything:
        return Region.objects.filter(level=Region.Level.COUNTY).first()
    return None
