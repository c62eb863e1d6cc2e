"""The dashboard's figures as a section of `luoshi stats`: the same selector as the page."""

from __future__ import annotations

from datetime import date
from typing import Any

from luoshi.dashboard.selectors import COLOURS, dashboard_for


def dashboard_stats(*, user: Any, as_of: date) -> dict[str, Any]:
    board = dashboard_for(user, as_of=as_of, today=as_of)

    def counts(row: dict[str, int]) -> dict[str, int]:
        return {colour.value: row.get(colour.value, 0) for colour in COLOURS} | {"total": row.get("total", 0)}

    return {
        "period": f"{board.period:%Y-%m}",
        "under_supervision": board.totals.total,
        "by_colour": counts(board.totals.counts),
        "by_kind": {kind.label: counts(kind.counts) for kind in board.kinds},
        "red": board.red_count,
        "overdue": board.overdue_count,
        "units_with_reports_overdue": {row.label: row.total for row in board.not_reported},
    }
