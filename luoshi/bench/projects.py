"""The key projects ledger's share of the benchmark's county: 300 projects of the year (beside its
4,000 items), each an item of kind "project" with its detail, its monthly plan and its monthly
investment reports.

About as a county's year holds them (the demo county has 151): half started on plan, a fifth
behind, a third not started (their planned start passed or still to come), a few completed; a
tenth municipal, a few provincial; a quarter not yet in the statistics database; blockers on a
sixth. Reports from February to June carry the cumulative investment; the office has verified
all but the latest of a quarter of the projects, which wait in its queue.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from luoshi.bench.builder import YEAR, County, Ids, at, share_register
from luoshi.bench.bulk import Table
from luoshi.items.models import (
    Item,
    Measure,
    Method,
    ProgressReport,
    ReportCycle,
    ReportStatus,
    Source,
    Status,
    Verdict,
    Verification,
)
from luoshi.org.models import Region
from luoshi.projects.models import Blocker, BlockerKind, Level, MonthlyPlan, Phase, Project
from luoshi.projects.services import stage_set_ensure

# 300 projects beside a county's 4,000 items (a smaller benchmark county gets its share of them).
PROJECTS_PER_ITEMS = (300, 4000)
PLAN_ISSUED = date(YEAR, 1, 16)
REPORTED_MONTHS = range(2, 7)  # February to June: by 25 July, June's figures are the latest


def projects_share(*, county: County, rng: random.Random, as_of: date, ids: Ids) -> int:
    counts: dict[str, int] = {}
    stages = stage_set_ensure(region=Region.objects.get(pk=county.region_id))
    by_phase = {phase: [s.pk for s in stages if s.phase == phase] for phase in Phase.values}
    items = Table(
        Item,
        [
            "id",
            "region_id",
            "code",
            "kind",
            "source",
            "year",
            "title",
            "patron_leader_id",
            "lead_unit_id",
            "planned_start",
            "deadline",
            "assigned_on",
            "accepted_on",
            "measure",
            "target_value",
            "value_unit",
            "report_cycle",
            "report_due_day",
            "status",
            "progress_value",
            "last_reported_at",
            "report_to_verify_id",
            "created_at",
            "updated_at",
        ],
        counts,
    )
    projects = Table(
        Project,
        [
            "item_id",
            "level",
            "category",
            "total_investment",
            "planned_investment",
            "stage_id",
            "actual_start",
            "in_statistics",
            "in_statistics_on",
            "showcase",
            "showcase_ready_by",
            "illustrative",
        ],
        counts,
    )
    plans = Table(MonthlyPlan, ["project_id", "month", "amount"], counts)
    reports = Table(
        ProgressReport,
        [
            "id",
            "item_id",
            "unit_id",
            "period_start",
            "period_end",
            "due_on",
            "done",
            "value",
            "confidence",
            "status",
            "author_id",
            "created_at",
            "submitted_at",
        ],
        counts,
    )
    verifications = Table(
        Verification,
        ["id", "report_id", "method", "verdict", "verifier_id", "verified_on", "created_at"],
        counts,
    )
    blockers = Table(Blocker, ["project_id", "kind", "description", "owner_unit_id", "deadline"], counts)
    leads = county.unit_ids[:20]  # departments and towns that lead projects; 县发改局 first
    per, items_per = PROJECTS_PER_ITEMS
    count = max(1, round(len(county.item_ids) * per / items_per))
    for number, item_id in enumerate(ids.take(Item, count), start=1):
        lead = county.busiest_unit_id if rng.random() < 0.3 else rng.choice(leads)
        planned = Decimal(rng.randrange(500, 30000))
        start = date(YEAR, rng.randint(1, 9), rng.randint(1, 28))
        state = rng.choices(["on_track", "behind", "not_started", "completed"], [45, 20, 30, 5])[0]
        if start > as_of:
            state = "not_started"
        started = state != "not_started"
        completed = Decimal(0)
        to_june = planned * max(0, 7 - start.month) / (13 - start.month)
        if started:
            completed = (to_june * Decimal(rng.uniform(0.4, 0.85) if state == "behind" else 1.05)).quantize(
                Decimal(1)
            )
        report_ids = list(ids.take(ProgressReport, len(REPORTED_MONTHS)))
        waiting = rng.random() < 0.25
        reporter = county.reporter_ids.get(lead, county.supervisor_id)
        items.add(
            item_id,
            county.region_id,
            f"XM-{YEAR}-{number:04d}",
            "project",
            Source.OTHER,
            YEAR,
            f"{county.name}重点项目{number}",
            rng.choice(county.leader_ids),
            lead,
            start,
            date(YEAR, 12, 31),
            PLAN_ISSUED,
            PLAN_ISSUED,
            Measure.VALUE,
            planned,
            "万元",
            ReportCycle.MONTHLY,
            25,
            Status.COMPLETED if state == "completed" else Status.IN_PROGRESS,
            completed,
            at(date(YEAR, 6, 20)),
            report_ids[-1] if waiting else None,
            at(PLAN_ISSUED),
            at(PLAN_ISSUED),
        )
        phase = {"not_started": Phase.PREPARATION, "completed": Phase.COMPLETED}.get(
            state, Phase.CONSTRUCTION
        )
        in_statistics = started or rng.random() < 0.3
        level = rng.choices([Level.COUNTY, Level.MUNICIPAL, Level.PROVINCIAL], [86, 11, 3])[0]
        showcase = rng.random() < 0.03
        projects.add(
            item_id,
            level,
            rng.choice(["产业发展", "基础设施", "社会民生", "生态环保"]),
            (planned * Decimal(rng.uniform(1.5, 4))).quantize(Decimal(1)),
            planned,
            rng.choice(by_phase[phase]),
            start if started else None,
            in_statistics,
            max(start, date(YEAR, 3, 31)) if in_statistics else None,
            showcase,
            date(YEAR, 10, 20) if showcase else None,
            True,
        )
        for month in range(start.month, 13):
            plans.add(item_id, date(YEAR, month, 1), (planned / (13 - start.month)).quantize(Decimal("0.01")))
        for report_id, month in zip(report_ids, REPORTED_MONTHS, strict=True):
            share = Decimal(month - 1) / len(REPORTED_MONTHS) if started and month >= start.month else 0
            value = (completed * share).quantize(Decimal(1))
            moment = at(date(YEAR, month, 20))
            reports.add(
                report_id,
                item_id,
                lead,
                date(YEAR, month, 1),
                date(YEAR, month, 28),
                date(YEAR, month, 25),
                f"1-{month}月累计完成投资{value}万元。",
                value,
                "green",
                ReportStatus.SUBMITTED,
                reporter,
                moment,
                moment,
            )
            if not (waiting and report_id == report_ids[-1]):
                day = date(YEAR, month, 25) + timedelta(days=3)
                verifications.add(
                    ids.one(Verification),
                    report_id,
                    Method.DOCUMENTS,
                    Verdict.TRUE,
                    county.supervisor_id,
                    day,
                    at(day, 16),
                )
        if rng.random() < 0.16:
            blockers.add(
                item_id,
                rng.choice(BlockerKind.values),
                "用地报批手续尚未办结。",
                rng.choice(leads),
                date(YEAR, 8, 31),
            )
    for table in (items, projects, plans, reports, verifications, blockers):
        table.flush()
    return sum(counts.values())


share_register("projects", projects_share)
