"""Reads of leads, always scoped to the acting user: the ledger, the watch, the funnel, the figures."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Max, OuterRef, QuerySet, Subquery

from luoshi.investment.models import IndustryChain, Lead, ListEntry, StageChange, TaskForce
from luoshi.investment.stages import LABELS, ROAD, Stage
from luoshi.investment.watch import LandingWarning, LeadFacts, Reminder, follow_up_reminder, landing_warning
from luoshi.org.models import User
from luoshi.org.selectors import scope_for


def lead_list_for(user: User | object) -> QuerySet[Lead]:
    """Every lead the user may see: the region's for its office, leaders and observers; a unit's
    own (those it follows)."""
    scope = scope_for(user)
    leads = Lead.objects.filter(scope.q(Lead, region="region_id", units=["unit"]))
    return leads.select_related("region", "chain", "task_force", "unit", "follower", "landing_item").annotate(
        last_follow_up_on=Max("follow_ups__on")
    )


def lead_detail_for(user: User | object, pk: int) -> Lead:
    """Lead.DoesNotExist for one the user may not see (the view answers 404)."""
    return lead_list_for(user).select_related("task_force__leader__person").get(pk=pk)


def chains_for(user: User | object) -> QuerySet[IndustryChain]:
    return IndustryChain.objects.filter(region_id__in=scope_for(user).visible_region_ids)


def task_forces_for(user: User | object) -> QuerySet[TaskForce]:
    return TaskForce.objects.filter(region_id__in=scope_for(user).visible_region_ids).select_related(
        "chain", "leader__person", "unit"
    )


def list_entries_for(user: User | object) -> QuerySet[ListEntry]:
    """The four lists of the regions the user sees anything of (they name no one's work)."""
    return ListEntry.objects.filter(region_id__in=scope_for(user).visible_region_ids).select_related("chain")


# -- The watch: follow-ups due and landings late ------------------------------------------


@dataclass(frozen=True)
class Watched:
    lead: Lead
    reminder: Reminder | None
    warning: LandingWarning | None


def facts_of(lead: Lead) -> LeadFacts:
    """A lead's facts; its stage as of a day where `stage_on` annotated it (the stats of a day)."""
    return LeadFacts(
        stage=Stage(getattr(lead, "stage_then", None) or lead.stage),
        contacted_on=lead.contacted_on,
        last_follow_up_on=getattr(lead, "last_follow_up_on", None),
        signed_on=lead.signed_on,
    )


def watched(leads: Iterable[Lead], *, as_of: date) -> list[Watched]:
    """Each lead with its follow-up reminder and landing warning as of the day (settings' days)."""
    days = settings.LUOSHI_INVESTMENT_FOLLOW_UP_DAYS
    yellow, red = settings.LUOSHI_INVESTMENT_LANDING_YELLOW_DAYS, settings.LUOSHI_INVESTMENT_LANDING_RED_DAYS
    rows = []
    for lead in leads:
        facts = facts_of(lead)
        rows.append(
            Watched(
                lead,
                follow_up_reminder(facts, as_of=as_of, days=days),
                landing_warning(facts, as_of=as_of, yellow_days=yellow, red_days=red),
            )
        )
    return rows


def known_on(leads: QuerySet[Lead], as_of: date) -> QuerySet[Lead]:
    return leads.filter(contacted_on__lte=as_of)


def stage_on(leads: QuerySet[Lead], as_of: date) -> QuerySet[Lead]:
    """The leads known by the day, each with `stage_then`: its stage on that day, from its stage
    history (the last change dated on or before it)."""
    then = StageChange.objects.filter(lead=OuterRef("pk"), on__lte=as_of).order_by("-on", "-pk")
    return known_on(leads, as_of).annotate(stage_then=Subquery(then.values("to_stage")[:1]))


def signed_not_landed(user: User | object, *, as_of: date) -> list[Watched]:
    """The leads signed and not landed (签约未落地), the longest waiting first."""
    leads = known_on(lead_list_for(user), as_of).filter(stage=Stage.SIGNED).order_by("signed_on", "pk")
    return watched(leads, as_of=as_of)


# -- The funnel ----------------------------------------------------------------------------

FUNNEL_STAGES = (Stage.CONTACT, Stage.SIGNED, Stage.LANDED)
DATE_OF = {Stage.CONTACT: "contacted_on", Stage.SIGNED: "signed_on", Stage.LANDED: "landed_on"}


@dataclass
class FunnelRow:
    label: str
    contact: int = 0
    signed: int = 0
    landed: int = 0
    # A month's signings are mostly of leads contacted in earlier months: a rate of one month's
    # counts is no conversion (it passes 100%), so a month shows counts only.
    rates: bool = True

    @property
    def signed_rate(self) -> float | None:
        return round(100 * self.signed / self.contact, 1) if self.contact and self.rates else None

    @property
    def landed_rate(self) -> float | None:
        return round(100 * self.landed / self.signed, 1) if self.signed and self.rates else None

    def add(self, stage: Stage) -> None:
        setattr(self, stage.value, getattr(self, stage.value) + 1)


@dataclass
class Funnel:
    total: FunnelRow
    by_chain: list[FunnelRow]
    by_task_force: list[FunnelRow]
    by_month: list[FunnelRow]


def funnel(user: User | object, *, year: int, as_of: date) -> Funnel:
    """Leads contacted, signed and landed in the year up to `as_of` (each counted in the month it
    reached the step), by chain, by task force and by month."""
    total = FunnelRow("合计")
    chains: dict[str, FunnelRow] = {}
    forces: dict[str, FunnelRow] = {}
    months = {m: FunnelRow(f"{m}月", rates=False) for m in range(1, 13) if date(year, m, 1) <= as_of}
    rows = lead_list_for(user).values_list(
        "chain__name", "task_force__name", "contacted_on", "signed_on", "landed_on", "producing_on"
    )
    for chain, force, contacted, signed, landed, producing in rows:
        landed = landed or producing
        for stage, day in ((Stage.CONTACT, contacted), (Stage.SIGNED, signed), (Stage.LANDED, landed)):
            if day is None or day.year != year or day > as_of:
                continue
            total.add(stage)
            chains.setdefault(chain, FunnelRow(chain)).add(stage)
            forces.setdefault(force or "未分专班", FunnelRow(force or "未分专班")).add(stage)
            months[day.month].add(stage)
    return Funnel(total, list(chains.values()), list(forces.values()), list(months.values()))


# -- `luoshi stats` ------------------------------------------------------------------------


def investment_stats(*, user: Any, as_of: date) -> dict[str, Any]:
    """`luoshi stats` section "investment": leads by stage, by chain, and the watch's counts."""
    leads = list(stage_on(lead_list_for(user), as_of))
    # A lead known by the day has a stage change on or before it (its first contact's); one
    # without (data from before the history) counts at its stage of today.
    found = [(lead.chain.name, getattr(lead, "stage_then", None) or lead.stage) for lead in leads]
    stages = Counter(stage for _chain, stage in found)
    by_chain: dict[str, dict[str, int]] = defaultdict(dict)
    for chain, stage in found:
        by_chain[chain][stage] = by_chain[chain].get(stage, 0) + 1
    still_open = {stage.value for stage in ROAD[:-1]}
    rows = [
        row
        for row, (_chain, stage) in zip(watched(leads, as_of=as_of), found, strict=True)
        if stage in still_open
    ]
    late = Counter(row.warning.colour.value for row in rows if row.warning)
    return {
        "leads": sum(stages.values()),
        "by_stage": {stage.value: stages.get(stage.value, 0) for stage in Stage},
        "by_chain": dict(by_chain),
        "signed_not_landed": stages.get(Stage.SIGNED.value, 0),
        "landing_yellow": late.get("yellow", 0),
        "landing_red": late.get("red", 0),
        "follow_up_due": sum(1 for row in rows if row.reminder),
    }


STAGE_LABELS = {stage.value: label for stage, label in LABELS.items()}
