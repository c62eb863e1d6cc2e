"""The indicators ledger, registered with the ledger registry (luoshi.core.registry): its kind,
detail model, colour facts, table page, `luoshi stats` section and demo."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from luoshi.core.registry import Ledger
from luoshi.indicators import compute
from luoshi.indicators.demo import load as demo
from luoshi.indicators.models import KIND
from luoshi.indicators.selectors import indicator_results, indicators_stats


def colour_facts(ids: Sequence[int], as_of: date) -> Mapping[int, Mapping[str, Any]]:
    """Each indicator's figures for the indicator rules (alerts.engine.indicator_colour), in place
    of an item's progress and reports: its figures are monthly values, not progress reports."""
    facts = {}
    for pk, row in indicator_results(ids, as_of=as_of).items():
        month = row.result.month
        facts[pk] = {
            "progress": None,
            "time_progress": None,
            "report_overdue_label": "",
            "last_report_late": False,
            "indicator": compute.colour_facts(row.facts, month, row.result.ranking),
        }
    return facts


LEDGER = Ledger(
    kind=KIND,
    label="考核指标",
    app_label="indicators",
    order=15,
    icon="graph-up-arrow",
    summary="年度考核指标的目标值、月度完成值、同比增长、缺口和在同级县区中的排名，以及后进指标的赶超台账。",
    url_name="indicators:table",
    detail_model="indicators.Indicator",
    colour_facts=colour_facts,
    stats=indicators_stats,
    demo=demo,
)
