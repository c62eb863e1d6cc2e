"""Writes of assessments: computing a period's scores from luoshi's data, the bonus and deduction
records (加减分纪实) and their approval, appeals (改分申请) and their decision.

`scores_compute` gathers the facts of every criterion with a few queries — the indicators ledger's
own results (its completion and rank among peer counties), the items' colours of the period's last
month, their deadlines, the verifications found untrue, the approved records — calls the pure
scoring (scoring.py) and stores one ScoreLine per unit and criterion with the parts and the records
they came from. The same data always gives the same lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q

from luoshi.alerts.models import ItemColour
from luoshi.assessment import rules, scoring
from luoshi.assessment.models import (
    Appeal,
    Criterion,
    Decision,
    Group,
    Record,
    RecordEvidence,
    Scheme,
    ScoreLine,
    ScoreRun,
)
from luoshi.assessment.scoring import Method, Period
from luoshi.core import clock
from luoshi.indicators.compute import Type
from luoshi.indicators.models import Indicator
from luoshi.indicators.selectors import indicator_results
from luoshi.items.models import Item, Status, Verdict, Verification
from luoshi.items.services import Conflict, ServiceError, ensure, evidence_store
from luoshi.org.models import Unit, User

UNRATED = (Status.DRAFT, Status.WITHDRAWN, Status.REPLACED, Status.SUSPENDED)


@dataclass(frozen=True)
class Facts:
    """What the scheme's criteria read for one period, per unit."""

    completions: dict[int, list[scoring.Completion]]
    ranks: dict[int, list[scoring.Rank]]
    outcomes: dict[int, list[tuple[str, scoring.ItemFact]]]  # (item kind, fact)
    records: dict[tuple[int, int], list[scoring.RecordFact]]  # (criterion, unit) →


def _indicator_facts(
    scheme: Scheme, unit_ids: set[int], *, period: Period, as_of: date
) -> tuple[dict[int, list[scoring.Completion]], dict[int, list[scoring.Rank]]]:
    # The figures reported by the period's end: the indicators ledger reads a month once it is over.
    day = min(period.cut(as_of) + timedelta(days=1), as_of)
    ids = list(
        Indicator.objects.filter(
            item__region_id=scheme.region_id, item__year=scheme.year, item__lead_unit_id__in=unit_ids
        )
        .exclude(item__status__in=(Status.WITHDRAWN, Status.REPLACED))
        .values_list("pk", flat=True)
    )
    completions: dict[int, list[scoring.Completion]] = defaultdict(list)
    ranks: dict[int, list[scoring.Rank]] = defaultdict(list)
    rows = sorted(indicator_results(ids, as_of=day).values(), key=lambda row: row.pk)
    for row in rows:
        if row.unit_id is None:
            continue
        source = f"indicator:{row.pk}"
        result = row.result
        # A growth-rate indicator's figure is its growth and its target value the target rate.
        target_rate = row.target_value if row.type == Type.GROWTH else row.target_growth
        completions[row.unit_id].append(
            scoring.Completion(row.title, source, result.completion, result.month, result.growth, target_rate)
        )
        ranking = result.ranking
        ranks[row.unit_id].append(
            scoring.Rank(
                row.title, source, ranking.rank if ranking else None, ranking.peers if ranking else 0
            )
        )
    return completions, ranks


