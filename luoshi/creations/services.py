"""Writes to honour creations and on-site meetings: one transaction each, through the items
services for the item side, an event on the item for every change.

A creation's stage and its item's status move together, the stage leading:
- 授牌命名 (an award, or a review passed) completes the item on the award's day
  (items.item_complete_on_record: the office's record of the award is the verification), so the
  unit never asks to complete a creation's item and the office never completes it by hand
  (`ledger_refusal`, asked by items before 申请办结 and 办结);
- a failure withdraws the item (撤销, the items' way of closing work that will not be done) with
  the failure as its reason; a request to complete it is sent back first, as the life cycle asks;
- a reapplication is a new creation with a new item of its own year, linked to the failed one
  (`previous`): an item is one year's work, and the failed year's item keeps its record as it was.
Conversely an item the office withdraws or replaces by itself (not a failure) takes its creation
out of the year's list: it counts no more and moves no more (Creation.set_aside).

An on-site meeting's item is completed when the meeting is recorded as held, and withdrawn when the
meeting is cancelled (取消), with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from luoshi.creations.models import (
    KIND,
    MEETING_KIND,
    PROJECT_KIND,
    SET_ASIDE,
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
from luoshi.creations.stages import (
    DEFAULT_STEPS,
    Stage,
    Template,
    TemplateError,
    failed_at,
    open_steps,
    refusal,
)
from luoshi.items import rules as item_rules
from luoshi.items import services as items
from luoshi.items.hooks import ActionAsked, items_changed_on_commit
from luoshi.items.models import (
    ACTIVE_STATUSES,
    EventKind,
    Evidence,
    Item,
    Measure,
    ReportCycle,
    Source,
    Status,
)
from luoshi.items.services import (
    ItemInput,
    MilestoneInput,
    ServiceError,
    detail_changes_record,
    ensure,
    item_event_record,
)
from luoshi.items.workflow import Action, transition_for
from luoshi.org.models import Leader, Region, Unit, User

# An item still being worked on: the award, or the meeting held, completes it.
WORKING = ACTIVE_STATUSES | {Status.SUSPENDED}

DEFAULT_TEMPLATE = "默认"
REVIEWED_TEMPLATE = "授牌后动态复审"


def _clean(obj: object, *, exclude: Sequence[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))  # type: ignore[attr-defined]
    except ValidationError as error:
        raise ServiceError("；".join(m for ms in error.message_dict.values() for m in ms)) from error


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _item_input(item: Item, **changes: object) -> ItemInput:
    """The item as an edit starts from it (items.item_update takes the whole item), with `changes`."""
    data = ItemInput(
        title=item.title,
        year=item.year,
        kind=item.kind,
        source=item.source,
        code=item.code,
        description=item.description,
        patron_leader=item.patron_leader,
        lead_unit=item.lead_unit,
        support_units=list(item.support_units.all()),
        responsible_person=item.responsible_person,
        planned_start=item.planned_start,
        deadline=item.deadline,
        measure=item.measure,
        target_value=item.target_value,
        value_unit=item.value_unit,
        target_text=item.target_text,
        report_cycle=item.report_cycle,
        report_due_day=item.report_due_day,
        parent=item.parent,
        milestones=[
            MilestoneInput(name=m.name, due=m.due, done_on=m.done_on, pk=m.pk) for m in item.milestones.all()
        ],
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def _item_withdraw(*, actor: User, item: Item, reason: str, as_of: date) -> Item:
    """撤销 the item with `reason`, as the life cycle allows: a request to complete it is sent back
    first; an item already done (or withdrawn) stays as it is."""
    if item.status == Status.COMPLETION_REQUESTED:
        item = items.item_take(
            actor=actor, item=item, action=Action.RETURN_COMPLETION, as_of=as_of, reason=reason
        )
    if transition_for(Action.WITHDRAW, item.status, accepted=item.accepted_on is not None):
        item = items.item_take(actor=actor, item=item, action=Action.WITHDRAW, as_of=as_of, reason=reason)
    return item


def ledger_refusal(asked: ActionAsked) -> str:
    """Asked by items before an action on an item (hooks.item_action_refusal): a creation's item is
    completed by its award (or its review passed) and a meeting's by the meeting held, never on the
    unit's request nor by the office's hand, lest the item be done while the creation is not."""
    item = asked.item
    if asked.action not in (Action.REQUEST_COMPLETION, Action.COMPLETE):
        return ""
    if item.kind == KIND and Creation.objects.filter(pk=item.pk).exists():
        return "示范创建事项在督查办登记授牌命名（或通过动态复审）时自动办结，不需申请办结。"
    if item.kind == MEETING_KIND and OnSiteMeeting.objects.filter(pk=item.pk).exists():
        return "现场会事项在督查办登记召开时自动办结，不需申请办结。"
    return ""


# ---------------------------------------------------------------------------------------------
# Stage templates


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


def _template_in_use(template: StageTemplate, changed: Template) -> list[str]:
    """What a change of `template` to `changed` would break under its creations still moving (not
    failed, not set aside): a creation's current stage gone, a review it is under gone, an expected
    day of a stage still ahead of it gone."""
    creations = list(
        Creation.objects.filter(template=template)
        .exclude(stage=Stage.FAILED)
        .exclude(item__status__in=SET_ASIDE)
        .select_related("item")
        .order_by("item__code")
    )
    old = template.template
    plans: dict[int, list[Stage]] = {}
    for plan in StagePlan.objects.filter(creation__in=creations).order_by("pk"):
        plans.setdefault(plan.creation_id, []).append(Stage(plan.stage))
    problems = []
    for creation in creations:
        current = Stage(creation.stage)
        title = creation.item.title
        if current == Stage.REVIEW and not changed.review:
            problems.append(f"{title}正在动态复审")
        elif current in old.steps and current not in changed.steps:
            problems.append(f"{title}当前处于“{current.label}”")
        ahead = open_steps(old, current)
        lost = [
            stage for stage in plans.get(creation.pk, ()) if stage in ahead and stage not in changed.steps
        ]
        if lost:
            problems.append(f"{title}的预计时间中有“{'”“'.join(stage.label for stage in lost)}”")
    return problems


@transaction.atomic
def template_save(
    *,
    actor: User,
    region: Region,
    template: StageTemplate | None,
    name: str,
    steps: Sequence[str],
    review: bool = False,
) -> StageTemplate:
    """Create (`template` None) or change a programme's stages for a kind of title. A template its
    creations use is never broken under them: a change that would leave a creation at a stage the
    template no longer has (or under a review it no longer has, or with an expected day of a stage
    it no longer has) is refused, and the office makes a new template for the titles to come."""
    ensure(item_rules.is_supervisor_of(actor, region.pk), "只有督查办可以维护创建阶段模板。")
    ensure(template is None or template.region_id == region.pk, "阶段模板不是本县的。")
    try:
        changed = Template.of(steps, review)
    except TemplateError as error:
        raise ServiceError(str(error)) from error
    name = name.strip()
    ensure(name, "请填写模板名称（称号的类别）。", ServiceError)
    others = StageTemplate.objects.filter(region=region, name=name)
    if template is not None:
        others = others.exclude(pk=template.pk)
        template = StageTemplate.objects.select_for_update().get(pk=template.pk)
    ensure(not others.exists(), f"已有名为“{name}”的阶段模板。", ServiceError)
    if template is None:
        template = StageTemplate(region=region)
    else:
        problems = _template_in_use(template, changed)
        ensure(
            not problems,
            f"阶段模板“{template.name}”正被使用：{'；'.join(problems)}。这样修改会使这些创建失去所处的阶段，"
            "不能保存；该类称号的程序有变的，请新建一个模板供以后的创建使用。",
            ServiceError,
        )
    template.name, template.steps, template.review = name, [step.value for step in changed.steps], review
    _clean(template, exclude=["region"])
    template.save()
    return template


# ---------------------------------------------------------------------------------------------
# Creations


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


def _check_expected_award(expected: date | None, year: int) -> None:
    ensure(
        expected is None or expected.year >= year,
        f"预计授牌命名日期（{_day(expected) if expected else ''}）不能早于创建的年度（{year}年）。",
        ServiceError,
    )


@transaction.atomic
def creation_create(
    *, actor: User | None, region: Region, data: CreationInput, assign: bool = True, as_of: date
) -> Creation:
    """A creation: its item (kind 示范创建, due when its title is expected), its detail at the first
    stage of its template, its expected days and its archive checklist. A title of a programme
    without review entered as already awarded is done work: its item is completed at once."""
    ensure(actor is None or item_rules.can_create_item(actor, region.pk), "只有督查办可以录入示范创建。")
    ensure(data.template.region_id == region.pk, "阶段模板不是本县的。", ServiceError)
    _check_expected_award(data.expected_award, data.year)
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
    plans = {Stage(stage): day for stage, day in data.plans.items()}
    if data.expected_award is not None:
        plans.setdefault(Stage.AWARDED, data.expected_award)
    _plans_check(creation, plans, reached_on=None)
    StagePlan.objects.bulk_create(
        StagePlan(creation=creation, stage=stage, expected_on=day) for stage, day in plans.items()
    )
    Material.objects.bulk_create(
        Material(creation=creation, name=name, sort_order=order)
        for order, name in enumerate(data.materials, 1)
    )
    if assign and actor is not None:
        creation.item = items.item_take(
            actor=actor, item=item, action=Action.ASSIGN, as_of=as_of, confirm_past_deadline=True
        )
        if start == Stage.AWARDED and not template.review:
            creation.item = items.item_complete_on_record(
                actor=actor, item=creation.item, on=as_of, note="录入时已授牌命名", as_of=as_of
            )
    return creation


def _plans_check(creation: Creation, plans: Mapping[Stage, date], *, reached_on: date | None) -> None:
    """Expected days are of the template's stages, in the creation's year or after, in the order of
    the stages, and not before the day the creation reached its current stage (`reached_on`)."""
    steps = creation.template.template.steps
    year = creation.item.year
    previous: tuple[Stage, date] | None = None
    for stage in steps:
        day = plans.get(stage)
        if day is None:
            continue
        ensure(day.year >= year, f"预计日期（{_day(day)}）不能早于创建的年度（{year}年）。", ServiceError)
        if reached_on is not None:
            ensure(
                day >= reached_on,
                f"“{stage.label}”的预计日期（{_day(day)}）不能早于到达“{creation.stage_enum.label}”的日期"
                f"（{_day(reached_on)}）。",
                ServiceError,
            )
        if previous is not None:
            ensure(
                day >= previous[1],
                f"“{stage.label}”的预计日期（{_day(day)}）不能早于“{previous[0].label}”的预计日期"
                f"（{_day(previous[1])}）。",
                ServiceError,
            )
        previous = (stage, day)
    for stage in plans:
        ensure(stage in steps, f"阶段模板中没有“{Stage(stage).label}”。", ServiceError)


def _lock(creation: Creation) -> Creation:
    return (
        Creation.objects.select_for_update(of=("self",))
        .select_related("item", "template")
        .get(pk=creation.pk)
    )


def _ensure_moving(creation: Creation) -> None:
    """A creation the office took out of the year's list moves no more; nor one not yet assigned."""
    item = creation.item
    ensure(
        not creation.set_aside,
        f"该创建的督办事项{item.get_status_display()}，不计入台账，不能再登记阶段或预计时间。",
        ServiceError,
    )
    ensure(item.status != Status.DRAFT, "该创建尚未交办，不能登记阶段或预计时间。", ServiceError)


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
    Only the next stage of its template: a jump is refused; the day is not after today nor before
    the previous stage's. The award completes its item on the award's day; a failure withdraws it
    (its record stays), and the title is applied for again next year (creation_reapply)."""
    creation = _lock(creation)
    item = creation.item
    ensure(item_rules.is_supervisor_of(actor, item.region_id), "只有督查办可以登记创建阶段。")
    _ensure_moving(creation)
    target = Stage(target)
    current = Stage(creation.stage)
    refused = refusal(creation.template.template, current, target)
    ensure(not refused, refused, ServiceError)
    reason = reason.strip()
    ensure(target != Stage.FAILED or reason, "未通过需要写明原因。", ServiceError)
    ensure(on <= as_of, f"阶段日期（{_day(on)}）不能晚于今天（{_day(as_of)}）。", ServiceError)
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
    if target == Stage.AWARDED and item.status in WORKING:
        passed = "通过动态复审" if current == Stage.REVIEW else "授牌命名"
        creation.item = items.item_complete_on_record(
            actor=actor, item=item, on=on, note=f"已于{_day(on)}{passed}", as_of=as_of
        )
    elif target == Stage.FAILED:
        creation.item = _item_withdraw(
            actor=actor,
            item=item,
            reason=f"创建未通过{creation.get_failed_stage_display()}：{reason}",
            as_of=as_of,
        )
    items_changed_on_commit(item_ids=[item.pk], as_of=as_of)
    return creation


@transaction.atomic
def creation_plans_set(
    *, actor: User, creation: Creation, plans: Mapping[str, date | None], as_of: date
) -> Creation:
    """Set the expected day of each stage still ahead of the creation (a day None clears it). The
    expected day of 授牌命名 is the creation's expected award: its item is due then, and a day in a
    later year makes it a cross-year creation (跨年度)."""
    creation = _lock(creation)
    item = creation.item
    ensure(item_rules.is_supervisor_of(actor, item.region_id), "只有督查办可以设定创建的预计时间。")
    _ensure_moving(creation)
    current = Stage(creation.stage)
    ahead = open_steps(creation.template.template, current)
    wanted = {Stage(stage): day for stage, day in plans.items()}
    for stage in wanted:
        ensure(stage in ahead, f"“{stage.label}”不是该创建尚待到达的阶段。", ServiceError)
    last = creation.history.order_by("-on", "-pk").first()
    chosen = {stage: day for stage, day in wanted.items() if day is not None}
    _plans_check(creation, chosen, reached_on=last.on if last else None)
    before = {plan.stage: plan.expected_on for plan in creation.plans.all()}
    StagePlan.objects.filter(creation=creation, stage__in=[s.value for s in ahead]).exclude(
        stage__in=[s.value for s in chosen]
    ).delete()
    for stage, day in chosen.items():
        StagePlan.objects.update_or_create(creation=creation, stage=stage, defaults={"expected_on": day})
    changes = [
        f"{stage.label} {_day(chosen[stage]) if stage in chosen else '（空）'}"
        for stage in ahead
        if before.get(stage) != chosen.get(stage)
    ]
    if changes:
        item_event_record(
            item=item, actor=actor, kind=EventKind.UPDATED, note="预计时间：" + "；".join(changes)
        )
    if Stage.AWARDED in ahead and creation.expected_award != chosen.get(Stage.AWARDED):
        creation.expected_award = chosen.get(Stage.AWARDED)
        creation.save(update_fields=["expected_award"])
        deadline = creation.expected_award or date(item.year, 12, 31)
        if item.deadline != deadline and item_rules.can_edit_item(actor, item):
            creation.item = items.item_update(
                actor=actor,
                item=item,
                expected_version=item.version,
                data=_item_input(item, deadline=deadline),
                as_of=as_of,
            )
    items_changed_on_commit(item_ids=[item.pk], as_of=as_of)
    return creation


@transaction.atomic
def creation_reapply(
    *, actor: User, creation: Creation, year: int, expected_award: date | None = None, as_of: date
) -> Creation:
    """Apply again for a title that failed: a new creation of `year` linked to the failed one (its
    history), with the same title, level, template, units and checklist (to be ticked anew). It has
    an item of its own: an item is one year's work, and the failed year's (withdrawn with the
    failure as its reason) keeps its record as it was."""
    creation = _lock(creation)
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
    """The lead unit ticks its materials with its own evidence; the office may too. Not on a
    creation taken out of the year's list."""
    item = creation.item
    if creation.set_aside:
        return False
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
    ensure(not creation.set_aside, "该创建已撤销，不能再登记档案资料。", ServiceError)
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
    # The town or unit that readies the site; a project's lead unit when left empty.
    unit: Unit | None = None
    pk: int | None = None  # an existing site of the meeting (an edit)


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


