"""Reads of problems to rectify, always scoped to the acting user (items.selectors.item_list_for).
The ledger page, its counts by source and status and `luoshi stats` read the same items: every
item of kind 问题整改 the user may see, with its detail where it has one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from luoshi.items.models import DONE_STATUSES, Item, Status
from luoshi.items.selectors import day_start, item_list_for
from luoshi.org.models import User
from luoshi.rectification.models import KIND, Problem
from luoshi.rectification.services import SOURCES


def problem_items_for(user: User | object) -> QuerySet[Item]:
    return item_list_for(user).filter(kind=KIND)


def problem_detail_for(user: User | object, pk: int) -> Item:
    """The item (with its problem, if recorded), or Item.DoesNotExist when the user may not see it."""
    return problem_items_for(user).select_related("problem__reopens__item").get(pk=pk)


@dataclass
class LedgerFilters:
    source: str = ""
    status: str = ""  # a Status value, or "open" / "closed" / "overdue"
    topic: str = ""


def _filtered(items: QuerySet[Item], filters: LedgerFilters, *, as_of: date) -> QuerySet[Item]:
    if filters.source:
        items = items.filter(source=filters.source)
    if filters.topic:
        items = items.filter(problem__topic=filters.topic)
    if filters.status == "open":
        items = items.exclude(status__in=[*DONE_STATUSES, Status.WITHDRAWN, Status.REPLACED])
    elif filters.status == "closed":
        items = items.filter(status=Status.CLOSED)
    elif filters.status == "overdue":
        items = items.exclude(status__in=[*DONE_STATUSES, Status.WITHDRAWN, Status.REPLACED]).filter(
            deadline__lt=as_of
        )
    elif filters.status:
        items = items.filter(status=filters.status)
    return items


def ledger_items(user: User | object, filters: LedgerFilters, *, as_of: date) -> QuerySet[Item]:
    return (
        _filtered(problem_items_for(user), filters, as_of=as_of)
        .filter(created_at__lt=day_start(as_of + timedelta(days=1)))
        .select_related("problem")
        .order_by("status", "deadline", "code")
    )


def rectification_stats(*, user: Any, as_of: date) -> dict[str, Any]:
    """`luoshi stats` section "rectification": the problems by source and by status (as they stand),
    by source and status together, by topic, and those open past their deadline."""
    items = ledger_items(user, LedgerFilters(), as_of=as_of)
    cells = items.values("source", "status").annotate(n=Count("pk")).order_by()
    by_source = {source.value: 0 for source in SOURCES}
    by_status = {status.value: 0 for status in Status}
    table: dict[str, dict[str, int]] = {source.value: {} for source in SOURCES}
    for row in cells:
        by_source[row["source"]] = by_source.get(row["source"], 0) + row["n"]
        by_status[row["status"]] += row["n"]
        table.setdefault(row["source"], {})[row["status"]] = row["n"]
    topics = items.exclude(problem__isnull=True).values("problem__topic").annotate(n=Count("pk")).order_by()
    open_items = _filtered(items, LedgerFilters(status="open"), as_of=as_of)
    return {
        "as_of": as_of.isoformat(),
        "total": sum(by_source.values()),
        "by_source": by_source,
        "by_status": by_status,
        "by_source_and_status": table,
        "by_topic": {row["problem__topic"] or "未分类": row["n"] for row in topics},
        "open": open_items.count(),
        "overdue": open_items.filter(deadline__lt=as_of).count(),
        "closed": by_status[Status.CLOSED],
        "reopened": Problem.objects.filter(reopens__isnull=False, item__in=items.values("pk")).count(),
        "with_detail": items.filter(problem__isnull=False).count(),
    }


def counts_table(user: User | object, *, as_of: date) -> list[tuple[str, str, dict[str, int]]]:
    """The ledger page's table: per source, its open, overdue, asked to close and closed counts."""
    items = ledger_items(user, LedgerFilters(), as_of=as_of)
    open_q = ~Q(status__in=[*DONE_STATUSES, Status.WITHDRAWN, Status.REPLACED])
    rows = {
        row["source"]: row
        for row in items.values("source")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=open_q),
            overdue=Count("pk", filter=open_q & Q(deadline__lt=as_of)),
            requested=Count("pk", filter=Q(status=Status.COMPLETION_REQUESTED)),
            closed=Count("pk", filter=Q(status=Status.CLOSED)),
        )
        .order_by()
    }
    empty = {"total": 0, "open": 0, "overdue": 0, "requested": 0, "closed": 0}
    return [(source.value, source.label, rows.get(source.value, empty)) for source in SOURCES]
