"""From a document to reviewed tasks to items: the supervision office's side of the extractor."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from luoshi.core.selectors import work_calendar
from luoshi.extraction import core, llm
from luoshi.extraction.models import DocumentKind, ProposalStatus, ProposedTask, SourceDocument
from luoshi.extraction.selectors import directory_for
from luoshi.items import rules
from luoshi.items.models import Item, Measure, ReportCycle, Source
from luoshi.items.services import ItemInput, NotAllowed, ServiceError, ensure, item_create, item_take
from luoshi.items.workflow import Action
from luoshi.org.models import Leader, Region, Unit, User

TITLE_LENGTH = 40
NEEDS_LEAD_UNIT = "请先选择牵头单位，再采纳并交办。"


@dataclass(frozen=True)
class Resolution:
    patron: Leader | None
    lead_unit: Unit | None
    support: list[Unit]
    unresolved: list[str]


def resolve(
    owners: list[str], cooperators: list[str], directory: core.Directory, region: Region
) -> Resolution:
    """Owners as written, matched to the region's leaders and units; what matches nothing is flagged."""
    leaders = {leader.pk: leader for leader in Leader.objects.filter(region=region)}
    units = {unit.pk: unit for unit in Unit.objects.filter(region=region)}
    patron: Leader | None = None
    lead: Unit | None = None
    support: list[Unit] = []
    unresolved: list[str] = []
    for owner in owners:
        entry = directory.lookup(owner)
        if entry and entry.kind == "leader" and entry.ref in leaders and patron is None:
            patron = leaders[entry.ref]
        elif entry and entry.kind == "unit" and entry.ref in units:
            if lead is None:
                lead = units[entry.ref]
            else:
                support.append(units[entry.ref])
        else:
            unresolved.append(owner)
    for name in cooperators:
        entry = directory.lookup(name)
        if entry and entry.kind == "unit" and entry.ref in units and units[entry.ref] not in [*support, lead]:
            support.append(units[entry.ref])
    return Resolution(patron, lead, support, unresolved)


ASSIGNMENT_CLAUSE = re.compile(r"^由?[^，,]{1,24}?(?:同志)?(?:分工负责|具体负责|负责|牵头|配合|协助|协同)$")


def proposed_title(text: str, owners: list[str] | tuple[str, ...] = ()) -> str:
    """A short title from the task's words: the work itself, without who is told and how."""
    words = " ".join(text.split()).replace("**", "").replace(" ", "")
    words = re.sub(r"[（(](?:责任单位|牵头单位|配合单位|完成时限)[^）)]*[）)]", "", words)
    words = re.sub(
        r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|[一二三四五六七八九十]+是)",
        "",
        words,
    )
    words = re.sub(r"^(?:会议(?:要求|明确|强调|决定|议定)|同时|特别是|另外|此外)[，,：:]?", "", words)
    clauses = [c for c in re.split(r"[，,]", words.strip("。；;！？")) if c]
    while len(clauses) > 1 and ASSIGNMENT_CLAUSE.match(clauses[0]):
        clauses.pop(0)
    if not clauses:
        return text[:TITLE_LENGTH]
    first = clauses[0].removeprefix("请")
    for name in sorted(owners, key=len, reverse=True):
        names = re.escape(name)
        first = re.sub(
            rf"^(?:{names}(?:同志)?)(?:[、和及与][^，,]{{1,12}}?)?(?=要|必须|务必|务于|负责|立即|在|于|会同|都|每|[{''.join(VERB_STARTS)}])",
            "",
            first,
        )
    first = re.sub(r"^(?:要|必须|务必|务于|负责|都要|都)", "", first)
    clauses[0] = first
    title = ""
    for clause in clauses:
        candidate = f"{title}，{clause}" if title else clause
        if len(candidate) > TITLE_LENGTH and title:
            break
        title = candidate
    return title[:TITLE_LENGTH].strip("，,。；; ") or text[:TITLE_LENGTH]


VERB_STARTS = "组织开展加快推进做好完成落实加强督促建立制定抓对"


def document_extract(
    *,
    actor: User,
    region: Region,
    title: str,
    meeting_date: date,
    text: str,
    kind: str = DocumentKind.SPEECH,
    file_name: str = "",
    use_model: bool = False,
) -> SourceDocument:
    """Store the document and the tasks the extractor proposes from it, for review.

    Reading the text (and asking the model server, which may take a minute) happens before the
    transaction: no database lock is held while waiting for it."""
    ensure(rules.is_supervisor_of(actor, region.pk), "只有督查办可以分解讲话和会议纪要。")
    ensure(text.strip(), "没有读到文字。", ServiceError)
    directory = directory_for(region)
    # 立即 means the office's time limit for such work, not the meeting day itself
    workdays, calendar = settings.LUOSHI_IMMEDIATE_WORKDAYS, work_calendar()
    tasks = core.extract(
        text, meeting_date=meeting_date, directory=directory, immediate_workdays=workdays, calendar=calendar
    )
    backend = "rules"
    if use_model and llm.configured():
        try:
            tasks = llm.with_model(
                tasks,
                text,
                meeting_date=meeting_date,
                directory=directory,
                immediate_workdays=workdays,
                calendar=calendar,
            )
            backend = "rules+model"
        except llm.ModelUnavailable as error:
            raise ServiceError(
                f"大模型服务没有回应（{error}），可以不勾选“同时使用大模型”后重试。"
            ) from error
    with transaction.atomic():
        document = SourceDocument.objects.create(
            region=region,
            title=title.strip(),
            kind=kind,
            meeting_date=meeting_date,
            text=text,
            file_name=file_name,
            backend=backend,
            uploaded_by=actor,
        )
        for task in tasks:
            _propose(document, task, directory)
    return document


