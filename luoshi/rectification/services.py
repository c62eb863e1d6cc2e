"""Writes to problems: one transaction each, through the items services for the item side (its
creation, its reports and their verification, its completion and closing), an event on the item
for every change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from luoshi.items import rules as item_rules
from luoshi.items import services as items
from luoshi.items.models import (
    DONE_STATUSES,
    EventKind,
    Item,
    Measure,
    ProgressReport,
    ReportCycle,
    ReportStatus,
    Source,
    Status,
    Verdict,
)
from luoshi.items.services import ItemInput, ServiceError, ensure, item_event_record
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


@transaction.atomic
def problems_import(
    *,
    actor: User | None,
    region: Region,
    rows: Sequence[ProblemInput],
    assign: bool,
    as_of: date,
    dry_run: bool = False,
) -> list[Item]:
    """A sheet of problems (a list of suspected patches, 疑似图斑, with their places): the items in
    bulk through the items import (checked in memory, one audit row), then their details in bulk.
    All or nothing."""
    for index, row in enumerate(rows, start=1):
        ensure(
            row.source in SOURCES, f"第{index}个问题的来源应为上级反馈、督查发现或自查发现。", ServiceError
        )
    outcome = items.items_import(
        actor=actor,
        region=region,
        rows=[row.item_input() for row in rows],
        assign=assign,
        as_of=as_of,
        dry_run=dry_run,
    )
    if dry_run:
        return outcome.created
    Problem.objects.bulk_create(
        [row.detail(item) for row, item in zip(rows, outcome.created, strict=True)], batch_size=500
    )
    return outcome.created
