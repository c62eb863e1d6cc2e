"""Writes to honour creations and on-site meetings: one transaction each, through the items
services for the item side, an event on the item for every change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from luoshi.creations.models import (
    KIND,
    MEETING_KIND,
    PROJECT_KIND,
    Creation,
    Material,
    OnSiteMeeting,
    Origin,
    ReadinessCheck,
    Site,
    StageChange,
    StagePlan,
    StageTemplate,
)
from luoshi.creations.stages import DEFAULT_STEPS, Stage, failed_at, refusal
from luoshi.items import rules as item_rules
from luoshi.items import services as items
from luoshi.items.hooks import items_changed_on_commit
from luoshi.items.models import EventKind, Evidence, Item, Measure, ReportCycle, Source, Status
from luoshi.items.services import ItemInput, ServiceError, ensure, item_event_record
from luoshi.items.workflow import Action, transition_for
from luoshi.org.models import Leader, Region, Unit, User

DEFAULT_TEMPLATE = "默认"
REVIEWED_TEMPLATE = "授牌后动态复审"


def _clean(obj: object, *, exclude: Sequence[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))  # type: ignore[attr-defined]
    except ValidationError as error:
        raise ServiceError("；".join(m for ms in error.message_dict.values() for m in ms)) from error


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@transaction.atomic
def templates_ensure(*, region: Region) -> dict[str, StageTemplate]:
    """The region's stage templates; a region without any gets the default and the reviewed one."""
    if not StageTemplate.objects.filter(region=region).exists():
        steps = [step.value for step in DEFAULT_STEPS]
        StageTemplate.objects.bulk_create(
            [
                StageTemplate(region=region, name=DEFAULT_TEMPLATE, steps=steps),
                StageTemplate(region=region, name=REVIEWED_TEMPLATE, steps=steps, review=True),
            ]
        )
    return {template.name: template for template in StageTemplate.objects.filter(region=region)}


@dataclass
class CreationInput:
    title: str
    year: int
    level: str
    template: StageTemplate
    lead_unit: Unit
    origin: str = Origin.PLANNED
    expected_award: date | None = None
    patron_leader: Leader | None = None
    support_units: Sequence[Unit] = ()
    description: str = ""
    code: str = ""
    materials: Sequence[str] = ()
    plans: dict[str, date] = field(default_factory=dict)  # stage → expected day
    # A creation entered part way (a title awarded years ago, now under review): the stage it has
    # reached when it is entered; empty: the template's first.
    stage: str = ""


def creation_next_code(*, region: Region, year: int) -> str:
    prefix = f"CJ-{year}-"
    codes = Item.objects.filter(region=region, code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix) :]) for code in codes if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


@transaction.atomic
def creation_create(
    *, actor: User | None, region: Region, data: CreationInput, assign: bool = True, as_of: date
) -> Creation:
    """A creation: its item (kind 示范创建, due when its title is expected), its detail at the first
    stage of its template, its expected days and its archive checklist."""
    ensure(actor is None or item_rules.can_create_item(actor, region.pk), "只有督查办可以录入示范创建。")
    ensure(data.template.region_id == region.pk, "阶段模板不是本县的。", ServiceError)
    template = data.template.template
    start = Stage(data.stage) if data.stage else template.first
    ensure(
        start in template.steps or (start == Stage.REVIEW and template.review),
        f"该创建的阶段模板（{template.label()}）中没有“{start.label}”。",
        ServiceError,
    )
    item = items.item_create(
        actor=actor,
        region=region,
        data=ItemInput(
            title=data.title.strip(),
            year=data.year,
            kind=KIND,
            source=Source.WORK_REPORT if data.origin == Origin.PLANNED else Source.OTHER,
            code=data.code or creation_next_code(region=region, year=data.year),
            description=data.description,
            patron_leader=data.patron_leader,
            lead_unit=data.lead_unit,
            support_units=data.support_units,
            deadline=data.expected_award or date(data.year, 12, 31),
            measure=Measure.DONE,
            report_cycle=ReportCycle.MONTHLY,
        ),
    )
    creation = Creation(
        item=item,
        level=data.level,
        template=data.template,
        stage=start,
        origin=data.origin,
        expected_award=data.expected_award,
    )
    _clean(creation, exclude=["item", "template", "previous"])
    creation.save()
    StageChange.objects.create(
        creation=creation,
        to_stage=start,
        on=as_of,
        actor=actor,
        reason="" if start == template.first else "录入时已到达该阶段",
    )
    _plans_save(creation, data.plans)
    Material.objects.bulk_create(
        Material(creation=creation, name=name, sort_order=order)
        for order, name in enumerate(data.materials, 1)
    )
    if assign and actor is not None:
        creation.item = items.item_take(
            actor=actor, item=item, action=Action.ASSIGN, as_of=as_of, confirm_past_deadline=True
        )
    return creation


def _plans_save(creation: Creation, plans: dict[str, date]) -> None:
    steps = creation.template.template.steps
    for stage in plans:
        ensure(Stage(stage) in steps, f"阶段模板中没有“{Stage(stage).label}”。", ServiceError)
    StagePlan.objects.bulk_create(
        StagePlan(creation=creation, stage=stage, expected_on=day) for stage, day in plans.items()
    )


