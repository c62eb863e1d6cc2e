"""Writes to problems: one transaction each, through the items services for the item side (its
creation, its reports and their verification, its completion and closing), an event on the item
for every change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q

from luoshi.audit.models import Action as AuditAction
from luoshi.audit.services import audit_record
from luoshi.core import clock
from luoshi.items import rules as item_rules
from luoshi.items import services as items
from luoshi.items.models import (
    DONE_STATUSES,
    EventKind,
    Item,
    ItemEvent,
    Measure,
    ProgressReport,
    ReportCycle,
    ReportStatus,
    Source,
    Status,
    Verdict,
)
from luoshi.items.services import (
    ItemInput,
    MilestoneInput,
    ServiceError,
    detail_changes_record,
    ensure,
    item_event_record,
)
from luoshi.items.services.imports import ItemUpdate
from luoshi.items.workflow import Action
from luoshi.org.models import Leader, Region, Unit, User
from luoshi.rectification.models import KIND, Problem

SOURCES = (Source.HIGHER_FEEDBACK, Source.INSPECTION, Source.SELF_CHECK)


def _clean(obj: object, *, exclude: Sequence[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))  # type: ignore[attr-defined]
    except ValidationError as error:
        raise ServiceError("；".join(m for ms in error.message_dict.values() for m in ms)) from error


@dataclass
class ProblemInput:
    title: str
    year: int
    source: str
    problem: str
    lead_unit: Unit
    deadline: date
    topic: str = ""
    place: str = ""
    reference: str = ""
    measures: str = ""
    found_on: date | None = None
    patron_leader: Leader | None = None
    support_units: Sequence[Unit] = ()
    code: str = ""
    row: int = 0  # the sheet's row it was read from (0: not from a sheet)

    @property
    def key(self) -> tuple[str, ...]:
        """What tells the same problem in two sheets: its source and its number (图斑编号, 反馈清单序号)
        when it has one, else its source, the problem and its place."""
        return problem_key(self.source, self.reference, self.problem, self.place)

    def item_input(self) -> ItemInput:
        return ItemInput(
            title=self.title.strip(),
            year=self.year,
            kind=KIND,
            source=self.source,
            code=self.code,
            description=self.problem,
            patron_leader=self.patron_leader,
            lead_unit=self.lead_unit,
            support_units=self.support_units,
            deadline=self.deadline,
            measure=Measure.DONE,
            report_cycle=ReportCycle.MONTHLY,
        )

    def detail(self, item: Item) -> Problem:
        return Problem(
            item=item,
            topic=self.topic.strip(),
            problem=self.problem.strip(),
            place=self.place.strip(),
            reference=self.reference.strip(),
            measures=self.measures.strip(),
            found_on=self.found_on,
        )


def problem_key(source: str, reference: str, problem: str, place: str) -> tuple[str, ...]:
    reference = reference.strip()
    if reference:
        return (source, "编号", reference)
    return (source, "问题", problem.strip(), place.strip())


def _check_source(source: str) -> None:
    ensure(source in SOURCES, "整改问题的来源应为上级反馈、督查发现或自查发现。", ServiceError)


@transaction.atomic
def problem_create(
    *, actor: User | None, region: Region, data: ProblemInput, as_of: date, assign: bool = True
) -> Problem:
    """A problem to rectify: its item (kind 问题整改, due at its deadline) and its detail."""
    ensure(actor is None or item_rules.can_create_item(actor, region.pk), "只有督查办可以登记整改问题。")
    _check_source(data.source)
    ensure(data.problem.strip(), "请写明问题。", ServiceError)
    item = items.item_create(actor=actor, region=region, data=data.item_input())
    problem = data.detail(item)
    _clean(problem, exclude=["item", "reopens"])
    problem.save()
    if assign and actor is not None:
        problem.item = items.item_take(
            actor=actor, item=item, action=Action.ASSIGN, as_of=as_of, confirm_past_deadline=True
        )
    return problem


@transaction.atomic
def problem_attach(
    *, actor: User | None, item: Item, problem: str, topic: str = "", place: str = ""
) -> Problem:
    """Give an item of kind 问题整改 made elsewhere (a supervision visit, the item form) its detail."""
    item = Item.objects.select_for_update(of=("self",)).get(pk=item.pk)
    ensure(
        actor is None or item_rules.is_supervisor_of(actor, item.region_id), "只有督查办可以登记整改问题。"
    )
    ensure(item.kind == KIND, "只有问题整改事项可以登记为整改问题。", ServiceError)
    ensure(not Problem.objects.filter(item=item).exists(), "该事项已登记为整改问题。", ServiceError)
    detail = Problem(item=item, problem=problem.strip(), topic=topic.strip(), place=place.strip())
    _clean(detail, exclude=["item", "reopens"])
    detail.save()
    return detail


def _latest_report(item: Item) -> ProgressReport | None:
    """The newest current report, as the items' completion (办结) reads it."""
    return (
        item.reports.filter(status=ReportStatus.SUBMITTED, superseded_by__isnull=True)
        .select_related("verification")
        .order_by("-period_start", "-created_at")
        .first()
    )