def _site_spec(spec: SiteInput, region: Region) -> tuple[Item | None, str, Unit | None]:
    project = spec.project_item
    ensure(
        project is None or (project.kind == PROJECT_KIND and project.region_id == region.pk),
        "观摩点须是本县的重点项目或填写地点。",
        ServiceError,
    )
    place = spec.place.strip()
    ensure(project is not None or place, "观摩点须是重点项目或填写地点。", ServiceError)
    unit = spec.unit or (project.lead_unit if project is not None else None)
    ensure(unit is None or unit.region_id == region.pk, f"{unit}不是本县的单位。", ServiceError)
    names = [name for name, _due in spec.checks]
    twice = sorted({name for name in names if names.count(name) > 1})
    ensure(not twice, f"同一观摩点的准备事项不能重名：{'、'.join(twice)}。", ServiceError)
    ensure(all(names), "准备事项须有名称。", ServiceError)
    return project, place, unit


def _sites_save(meeting: OnSiteMeeting, sites: Sequence[SiteInput], region: Region) -> None:
    """The meeting's sites as `sites` lists them: new ones added, listed ones updated (a check kept
    by its name, with its completion), the others removed. A site or a check already readied is
    never dropped: its completion is the record of the preparation."""
    existing = {site.pk: site for site in meeting.sites.prefetch_related("checks")}
    listed = {spec.pk for spec in sites if spec.pk is not None}
    ensure(listed <= set(existing), "观摩点不属于该现场会，请刷新页面后重试。", ServiceError)
    for pk, site in existing.items():
        if pk not in listed:
            ensure(
                not any(check.done_on for check in site.checks.all()),
                f"观摩点“{site.name}”已有完成的准备事项，不能删除。",
                ServiceError,
            )
            site.delete()
    for order, spec in enumerate(sites, start=1):
        project, place, unit = _site_spec(spec, region)
        site = existing[spec.pk] if spec.pk is not None else Site(meeting=meeting)
        site.project_item, site.place, site.unit, site.sort_order = project, place, unit, order
        site.save()
        checks = {check.name: check for check in site.checks.all()} if spec.pk is not None else {}
        wanted = dict(spec.checks)
        for name, check in checks.items():
            if name not in wanted:
                ensure(
                    check.done_on is None,
                    f"“{site.name}”的准备事项“{name}”已完成，不能删除。",
                    ServiceError,
                )
                check.delete()
        for name, due in spec.checks:
            if name in checks:
                if checks[name].due != due:
                    checks[name].due = due
                    checks[name].save(update_fields=["due"])
            else:
                ReadinessCheck.objects.create(site=site, name=name, due=due)


