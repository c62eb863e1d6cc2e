"""Writes to key projects: one transaction each, through the items services for the item side
(creation, assignment, replacement, supervision), an event on the project item for every change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from luoshi.items import rules as item_rules
from luoshi.items import services as items
from luoshi.items.evidence import EvidenceRejected, detect
from luoshi.items.hooks import items_changed_on_commit
from luoshi.items.models import (
    ActionKind,
    EventKind,
    Item,
    Measure,
    ReportCycle,
    Source,
    Status,
    SupervisionAction,
)
from luoshi.items.services import (
    ItemInput,
    MilestoneInput,
    ReportInput,
    ServiceError,
    detail_changes_record,
    ensure,
    item_event_record,
)
from luoshi.items.workflow import Action
from luoshi.org.models import Leader, Region, Unit, User
from luoshi.projects.models import (
    DEFAULT_STAGES,
    KIND,
    Blocker,
    BlockerKind,
    Level,
    MonthlyPlan,
    Project,
    SitePhoto,
    Stage,
)


def _clean(obj: object, *, exclude: Sequence[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))  # type: ignore[attr-defined]
    except ValidationError as error:
        raise ServiceError("；".join(m for ms in error.message_dict.values() for m in ms)) from error


@transaction.atomic
def stage_set_ensure(*, region: Region) -> list[Stage]:
    """The region's pipeline; a region without one gets the seed county's (谋划 → 竣工投产)."""
    stages = list(Stage.objects.filter(region=region).order_by("sort_order", "pk"))
    if stages:
        return stages
    Stage.objects.bulk_create(
        Stage(region=region, key=key, label=label, phase=phase, sort_order=order)
        for order, (key, label, phase) in enumerate(DEFAULT_STAGES, start=1)
    )
    return list(Stage.objects.filter(region=region).order_by("sort_order", "pk"))


@dataclass
class ProjectInput:
    title: str
    year: int
    stage: Stage
    planned_investment: Decimal
    total_investment: Decimal
    level: str = Level.COUNTY
    description: str = ""  # 建设内容
    project_code: str = ""
    category: str = ""
    industry_chain: str = ""
    patron_leader: Leader | None = None
    lead_unit: Unit | None = None
    support_units: Sequence[Unit] = ()
    planned_start: date | None = None
    actual_start: date | None = None
    in_statistics_on: date | None = None
    showcase_ready_by: date | None = None
    monthly_plan: dict[int, Decimal] = field(default_factory=dict)  # month → 万元
    code: str = ""  # the item's number; empty: the next XM-YEAR-NNNN


def project_next_code(*, region: Region, year: int) -> str:
    prefix = f"XM-{year}-"
    codes = Item.objects.filter(region=region, code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix) :]) for code in codes if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _item_input(data: ProjectInput) -> ItemInput:
    return ItemInput(
        title=data.title.strip(),
        year=data.year,
        kind=KIND,
        source=Source.OTHER,
        code=data.code,
        description=data.description,
        patron_leader=data.patron_leader,
        lead_unit=data.lead_unit,
        support_units=data.support_units,
        planned_start=data.planned_start,
        deadline=date(data.year, 12, 31),
        # The monthly investment report is the project's progress report: the cumulative
        # investment of the year against the year's plan.
        measure=Measure.VALUE,
        target_value=data.planned_investment,
        value_unit="万元",
        report_cycle=ReportCycle.MONTHLY,
        report_due_day=25,
    )


# A project replaced or withdrawn keeps its page and its records, and changes no more.
SET_ASIDE = (Status.REPLACED, Status.WITHDRAWN)


def ensure_changeable(project: Project) -> None:
    item = project.item
    ensure(item.status not in SET_ASIDE, f"项目{item.get_status_display()}，不能再修改。", ServiceError)


def _check(project: Project, *, as_of: date) -> None:
    """The project's rules, one place for every path (project.clean() for what needs no day)."""
    ensure(
        project.stage.region_id == project.item.region_id,
        f"阶段“{project.stage}”不是本县的项目阶段。",
        ServiceError,
    )
    ensure(
        project.actual_start is None or project.actual_start <= as_of,
        "实际开工日期不能晚于今天。",
        ServiceError,
    )
    _clean(project, exclude=["item", "stage"])