def close_refusal(item: Item) -> str:
    """Why the office may not strike the problem off now ("" when it may): only on the lead unit's
    request to close (申请销号), whose latest report the office has verified as true."""
    if item.status == Status.CLOSED:
        return "该问题已销号。"
    if item.status not in (Status.COMPLETION_REQUESTED, Status.COMPLETED):
        return "销号须由责任单位报送整改情况和佐证材料并申请销号。"
    latest = _latest_report(item)
    verification = getattr(latest, "verification", None) if latest else None
    if verification is None:
        return "销号前，督查办须先核实责任单位的整改报告。"
    if verification.verdict != Verdict.TRUE:
        return f"整改报告核实为“{verification.get_verdict_display()}”，不能销号。"
    # The verified report must be the one that says the problem is fixed, with its proof: a true
    # report of work half done is not a rectification.
    if item.measure != Measure.DONE and (item.progress_percent or 0) < 100:
        done = Decimal(item.progress_percent or 0).normalize()
        return f"核实属实的整改报告进度为{done:f}%，尚未整改到位，不能销号。"
    if not latest.evidence.exists():  # type: ignore[union-attr]
        return "整改报告没有佐证材料，不能销号：请责任单位补报整改佐证。"
    return ""


@transaction.atomic
def problem_close(*, actor: User, problem: Problem, as_of: date) -> Problem:
    """Strike a problem off (销号), on a request whose report the office verified as true: the
    item is completed (办结) and closed (销号) through the items' life cycle."""
    item = Item.objects.select_for_update(of=("self",)).get(pk=problem.pk)
    ensure(item_rules.is_supervisor_of(actor, item.region_id), "只有督查办可以销号。")
    refused = close_refusal(item)
    ensure(not refused, refused, ServiceError)
    if item.status == Status.COMPLETION_REQUESTED:
        item = items.item_take(actor=actor, item=item, action=Action.COMPLETE, as_of=as_of)
    problem.item = items.item_take(actor=actor, item=item, action=Action.CLOSE, as_of=as_of)
    return problem


@transaction.atomic
def problem_reopen(*, actor: User, problem: Problem, reason: str, deadline: date, as_of: date) -> Problem:
    """A closed problem found again (反弹, 整改不到位): a new problem, linked to the closed one, that
    keeps its lineage; the closed one stays closed with its record."""
    problem = (
        Problem.objects.select_for_update(of=("self",)).select_related("item__region").get(pk=problem.pk)
    )
    old = problem.item
    ensure(item_rules.is_supervisor_of(actor, old.region_id), "只有督查办可以重新整改。")
    ensure(old.status in DONE_STATUSES, "只有已办结或已销号的问题才能重新整改。", ServiceError)
    ensure(not Problem.objects.filter(reopens=problem).exists(), "该问题已经重新整改过了。", ServiceError)
    reason = reason.strip()
    ensure(reason, "重新整改须写明原因。", ServiceError)
    ensure(deadline >= as_of, "整改时限不能早于今天。", ServiceError)
    again = problem_create(
        actor=actor,
        region=old.region,
        data=ProblemInput(
            title=old.title,
            year=as_of.year,
            source=old.source,
            problem=f"{problem.problem}\n重新整改原因：{reason}",
            lead_unit=old.lead_unit,  # type: ignore[arg-type]
            deadline=deadline,
            topic=problem.topic,
            place=problem.place,
            reference=problem.reference,
            measures=problem.measures,
            found_on=as_of,
            patron_leader=old.patron_leader,
            support_units=list(old.support_units.all()),
        ),
        as_of=as_of,
    )
    again.reopens = problem
    again.save(update_fields=["reopens"])
    item_event_record(
        item=again.item,
        actor=actor,
        kind=EventKind.CREATED,
        note=f"{old.code}销号后重新整改：{reason}",
        data={"reopens": old.pk},
    )
    item_event_record(
        item=old,
        actor=actor,
        kind=EventKind.UPDATED,
        note=f"重新整改，见{again.item.code}：{reason}",
        data={"reopened_by": again.pk},
    )
    return again


