"""Computing and storing warning colours: facts from the database, the pure engine, the results back.

Recomputed after every change that matters to an item (the items services call item_colours_refresh)
and every night for the passing of time (tasks.py); `luoshi warnings` does it by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.db import transaction

from luoshi.alerts import engine
from luoshi.alerts.models import (
    Consequence,
    ConsequenceAction,
    ItemColour,
    Proposal,
    ProposalStatus,
    RuleSet,
)
from luoshi.core import clock, registry
from luoshi.core.selectors import work_calendar
from luoshi.core.workdays import WorkCalendar
from luoshi.items import rules
from luoshi.items.hooks import Audience, ItemsChanged, notice_publish
from luoshi.items.models import (
    ACTIVE_STATUSES,
    DONE_STATUSES,
    ActionKind,
    Colour,
    EventKind,
    Item,
    ItemEvent,
    Measure,
    ProgressReport,
    ReportStatus,
)
from luoshi.items.reporting import item_reporting_state
from luoshi.items.schedule import period_label
from luoshi.items.services import (
    NotAllowed,
    ServiceError,
    ensure,
    item_event_record,
    supervision_action_record,
)
from luoshi.org.models import Region, User

COLOUR_WORDS = {"green": "绿色", "yellow": "黄色", "red": "红色", "": "未评定"}
# Default consequences, until a region's office configures its own.
DEFAULT_CONSEQUENCES = {Colour.YELLOW: [ConsequenceAction.REMIND], Colour.RED: [ConsequenceAction.LETTER]}


def month_of(day: date) -> date:
    return day.replace(day=1)


def previous_month(period: date) -> date:
    return date(period.year - 1, 12, 1) if period.month == 1 else date(period.year, period.month - 1, 1)


def current_rule_set(region: Region | int) -> RuleSet | None:
    region_id = region if isinstance(region, int) else region.pk
    return RuleSet.objects.filter(region_id=region_id).order_by("-version").first()


def rules_for(
    region_id: int, cache: dict[int, tuple[engine.Rules, int]] | None = None
) -> tuple[engine.Rules, int]:
    """The region's current rules and their version (0: the defaults)."""
    if cache is not None and region_id in cache:
        return cache[region_id]
    rule_set = current_rule_set(region_id)
    found = (rule_set.to_rules(), rule_set.version) if rule_set else (engine.DEFAULT_RULES, 0)
    if cache is not None:
        cache[region_id] = found
    return found


@transaction.atomic
def rule_set_save(
    *, actor: User | None, region: Region, values: dict[str, object], note: str = ""
) -> RuleSet:
    """A new version of the region's rules; the next recomputation applies it."""
    latest = current_rule_set(region)
    rule_set = RuleSet(
        region=region, version=(latest.version + 1) if latest else 1, created_by=actor, note=note
    )
    for name, value in values.items():
        setattr(rule_set, name, value)
    rule_set.full_clean()
    rule_set.save()
    return rule_set


# ---------------------------------------------------------------------------------------------
# Facts


PROGRESS_LABELS = {Measure.PERCENT: "完成进度", Measure.VALUE: "完成目标", Measure.MILESTONES: "节点完成"}


@dataclass
class _Reports:
    periods: set[date] = field(default_factory=set)
    latest_late: bool = False
    any_reported: bool = False