def _apply(project: Project, data: ProjectInput) -> None:
    project.stage = data.stage
    project.level = data.level
    project.project_code = data.project_code.strip()
    project.category = data.category.strip()
    project.industry_chain = data.industry_chain.strip()
    project.total_investment = data.total_investment
    project.planned_investment = data.planned_investment
    project.actual_start = data.actual_start
    project.in_statistics = data.in_statistics_on is not None
    project.in_statistics_on = data.in_statistics_on
    project.showcase = data.showcase_ready_by is not None
    project.showcase_ready_by = data.showcase_ready_by


def _plan_save(project: Project, year: int, plan: dict[int, Decimal]) -> None:
    if not plan:
        return
    ensure(all(1 <= month <= 12 for month in plan), "月度计划的月份应为1—12。", ServiceError)
    MonthlyPlan.objects.filter(project=project, month__year=year).delete()
    MonthlyPlan.objects.bulk_create(
        MonthlyPlan(project=project, month=date(year, month, 1), amount=amount)
        for month, amount in sorted(plan.items())
    )


@transaction.atomic
def project_create(
    *, actor: User | None, region: Region, data: ProjectInput, assign: bool = False, as_of: date
) -> Project:
    """A key project: its item (kind 重点项目, the year's plan as its target) and its detail.
    `assign` 交办 it to its lead unit at once."""
    ensure(actor is None or item_rules.can_create_item(actor, region.pk), "只有督查办可以录入重点项目。")
    item_data = _item_input(data)
    item_data.code = data.code or project_next_code(region=region, year=data.year)
    item = items.item_create(actor=actor, region=region, data=item_data)
    project = Project(item=item, stage=data.stage, total_investment=0, planned_investment=0)
    _apply(project, data)
    _check(project, as_of=as_of)
    project.save()
    _plan_save(project, data.year, data.monthly_plan)
    if assign and actor is not None:
        project.item = items.item_take(
            actor=actor, item=item, action=Action.ASSIGN, as_of=as_of, confirm_past_deadline=True
        )
    return project


@transaction.atomic
def project_assign(*, actor: User, project: Project, as_of: date) -> Project:
    """交办 a draft project to its lead unit: it then counts among the year's projects."""
    project.item = items.item_take(
        actor=actor, item=project.item, action=Action.ASSIGN, as_of=as_of, confirm_past_deadline=True
    )
    return project


def project_input_of(project: Project) -> ProjectInput:
    """The project as its form and its ledger row give it (what an edit starts from)."""
    item = project.item
    return ProjectInput(
        title=item.title,
        year=item.year,
        stage=project.stage,
        planned_investment=project.planned_investment,
        total_investment=project.total_investment,
        level=project.level,
        description=item.description,
        project_code=project.project_code,
        category=project.category,
        industry_chain=project.industry_chain,
        patron_leader=item.patron_leader,
        lead_unit=item.lead_unit,
        support_units=list(item.support_units.all()),
        planned_start=item.planned_start,
        actual_start=project.actual_start,
        in_statistics_on=project.in_statistics_on,
        showcase_ready_by=project.showcase_ready_by,
        monthly_plan={
            p.month.month: p.amount for p in project.monthly_plan.all() if p.month.year == item.year
        },
        code=item.code,
    )


# The item's fields as a project names them, in its timeline.
ITEM_LABELS = {
    "title": "项目名称",
    "description": "建设内容",
    "target_value": "年度计划投资（万元）",
    "patron_leader": "包抓县级领导",
    "lead_unit": "责任单位",
    "planned_start": "计划开工",
}

# The project's own fields an edit may change, with their labels for the item's timeline.
_PROJECT_FIELDS = {
    "level": "级别",
    "project_code": "项目代码",
    "category": "类别",
    "industry_chain": "产业链",
    "total_investment": "总投资（万元）",
    "stage": "阶段",
    "actual_start": "实际开工",
    "in_statistics_on": "入库日期",
    "showcase_ready_by": "观摩准备就绪时限",
}


