"""Computing and storing warning colours: facts from the database, the pure engine, the results back.

Recomputed after every change that matters to an item (the items services call item_colours_refresh)
and every night for the passing of time (tasks.py); `luoshi warnings` does it by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.db import connections, models, router, transaction
from django.db.models import Exists, OuterRef

from luoshi.alerts import engine
from luoshi.alerts.hooks import ColourChange, ColoursChanged, colours_changed
from luoshi.alerts.models import (
    Consequence,
    ConsequenceAction,
    ItemColour,
    Proposal,
    ProposalStatus,
    RuleSet,
)
from luoshi.audit import context as audit_context
from luoshi.audit.models import Action as AuditAction
from luoshi.audit.models import AuditEvent
from luoshi.audit.services import audit_build, audit_record_all, audit_record_derived
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
    Milestone,
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

M = TypeVar("M", bound=models.Model)

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
    """The engine's facts for `items`, in a constant number of queries."""
    ids = [item.pk for item in items]
    milestones: dict[int, list[engine.Milestone]] = defaultdict(list)
    for item_id, name, due, done_on in (
        Milestone.objects.filter(item_id__in=ids)
        .order_by("sort_order", "due", "pk")
        .values_list("item_id", "name", "due", "done_on")
    ):
        milestones[item_id].append(engine.Milestone(name, due, done_on))
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
            milestones=milestones[item.pk],
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
#
# A recomputation works region by region and, within a region, in batches of items, one
# transaction per batch: the memory it holds and the rows it locks stay the size of a batch
# whatever the size of the province, and a job that stops half way leaves whole batches behind
# (the next run finishes the work). A parent takes the worst colour of all its children, so a
# batch always holds whole families: an item, its children and theirs.

# Items per batch (a family larger than this is a batch of its own).
BATCH_SIZE = 500
# Rows per INSERT statement, and per round of prepared UPDATEs.
WRITE_BATCH_SIZE = 200


@dataclass
class Summary:
    as_of: date
    computed: int = 0
    changed: int = 0
    proposals: int = 0
    dismissed: int = 0  # proposals whose warning lifted, no longer the office's to decide
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # kind → colour → items

    def add(self, other: Summary) -> None:
        self.computed += other.computed
        self.changed += other.changed
        self.proposals += other.proposals
        self.dismissed += other.dismissed
        for kind, by_colour in other.counts.items():
            mine = self.counts.setdefault(kind, {"green": 0, "yellow": 0, "red": 0})
            for colour, count in by_colour.items():
                mine[colour] += count


RATED_STATUSES = ACTIVE_STATUSES | DONE_STATUSES
ITEM_COLOUR_FIELDS = (
    "computed_colour",
    "computed_reason",
    "assessed_colour",
    "assessed_reason",
    "assessed_on",
)


@dataclass
class _Run:
    """What a recomputation reads once and reuses in every batch."""

    as_of: date
    period: date
    calendar: WorkCalendar
    store_history: bool
    rules: dict[int, tuple[engine.Rules, int]] = field(default_factory=dict)
    consequences: dict[int, dict[str, list[Consequence]]] = field(default_factory=dict)