def _outcome_facts(
    scheme: Scheme, unit_ids: set[int], *, period: Period, as_of: date
) -> dict[int, list[tuple[str, scoring.ItemFact]]]:
    cut = period.cut(as_of)
    items = Item.objects.filter(region_id=scheme.region_id, lead_unit_id__in=unit_ids).exclude(
        status__in=UNRATED
    )
    facts: dict[int, list[tuple[str, scoring.ItemFact]]] = defaultdict(list)
    # The colour of each item at the period's end: its last month's row within the period.
    last: dict[int, ItemColour] = {}
    for colour in ItemColour.objects.filter(
        item__in=items, period__gte=period.start, period__lte=cut.replace(day=1)
    ).order_by("item_id", "period"):
        last[colour.item_id] = colour
    info = {
        pk: (unit_id, kind, title)
        for pk, unit_id, kind, title in items.values_list("pk", "lead_unit_id", "kind", "title")
    }
    for item_id in sorted(last):
        colour = last[item_id]
        shown = colour.assessed or colour.computed
        if shown in (scoring.Outcome.RED, scoring.Outcome.YELLOW):
            unit_id, kind, title = info[item_id]
            fact = scoring.ItemFact(scoring.Outcome(shown), title, f"colour:{colour.pk}", colour.period)
            facts[unit_id].append((kind, fact))
    overdue = items.filter(deadline__gte=period.start, deadline__lt=cut).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gt=F("deadline"))
    )
    for pk, unit_id, kind, title, deadline in overdue.order_by("pk").values_list(
        "pk", "lead_unit_id", "kind", "title", "deadline"
    ):
        facts[unit_id].append(
            (kind, scoring.ItemFact(scoring.Outcome.OVERDUE, title, f"item:{pk}", deadline))
        )
    untrue = Verification.objects.filter(
        report__item__in=items, verdict=Verdict.UNTRUE, verified_on__gte=period.start, verified_on__lte=cut
    )
    for pk, unit_id, kind, title, on in untrue.order_by("pk").values_list(
        "pk", "report__item__lead_unit_id", "report__item__kind", "report__item__title", "verified_on"
    ):
        facts[unit_id].append(
            (kind, scoring.ItemFact(scoring.Outcome.UNTRUE, title, f"verification:{pk}", on))
        )
    return facts


def _record_facts(
    scheme: Scheme, *, period: Period, as_of: date
) -> dict[tuple[int, int], list[scoring.RecordFact]]:
    facts: dict[tuple[int, int], list[scoring.RecordFact]] = defaultdict(list)
    approved = Record.objects.filter(
        criterion__group__scheme=scheme,
        status=Decision.APPROVED,
        occurred_on__gte=period.start,
        occurred_on__lte=period.cut(as_of),
    ).order_by("occurred_on", "pk")
    for record in approved:
        facts[(record.criterion_id, record.unit_id)].append(
            scoring.RecordFact(record.points, record.basis, f"record:{record.pk}")
        )
    return facts


def facts_gather(scheme: Scheme, *, period: Period, as_of: date, unit_ids: set[int]) -> Facts:
    completions, ranks = _indicator_facts(scheme, unit_ids, period=period, as_of=as_of)
    return Facts(
        completions=completions,
        ranks=ranks,
        outcomes=_outcome_facts(scheme, unit_ids, period=period, as_of=as_of),
        records=_record_facts(scheme, period=period, as_of=as_of),
    )


def _named(rows: Sequence[scoring.Completion | scoring.Rank], names: tuple[str, ...]) -> list:
    return [row for row in rows if not names or row.name in names]


def line_score(criterion: Criterion, unit_id: int, facts: Facts) -> scoring.Line:
    """One unit's line on one criterion, from the gathered facts (pure once they are gathered)."""
    params = criterion.typed_params()
    top = criterion.max_points
    if isinstance(params, scoring.CompletionParams):
        return scoring.target_completion(
            _named(facts.completions.get(unit_id, []), params.indicators), max_points=top, params=params
        )
    if isinstance(params, scoring.RankParams):
        return scoring.peer_rank(
            _named(facts.ranks.get(unit_id, []), params.indicators), max_points=top, params=params
        )
    if isinstance(params, scoring.OutcomeParams):
        chosen = [
            fact for kind, fact in facts.outcomes.get(unit_id, []) if not params.kinds or kind in params.kinds
        ]
        return scoring.item_outcomes(chosen, max_points=top, params=params)
    return scoring.records(facts.records.get((criterion.pk, unit_id), []), max_points=top, params=params)