@transaction.atomic
def project_update(
    *, actor: User, project: Project, data: ProjectInput, as_of: date, expected_version: int | None = None
) -> Project:
    """Edit a project and its item (through items.item_update, which refuses a stale version)."""
    item = project.item
    ensure(item_rules.is_supervisor_of(actor, item.region_id), "只有督查办可以修改重点项目。")
    ensure_changeable(project)
    ensure(data.year == item.year, "项目的年度不能修改。", ServiceError)
    before = {name: getattr(project, name) for name in _PROJECT_FIELDS}
    item_data = ItemInput(
        title=data.title.strip(),
        year=item.year,
        kind=item.kind,
        source=item.source,
        code=data.code or item.code,
        description=data.description,
        patron_leader=data.patron_leader,
        lead_unit=data.lead_unit,
        support_units=data.support_units,
        responsible_person=item.responsible_person,
        planned_start=data.planned_start,
        deadline=item.deadline,
        measure=item.measure,
        target_value=data.planned_investment,
        value_unit=item.value_unit,
        target_text=item.target_text,
        report_cycle=item.report_cycle,
        report_due_day=item.report_due_day,
        parent=item.parent,
        milestones=[
            MilestoneInput(name=m.name, due=m.due, done_on=m.done_on, pk=m.pk) for m in item.milestones.all()
        ],
    )
    project.item = items.item_update(
        actor=actor,
        item=item,
        expected_version=item.version if expected_version is None else expected_version,
        data=item_data,
        as_of=as_of,
        labels=ITEM_LABELS,
    )
    _apply(project, data)
    _check(project, as_of=as_of)
    project.save()
    if data.monthly_plan != project_input_of(project).monthly_plan:
        _plan_save(project, item.year, data.monthly_plan)
    detail_changes_record(
        item=project.item, actor=actor, detail=project, before=before, labels=_PROJECT_FIELDS
    )
    items_changed_on_commit(item_ids=[project.pk], as_of=as_of)
    return project


@dataclass(frozen=True)
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        parts = [
            f"新增{self.created}个项目并交办" if self.created else "",
            f"更新{self.updated}个项目" if self.updated else "",
            f"{self.unchanged}个项目没有变化" if self.unchanged else "",
        ]
        return "，".join(p for p in parts if p) or "没有变化"


def _row_error(row: int, error: ServiceError) -> ServiceError:
    return type(error)(f"第{row}行：{error.message}")


@transaction.atomic
def projects_import(
    *,
    actor: User,
    region: Region,
    creates: Sequence[tuple[int, ProjectInput]],
    updates: Sequence[tuple[int, Project, ProjectInput]],
    unchanged: int = 0,
    as_of: date,
    dry_run: bool = False,
) -> ImportCounts:
    """A ledger sheet (read by projects.excel): new projects are created and assigned to their lead
    units, known ones edited; all or nothing, the first refusal names its row."""
    ensure(item_rules.can_create_item(actor, region.pk), "只有督查办可以导入重点项目。")
    stage_set_ensure(region=region)
    for row, project, data in updates:
        ensure(project.item.region_id == region.pk, f"第{row}行的项目不是{region.name}的项目。")
        try:
            project_update(actor=actor, project=project, data=data, as_of=as_of)
        except ServiceError as error:
            raise _row_error(row, error) from error
    for row, data in creates:
        try:
            project_create(actor=actor, region=region, data=data, assign=True, as_of=as_of)
        except ServiceError as error:
            raise _row_error(row, error) from error
    if dry_run:
        transaction.set_rollback(True)
    return ImportCounts(len(creates), len(updates), unchanged)


@dataclass(frozen=True)
class InvestmentInput:
    project: Project
    month: date  # the first of the month
    cumulative: Decimal  # the year's investment to the end of the month, 万元
    row: int = 0