def _sites_text(meeting: OnSiteMeeting) -> str:
    return "；".join(
        f"{site.name}（{'、'.join(check.name for check in site.checks.all()) or '无准备事项'}）"
        for site in meeting.sites.select_related("project_item").prefetch_related("checks")
    )


@transaction.atomic
def meeting_create(
    *, actor: User | None, region: Region, data: MeetingInput, as_of: date, assign: bool = True
) -> OnSiteMeeting:
    """A planned on-site meeting: its item (kind 现场会, due on the planned day, reported once) and
    its sites with their readiness checklists."""
    ensure(actor is None or item_rules.can_create_item(actor, region.pk), "只有督查办可以录入现场会。")
    ensure(data.planned_on.year == data.year, f"计划召开日期须在{data.year}年内。", ServiceError)
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
    _sites_save(meeting, data.sites, region)
    if assign and actor is not None:
        meeting.item = items.item_take(
            actor=actor, item=item, action=Action.ASSIGN, as_of=as_of, confirm_past_deadline=True
        )
    return meeting


def _lock_meeting(meeting: OnSiteMeeting) -> OnSiteMeeting:
    return (
        OnSiteMeeting.objects.select_for_update(of=("self",))
        .select_related("item__region", "item__lead_unit")
        .get(pk=meeting.pk)
    )


