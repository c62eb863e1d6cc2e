"""The kinds of item this app keeps itself, registered like any other ledger, and their figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count

from luoshi.core.registry import Ledger
from luoshi.items.models import Colour, Kind, Status
from luoshi.items.selectors import item_list_for


def items_stats(*, user: Any, as_of: date) -> dict[str, Any]:
    """Items the user may see, by kind, status and the colour lists show (the item list's selector).

    Status and colour are the items' own as they stand; `as_of` says which day that is meant to be
    (the month-by-month colours are the alerts app's section)."""
    items = item_list_for(user)
    by_kind = {row["kind"]: row["n"] for row in items.values("kind").annotate(n=Count("pk")).order_by()}
    by_status = {row["status"]: row["n"] for row in items.values("status").annotate(n=Count("pk")).order_by()}
    colours = {colour.value: 0 for colour in Colour} | {"none": 0}
    for row in items.values("assessed_colour", "computed_colour").annotate(n=Count("pk")).order_by():
        colours[row["assessed_colour"] or row["computed_colour"] or "none"] += row["n"]
    return {
        "as_of": as_of.isoformat(),
        "total": sum(by_kind.values()),
        "by_kind": dict(sorted(by_kind.items())),
        "by_status": {status.value: by_status.get(status.value, 0) for status in Status},
        "by_colour": colours,
    }


ITEM_LEDGERS = (
    Ledger(
        kind=Kind.TASK,
        label=Kind.TASK.label,
        app_label="items",
        order=10,
        icon="list-check",
        url_name="items:list",
        summary="会议交办、政府工作报告和领导批示的重点工作。",
        stats=items_stats,
    ),
    Ledger(
        kind=Kind.COMMITMENT,
        label=Kind.COMMITMENT.label,
        app_label="items",
        order=50,
        icon="patch-check",
        summary="市下达军令状、人大代表票决民生实事、重点工作任务承诺书的逐条落实情况。",
        stats=items_stats,
        provisional=True,  # the commitments app takes it over with its ledger pages and figures
    ),
    Ledger(
        kind=Kind.RECTIFICATION,
        label=Kind.RECTIFICATION.label,
        app_label="items",
        order=60,
        icon="tools",
        summary="上级反馈、督查发现和自查发现问题的整改措施、时限和销号。",
        stats=items_stats,
        provisional=True,  # the rectification app takes it over with its ledger pages and figures
    ),
)
