"""The receivers of the hooks the services send after their commit: each event becomes the
deliveries of the subscriptions that chose it (services.deliveries_create).

A failure here never reaches the user whose change has already committed: it is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from luoshi.alerts.hooks import ColoursChanged
from luoshi.bulletins.hooks import BulletinPublished
from luoshi.bulletins.models import Bulletin
from luoshi.items.hooks import ItemsAssigned, ReportSubmitted
from luoshi.items.models import Item, ProgressReport
from luoshi.webhooks import payloads
from luoshi.webhooks.models import Event, Subscription
from luoshi.webhooks.services import Occurrence, deliveries_create

logger = logging.getLogger("luoshi.webhooks")
P = TypeVar("P")


def _safely(build: Callable[[P], Sequence[Occurrence]], change: P) -> None:
    try:
        # Most regions subscribe to nothing: one small query, and nothing else is read.
        if not Subscription.objects.filter(is_active=True).exists():
            return
        deliveries_create(build(change))
    except Exception:
        logger.exception("事件推送未能生成：%r", change)


def _items(ids: Iterable[int]) -> dict[int, Item]:
    return Item.objects.select_related("lead_unit").in_bulk(list(ids))


def _assigned(change: ItemsAssigned) -> list[Occurrence]:
    return [
        Occurrence(Event.ITEM_ASSIGNED, item.region_id, item.pk, change.at, payloads.item_summary(item))
        for item in _items(change.item_ids).values()
    ]


def _submitted(change: ReportSubmitted) -> list[Occurrence]:
    report = ProgressReport.objects.select_related("item", "unit").filter(pk=change.report_id).first()
    if report is None:
        return []
    summary = payloads.report_summary(report)
    return [Occurrence(Event.REPORT_SUBMITTED, report.item.region_id, report.pk, change.at, summary)]


def _coloured(change: ColoursChanged) -> list[Occurrence]:
    items = _items({moved.item_id for moved in change.changes})
    return [
        Occurrence(
            Event.COLOUR_CHANGED,
            moved.region_id,
            moved.item_id,
            change.at,
            payloads.colour_summary(items[moved.item_id], old=moved.old, new=moved.new, reason=moved.reason),
        )
        for moved in change.changes
        if moved.item_id in items
    ]


def _published(change: BulletinPublished) -> list[Occurrence]:
    bulletin = (
        Bulletin.objects.defer("docx", "pdf", "html", "data", "sections")
        .filter(pk=change.bulletin_id, published_on__isnull=False)
        .first()
    )
    if bulletin is None:
        return []
    summary = payloads.bulletin_summary(bulletin)
    return [Occurrence(Event.BULLETIN_PUBLISHED, bulletin.region_id, bulletin.pk, change.at, summary)]


def on_items_assigned(change: ItemsAssigned) -> None:
    _safely(_assigned, change)


def on_report_submitted(change: ReportSubmitted) -> None:
    _safely(_submitted, change)


def on_colours_changed(change: ColoursChanged) -> None:
    _safely(_coloured, change)


def on_bulletin_published(change: BulletinPublished) -> None:
    _safely(_published, change)
