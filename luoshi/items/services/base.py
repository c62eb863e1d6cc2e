"""What every item service shares: refusals with reasons, event rows, and what follows a commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from luoshi.core import clock
from luoshi.items.hooks import items_changed_on_commit
from luoshi.items.models import (
    EventKind,
    Item,
    ItemEvent,
    ProgressReport,
    ReportStatus,
    Verdict,
)
from luoshi.org.models import User


class ServiceError(Exception):
    """An action refused, with the reason in words the user can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(ServiceError):
    pass


class Conflict(ServiceError):
    """Somebody else changed the item since the user opened it."""


def ensure(condition: object, message: str, error: type[ServiceError] = NotAllowed) -> None:
    if not condition:
        raise error(message)


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "；".join(f"{message}" for messages in error.message_dict.values() for message in messages)
    return "；".join(error.messages)


def item_event_record(
    *,
    item: Item,
    actor: User | None,
    kind: EventKind,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ItemEvent:
    return ItemEvent.objects.create(
        item=item,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
        at=clock.now(),
    )


def _recolour(items: Iterable[Item], as_of: date) -> None:
    """The warning colours follow every change that matters, once it has committed."""
    items_changed_on_commit(item_ids=(item.pk for item in items), as_of=as_of)


def _describe(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, Decimal):  # 18000.0000 → 18000, as the pages write amounts
        return f"{value.normalize():f}"
    return str(value)


def detail_changes_record(
    *,
    item: Item,
    actor: User | None,
    detail: models.Model,
    before: Mapping[str, object],
    labels: Mapping[str, str],
) -> None:
    """One event on `item` for what an edit changed in its ledger's detail row: each field named in
    `labels` whose value is no longer its value `before`, a choice by its label."""
    changes = []
    for name, label in labels.items():
        old, new = before[name], getattr(detail, name)
        if old != new:
            changes.append(
                f"{label}：{_describe_field(detail, name, old)} → {_describe_field(detail, name, new)}"
            )
    if changes:
        item_event_record(item=item, actor=actor, kind=EventKind.UPDATED, note="；".join(changes))


def _describe_field(detail: models.Model, name: str, value: object) -> str:
    choices = dict(detail._meta.get_field(name).flatchoices or ())  # type: ignore[union-attr]
    return str(choices.get(value, value)) if value in choices else _describe(value)


def _describe_moment(moment: datetime) -> str:
    """A moment as the pages give it, in local time: 7月25日 15:32."""
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def _current_reports(item: Item) -> QuerySet[ProgressReport]:
    """The item's submitted reports not corrected by a later version, newest first."""
    return (
        item.reports.filter(status=ReportStatus.SUBMITTED, superseded_by__isnull=True)
        .select_related("verification")
        .order_by("-period_start", "-created_at")
    )


def _latest_report(item: Item) -> ProgressReport | None:
    return _current_reports(item).first()


def _credible_report(item: Item) -> ProgressReport | None:
    """The newest current report the office has not found untrue (部分属实 still counts)."""
    return _current_reports(item).exclude(verification__verdict=Verdict.UNTRUE).first()