def _ensure_open(meeting: OnSiteMeeting, doing: str) -> None:
    ensure(not meeting.cancelled, f"该现场会已取消，不能{doing}。", ServiceError)
    ensure(meeting.held_on is None, f"该现场会已召开，不能{doing}。", ServiceError)


# The meeting's own fields an edit may change, with their labels for the item's timeline.
_MEETING_FIELDS = {"level": "级别", "planned_on": "计划召开"}


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: OnSiteMeeting,
    data: MeetingInput,
    as_of: date,
    expected_version: int | None = None,
) -> OnSiteMeeting:
    """Edit a meeting still to be held: its item (through items.item_update, which refuses a stale
    version; due on the planned day), its level and planned day, its sites and their checklists.
    The planned day stays in the meeting's year: one put off to the next year is cancelled here and
    entered in that year's list."""
    meeting = _lock_meeting(meeting)
    item = meeting.item
    ensure(item_rules.is_supervisor_of(actor, item.region_id), "只有督查办可以修改现场会。")
    _ensure_open(meeting, "再修改")
    ensure(
        data.planned_on.year == item.year,
        f"计划召开日期须在{item.year}年内；推迟到下一年度的，请取消本次现场会，在下一年度重新录入。",
        ServiceError,
    )
    before = {name: getattr(meeting, name) for name in _MEETING_FIELDS}
    sites_before = _sites_text(meeting)
    meeting.item = items.item_update(
        actor=actor,
        item=item,
        expected_version=item.version if expected_version is None else expected_version,
        data=_item_input(
            item,
            title=data.title.strip(),
            description=data.description,
            patron_leader=data.patron_leader,
            lead_unit=data.lead_unit,
            support_units=list(data.support_units),
            deadline=data.planned_on,
        ),
        as_of=as_of,
        labels={"deadline": "计划召开", "title": "现场会"},
    )
    meeting.level, meeting.planned_on = data.level, data.planned_on
    _clean(meeting, exclude=["item"])
    meeting.save(update_fields=["level", "planned_on"])
    _sites_save(meeting, data.sites, item.region)
    detail_changes_record(
        item=meeting.item, actor=actor, detail=meeting, before=before, labels=_MEETING_FIELDS
    )
    sites_after = _sites_text(meeting)
    if sites_after != sites_before:
        item_event_record(
            item=meeting.item,
            actor=actor,
            kind=EventKind.UPDATED,
            note=f"观摩点和准备事项：{sites_after or '（空）'}",
        )
    items_changed_on_commit(item_ids=[item.pk], as_of=as_of)
    return meeting


