"""The indicators ledger, registered with the ledger registry (luoshi.core.registry): its kind,
detail model, colour facts, table page, `luoshi stats` section and demo."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from luoshi.core.registry import BulletinPart, Ledger, MeetingPart, MeetingRow
from luoshi.indicators import compute
from luoshi.indicators.demo import load as demo
from luoshi.indicators.models import KIND
from luoshi.indicators.selectors import Row, indicator_results, indicators_stats, table_rows


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
            "indicator": compute.colour_facts(
                row.facts, month, row.result.ranking, expected=compute.reporting_month(row.year, as_of)
            ),
        }
    return facts


def _figure(value: Any, suffix: str = "") -> str:
    return f"{compute.number(value)}{suffix}" if value is not None else "—"


def bulletin_part(*, user: Any, as_of: date) -> BulletinPart | None:
    """The indicators' part of a bulletin: how many passed the mid-year mark (时间过半、任务过半),
    the lagging ones named with their lead units and why, and the table as an annex."""
    rows = table_rows(user, as_of=as_of)
    if not rows:
        return None
    checked = [row for row in rows if row.result.half_year is not None]
    passed = [row for row in checked if row.result.half_year and row.result.half_year.passed]
    failed = [row for row in checked if row not in passed]
    lagging = [row for row in rows if row.lagging]
    overview = f"考核指标{len(rows)}项"
    if checked:
        overview += f"，按上半年数据，{len(passed)}项实现时间过半、任务过半，{len(failed)}项未过半"
    overview += f"；后进和欠账指标{len(lagging)}项。"

    def why(row: Row) -> str:
        return row.colour_reason or (row.result.half_year.label if row.result.half_year else "")

    problems = tuple(
        f"{row.title}（{row.unit_name or '未定牵头单位'}）：{why(row)}。" for row in lagging if why(row)
    )
    table = tuple(
        (
            row.title,
            row.unit_name,
            _figure(row.result.target, row.unit),
            _figure(row.result.actual, row.unit),
            _figure(row.result.completion, "%"),
            _figure(row.result.growth, "%"),
            row.result.half_year.label if row.result.half_year else "—",
            f"{row.result.ranking.rank}/{row.result.ranking.peers}" if row.result.ranking else "—",
        )
        for row in rows
    )
    return BulletinPart(
        title="考核指标",
        paragraphs=(overview,),
        problems=problems,
        table_title="考核指标完成情况",
        columns=("指标", "牵头单位", "年度目标", "完成值", "完成率", "同比增长", "过半", "排名"),
        rows=table,
    )


def meeting_part(*, user: Any, as_of: date) -> MeetingPart | None:
    """The indicators' rows for a meeting pack: the lagging ones (赶超台账) with no catch-up item yet,
    whose catch-up the meeting has to assign."""
    rows = tuple(
        MeetingRow(
            title=row.title,
            unit=row.unit_name,
            leader=row.leader_name,
            reason=(row.colour_reason or (row.result.half_year.label if row.result.half_year else "后进指标"))
            + "；尚未制定赶超措施",
            item_id=row.pk,
        )
        for row in table_rows(user, as_of=as_of)
        if row.lagging and row.catch_up_item_id is None
    )
    return MeetingPart(title="考核指标：尚无赶超措施的后进指标", rows=rows) if rows else None


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
    bulletin=bulletin_part,
    meeting=meeting_part,
)