def gather_facts(
    items: Sequence[Item], *, as_of: date, calendar: WorkCalendar
) -> dict[int, engine.ItemFacts]:
    """The engine's facts for `items`, in a constant number of queries (milestones prefetched)."""
    ids = [item.pk for item in items]
    reports: dict[int, _Reports] = defaultdict(_Reports)
    for item_id, start, status, is_late in (
        ProgressReport.objects.filter(item_id__in=ids, superseded_by__isnull=True)
        .exclude(status=ReportStatus.REJECTED)
        .order_by("period_start", "created_at")
        .values_list("item_id", "period_start", "status", "is_late")
    ):
        entry = reports[item_id]
        entry.periods.add(start)
        if status == ReportStatus.SUBMITTED:
            entry.latest_late = is_late
            entry.any_reported = True
    history: dict[int, list[engine.Colour]] = defaultdict(list)
    for item_id, computed, assessed in (
        ItemColour.objects.filter(item_id__in=ids, period__lt=month_of(as_of))
        .order_by("period")
        .values_list("item_id", "computed", "assessed")
    ):
        shown = assessed or computed
        if shown:
            history[item_id].append(engine.Colour(shown))
    facts = {}
    for item in items:
        entry = reports[item.pk]
        state = item_reporting_state(item, entry.periods, as_of=as_of, calendar=calendar)
        progress = None if item.measure == Measure.DONE else (item.progress_percent or Decimal(0))
        done = item.status in DONE_STATUSES
        facts[item.pk] = engine.ItemFacts(
            kind=item.kind,
            start=item.planned_start or item.assigned_on,
            deadline=item.deadline,
            completed_on=(item.completed_on or as_of) if done else None,
            progress=progress,
            progress_label=PROGRESS_LABELS.get(Measure(item.measure), "完成进度"),
            planned_start=item.planned_start,
            started=bool(item.progress_percent)
            or (item.measure == Measure.DONE and entry.any_reported)
            or done,
            milestones=[engine.Milestone(m.name, m.due, m.done_on) for m in item.milestones.all()],
            report_overdue_label=f"{period_label(item.report_cycle, state.overdue.start)}进度"
            if state.overdue
            else "",
            last_report_late=entry.latest_late,
            untrue_on=item.untrue_on,
            previous_colours=history[item.pk],
        )
    return _ledger_facts(items, facts, as_of=as_of)