@transaction.atomic
def investments_import(
    *, actor: User, region: Region, rows: Sequence[InvestmentInput], as_of: date, dry_run: bool = False
) -> int:
    """The month's investment of many projects (from the statistics): each row becomes the project's
    monthly progress report, entered by the office for its lead unit through the service the unit
    reports with (最多报一次: the ledger, the colour and the dashboard all read that report)."""
    ensure(item_rules.is_supervisor_of(actor, region.pk), "只有督查办可以导入月度投资。")
    for data in rows:
        item = data.project.item
        ensure(item.region_id == region.pk, f"第{data.row}行的项目不是{region.name}的项目。")
        ensure(item.lead_unit is not None, f"第{data.row}行：项目没有责任单位。", ServiceError)
        assert item.lead_unit is not None
        try:
            items.report_submit(
                actor=actor,
                item=item,
                unit=item.lead_unit,
                data=ReportInput(
                    period_start=data.month,
                    done=f"1-{data.month.month}月累计完成投资{data.cumulative.normalize():f}万元（督查办据统计数据录入）。",
                    value=data.cumulative,
                ),
                as_of=as_of,
            )
        except ServiceError as error:
            raise _row_error(data.row, error) from error
    if dry_run:
        transaction.set_rollback(True)
    return len(rows)


@transaction.atomic
def project_stage_set(
    *, actor: User, project: Project, stage: Stage, actual_start: date | None, as_of: date
) -> Project:
    """Move a project along its region's pipeline, and record its start."""
    ensure(item_rules.is_supervisor_of(actor, project.item.region_id), "只有督查办可以修改项目阶段。")
    ensure_changeable(project)
    before = (project.stage.label, project.actual_start)
    project.stage, project.actual_start = stage, actual_start
    _check(project, as_of=as_of)
    project.save(update_fields=["stage", "actual_start"])
    note = f"项目阶段：{before[0]} → {stage.label}"
    if before[1] != actual_start:
        note += f"；实际开工：{actual_start or '未开工'}"
    item_event_record(item=project.item, actor=actor, kind=EventKind.UPDATED, note=note)
    items_changed_on_commit(item_ids=[project.pk], as_of=as_of)
    return project


@transaction.atomic
def project_plan_set(*, actor: User, project: Project, plan: dict[int, Decimal], as_of: date) -> Project:
    """The year's monthly investment plan: the months' amounts add up to the year's plan."""
    item = project.item
    ensure(item_rules.is_supervisor_of(actor, item.region_id), "只有督查办可以修改月度计划投资。")
    ensure_changeable(project)
    plan = {month: amount for month, amount in plan.items() if amount}
    total = sum(plan.values(), Decimal(0))
    ensure(
        total == project.planned_investment,
        f"各月计划投资合计{total.normalize():f}万元，应等于年度计划投资{project.planned_investment.normalize():f}万元。",
        ServiceError,
    )
    _plan_save(project, item.year, plan)
    months = "、".join(f"{m}月{a.normalize():f}" for m, a in sorted(plan.items()))
    item_event_record(item=item, actor=actor, kind=EventKind.UPDATED, note=f"月度计划投资（万元）：{months}")
    items_changed_on_commit(item_ids=[project.pk], as_of=as_of)
    return project


@transaction.atomic
def project_replace(
    *, actor: User, project: Project, successor: Project, reason: str, as_of: date
) -> Project:
    """A project that cannot start is replaced (替换): the old one keeps its page, its reports and
    its history, marked 已替换 with a link to the one that takes its place in the ledger."""
    ensure(successor.pk != project.pk, "不能用项目替换它自己。", ServiceError)
    items.item_take(
        actor=actor,
        item=project.item,
        action=Action.REPLACE,
        as_of=as_of,
        reason=reason,
        successor=successor.item,
    )
    project.item.refresh_from_db()
    return project


