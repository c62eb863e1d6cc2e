"""The key projects ledger, registered with the ledger registry (luoshi.core.registry): its kind,
detail model, colour facts, list page, `luoshi stats` section and demo."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from luoshi.core.registry import BulletinPart, Ledger
from luoshi.projects import rules
from luoshi.projects.demo import load as demo
from luoshi.projects.models import KIND
from luoshi.projects.rules import State
from luoshi.projects.selectors import (
    LedgerFilters,
    ledger_rows,
    ledger_summary,
    project_facts,
    projects_stats,
    rows_filter,
)

# How many projects a bulletin's problem sentence names before "等".
NAMED = 5


def colour_facts(ids: Sequence[int], as_of: date) -> Mapping[int, Mapping[str, Any]]:
    """Each project's investment against its plan to date, and its start (rules.colour_facts)."""
    return {pk: rules.colour_facts(facts, as_of) for pk, facts in project_facts(ids, as_of=as_of).items()}


def bulletin_part(*, user: Any, as_of: date) -> BulletinPart | None:
    """The projects' part of a bulletin: the summary bar's figures in words, the projects not started
    and behind named with their lead units and causes, and their list as an annex."""
    year = as_of.year
    rows = rows_filter(ledger_rows(user, as_of=as_of, year=year), LedgerFilters(year=year))
    if not rows:
        return None
    summary = ledger_summary(rows, LedgerFilters(year=year), year=year, as_of=as_of)
    planned = summary.value("planned_investment")
    completed = summary.value("completed_investment")
    share = f"，占年度计划的{rules.HUNDRED * completed / planned:.1f}%" if planned else ""
    completed_label = next(f.label for f in summary.figures if f.key == "completed_investment")
    paragraphs = (
        f"纳入督办的重点项目{summary.value('total')}个（市级重点{summary.value('municipal')}个），"
        f"年度计划投资{rules.amount(Decimal(planned))}万元，{completed_label}"
        f"{rules.amount(Decimal(completed))}万元{share}。其中未开工{summary.value('not_started')}个"
        f"（市级重点{summary.value('municipal_not_started')}个），欠进度{summary.value('behind')}个，"
        f"未入库{summary.value('not_in_statistics')}个，有待解决问题的{summary.value('blocked')}个。",
    )
    lagging = [row for row in rows if row.state in (State.NOT_STARTED, State.BEHIND)]
    problems = []
    for state in (State.NOT_STARTED, State.BEHIND):
        chosen = [row for row in lagging if row.state == state]
        if not chosen:
            continue
        named = "、".join(f"{row.title}（{row.unit_name or '未定牵头单位'}）" for row in chosen[:NAMED])
        more = "等" if len(chosen) > NAMED else ""
        blocked = sum(1 for row in chosen if row.blockers)
        cause = f"，其中{blocked}个卡在手续办理、资金保障或土地供应等问题上" if blocked else ""
        problems.append(f"{state.label}重点项目{len(chosen)}个：{named}{more}{cause}。")
    table = tuple(
        (
            row.title,
            row.level_label,
            row.unit_name,
            row.leader_name,
            row.state.label,
            row.verdict.reason + (f"；待解决：{'、'.join(row.blocker_labels)}" if row.blocker_labels else ""),
        )
        for row in lagging
    )
    return BulletinPart(
        title="重点项目",
        paragraphs=paragraphs,
        problems=tuple(problems),
        table_title="未开工和欠进度的重点项目",
        columns=("项目名称", "级别", "牵头单位", "包抓领导", "状态", "原因"),
        rows=table,
    )


LEDGER = Ledger(
    kind=KIND,
    label="重点项目",
    app_label="projects",
    order=20,
    icon="building",
    summary="省市县重点项目的年度计划投资、月度完成投资、未开工和欠进度项目、入库纳统、观摩准备和明年储备。",
    url_name="projects:ledger",
    detail_model="projects.Project",
    colour_facts=colour_facts,
    stats=projects_stats,
    demo=demo,
    bulletin=bulletin_part,
)