def lineage(problem: Problem) -> list[Problem]:
    """The earlier closings of this problem, newest first (a chain is short: a query each)."""
    chain = []
    current = problem
    while current.reopens_id:
        current = Problem.objects.select_related("item").get(pk=current.reopens_id)
        chain.append(current)
    return chain


# ---------------------------------------------------------------------------------------------
# The office's form


def _item_input_of(item: Item) -> ItemInput:
    """The item as its edit form would give it back unchanged (what an edit starts from)."""
    lists = ("support_units", "milestones")
    return ItemInput(
        **{name: getattr(item, name) for name in ItemInput.__dataclass_fields__ if name not in lists},
        support_units=list(item.support_units.all()),
        milestones=[
            MilestoneInput(name=m.name, due=m.due, done_on=m.done_on, pk=m.pk) for m in item.milestones.all()
        ],
    )


# The item's fields as a problem names them, in its timeline; its detail's own.
ITEM_LABELS = {
    "title": "问题",
    "source": "来源",
    "description": "问题描述",
    "lead_unit": "责任单位",
    "patron_leader": "包抓县级领导",
    "deadline": "整改时限",
}
DETAIL_LABELS = {
    "topic": "问题类别",
    "problem": "问题描述",
    "place": "地点",
    "reference": "问题编号",
    "measures": "整改措施",
    "found_on": "反馈或发现日期",
}


@transaction.atomic
def problem_update(
    *, actor: User, problem: Problem, data: ProblemInput, expected_version: int, as_of: date
) -> Problem:
    """Edit a problem and its item, as opened at `expected_version` (items.item_update refuses a
    stale version, a problem struck off, and anyone but the office)."""
    problem = Problem.objects.select_for_update(of=("self",)).select_related("item").get(pk=problem.pk)
    item = problem.item
    ensure(item_rules.is_supervisor_of(actor, item.region_id), "只有督查办可以修改整改问题。")
    _check_source(data.source)
    ensure(data.problem.strip(), "请写明问题。", ServiceError)
    ensure(data.year == item.year, "问题的年度不能修改。", ServiceError)
    wanted = data.item_input()
    problem.item = items.item_update(
        actor=actor,
        item=item,
        expected_version=expected_version,
        data=replace(
            _item_input_of(item),
            title=wanted.title,
            source=wanted.source,
            description=wanted.description,
            lead_unit=wanted.lead_unit,
            patron_leader=wanted.patron_leader,
            deadline=wanted.deadline,
        ),
        as_of=as_of,
        labels=ITEM_LABELS,
    )
    before = {name: getattr(problem, name) for name in DETAIL_LABELS}
    fresh = data.detail(problem.item)
    for name in DETAIL_LABELS:
        setattr(problem, name, getattr(fresh, name))
    _clean(problem, exclude=["item", "reopens"])
    problem.save(update_fields=list(DETAIL_LABELS))
    labels = {name: label for name, label in DETAIL_LABELS.items() if name != "problem"}  # told as the item's
    detail_changes_record(item=problem.item, actor=actor, detail=problem, before=before, labels=labels)
    return problem


# ---------------------------------------------------------------------------------------------
# A sheet of problems, imported once or again