@transaction.atomic
def scores_compute(*, actor: User | None, scheme: Scheme, period: Period, as_of: date) -> ScoreRun:
    """Compute the period's scores of every unit of every group of the scheme, as of `as_of`."""
    if actor is not None:
        ensure(rules.can_manage(actor, scheme.region_id), "只有本县督查办可以计算考核得分。")
    ensure(period.year == scheme.year, f"{scheme}只能计算{scheme.year}年的得分。", ServiceError)
    ensure(period.start <= as_of, f"{period.label}尚未开始，不能计算得分。", ServiceError)
    groups = list(Group.objects.filter(scheme=scheme).prefetch_related("units", "criteria"))
    members = {group.pk: sorted(unit.pk for unit in group.units.all()) for group in groups}
    unit_ids = {pk for ids in members.values() for pk in ids}
    facts = facts_gather(scheme, period=period, as_of=as_of, unit_ids=unit_ids)
    run = ScoreRun.objects.create(
        scheme=scheme, year=period.year, quarter=period.quarter, as_of=as_of, computed_by=actor
    )
    lines = []
    for group in groups:
        for criterion in group.criteria.all():
            for unit_id in members[group.pk]:
                line = line_score(criterion, unit_id, facts)
                lines.append(
                    ScoreLine(
                        run=run,
                        unit_id=unit_id,
                        criterion=criterion,
                        points=line.points,
                        max_points=line.max_points,
                        parts=[part.as_json() for part in line.parts],
                        note=line.note[:300],
                    )
                )
    ScoreLine.objects.bulk_create(lines, batch_size=500)
    return run


# ---------------------------------------------------------------------------------------------
# Records (加减分纪实)


@dataclass(frozen=True)
class RecordInput:
    criterion: Criterion
    unit: Unit
    points: Decimal
    basis: str
    occurred_on: date


@transaction.atomic
def record_add(
    *, actor: User, data: RecordInput, files: Sequence[UploadedFile] = (), approve: bool = False
) -> Record:
    """The office records a bonus or deduction on a `records` criterion, with its basis and files."""
    criterion = Criterion.objects.select_related("group__scheme").get(pk=data.criterion.pk)
    scheme = criterion.group.scheme
    ensure(rules.can_manage(actor, scheme.region_id), "只有本县督查办可以登记加减分纪实。")
    ensure(criterion.method == Method.RECORDS, f"“{criterion.name}”不按加减分纪实计分。", ServiceError)
    ensure(
        criterion.group.units.filter(pk=data.unit.pk).exists(),
        f"{data.unit.short_name}不在“{criterion.group.name}”考核组中。",
        ServiceError,
    )
    ensure(data.points != 0, "加减分不能为0。", ServiceError)
    ensure(data.occurred_on.year == scheme.year, f"发生日期应在{scheme.year}年内。", ServiceError)
    record = Record(
        criterion=criterion,
        unit=data.unit,
        points=data.points,
        basis=data.basis.strip(),
        occurred_on=data.occurred_on,
        created_by=actor,
    )
    _validate(record)
    record.save()
    for upload in files:
        evidence_store(RecordEvidence(record=record), actor=actor, upload=upload)
    if approve:
        record_decide(actor=actor, record=record, approve=True, note="")
    return record


@transaction.atomic
def record_decide(*, actor: User, record: Record, approve: bool, note: str) -> Record:
    record = (
        Record.objects.select_for_update(of=("self",))
        .select_related("criterion__group__scheme")
        .get(pk=record.pk)
    )
    ensure(rules.can_decide_record(actor, record), "只有本县督查办可以审核待审核的加减分纪实。")
    ensure(approve or note.strip(), "不同意时请写明理由。", ServiceError)
    record.status = Decision.APPROVED if approve else Decision.REJECTED
    record.decided_by = actor
    record.decided_at = clock.now()
    record.decision_note = note.strip()[:300]
    record.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return record


# ---------------------------------------------------------------------------------------------
# Appeals (改分申请)


@transaction.atomic
def appeal_file(*, actor: User, line: ScoreLine, reasons: str) -> Appeal:
    ensure(rules.can_appeal(actor, line), "只有被考核单位可以对本单位的得分提出改分申请。")
    ensure(reasons.strip(), "请写明申请改分的理由。", ServiceError)
    ensure(
        not Appeal.objects.filter(line=line, status=Decision.PENDING).exists(),
        "这项得分已有待处理的改分申请。",
        ServiceError,
    )
    appeal = Appeal(line=line, unit_id=line.unit_id, reasons=reasons.strip(), filed_by=actor)
    _validate(appeal)
    appeal.save()
    return appeal