def _ledger_facts(
    items: Sequence[Item], facts: dict[int, engine.ItemFacts], *, as_of: date
) -> dict[int, engine.ItemFacts]:
    """A ledger adds the facts only it knows (completed investment against the plan, a stage…):
    one call per ledger for all its items, through the registry."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item.pk)
    for kind, ids in by_kind.items():
        ledger = registry.ledger(kind)
        if ledger is None or ledger.colour_facts is None:
            continue
        for item_id, extra in ledger.colour_facts(ids, as_of).items():
            if item_id in facts:
                facts[item_id] = replace(facts[item_id], **extra)
    return facts


# ---------------------------------------------------------------------------------------------
# Recomputation


@dataclass
class Summary:
    as_of: date
    computed: int = 0
    changed: int = 0
    proposals: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # kind → colour → items


RATED_STATUSES = ACTIVE_STATUSES | DONE_STATUSES


@transaction.atomic
def colours_recompute(
    *,
    as_of: date,
    region: Region | None = None,
    items: Iterable[Item] | None = None,
    store_history: bool = True,
) -> Summary:
    """Compute every rated item's colour as of `as_of` and store what changed.

    Items under supervision (and those done, which are green) are rated; drafts, suspended,
    replaced and withdrawn items carry no colour. The month's ItemColour row follows; with
    `store_history` False (a past month asked for by hand) nothing is written.
    """
    calendar = work_calendar()
    period = month_of(as_of)
    if items is None:
        queryset = Item.objects.all()
        if region is not None:
            queryset = queryset.filter(region=region)
    else:
        queryset = Item.objects.filter(pk__in=[item.pk for item in items])
    rows = list(queryset.select_related("patron_leader").prefetch_related("milestones").order_by("pk"))
    rated = [item for item in rows if item.status in RATED_STATUSES]
    facts = gather_facts(rated, as_of=as_of, calendar=calendar)
    rule_cache: dict[int, tuple[engine.Rules, int]] = {}
    results: dict[int, tuple[engine.Result, int]] = {}
    for item in rated:
        item_rules, version = rules_for(item.region_id, rule_cache)
        results[item.pk] = (engine.colour(facts[item.pk], as_of, item_rules, calendar), version)
    _roll_up_parents(rated, results)

    summary = Summary(as_of=as_of)
    changed_items: list[Item] = []
    events: list[ItemEvent] = []
    newly: list[tuple[Item, engine.Result]] = []
    for item in rows:
        result, _version = results.get(item.pk, (None, 0))
        new_colour = result.colour.value if result else ""
        new_reason = (result.reason or "按期推进") if result and item.status not in DONE_STATUSES else ""
        if result and item.status in DONE_STATUSES:
            new_colour, new_reason = Colour.GREEN, "已办结"
        if item.assessed_on and month_of(item.assessed_on) < period and store_history:
            # A supervision office's assessment holds for its month only.
            note = f"{item.assessed_on.month}月的研判不再沿用"
            events.append(_event(item, EventKind.COLOUR_ASSESSED, note, item.assessed_colour, ""))
            item.assessed_colour, item.assessed_reason, item.assessed_on = "", "", None
            changed_items.append(item)
        if (new_colour, new_reason) != (item.computed_colour, item.computed_reason):
            if new_colour != item.computed_colour:
                note = (
                    f"{COLOUR_WORDS[item.computed_colour]} → {COLOUR_WORDS[new_colour]}：{new_reason}".rstrip(
                        "："
                    )
                )
                events.append(_event(item, EventKind.COLOUR_CHANGED, note, item.computed_colour, new_colour))
                summary.changed += 1
                if (
                    result
                    and new_colour in (Colour.YELLOW, Colour.RED)
                    and _worse(new_colour, item.computed_colour)
                ):
                    newly.append((item, result))
            item.computed_colour, item.computed_reason = new_colour, new_reason[:300]
            if item not in changed_items:
                changed_items.append(item)
        if result:
            summary.computed += 1
            if item.status in ACTIVE_STATUSES:
                kind_counts = summary.counts.setdefault(item.kind, {"green": 0, "yellow": 0, "red": 0})
                kind_counts[item.assessed_colour or item.computed_colour] += 1

    if not store_history:
        return summary
    Item.objects.bulk_update(
        changed_items,
        ["computed_colour", "computed_reason", "assessed_colour", "assessed_reason", "assessed_on"],
    )
    ItemEvent.objects.bulk_create(events)
    _store_period(rows, results, facts, as_of=as_of, period=period)
    # A consequence proposed for a warning that has since lifted is no longer the office's to decide.
    lifted = [
        item.pk for item in rows if item.computed_colour in ("", Colour.GREEN) and not item.assessed_colour
    ]
    Proposal.objects.filter(item_id__in=lifted, status=ProposalStatus.PROPOSED).update(
        status=ProposalStatus.DISMISSED, decided_on=as_of
    )
    summary.proposals = _propose(newly, as_of=as_of)
    return summary


def _worse(new: str, old: str) -> bool:
    order = {"": 0, "green": 0, "yellow": 1, "red": 2}
    return order[new] > order[old]


def _event(item: Item, kind: EventKind, note: str, old: str, new: str) -> ItemEvent:
    return ItemEvent(item=item, kind=kind, note=note, at=clock.now(), data={"from": old, "to": new})


def _roll_up_parents(items: list[Item], results: dict[int, tuple[engine.Result, int]]) -> None:
    """A parent item takes the worst colour of its children (and its own)."""
    children: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        if item.parent_id:
            children[item.parent_id].append(item)
    for parent_id, kids in children.items():
        if parent_id not in results:
            continue
        own, version = results[parent_id]
        kid_colours = [results[k.pk][0].colour for k in kids if k.pk in results]
        rolled = engine.roll_up([own.colour, *kid_colours])
        if rolled != own.colour:
            red = sum(1 for c in kid_colours if c == engine.Colour.RED)
            yellow = sum(1 for c in kid_colours if c == engine.Colour.YELLOW)
            words = "、".join(
                part for part in (f"{red}项红色" if red else "", f"{yellow}项黄色" if yellow else "") if part
            )
            finding = engine.Finding(rolled, f"下属事项中有{words}")
            results[parent_id] = (
                engine.Result(rolled, (finding, *own.findings), own.time_progress, own.progress),
                version,
            )


def _store_period(
    items: list[Item],
    results: dict[int, tuple[engine.Result, int]],
    facts: dict[int, engine.ItemFacts],
    *,
    as_of: date,
    period: date,
) -> None:
    existing = {row.item_id: row for row in ItemColour.objects.filter(item__in=items, period=period)}
    create: list[ItemColour] = []
    update: list[ItemColour] = []
    for item in items:
        result, version = results.get(item.pk, (None, 0))
        fact = facts.get(item.pk)
        row = existing.get(item.pk) or ItemColour(item=item, period=period)
        row.status = item.status
        row.computed, row.computed_reason = item.computed_colour, item.computed_reason
        row.assessed, row.assessed_reason = item.assessed_colour, item.assessed_reason
        row.progress = (
            result.progress.quantize(Decimal("0.01")) if result and result.progress is not None else None
        )
        row.time_progress = (
            result.time_progress.quantize(Decimal("0.01"))
            if result and result.time_progress is not None
            else None
        )
        row.report_overdue = bool(fact and fact.report_overdue_label and item.status in ACTIVE_STATUSES)
        row.deadline_overdue = bool(
            item.status in ACTIVE_STATUSES and item.deadline and item.deadline < as_of
        )
        row.rule_version = version
        row.computed_on = as_of
        (update if row.pk else create).append(row)
    ItemColour.objects.bulk_create(create)
    ItemColour.objects.bulk_update(
        update,
        [
            "status",
            "computed",
            "computed_reason",
            "assessed",
            "assessed_reason",
            "progress",
            "time_progress",
            "report_overdue",
            "deadline_overdue",
            "rule_version",
            "computed_on",
        ],
    )


def item_colours_refresh(*, items: Iterable[Item | int], as_of: date) -> None:
    """After a change to some items: their colours follow, and so do their ancestors'. A parent
    takes the worst colour of *all* its children, so every child of each ancestor is rated too."""
    ids = {item if isinstance(item, int) else item.pk for item in items}
    ancestors: set[int] = set()
    frontier = ids
    while frontier:
        frontier = (
            set(
                Item.objects.filter(pk__in=frontier, parent__isnull=False).values_list("parent_id", flat=True)
            )
            - ancestors
        )
        ancestors |= frontier
    siblings = (
        set(Item.objects.filter(parent_id__in=ancestors).values_list("pk", flat=True)) if ancestors else set()
    )
    colours_recompute(as_of=as_of, items=Item.objects.filter(pk__in=ids | ancestors | siblings))


def on_items_changed(change: ItemsChanged) -> None:
    """Receiver of items' `items_changed` hook (connected in AlertsConfig.ready)."""
    item_colours_refresh(items=change.item_ids, as_of=change.as_of)