def _propose(document: SourceDocument, task: core.Task, directory: core.Directory) -> ProposedTask:
    resolution = resolve(list(task.owners), list(task.cooperators), directory, document.region)
    target = next((t for t in task.targets if t.value is not None), None)
    proposed = ProposedTask.objects.create(
        document=document,
        start=task.start,
        end=task.end,
        text=task.text,
        owners=list(task.owners),
        cooperators=list(task.cooperators),
        deadline_text=task.deadline_text,
        targets=[t.text for t in task.targets],
        title=proposed_title(task.text, task.owners),
        patron_leader=resolution.patron,
        lead_unit=resolution.lead_unit,
        deadline=task.deadline,
        target_value=target.value if target else None,
        value_unit=target.unit if target else "",
        unresolved=resolution.unresolved,
    )
    proposed.support_units.set(resolution.support)
    return proposed


def _reviewable(actor: User, task: ProposedTask) -> None:
    ensure(rules.is_supervisor_of(actor, task.document.region_id), "只有督查办可以审核分解出的任务。")
    if task.status != ProposalStatus.PROPOSED:
        raise NotAllowed("这条任务已经审核过了。")


@dataclass(frozen=True)
class TaskChanges:
    """What the office makes of a proposed task on its card."""

    title: str
    kind: str
    patron_leader: Leader | None
    lead_unit: Unit | None
    support_units: list[Unit]
    deadline: date | None
    target_value: Decimal | None
    value_unit: str


@transaction.atomic
def proposed_task_update(*, actor: User, task: ProposedTask, changes: TaskChanges) -> ProposedTask:
    _reviewable(actor, task)
    region = task.document.region_id
    for unit in [changes.lead_unit, *changes.support_units]:
        ensure(unit is None or unit.region_id == region, "只能选择本县的单位。", ServiceError)
    patron = changes.patron_leader
    ensure(patron is None or patron.region_id == region, "只能选择本县的领导。", ServiceError)
    task.title = changes.title.strip() or task.title
    task.kind = changes.kind
    task.patron_leader, task.lead_unit = patron, changes.lead_unit
    task.deadline, task.target_value = changes.deadline, changes.target_value
    task.value_unit = changes.value_unit.strip()
    task.save()
    task.support_units.set([u for u in changes.support_units if u != changes.lead_unit])
    return task


@transaction.atomic
def proposed_task_decide(
    *, actor: User, task: ProposedTask, changes: TaskChanges, accept: bool, assign: bool, as_of: date
) -> Item | None:
    """The card's edits saved and, when asked, the task accepted (and assigned) in one step: when
    it cannot be assigned (no lead unit yet), nothing is saved and the card says why."""
    proposed_task_update(actor=actor, task=task, changes=changes)
    if not (accept or assign):
        return None
    return proposed_task_accept(actor=actor, task=task, assign=assign, as_of=as_of)


@transaction.atomic
def proposed_task_accept(*, actor: User, task: ProposedTask, assign: bool, as_of: date) -> Item:
    """The task becomes an item (会议交办) that keeps the words it came from."""
    task = (
        ProposedTask.objects.select_for_update(of=("self",))
        .select_related("document__region")
        .get(pk=task.pk)
    )
    _reviewable(actor, task)
    document = task.document
    year_end = date(document.meeting_date.year, 12, 31)
    note = "" if task.deadline else "（原文未明确时限，暂按年底前完成）"
    data = ItemInput(
        title=task.title,
        year=document.meeting_date.year,
        kind=task.kind,
        source=Source.MEETING,
        description=f"{document.title}：{' '.join(task.text.split())}{note}",
        patron_leader=task.patron_leader,
        lead_unit=task.lead_unit,
        support_units=list(task.support_units.all()),
        deadline=task.deadline or year_end,
        measure=Measure.VALUE if task.target_value is not None else Measure.PERCENT,
        target_value=task.target_value,
        value_unit=task.value_unit,
        target_text=task.target_text[:100],
        report_cycle=ReportCycle.MONTHLY,
    )
    item = item_create(actor=actor, region=document.region, data=data)
    if assign:
        if item.lead_unit_id is None:
            raise ServiceError(f"“{task.title}”还没有牵头单位：{NEEDS_LEAD_UNIT}")
        item = item_take(actor=actor, item=item, action=Action.ASSIGN, as_of=as_of)
    task.status, task.item, task.decided_by = ProposalStatus.ACCEPTED, item, actor
    task.save(update_fields=["status", "item", "decided_by"])
    return item


@transaction.atomic
def proposed_task_reject(*, actor: User, task: ProposedTask) -> ProposedTask:
    _reviewable(actor, task)
    task.status, task.decided_by = ProposalStatus.REJECTED, actor
    task.save(update_fields=["status", "decided_by"])
    return task


def document_decide_all(
    *, actor: User, document: SourceDocument, accept: bool, assign: bool, as_of: date
) -> tuple[int, list[str]]:
    """Accept (or reject) every task still waiting; returns how many, and why any could not be."""
    done = 0
    problems: list[str] = []
    for task in document.tasks.filter(status=ProposalStatus.PROPOSED).order_by("start"):
        try:
            if accept:
                proposed_task_accept(actor=actor, task=task, assign=assign, as_of=as_of)
            else:
                proposed_task_reject(actor=actor, task=task)
            done += 1
        except ServiceError as error:
            problems.append(error.message)
    return done, problems