@dataclass
class ImportOutcome:
    """What an import did (or, in a dry run, would do): the problems' items."""

    created: list[Item] = field(default_factory=list)
    updated: list[Item] = field(default_factory=list)
    unchanged: list[Item] = field(default_factory=list)
    done: int = 0  # of the unchanged: problems already completed or struck off, left as they were
    assigned: bool = False

    def message(self, *, dry_run: bool) -> str:
        done = f"（其中 {self.done} 个已办结或销号，保持不变）" if self.done else ""
        if dry_run:
            return (
                f"检查通过（尚未导入）：将新增 {len(self.created)} 个整改问题、更新 {len(self.updated)} 个，"
                f"{len(self.unchanged)} 个没有变化{done}。"
            )
        parts = []
        if self.created:
            parts.append(
                f"已导入 {len(self.created)} 个整改问题{'并交办' if self.assigned else '（草稿，待交办）'}"
            )
        if self.updated:
            parts.append(f"更新 {len(self.updated)} 个已有问题")
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} 个没有变化{done}")
        text = "，".join(parts) or "表格中没有问题"
        return (text if self.created else f"已导入：{text}") + "。"


FROZEN = DONE_STATUSES | {Status.REPLACED, Status.WITHDRAWN}
# The sheet's columns (ProblemInput's fields) that are its item's, and the item's field each sets.
ITEM_COLUMNS = {
    "title": "title",
    "problem": "description",
    "lead_unit": "lead_unit",
    "patron_leader": "patron_leader",
    "deadline": "deadline",
}


class _Known:
    """The region's problems a sheet's rows may be: by source and number, by source, problem and
    place; the newest of a lineage (a problem reopened is its reopening's), the first made first."""

    def __init__(self, region: Region, rows: Sequence[ProblemInput]) -> None:
        references = {row.reference.strip() for row in rows if row.reference.strip()}
        texts = {row.problem.strip() for row in rows}
        found = (
            Problem.objects.filter(
                item__region=region, item__kind=KIND, item__source__in={row.source for row in rows}
            )
            .filter(Q(reference__in=references) | Q(problem__in=texts))
            .filter(reopened_by__isnull=True)
            .select_related("item")
            .order_by("pk")
        )
        self.by_key: dict[tuple[str, ...], Problem] = {}
        for problem in found:
            source = problem.item.source
            if problem.reference:
                self.by_key.setdefault(problem_key(source, problem.reference, "", ""), problem)
            self.by_key.setdefault(problem_key(source, "", problem.problem, problem.place), problem)

    def find(self, row: ProblemInput) -> Problem | None:
        by_text = self.by_key.get(problem_key(row.source, "", row.problem, row.place))
        if not row.reference.strip():
            return by_text
        # A numbered row is the problem of that number, or one recorded without a number.
        return self.by_key.get(row.key) or (by_text if by_text and not by_text.reference else None)


def _label(row: ProblemInput, index: int) -> str:
    return f"第{row.row}行" if row.row else f"第{index}个问题"


