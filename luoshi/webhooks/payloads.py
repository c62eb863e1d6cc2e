"""The body of each event: a stable shape, a small summary of the object, nothing a region may not
see (the object's region is the subscription's own or one under it; no report texts, no persons).

    {"event": "item.assigned", "id": "…uuid…", "occurred_at": "2023-07-25T18:00:00+08:00",
     "region": {"id": 1, "code": "611026", "name": "柞水县"},
     "object": {"type": "item", "id": 12, …}}
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from luoshi.bulletins.models import Bulletin
from luoshi.items.models import Item, ProgressReport
from luoshi.org.models import Region


def body(*, event: str, uid: str, occurred_at: datetime, region: Region, obj: dict[str, Any]) -> str:
    payload = {
        "event": event,
        "id": uid,
        "occurred_at": timezone.localtime(occurred_at).isoformat(timespec="seconds"),
        "region": {"id": region.pk, "code": region.code, "name": region.name},
        "object": obj,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def _day(value: Any) -> str | None:
    return value.isoformat() if value else None


def item_summary(item: Item) -> dict[str, Any]:
    return {
        "type": "item",
        "id": item.pk,
        "code": item.code,
        "title": item.title,
        "kind": item.kind,
        "status": item.status,
        "lead_unit": str(item.lead_unit) if item.lead_unit_id else None,
        "deadline": _day(item.deadline),
        "path": reverse("items:detail", args=[item.pk]),
    }


def report_summary(report: ProgressReport) -> dict[str, Any]:
    item = report.item
    return {
        "type": "progress_report",
        "id": report.pk,
        "item": {"id": item.pk, "code": item.code, "title": item.title},
        "unit": str(report.unit),
        "period": report.period_label,
        "percent": float(report.percent) if report.percent is not None else None,
        "is_late": report.is_late,
        "version": report.version,
        "path": reverse("items:detail", args=[item.pk]),
    }


def colour_summary(item: Item, *, old: str, new: str, reason: str) -> dict[str, Any]:
    return item_summary(item) | {"colour_from": old, "colour_to": new, "reason": reason}


def bulletin_summary(bulletin: Bulletin) -> dict[str, Any]:
    return {
        "type": "bulletin",
        "id": bulletin.pk,
        "title": bulletin.title,
        "number": bulletin.number_label,
        "published_on": _day(bulletin.published_on),
        "period_start": _day(bulletin.period_start),
        "period_end": _day(bulletin.period_end),
        "path": reverse("bulletins:detail", args=[bulletin.pk]),
    }


def ping_summary(subscription_id: int) -> dict[str, Any]:
    return {"type": "subscription", "id": subscription_id, "message": "落实系统事件推送测试消息"}