# ---------------------------------------------------------------------------------------------
# The office's assessment


@transaction.atomic
def item_colour_assess(*, actor: User, item: Item, colour: str, reason: str, as_of: date) -> Item:
    """The supervision office's own colour for the item this month; a reason when it differs."""
    ensure(rules.is_supervisor_of(actor, item.region_id), "只有督查办可以研判预警颜色。")
    item = Item.objects.select_for_update(of=("self",)).get(pk=item.pk)
    reason = reason.strip()
    if colour and colour != item.computed_colour:
        ensure(reason, "研判颜色与规则计算不一致时，必须写明理由。", ServiceError)
    old = item.assessed_colour or item.computed_colour
    item.assessed_colour = colour
    item.assessed_reason = reason[:300] if colour else ""
    item.assessed_on = as_of if colour else None
    item.save(update_fields=["assessed_colour", "assessed_reason", "assessed_on"])
    note = f"研判为{COLOUR_WORDS[colour]}：{reason}" if colour else "撤销研判，按规则计算的颜色显示"
    item_event_record(
        item=item,
        actor=actor,
        kind=EventKind.COLOUR_ASSESSED,
        note=note.rstrip("："),
        data={"from": old, "to": colour},
    )
    ItemColour.objects.filter(item=item, period=month_of(as_of)).update(
        assessed=item.assessed_colour, assessed_reason=item.assessed_reason
    )
    return item


# ---------------------------------------------------------------------------------------------
# Consequences