@transaction.atomic
def appeal_decide(*, actor: User, appeal: Appeal, uphold: bool, decision: str) -> Appeal:
    """The office upholds or rejects an appeal, with its reasons; the decision is kept. An upheld
    appeal is settled in the data (a record, a corrected figure) and the period recomputed, so the
    score still comes from its records."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",)).select_related("line__run__scheme").get(pk=appeal.pk)
    )
    ensure(rules.can_decide_appeal(actor, appeal), "只有本县督查办可以处理待处理的改分申请。")
    ensure(decision.strip(), "请写明处理意见。", ServiceError)
    appeal.status = Decision.APPROVED if uphold else Decision.REJECTED
    appeal.decision = decision.strip()
    appeal.decided_by = actor
    appeal.decided_at = clock.now()
    appeal.save(update_fields=["status", "decision", "decided_by", "decided_at"])
    return appeal


def _validate(instance: Record | Appeal) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ServiceError("；".join(error.messages)) from error


# ---------------------------------------------------------------------------------------------
# Schemes (考核方案): the office keeps its county's schemes on its own pages. A scheme whose scores
# have been computed is not changed under them: it is refused, and the office copies it into a new
# scheme (of the same year under another name, or of the next year) and changes the copy.

SCORED = "{scheme}已计算过得分，不能再修改（已算出的得分按原方案保留）。如需调整，请复制为新方案后修改。"


@dataclass(frozen=True)
class SchemeInput:
    year: int
    name: str
    note: str = ""


@dataclass(frozen=True)
class GroupInput:
    name: str
    kind: str
    units: Sequence[Unit]
    sort_order: int = 0


@dataclass(frozen=True)
class CriterionInput:
    name: str
    max_points: Decimal
    method: str
    params: dict
    source: str = ""
    sort_order: int = 0


def scheme_is_scored(scheme: Scheme) -> bool:
    return ScoreRun.objects.filter(scheme=scheme).exists()


def _scheme_change(actor: User, scheme: Scheme, expected_version: int | None) -> Scheme:
    """Lock the scheme for a change of it, its groups or its criteria: only its county's office,
    never once scored, never over somebody else's change; its version goes up."""
    locked = Scheme.objects.select_for_update().select_related("region").get(pk=scheme.pk)
    ensure(rules.can_manage(actor, locked.region_id), "只有本县督查办可以修改考核方案。")
    ensure(not scheme_is_scored(locked), SCORED.format(scheme=locked), ServiceError)
    if expected_version is not None and expected_version != locked.version:
        raise Conflict(f"{locked}已被他人修改，请刷新页面后重新填写。")
    locked.version += 1
    locked.save(update_fields=["version"])
    return locked


def _validate_any(instance: Scheme | Group | Criterion) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        messages = (
            [m for ms in error.message_dict.values() for m in ms]
            if hasattr(error, "message_dict")
            else error.messages
        )
        raise ServiceError("；".join(messages)) from error


@transaction.atomic
def scheme_create(*, actor: User, region_id: int, data: SchemeInput) -> Scheme:
    ensure(rules.can_manage(actor, region_id), "只有本县督查办可以制定考核方案。")
    scheme = Scheme(region_id=region_id, year=data.year, name=data.name.strip(), note=data.note.strip())
    _validate_any(scheme)
    scheme.save()
    return scheme


@transaction.atomic
def scheme_update(*, actor: User, scheme: Scheme, data: SchemeInput, expected_version: int | None) -> Scheme:
    scheme = _scheme_change(actor, scheme, expected_version)
    ensure(
        data.year == scheme.year or not Record.objects.filter(criterion__group__scheme=scheme).exists(),
        "方案已有加减分纪实，不能改变年度。",
        ServiceError,
    )
    scheme.year, scheme.name, scheme.note = data.year, data.name.strip(), data.note.strip()
    _validate_any(scheme)
    scheme.save(update_fields=["year", "name", "note"])
    return scheme