@transaction.atomic
def problems_import(
    *,
    actor: User | None,
    region: Region,
    rows: Sequence[ProblemInput],
    assign: bool,
    as_of: date,
    dry_run: bool = False,
    columns: frozenset[str] | None = None,
) -> ImportOutcome:
    """A sheet of problems (a list of suspected patches, 疑似图斑, with their places). A row that is
    a problem the county has already (its source and number, else its source, problem and place:
    a sheet imported again) updates it, in the fields the sheet has `columns` for (None: all);
    the others are new problems. The items are created and edited in bulk through the items
    import (checked in memory, one audit row), then their details. A problem already completed or
    struck off is left as it is. All or nothing; a dry run writes nothing."""
    known = _Known(region, rows)
    columns = frozenset(ITEM_COLUMNS) | frozenset(DETAIL_LABELS) if columns is None else columns
    seen: dict[tuple[str, ...], str] = {}
    matched: dict[int, str] = {}
    new: list[ProblemInput] = []
    updates: list[ItemUpdate] = []
    details: dict[int, tuple[Problem, ProblemInput]] = {}
    done: list[Item] = []
    for index, row in enumerate(rows, start=1):
        label = _label(row, index)
        ensure(row.source in SOURCES, f"{label}：问题的来源应为上级反馈、督查发现或自查发现。", ServiceError)
        same = "来源和编号相同" if row.reference.strip() else "来源、问题和地点相同"
        ensure(row.key not in seen, f"{label}与{seen.get(row.key)}是同一个问题（{same}）。", ServiceError)
        seen[row.key] = label
        problem = known.find(row)
        if problem is None:
            new.append(row)
            continue
        ensure(
            problem.pk not in matched,
            f"{label}与{matched.get(problem.pk)}是同一个问题（{problem.item.code}）。",
            ServiceError,
        )
        matched[problem.pk] = label
        item = problem.item
        if item.status in FROZEN:
            done.append(item)
            continue
        wanted = row.item_input()
        fields = frozenset(ITEM_COLUMNS[name] for name in columns if name in ITEM_COLUMNS)
        # The items import sets only `fields` (the sheet's columns); the item keeps the others.
        values = {"title": item.title, "year": item.year} | {name: getattr(wanted, name) for name in fields}
        data = ItemInput(**values)  # type: ignore[arg-type]
        updates.append(
            ItemUpdate(item=item, expected_version=item.version, data=data, fields=fields, row=row.row)
        )
        details[item.pk] = (problem, row)
    outcome = items.items_import(
        actor=actor,
        region=region,
        rows=[row.item_input() for row in new],
        updates=updates,
        assign=assign,
        as_of=as_of,
        dry_run=dry_run,
    )
    changes = _detail_changes(details.values(), columns)
    result = ImportOutcome(
        created=outcome.created,
        updated=[*outcome.updated, *(i for i in outcome.unchanged if i.pk in changes)],
        unchanged=[*(i for i in outcome.unchanged if i.pk not in changes), *done],
        done=len(done),
        assigned=assign,
    )
    if dry_run:
        return result
    Problem.objects.bulk_create(
        [row.detail(item) for row, item in zip(new, outcome.created, strict=True)], batch_size=500
    )
    _detail_changes_write(changes, actor=actor, region=region, only_detail=[i.pk for i in outcome.unchanged])
    return result


def _detail_changes(
    details: Iterable[tuple[Problem, ProblemInput]], columns: frozenset[str]
) -> dict[int, tuple[Problem, list[str]]]:
    """Per problem whose detail the sheet changes: the problem, changed in memory, and what changed
    (the problem text is told as its item's description)."""
    names = [name for name in DETAIL_LABELS if name in columns]
    changes = {}
    for problem, row in details:
        fresh = row.detail(problem.item)
        changed = [name for name in names if getattr(problem, name) != getattr(fresh, name)]
        for name in changed:
            setattr(problem, name, getattr(fresh, name))
        if changed:
            changes[problem.pk] = (problem, [name for name in changed if name != "problem"])
    return changes


def _detail_changes_write(
    changes: dict[int, tuple[Problem, list[str]]],
    *,
    actor: User | None,
    region: Region,
    only_detail: Sequence[int],
) -> None:
    if not changes:
        return
    problems = [problem for problem, _names in changes.values()]
    Problem.objects.bulk_update(problems, list(DETAIL_LABELS), batch_size=500)
    # An item whose detail alone changed is changed all the same: a form opened before is stale.
    Item.objects.filter(pk__in=[pk for pk in only_detail if pk in changes]).update(
        version=F("version") + 1, updated_at=clock.now()
    )
    now = clock.now()
    events = [
        ItemEvent(
            item_id=problem.pk,
            actor=actor,
            kind=EventKind.UPDATED,
            note="导入："
            + "；".join(f"{DETAIL_LABELS[name]}改为{_text(getattr(problem, name))}" for name in names),
            at=now,
        )
        for problem, names in changes.values()
        if names
    ]
    ItemEvent.objects.bulk_create(events, batch_size=500)
    audit_record(
        action=AuditAction.IMPORTED,
        actor=actor,
        region=region,
        summary=f"导入整改问题：更新 {len(problems)} 个问题的类别、地点、编号或整改措施",
    )


def _text(value: object) -> str:
    if value in (None, ""):
        return "（空）"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)