def consequences_for(region_id: int) -> dict[str, list[Consequence]]:
    configured = list(Consequence.objects.filter(region_id=region_id))
    if not configured:
        return {
            colour: [Consequence(region_id=region_id, colour=colour, action=action) for action in actions]
            for colour, actions in DEFAULT_CONSEQUENCES.items()
        }
    found: dict[str, list[Consequence]] = defaultdict(list)
    for consequence in configured:
        if consequence.active:
            found[consequence.colour].append(consequence)
    return found


def _propose(newly: list[tuple[Item, engine.Result]], *, as_of: date) -> int:
    """Propose the configured consequences for items that just reached yellow or red."""
    by_region: dict[int, dict[str, list[Consequence]]] = {}
    proposals = []
    for item, result in newly:
        if item.region_id not in by_region:
            by_region[item.region_id] = consequences_for(item.region_id)
        for consequence in by_region[item.region_id].get(result.colour.value, []):
            proposals.append(
                Proposal(
                    item=item,
                    colour=result.colour.value,
                    action=consequence.action,
                    points=consequence.points,
                    reason=result.reason[:300],
                    proposed_on=as_of,
                )
            )
    Proposal.objects.bulk_create(proposals, ignore_conflicts=True)
    return len(proposals)


@transaction.atomic
def consequences_save(*, actor: User, region: Region, chosen: dict[str, dict[str, Decimal | None]]) -> None:
    """The office's configuration: for each colour, the actions it brings (and points to deduct)."""
    ensure(rules.is_supervisor_of(actor, region.pk), "只有督查办可以设置预警处置。")
    for colour in (Colour.YELLOW, Colour.RED):
        for action in ConsequenceAction.values:
            selected = action in chosen.get(colour, {})
            points = chosen.get(colour, {}).get(action)
            Consequence.objects.update_or_create(
                region=region, colour=colour, action=action, defaults={"active": selected, "points": points}
            )


ACTION_KINDS = {
    ConsequenceAction.REMIND: ActionKind.REMINDER,
    ConsequenceAction.LETTER: ActionKind.THEMED,
    ConsequenceAction.INTERVIEW: ActionKind.INTERVIEW,
}


@transaction.atomic
def proposal_decide(*, actor: User, proposal: Proposal, confirm: bool, as_of: date) -> Proposal:
    """Confirm a proposed consequence (it becomes a supervision action) or dismiss it."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("item__patron_leader__person")
        .get(pk=proposal.pk)
    )
    item = proposal.item
    ensure(rules.is_supervisor_of(actor, item.region_id), "只有督查办可以确认处置。")
    if proposal.status != ProposalStatus.PROPOSED:
        raise NotAllowed("这条处置建议已经处理过。")
    proposal.status = ProposalStatus.CONFIRMED if confirm else ProposalStatus.DISMISSED
    proposal.decided_by, proposal.decided_on = actor, as_of
    if confirm and proposal.action in ACTION_KINDS:
        titles = {
            ConsequenceAction.REMIND: f"{COLOUR_WORDS[proposal.colour]}预警提醒：{item.title}",
            ConsequenceAction.LETTER: f"关于“{item.title}”的督办函",
            ConsequenceAction.INTERVIEW: f"就“{item.title}”{COLOUR_WORDS[proposal.colour]}预警约谈"
            + (f"（{item.patron_leader.name}约谈）" if item.patron_leader else ""),
        }
        proposal.supervision_action = supervision_action_record(
            actor=actor,
            region=item.region,
            kind=ACTION_KINDS[ConsequenceAction(proposal.action)],
            title=titles[ConsequenceAction(proposal.action)],
            held_on=as_of,
            items=[item],
            findings=proposal.reason,
        )
        if proposal.action == ConsequenceAction.INTERVIEW:
            notice_publish(
                Audience(leader_id=item.patron_leader_id),
                title=f"建议约谈：{item.title}",
                body=f"{COLOUR_WORDS[proposal.colour]}预警：{proposal.reason}",
                item_id=item.pk,
                actor_id=actor.pk,
            )
    elif confirm:
        item_event_record(
            item=item,
            actor=actor,
            kind=EventKind.SUPERVISED,
            note=f"{COLOUR_WORDS[proposal.colour]}预警扣分：{proposal.points or 0}分",
        )
    proposal.save()
    return proposal