@transaction.atomic
def meeting_held(*, actor: User, meeting: OnSiteMeeting, held_on: date, as_of: date) -> OnSiteMeeting:
    """Record the day a meeting was held (the office): not after today, not before its planned day
    (a meeting brought forward has its planned day changed first). Its item is completed that day."""
    meeting = _lock_meeting(meeting)
    item = meeting.item
    ensure(item_rules.is_supervisor_of(actor, item.region_id), "只有督查办可以登记现场会召开。")
    ensure(meeting.held_on is None, "该现场会已登记召开。", ServiceError)
    ensure(not meeting.cancelled, "该现场会已取消。", ServiceError)
    ensure(item.status != Status.DRAFT, "该现场会尚未交办。", ServiceError)
    ensure(held_on <= as_of, f"召开日期（{_day(held_on)}）不能晚于今天（{_day(as_of)}）。", ServiceError)
    ensure(
        held_on >= meeting.planned_on,
        f"召开日期（{_day(held_on)}）不能早于计划召开日期（{_day(meeting.planned_on)}）；"
        "提前召开的，请先修改计划召开日期。",
        ServiceError,
    )
    meeting.held_on = held_on
    meeting.save(update_fields=["held_on"])
    item_event_record(item=item, actor=actor, kind=EventKind.UPDATED, note=f"现场会于{_day(held_on)}召开")
    if item.status in WORKING:
        meeting.item = items.item_complete_on_record(
            actor=actor, item=item, on=held_on, note=f"现场会已于{_day(held_on)}召开", as_of=as_of
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: OnSiteMeeting, reason: str, as_of: date) -> OnSiteMeeting:
    """Call a meeting off (取消): its item is withdrawn with the reason; the meeting leaves the
    year's plan and keeps its page and its record."""
    meeting = _lock_meeting(meeting)
    item = meeting.item
    ensure(item_rules.is_supervisor_of(actor, item.region_id), "只有督查办可以取消现场会。")
    _ensure_open(meeting, "取消")
    reason = reason.strip()
    ensure(reason, "取消现场会需要写明原因。", ServiceError)
    meeting.item = _item_withdraw(actor=actor, item=item, reason=f"现场会取消：{reason}", as_of=as_of)
    ensure(meeting.cancelled, f"事项当前状态为“{item.get_status_display()}”，不能取消。", ServiceError)
    return meeting