@transaction.atomic
def creation_move(
    *,
    actor: User,
    creation: Creation,
    target: Stage | str,
    on: date,
    reason: str = "",
    as_of: date,
) -> Creation:
    """Move a creation to its next stage, or record that it failed at its stage (with the reason).
    Only the next stage of its template: a jump is refused. A failed creation's item is withdrawn
    (its record stays), and it is applied for again next year (creation_reapply)."""
    creation = (
        Creation.objects.select_for_update(of=("self",))
        .select_related("item", "template")
        .get(pk=creation.pk)
    )
    item = creation.item
    ensure(item_rules.is_supervisor_of(actor, item.region_id), "只有督查办可以登记创建阶段。")
    target = Stage(target)
    current = Stage(creation.stage)
    refused = refusal(creation.template.template, current, target)
    ensure(not refused, refused, ServiceError)
    reason = reason.strip()
    ensure(target != Stage.FAILED or reason, "未通过需要写明原因。", ServiceError)
    ensure(on <= as_of, "阶段日期不能晚于今天。", ServiceError)
    last = creation.history.order_by("-on", "-pk").first()
    ensure(
        last is None or on >= last.on,
        f"阶段日期不能早于上一阶段（{_day(last.on) if last else ''}）。",
        ServiceError,
    )
    StageChange.objects.create(
        creation=creation, from_stage=current, to_stage=target, on=on, reason=reason, actor=actor
    )
    creation.stage = target
    if target == Stage.FAILED:
        creation.failed_stage, creation.failed_reason = failed_at(creation.template.template, current), reason
    creation.save(update_fields=["stage", "failed_stage", "failed_reason"])
    note = f"创建阶段：{current.label} → {target.label}（{_day(on)}）" + (
        f"；原因：{reason}" if reason else ""
    )
    item_event_record(item=item, actor=actor, kind=EventKind.UPDATED, note=note, data={"stage": target.value})
    if target == Stage.FAILED and transition_for(
        Action.WITHDRAW, item.status, accepted=item.accepted_on is not None
    ):
        creation.item = items.item_take(
            actor=actor,
            item=item,
            action=Action.WITHDRAW,
            as_of=as_of,
            reason=f"创建未通过{creation.get_failed_stage_display()}：{reason}",
        )
    items_changed_on_commit(item_ids=[item.pk], as_of=as_of)
    return creation


@transaction.atomic
def creation_reapply(
    *, actor: User, creation: Creation, year: int, expected_award: date | None = None, as_of: date
) -> Creation:
    """Apply again for a title that failed: a new creation of `year` linked to the failed one (its
    history), with the same title, level, template, units and checklist (to be ticked anew)."""
    creation = (
        Creation.objects.select_for_update(of=("self",))
        .select_related("item", "template")
        .get(pk=creation.pk)
    )
    old = creation.item
    ensure(item_rules.is_supervisor_of(actor, old.region_id), "只有督查办可以重新申报创建。")
    ensure(creation.stage == Stage.FAILED, "只有未通过的创建才能重新申报。", ServiceError)
    ensure(year > old.year, f"重新申报应在{old.year}年以后的年度。", ServiceError)
    ensure(not Creation.objects.filter(previous=creation).exists(), "该创建已经重新申报过了。", ServiceError)
    data = CreationInput(
        title=old.title,
        year=year,
        level=creation.level,
        template=creation.template,
        lead_unit=old.lead_unit,  # type: ignore[arg-type]
        origin=Origin.PLANNED,
        expected_award=expected_award,
        patron_leader=old.patron_leader,
        support_units=list(old.support_units.all()),
        description=old.description,
        materials=list(creation.materials.values_list("name", flat=True)),
    )
    again = creation_create(actor=actor, region=old.region, data=data, as_of=as_of)
    again.previous = creation
    again.save(update_fields=["previous"])
    item_event_record(
        item=again.item,
        actor=actor,
        kind=EventKind.CREATED,
        note=f"{old.year}年{old.code}未通过{creation.get_failed_stage_display()}后重新申报",
        data={"previous": old.pk},
    )
    return again


def lineage(creation: Creation) -> list[Creation]:
    """The creation's earlier applications, newest first (each one query: a chain is short)."""
    chain = []
    current = creation
    while current.previous_id:
        current = Creation.objects.select_related("item", "previous").get(pk=current.previous_id)
        chain.append(current)
    return chain


def can_tick(user: User | object, creation: Creation) -> bool:
    """The lead unit ticks its materials with its own evidence; the office may too."""
    item = creation.item
    return item_rules.can_report(user, item) or item_rules.is_supervisor_of(user, item.region_id)


