"""The key projects ledger, registered with the ledger registry (luoshi.core.registry): its kind,
detail model, colour facts, list page, `luoshi stats` section and demo."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q

from luoshi.core.registry import BulletinPart, Ledger, MeetingPart, MeetingRow
from luoshi.projects import rules
from luoshi.projects.demo import load as demo
from luoshi.projects.models import KIND, Blocker
from luoshi.projects.rules import State
from luoshi.projects.selectors import (
    SET_ASIDE,
    LedgerFilters,
    ledger_rows,
    ledger_summary,
    project_facts,
    project_list_for,
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


def meeting_part(*, user: Any, as_of: date) -> MeetingPart | None:
    """The projects' rows for a meeting pack: their open blockers past the deadline set to resolve
    them (手续、资金、土地…), which the units could not solve alone, oldest first."""
    blockers = (
        Blocker.objects.filter(
            Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of),  # still open on `as_of`
            deadline__lt=as_of,
            project__in=project_list_for(user).exclude(item__status__in=SET_ASIDE).values("pk"),
        )
        .select_related("project__item__patron_leader__person", "owner_unit", "owner_leader__person")
        .order_by("deadline", "pk")
    )
    rows = tuple(
        MeetingRow(
            title=f"{blocker.project.item.title}：{blocker.description}",
            unit=blocker.owner_unit.short_name or blocker.owner_unit.name,
            leader=_leader_name(blocker),
            reason=f"{blocker.get_kind_display()}问题，解决时限{_day(blocker.deadline)}，"
            f"已超过{(as_of - blocker.deadline).days}天未解决",
            item_id=blocker.project.item_id,
        )
        for blocker in blockers
    )
    return MeetingPart(title="重点项目：超过解决时限的问题", rows=rows) if rows else None


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _leader_name(blocker: Blocker) -> str:
    leader = blocker.owner_leader or blocker.project.item.patron_leader
    return leader.person.name if leader else ""


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
    meeting=meeting_part,
)