def cancel_reason(meeting: OnSiteMeeting) -> str:
    """Why the meeting was called off: the note of its item's withdrawal."""
    event = meeting.item.events.filter(kind__in=(EventKind.WITHDRAWN, EventKind.REPLACED)).first()
    return event.note if event else ""


def can_ready(user: User | object, check: ReadinessCheck) -> bool:
    """Who ticks a readiness check: the office, the meeting's lead (or supporting) unit once it has
    signed for it, and the town or unit that readies the check's own site; while the meeting is
    still to be held."""
    meeting = check.site.meeting
    item = meeting.item
    if meeting.cancelled or meeting.held_on is not None:
        return False
    return (
        item_rules.is_supervisor_of(user, item.region_id)
        or item_rules.can_report(user, item)
        or item_rules.works_in(user, check.site.unit_id)
    )


@transaction.atomic
def check_done(*, actor: User, check: ReadinessCheck, as_of: date) -> ReadinessCheck:
    """A site's readiness item is done (the office, the lead unit, or the site's own unit)."""
    check = (
        ReadinessCheck.objects.select_for_update(of=("self",))
        .select_related("site__meeting__item")
        .get(pk=check.pk)
    )
    meeting = check.site.meeting
    item = meeting.item
    _ensure_open(meeting, "再登记观摩准备")
    ensure(can_ready(actor, check), "只有督查办、牵头单位或该观摩点的负责单位可以登记观摩准备。")
    ensure(check.done_on is None, "该准备事项已完成。", ServiceError)
    check.done_on = as_of
    check.save(update_fields=["done_on"])
    item_event_record(
        item=item, actor=actor, kind=EventKind.UPDATED, note=f"观摩准备完成：{check.site.name} {check.name}"
    )
    return check