@transaction.atomic
def material_tick(
    *, actor: User, material: Material, evidence: Evidence | None, note: str = "", as_of: date
) -> Material:
    """Tick an archive material as ready, with a file reported on the creation's item (or a note of
    where the paper file is)."""
    material = (
        Material.objects.select_for_update(of=("self",)).select_related("creation__item").get(pk=material.pk)
    )
    creation = material.creation
    ensure(can_tick(actor, creation), "只有牵头单位或督查办可以登记档案资料。")
    ensure(
        evidence is None or evidence.report.item_id == creation.pk,
        "佐证材料须是本创建事项报送的材料。",
        ServiceError,
    )
    note = note.strip()
    ensure(evidence is not None or note, "请选择佐证材料，或写明资料存放情况。", ServiceError)
    material.ready_on, material.evidence, material.note = as_of, evidence, note
    material.save(update_fields=["ready_on", "evidence", "note"])
    item_event_record(
        item=creation.item, actor=actor, kind=EventKind.UPDATED, note=f"档案资料已备齐：{material.name}"
    )
    return material


# ---------------------------------------------------------------------------------------------
# On-site meetings


@dataclass
class SiteInput:
    project_item: Item | None = None
    place: str = ""
    checks: Sequence[tuple[str, date | None]] = ()


@dataclass
class MeetingInput:
    title: str
    year: int
    level: str
    planned_on: date
    lead_unit: Unit
    patron_leader: Leader | None = None
    support_units: Sequence[Unit] = ()
    description: str = ""
    code: str = ""
    sites: Sequence[SiteInput] = ()


@transaction.atomic
def meeting_create(
    *, actor: User | None, region: Region, data: MeetingInput, as_of: date, assign: bool = True
) -> OnSiteMeeting:
    """A planned on-site meeting: its item (kind 现场会, due on the planned day, reported once) and
    its sites with their readiness checklists."""
    ensure(actor is None or item_rules.can_create_item(actor, region.pk), "只有督查办可以录入现场会。")
    item = items.item_create(
        actor=actor,
        region=region,
        data=ItemInput(
            title=data.title.strip(),
            year=data.year,
            kind=MEETING_KIND,
            source=Source.OTHER,
            code=data.code,
            description=data.description,
            patron_leader=data.patron_leader,
            lead_unit=data.lead_unit,
            support_units=data.support_units,
            deadline=data.planned_on,
            measure=Measure.DONE,
            report_cycle=ReportCycle.ONCE,
        ),
    )
    meeting = OnSiteMeeting(item=item, level=data.level, planned_on=data.planned_on)
    _clean(meeting, exclude=["item"])
    meeting.save()
    for order, spec in enumerate(data.sites, start=1):
        project = spec.project_item
        ensure(
            project is None or (project.kind == PROJECT_KIND and project.region_id == region.pk),
            "观摩点须是本县的重点项目或填写地点。",
            ServiceError,
        )
        site = Site(meeting=meeting, project_item=project, place=spec.place.strip(), sort_order=order)
        ensure(site.project_item_id or site.place, "观摩点须是重点项目或填写地点。", ServiceError)
        site.save()
        ReadinessCheck.objects.bulk_create(
            ReadinessCheck(site=site, name=name, due=due) for name, due in spec.checks
        )
    if assign and actor is not None:
        meeting.item = items.item_take(
            actor=actor, item=item, action=Action.ASSIGN, as_of=as_of, confirm_past_deadline=True
        )
    return meeting


@transaction.atomic
def meeting_held(*, actor: User, meeting: OnSiteMeeting, held_on: date, as_of: date) -> OnSiteMeeting:
    """Record the day a meeting was held (the office)."""
    meeting = OnSiteMeeting.objects.select_for_update(of=("self",)).select_related("item").get(pk=meeting.pk)
    ensure(item_rules.is_supervisor_of(actor, meeting.item.region_id), "只有督查办可以登记现场会召开。")
    ensure(meeting.held_on is None, "该现场会已登记召开。", ServiceError)
    ensure(held_on <= as_of, "召开日期不能晚于今天。", ServiceError)
    ensure(meeting.item.status not in (Status.WITHDRAWN, Status.REPLACED), "该现场会已撤销。", ServiceError)
    meeting.held_on = held_on
    meeting.save(update_fields=["held_on"])
    item_event_record(
        item=meeting.item, actor=actor, kind=EventKind.UPDATED, note=f"现场会于{_day(held_on)}召开"
    )
    return meeting


@transaction.atomic
def check_done(*, actor: User, check: ReadinessCheck, as_of: date) -> ReadinessCheck:
    """A site's readiness item is done (the lead unit or the office)."""
    check = (
        ReadinessCheck.objects.select_for_update(of=("self",))
        .select_related("site__meeting__item")
        .get(pk=check.pk)
    )
    item = check.site.meeting.item
    ensure(
        item_rules.can_report(actor, item) or item_rules.is_supervisor_of(actor, item.region_id),
        "只有牵头单位或督查办可以登记观摩准备。",
    )
    ensure(check.done_on is None, "该准备事项已完成。", ServiceError)
    check.done_on = as_of
    check.save(update_fields=["done_on"])
    item_event_record(
        item=item, actor=actor, kind=EventKind.UPDATED, note=f"观摩准备完成：{check.site.name} {check.name}"
    )
    return check