def regions_to_rate(within: Region | None = None) -> list[Region]:
    """The regions whose items a recomputation rates, in their order: those that hold items
    (`within` and the regions under it, when given)."""
    regions = Region.objects.filter(Exists(Item.objects.filter(region=OuterRef("pk"))))
    if within is not None:
        below = {within.pk}
        frontier = {within.pk}
        while frontier:
            frontier = set(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - below
            below |= frontier
        regions = regions.filter(pk__in=below)
    return list(regions.order_by("sort_order", "code"))


def colours_recompute(
    *,
    as_of: date,
    region: Region | None = None,
    items: Iterable[Item | int] | None = None,
    store_history: bool = True,
    batch_size: int = BATCH_SIZE,
) -> Summary:
    """Compute every rated item's colour as of `as_of` and store what changed.

    Items under supervision (and those done, which are green) are rated; drafts, suspended,
    replaced and withdrawn items carry no colour. The month's ItemColour row follows; with
    `store_history` False (a past month asked for by hand) nothing is written. `region` limits
    the work to its own items and `items` to those (item_colours_refresh passes whole families);
    with neither, every region is done in turn.
    """
    run = _run(as_of, store_history=store_history)
    if items is not None:
        ids = {item if isinstance(item, int) else item.pk for item in items}
        links = dict(Item.objects.filter(pk__in=ids).values_list("pk", "parent_id"))
        done = _recompute_links(links, run=run, owner=None, batch_size=batch_size)
        _record_run(done, run=run, region=None)
        return done
    summary = Summary(as_of=as_of)
    for each in [region] if region is not None else regions_to_rate():
        done = _recompute_links(_region_links(each.pk), run=run, owner=each.pk, batch_size=batch_size)
        _record_run(done, run=run, region=each)
        summary.add(done)
    return summary


def _record_run(summary: Summary, *, run: _Run, region: Region | None) -> None:
    """One row of the audit log for a recomputation that wrote something (its rows are written in
    bulk, which the audit log does not follow row by row)."""
    if not run.store_history or not (summary.changed or summary.proposals or summary.dismissed):
        return
    audit_record_derived(
        action=AuditAction.RECOMPUTED,
        region=region,
        object_type=Item._meta.label,
        summary=f"重算预警颜色（截至{run.as_of:%Y年%m月%d日}）：{region.name if region else '随事项变化'}，"
        f"计算 {summary.computed} 项，{summary.changed} 项颜色变化，新提出处置建议 {summary.proposals} 条，"
        f"预警解除自动不采纳 {summary.dismissed} 条",
    )


def _run(as_of: date, *, store_history: bool = True) -> _Run:
    return _Run(as_of=as_of, period=month_of(as_of), calendar=work_calendar(), store_history=store_history)


def _recompute_links(
    links: Mapping[int, int | None], *, run: _Run, owner: int | None, batch_size: int = BATCH_SIZE
) -> Summary:
    summary = Summary(as_of=run.as_of)
    for batch in _batches(links, batch_size):
        summary.add(_recompute_batch(batch, run=run, owner=owner))
    return summary


def _region_links(region_id: int) -> dict[int, int | None]:
    """Item → parent for the region's items and, should a parent have children in another region,
    those too (rated with their parent, stored by their own region's run)."""
    links: dict[int, int | None] = dict(
        Item.objects.filter(region_id=region_id).values_list("pk", "parent_id")
    )
    found = Item.objects.filter(parent__region_id=region_id).exclude(region_id=region_id)
    while True:
        extra = {pk: parent for pk, parent in found.values_list("pk", "parent_id") if pk not in links}
        if not extra:
            return links
        links.update(extra)
        found = Item.objects.filter(parent_id__in=list(extra)).exclude(region_id=region_id)


def _batches(links: Mapping[int, int | None], size: int) -> Iterator[list[int]]:
    """The items of `links` (item → parent) in batches of about `size`, by pk, each family whole."""
    roots: dict[int, int] = {}

    def root_of(pk: int) -> int:
        path = []
        while pk not in roots:
            parent = links.get(pk)
            if parent is None or parent not in links or parent in path:
                roots[pk] = pk
                break
            path.append(pk)
            pk = parent
        for step in path:
            roots[step] = roots[pk]
        return roots[pk]

    families: dict[int, list[int]] = defaultdict(list)
    for pk in sorted(links):
        families[root_of(pk)].append(pk)
    batch: list[int] = []
    for root in sorted(families):
        batch.extend(families[root])
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _recompute_batch(ids: list[int], *, run: _Run, owner: int | None) -> Summary:
    """One batch, in one transaction. With `owner`, only that region's items are stored and
    counted (others are in the batch to roll their parents up)."""
    as_of, period = run.as_of, run.period
    with transaction.atomic():
        rows = list(Item.objects.filter(pk__in=ids).order_by("pk"))
        rated = [item for item in rows if item.status in RATED_STATUSES]
        facts = gather_facts(rated, as_of=as_of, calendar=run.calendar)
        results: dict[int, tuple[engine.Result, int]] = {}
        for item in rated:
            item_rules, version = rules_for(item.region_id, run.rules)
            results[item.pk] = (engine.colour(facts[item.pk], as_of, item_rules, run.calendar), version)
        _roll_up_parents(rows, results)
        if owner is not None:
            rows = [item for item in rows if item.region_id == owner]

        summary = Summary(as_of=as_of)
        changed_items: list[tuple[Item, frozenset[str]]] = []
        events: list[ItemEvent] = []
        moved: list[ColourChange] = []
        newly: list[tuple[Item, engine.Result]] = []
        for item in rows:
            result, _version = results.get(item.pk, (None, 0))
            before = tuple(getattr(item, name) for name in ITEM_COLOUR_FIELDS)
            new_colour = result.colour.value if result else ""
            new_reason = (result.reason or "按期推进") if result and item.status not in DONE_STATUSES else ""
            if result and item.status in DONE_STATUSES:
                new_colour, new_reason = Colour.GREEN, "已办结"
            if item.assessed_on and month_of(item.assessed_on) < period and run.store_history:
                # A supervision office's assessment holds for its month only.
                note = f"{item.assessed_on.month}月的研判不再沿用"
                events.append(_event(item, EventKind.COLOUR_ASSESSED, note, item.assessed_colour, ""))
                item.assessed_colour, item.assessed_reason, item.assessed_on = "", "", None
            if new_colour != item.computed_colour:
                note = (
                    f"{COLOUR_WORDS[item.computed_colour]} → {COLOUR_WORDS[new_colour]}：{new_reason}".rstrip(
                        "："
                    )
                )
                events.append(_event(item, EventKind.COLOUR_CHANGED, note, item.computed_colour, new_colour))
                summary.changed += 1
                if item.computed_colour and new_colour:
                    moved.append(
                        ColourChange(item.pk, item.region_id, item.computed_colour, new_colour, new_reason)
                    )
                if (
                    result
                    and new_colour in (Colour.YELLOW, Colour.RED)
                    and _worse(new_colour, item.computed_colour)
                ):
                    newly.append((item, result))
            item.computed_colour, item.computed_reason = new_colour, new_reason[:300]
            after = tuple(getattr(item, name) for name in ITEM_COLOUR_FIELDS)
            if after != before:
                differ = zip(ITEM_COLOUR_FIELDS, before, after, strict=True)
                changed_items.append((item, frozenset(name for name, old, new in differ if old != new)))
            if result:
                summary.computed += 1
                if item.status in ACTIVE_STATUSES:
                    kind_counts = summary.counts.setdefault(item.kind, {"green": 0, "yellow": 0, "red": 0})
                    kind_counts[item.assessed_colour or item.computed_colour] += 1

        if not run.store_history:
            return summary
        _update_changed(Item, changed_items)
        ItemEvent.objects.bulk_create(events, batch_size=WRITE_BATCH_SIZE)
        if moved:
            colours_changed.send_on_commit(ColoursChanged(changes=tuple(moved), at=clock.now()))
        _store_period(rows, results, facts, as_of=as_of, period=period)
        summary.dismissed = _dismiss_lifted(rows, as_of=as_of)
        summary.proposals = _propose(newly, as_of=as_of, consequences=run.consequences)
    return summary


def _dismiss_lifted(items: list[Item], *, as_of: date) -> int:
    """A consequence proposed for a warning that has since lifted is no longer the office's to decide.
    Each one dismissed is a row of the audit log (written together in one statement)."""
    by_pk = {
        item.pk: item
        for item in items
        if item.computed_colour in ("", Colour.GREEN) and not item.assessed_colour
    }
    if not by_pk:
        return 0
    # Read first: most nights nothing is pending, and then nothing is written.
    dismissed = list(Proposal.objects.filter(item_id__in=by_pk, status=ProposalStatus.PROPOSED))
    if not dismissed:
        return 0
    Proposal.objects.filter(pk__in=[proposal.pk for proposal in dismissed]).update(
        status=ProposalStatus.DISMISSED, decided_on=as_of
    )
    if not audit_context.is_quiet():
        audit_record_all(_dismissal(proposal, by_pk[proposal.item_id], as_of) for proposal in dismissed)
    return len(dismissed)


def _dismissal(proposal: Proposal, item: Item, as_of: date) -> AuditEvent:
    proposal.item = item
    status = dict(ProposalStatus.choices)
    return audit_build(
        action=AuditAction.CHANGED,
        obj=proposal,
        changes={
            "status": [status[ProposalStatus.PROPOSED], status[ProposalStatus.DISMISSED]],
            "decided_on": [None, as_of.isoformat()],
        },
        summary=f"预警已解除，处置建议自动不采纳：{item.code} {item.title}"
        f"（{COLOUR_WORDS[proposal.colour]}预警 · {proposal.get_action_display()}）",
    )


def _worse(new: str, old: str) -> bool:
    order = {"": 0, "green": 0, "yellow": 1, "red": 2}
    return order[new] > order[old]


def _event(item: Item, kind: EventKind, note: str, old: str, new: str) -> ItemEvent:
    return ItemEvent(item=item, kind=kind, note=note, at=clock.now(), data={"from": old, "to": new})


def _roll_up_parents(items: list[Item], results: dict[int, tuple[engine.Result, int]]) -> None:
    """A parent item takes the worst colour of its children (and its own); the deepest parents
    first, so that a grandparent sees what its children took from theirs."""
    by_pk = {item.pk: item for item in items}
    children: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        if item.parent_id in by_pk:
            children[item.parent_id].append(item)

    def depth(pk: int) -> int:
        level, seen = 0, {pk}
        parent = by_pk[pk].parent_id
        while parent in by_pk and parent not in seen:
            seen.add(parent)
            level += 1
            parent = by_pk[parent].parent_id
        return level

    for parent_id in sorted(children, key=lambda pk: (-depth(pk), pk)):
        if parent_id not in results:
            continue
        own, version = results[parent_id]
        kid_colours = [results[k.pk][0].colour for k in children[parent_id] if k.pk in results]
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
    """The month's row of each item follows its colour; only the rows that differ are written."""
    existing = {row.item_id: row for row in ItemColour.objects.filter(item__in=items, period=period)}
    create: list[ItemColour] = []
    update: list[tuple[ItemColour, frozenset[str]]] = []
    for item in items:
        result, version = results.get(item.pk, (None, 0))
        fact = facts.get(item.pk)
        values = {
            "status": item.status,
            "computed": item.computed_colour,
            "computed_reason": item.computed_reason,
            "assessed": item.assessed_colour,
            "assessed_reason": item.assessed_reason,
            "progress": _hundredths(result.progress if result else None),
            "time_progress": _hundredths(result.time_progress if result else None),
            "report_overdue": bool(fact and fact.report_overdue_label and item.status in ACTIVE_STATUSES),
            "deadline_overdue": bool(
                item.status in ACTIVE_STATUSES and item.deadline and item.deadline < as_of
            ),
            "rule_version": version,
        }
        row = existing.get(item.pk)
        if row is None:
            create.append(ItemColour(item=item, period=period, computed_on=as_of, **values))
            continue
        differ = frozenset(name for name, value in values.items() if getattr(row, name) != value)
        if differ:
            for name in differ:
                setattr(row, name, values[name])
            row.computed_on = as_of
            update.append((row, differ | {"computed_on"}))
    # A change's own refresh may have created the row meanwhile: its values are as fresh as these.
    ItemColour.objects.bulk_create(create, batch_size=WRITE_BATCH_SIZE, ignore_conflicts=True)
    _update_changed(ItemColour, update)


def _update_changed(model: type[M], changes: list[tuple[M, frozenset[str]]]) -> None:
    """Write the fields that changed in each row: one prepared UPDATE per set of fields, run for
    every row that shares it. (bulk_update would send CASE lists the database evaluates once per
    row for every row, and that Django spends longer building than the database running.)"""
    groups: dict[frozenset[str], list[M]] = defaultdict(list)
    for row, names in changes:
        groups[names].append(row)
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    with connection.cursor() as cursor:
        for names, rows in groups.items():
            fields = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in sorted(names)]
            assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
            # Names from the model, quoted; every value a parameter.
            sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
            for start in range(0, len(rows), WRITE_BATCH_SIZE):
                cursor.executemany(
                    sql,
                    [
                        [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
                        + [row.pk]
                        for row in rows[start : start + WRITE_BATCH_SIZE]
                    ],
                )


def _hundredths(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def item_colours_refresh(*, items: Iterable[Item | int], as_of: date) -> None:
    """After a change to some items: their colours follow, and so do their ancestors'. A parent
    takes the worst colour of *all* its children, so the whole family of each item is rated: from
    its topmost ancestor down (a few small queries, one per generation)."""
    links: dict[int, int | None] = {}
    frontier = {item if isinstance(item, int) else item.pk for item in items}
    while frontier:  # up to the topmost ancestors
        found = dict(Item.objects.filter(pk__in=frontier).values_list("pk", "parent_id"))
        links.update(found)
        frontier = {parent for parent in found.values() if parent is not None} - links.keys()
    frontier = {pk for pk, parent in links.items() if parent is None or parent not in links}
    expanded: set[int] = set()
    while frontier:  # and down to every descendant
        expanded |= frontier
        found = dict(Item.objects.filter(parent_id__in=frontier).values_list("pk", "parent_id"))
        links.update(found)
        frontier = found.keys() - expanded
    run = _run(as_of)
    _record_run(_recompute_links(links, run=run, owner=None), run=run, region=None)


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


def _propose(
    newly: list[tuple[Item, engine.Result]],
    *,
    as_of: date,
    consequences: dict[int, dict[str, list[Consequence]]] | None = None,
) -> int:
    """Propose the configured consequences for items that just reached yellow or red
    (`consequences`: each region's, as read so far in this run)."""
    by_region = consequences if consequences is not None else {}
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
    Proposal.objects.bulk_create(proposals, ignore_conflicts=True, batch_size=WRITE_BATCH_SIZE)
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