@transaction.atomic
def scheme_copy(*, actor: User, scheme: Scheme, data: SchemeInput) -> Scheme:
    """A new scheme of the county with the groups, their units still in use and the criteria of
    `scheme` (last year's, or a scored one to adjust): the start of the office's changes."""
    ensure(rules.can_manage(actor, scheme.region_id), "只有本县督查办可以复制考核方案。")
    note = data.note.strip() or f"复制自{scheme}"
    copy = Scheme(region_id=scheme.region_id, year=data.year, name=data.name.strip(), note=note)
    _validate_any(copy)
    copy.save()
    for group in Group.objects.filter(scheme=scheme).prefetch_related("units", "criteria"):
        made = Group.objects.create(
            scheme=copy, name=group.name, kind=group.kind, sort_order=group.sort_order
        )
        made.units.set([unit for unit in group.units.all() if unit.is_active])
        for criterion in group.criteria.all():  # one by one, so the audit log sees each
            Criterion.objects.create(
                group=made,
                name=criterion.name,
                max_points=criterion.max_points,
                method=criterion.method,
                params=criterion.params,
                source=criterion.source,
                sort_order=criterion.sort_order,
            )
    return copy


def _check_members(scheme: Scheme, group: Group | None, units: Sequence[Unit]) -> None:
    for unit in units:
        ensure(unit.region_id == scheme.region_id, f"{unit.short_name}不是本县的单位。", ServiceError)
        ensure(unit.is_active, f"{unit.short_name}已停用。", ServiceError)
    others = Group.units.through.objects.filter(group__scheme=scheme, unit__in=[u.pk for u in units])
    if group is not None:
        others = others.exclude(group_id=group.pk)
    elsewhere = others.select_related("group", "unit").first()
    if elsewhere is not None:
        raise ServiceError(
            f"{elsewhere.unit.short_name}已在“{elsewhere.group.name}”考核组中，一个单位只在一个组中排名。"
        )


@transaction.atomic
def group_save(
    *, actor: User, scheme: Scheme, group: Group | None, data: GroupInput, expected_version: int | None
) -> Group:
    """Add a group to the scheme (group None) or change one: its name, kind, members and place."""
    scheme = _scheme_change(actor, scheme, expected_version)
    group = Group(scheme=scheme) if group is None else Group.objects.get(pk=group.pk, scheme=scheme)
    ensure(data.units, "请选择参加考核的单位。", ServiceError)
    _check_members(scheme, group if group.pk else None, data.units)
    ensure(
        not Record.objects.filter(criterion__group_id=group.pk)
        .exclude(unit__in=[u.pk for u in data.units])
        .exists(),
        "移出的单位已有加减分纪实，不能移出考核组。",
        ServiceError,
    )
    group.name, group.kind, group.sort_order = data.name.strip(), data.kind, data.sort_order
    _validate_any(group)
    group.save()
    group.units.set(data.units)
    return group


@transaction.atomic
def group_delete(*, actor: User, group: Group, expected_version: int | None) -> None:
    _scheme_change(actor, group.scheme, expected_version)
    ensure(
        not Record.objects.filter(criterion__group=group).exists(),
        f"“{group.name}”已有加减分纪实，不能删除。",
        ServiceError,
    )
    group.delete()


@transaction.atomic
def criterion_save(
    *,
    actor: User,
    group: Group,
    criterion: Criterion | None,
    data: CriterionInput,
    expected_version: int | None,
) -> Criterion:
    """Add a criterion to a group (criterion None) or change one; its parameters are checked by
    the same rules the scoring uses (scoring.params_problems, in Criterion.clean)."""
    _scheme_change(actor, group.scheme, expected_version)
    if criterion is None:
        criterion = Criterion(group=group)
    else:
        criterion = Criterion.objects.get(pk=criterion.pk, group=group)
        ensure(
            data.method == criterion.method or not criterion.records.exists(),
            f"“{criterion.name}”已有加减分纪实，不能改变计分方法。",
            ServiceError,
        )
    criterion.name, criterion.max_points, criterion.method = data.name.strip(), data.max_points, data.method
    criterion.params, criterion.source, criterion.sort_order = (
        data.params,
        data.source.strip(),
        data.sort_order,
    )
    _validate_any(criterion)
    criterion.save()
    return criterion


@transaction.atomic
def criterion_delete(*, actor: User, criterion: Criterion, expected_version: int | None) -> None:
    _scheme_change(actor, criterion.group.scheme, expected_version)
    ensure(not criterion.records.exists(), f"“{criterion.name}”已有加减分纪实，不能删除。", ServiceError)
    criterion.delete()
