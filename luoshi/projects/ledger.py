"""The key projects ledger, registered with the ledger registry (luoshi.core.registry): its kind,
detail model, colour facts, list page, `luoshi stats` section and demo."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from luoshi.core.registry import Ledger
from luoshi.projects import rules
from luoshi.projects.demo import load as demo
from luoshi.projects.models import KIND
from luoshi.projects.selectors import project_facts, projects_stats


def colour_facts(ids: Sequence[int], as_of: date) -> Mapping[int, Mapping[str, Any]]:
    """Each project's investment against its plan to date, and its start (rules.colour_facts)."""
    return {pk: rules.colour_facts(facts, as_of) for pk, facts in project_facts(ids, as_of=as_of).items()}


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
)