@transaction.atomic
def blocker_add(
    *,
    actor: User,
    project: Project,
    kind: str,
    description: str,
    owner_unit: Unit,
    deadline: date,
    owner_leader: Leader | None = None,
) -> Blocker:
    ensure(item_rules.is_supervisor_of(actor, project.item.region_id), "只有督查办可以登记项目存在的问题。")
    ensure_changeable(project)
    ensure(owner_unit.region_id == project.item.region_id, f"{owner_unit}不是本县的单位。", ServiceError)
    blocker = Blocker(
        project=project,
        kind=BlockerKind(kind),
        description=description.strip(),
        owner_unit=owner_unit,
        owner_leader=owner_leader,
        deadline=deadline,
    )
    _clean(blocker, exclude=["project", "owner_unit", "owner_leader", "item"])
    blocker.save()
    item_event_record(
        item=project.item,
        actor=actor,
        kind=EventKind.UPDATED,
        note=f"登记存在问题（{blocker.get_kind_display()}）：{blocker.description}，{owner_unit}负责，{deadline}前解决",
    )
    return blocker


@transaction.atomic
def blocker_resolve(*, actor: User, blocker: Blocker, resolution: str, as_of: date) -> Blocker:
    project = blocker.project
    ensure(item_rules.is_supervisor_of(actor, project.item.region_id), "只有督查办可以确认问题已解决。")
    ensure_changeable(project)
    ensure(blocker.is_open, "这个问题已经解决。", ServiceError)
    ensure(resolution.strip(), "请写明解决情况。", ServiceError)
    blocker.resolved_on, blocker.resolution = as_of, resolution.strip()
    blocker.save(update_fields=["resolved_on", "resolution"])
    item_event_record(
        item=project.item,
        actor=actor,
        kind=EventKind.UPDATED,
        note=f"问题已解决（{blocker.description}）：{blocker.resolution}",
    )
    return blocker


@transaction.atomic
def blocker_open_item(*, actor: User, blocker: Blocker, as_of: date) -> Item:
    """A blocker is work to supervise: an item for its owner unit, assigned at once, tied to the project."""
    blocker = (
        Blocker.objects.select_for_update().select_related("project__item", "owner_unit").get(pk=blocker.pk)
    )
    project = blocker.project
    ensure(item_rules.can_create_item(actor, project.item.region_id), "只有督查办可以交办项目问题。")
    ensure_changeable(project)
    ensure(blocker.item_id is None, "这个问题已经交办过了。", ServiceError)
    ensure(blocker.is_open, "这个问题已经解决。", ServiceError)
    data = ItemInput(
        title=f"{project.item.title}：{blocker.get_kind_display()}问题",
        year=blocker.deadline.year,
        source=Source.INSPECTION,
        description=blocker.description,
        patron_leader=blocker.owner_leader or project.item.patron_leader,
        lead_unit=blocker.owner_unit,
        deadline=blocker.deadline,
        measure=Measure.DONE,
        report_cycle=ReportCycle.ONCE,
    )
    item = items.item_create(actor=actor, region=project.item.region, data=data)
    item = items.item_take(
        actor=actor, item=item, action=Action.ASSIGN, as_of=as_of, confirm_past_deadline=True
    )
    blocker.item = item
    blocker.save(update_fields=["item"])
    project.related_items.add(item)
    item_event_record(
        item=project.item,
        actor=actor,
        kind=EventKind.UPDATED,
        note=f"问题交办为督办事项 {item.code}：{blocker.description}",
    )
    return item


@transaction.atomic
def site_visit_record(
    *,
    actor: User,
    project: Project,
    findings: str,
    photos: Iterable[UploadedFile] = (),
    unannounced: bool = True,
    as_of: date,
) -> SupervisionAction:
    """A site visit (明察暗访, or an announced 现场督办) with photos: a supervision action on the project."""
    ensure(findings.strip(), "请写明现场看到的情况。", ServiceError)
    ensure_changeable(project)
    action = items.supervision_action_record(
        actor=actor,
        region=project.item.region,
        kind=ActionKind.UNANNOUNCED if unannounced else ActionKind.ON_SITE,
        title=f"{project.item.title}现场察看",
        held_on=as_of,
        items=[project.item],
        findings=findings,
    )
    for upload in photos:
        try:
            kind = detect(upload, upload.name or "")
        except EvidenceRejected:
            kind = None
        ensure(kind is not None and kind.is_image, f"{upload.name}不是照片。", ServiceError)
        assert kind is not None
        SitePhoto.objects.create(
            action=action, project=project, file=upload, content_type=kind.content_type, uploaded_by=actor
        )
    return action
