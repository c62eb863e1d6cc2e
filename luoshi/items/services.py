"""Writes to items: one transaction each, an event row for each change, notifications on commit.

Every service checks its permission with the predicates of rules.py and raises ServiceError with
a message for the user (in Chinese) when an action is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F

from luoshi.core import clock
from luoshi.core.selectors import work_calendar
from luoshi.items import notifications, rules
from luoshi.items.evidence import detect, thumbnail
from luoshi.items.models import (
    Confidence,
    EventKind,
    Evidence,
    Instruction,
    Item,
    ItemEvent,
    Kind,
    Measure,
    Milestone,
    ProgressReport,
    ReportStatus,
    Source,
    Status,
    SupervisionAction,
    Verdict,
    Verification,
)
from luoshi.items.schedule import Cycle, period_containing
from luoshi.items.workflow import TRANSITIONS, Action, transition_for
from luoshi.org.models import Leader, Person, Region, Role, Unit, User


class ServiceError(Exception):
    """An action refused, with the reason in words the user can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(ServiceError):
    pass


class Conflict(ServiceError):
    """Somebody else changed the item since the user opened it."""


def ensure(condition: object, message: str, error: type[ServiceError] = NotAllowed) -> None:
    if not condition:
        raise error(message)


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "；".join(f"{message}" for messages in error.message_dict.values() for message in messages)
    return "；".join(error.messages)


def item_event_record(
    *,
    item: Item,
    actor: User | None,
    kind: EventKind,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ItemEvent:
    return ItemEvent.objects.create(
        item=item,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
        at=clock.now(),
    )


def _recolour(items: Iterable[Item], as_of: date) -> None:
    """The warning colours follow every change that matters (alerts computes them)."""
    from luoshi.alerts.services import item_colours_refresh

    item_colours_refresh(items=items, as_of=as_of)


# ---------------------------------------------------------------------------------------------
# Items


@dataclass
class MilestoneInput:
    name: str
    due: date
    done_on: date | None = None
    pk: int | None = None


@dataclass
class ItemInput:
    title: str
    year: int
    kind: str = Kind.TASK
    source: str = Source.MEETING
    code: str = ""
    description: str = ""
    patron_leader: Leader | None = None
    lead_unit: Unit | None = None
    support_units: Sequence[Unit] = ()
    responsible_person: Person | None = None
    planned_start: date | None = None
    deadline: date | None = None
    measure: str = Measure.PERCENT
    target_value: Decimal | None = None
    value_unit: str = ""
    target_text: str = ""
    report_cycle: str = Cycle.MONTHLY
    report_due_day: int = 25
    parent: Item | None = None
    source_document: Any = None  # extraction.SourceDocument: the speech or minutes it came from
    source_start: int | None = None
    source_end: int | None = None
    milestones: Sequence[MilestoneInput] = field(default_factory=list)


# Fields copied straight from ItemInput onto Item; the edit form changes all but where it came from.
ITEM_FIELDS = [f.name for f in fields(ItemInput) if f.name not in {"support_units", "milestones"}]
EDITABLE_FIELDS = [
    name for name in ITEM_FIELDS if name not in {"source_document", "source_start", "source_end", "parent"}
]


def item_next_code(*, region: Region, year: int) -> str:
    prefix = f"DB-{year}-"
    codes = Item.objects.filter(region=region, code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix) :]) for code in codes if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _check_belongs(region: Region, data: ItemInput) -> None:
    """The item's leader, units and person must be of the item's region."""
    if data.patron_leader and data.patron_leader.region_id != region.pk:
        raise ServiceError(f"包抓领导{data.patron_leader.name}不是{region.name}的领导。")
    for unit in [data.lead_unit, *data.support_units]:
        if unit and unit.region_id != region.pk:
            raise ServiceError(f"{unit}不是{region.name}的单位。")
    if data.lead_unit and data.lead_unit in data.support_units:
        raise ServiceError(f"{data.lead_unit}已是牵头单位，不能同时作为配合单位。")
    person = data.responsible_person
    if person and person.unit and person.unit.region_id != region.pk:
        raise ServiceError(f"责任人{person.name}不是{region.name}的人员。")


def _save_item(item: Item) -> None:
    try:
        item.full_clean(exclude=["created_by"])
    except ValidationError as error:
        raise ServiceError(_validation_message(error)) from error
    item.save()


def _save_milestones(item: Item, milestones: Sequence[MilestoneInput]) -> None:
    keep = [m.pk for m in milestones if m.pk]
    item.milestones.exclude(pk__in=keep).delete()
    existing = {m.pk: m for m in item.milestones.all()}
    for order, milestone in enumerate(milestones, start=1):
        if milestone.pk in existing:
            row = existing[milestone.pk]
            row.name, row.due, row.done_on, row.sort_order = (
                milestone.name,
                milestone.due,
                milestone.done_on,
                order,
            )
            row.save()
        else:
            Milestone.objects.create(
                item=item, name=milestone.name, due=milestone.due, done_on=milestone.done_on, sort_order=order
            )


@transaction.atomic
def item_create(
    *,
    actor: User | None,
    region: Region,
    data: ItemInput,
    status: str = Status.DRAFT,
    origin_action: SupervisionAction | None = None,
    event_kind: EventKind = EventKind.CREATED,
) -> Item:
    """Create an item as a draft. `actor` None is the system (an import run from the command line)."""
    ensure(actor is None or rules.can_create_item(actor, region.pk), "只有督查办可以立项。")
    _check_belongs(region, data)
    item = Item(region=region, created_by=actor, status=status, origin_action=origin_action)
    for name in ITEM_FIELDS:
        setattr(item, name, getattr(data, name))
    chosen = item.code.strip()
    if chosen and Item.objects.filter(region=region, code=chosen).exists():
        raise ServiceError(f"编号 {chosen} 已被使用。")
    for _attempt in range(5):
        item.code = chosen or item_next_code(region=region, year=data.year)
        try:
            with transaction.atomic():
                _save_item(item)
            break
        except IntegrityError:
            if chosen:
                raise ServiceError(f"编号 {chosen} 已被使用。") from None
            item.pk = None  # another item took this number meanwhile: take the next one
    else:
        raise ServiceError("自动编号冲突，请重试。")
    item.support_units.set(data.support_units)
    _save_milestones(item, data.milestones)
    item_event_record(item=item, actor=actor, kind=event_kind, to_status=item.status)
    return item


def _describe(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


@transaction.atomic
def item_update(*, actor: User, item: Item, expected_version: int, data: ItemInput, as_of: date) -> Item:
    """Edit an item. Refused with Conflict when someone changed it since `expected_version`."""
    ensure(rules.can_edit_item(actor, item), "只有督查办可以修改事项。")
    claimed = Item.objects.filter(pk=item.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        latest = ItemEvent.objects.filter(item=item, actor__isnull=False).select_related("actor").first()
        who = f"{latest.actor}于{latest.at:%m月%d日 %H:%M}" if latest and latest.actor else "他人"
        raise Conflict(f"该事项已被{who}修改，你的修改没有保存。请刷新页面，在最新内容上重新修改。")
    item = Item.objects.select_for_update(of=("self",)).get(pk=item.pk)
    _check_belongs(item.region, data)
    changes = {}
    for name in EDITABLE_FIELDS:
        if name == "code" and not data.code.strip():
            continue
        old, new = getattr(item, name), getattr(data, name)
        if old != new:
            label = str(getattr(Item._meta.get_field(name), "verbose_name", name))
            changes[label] = [_describe(old), _describe(new)]
            setattr(item, name, new)
    old_support = set(item.support_units.all())
    if old_support != set(data.support_units):
        changes["配合单位"] = [
            "、".join(map(str, old_support)) or "（空）",
            "、".join(map(str, data.support_units)) or "（空）",
        ]
    item.updated_at = clock.now()
    _save_item(item)
    item.support_units.set(data.support_units)
    _save_milestones(item, data.milestones)
    if changes:
        note = "；".join(f"{label}：{old} → {new}" for label, (old, new) in changes.items())
        item_event_record(
            item=item, actor=actor, kind=EventKind.UPDATED, note=note, data={"changes": changes}
        )
    _refresh_progress(item)
    _recolour([item], as_of)
    return item


def _latest_report(item: Item) -> ProgressReport | None:
    return (
        item.reports.filter(status=ReportStatus.SUBMITTED, superseded_by__isnull=True)
        .select_related("verification")
        .order_by("-period_start", "-created_at")
        .first()
    )


@transaction.atomic
def item_take(
    *,
    actor: User,
    item: Item,
    action: Action | str,
    as_of: date,
    reason: str = "",
    successor: Item | None = None,
) -> Item:
    """Move an item along its life cycle: 交办, 签收, 退回, 申请办结, 办结, 销号, 暂缓, 恢复, 替换, 撤销."""
    item = (
        Item.objects.select_for_update(of=("self",))
        .select_related("region", "lead_unit", "patron_leader")
        .get(pk=item.pk)
    )
    action = Action(action)
    transition = transition_for(action, item.status, accepted=item.accepted_on is not None)
    label = TRANSITIONS[action].label
    ensure(transition is not None, f"事项当前状态为“{item.get_status_display()}”，不能{label}。")
    assert transition is not None
    ensure(rules.can_take(actor, item, action), f"你没有权限{label}该事项。")
    reason = reason.strip()
    ensure(not transition.needs_reason or reason, f"{label}需要写明理由。", ServiceError)
    from_status = item.status
    target = transition.target
    lead_people: list[User] = []

    if action == Action.ASSIGN:
        ensure(item.lead_unit_id, "交办前必须明确牵头单位。", ServiceError)
        ensure(item.deadline, "交办前必须明确完成时限。", ServiceError)
        item.assigned_on = as_of
        item.accepted_on = None
        lead_people = notifications.unit_people(item.lead_unit_id)
    elif action == Action.ACCEPT:
        item.accepted_on = as_of
    elif action == Action.REQUEST_COMPLETION:
        ensure(_latest_report(item), "申请办结前请先报送完成情况和佐证材料。", ServiceError)
    elif action == Action.COMPLETE:
        latest = _latest_report(item)
        verification = getattr(latest, "verification", None) if latest else None
        ensure(
            verification is not None and verification.verdict == Verdict.TRUE,
            "办结前，督查办必须核实最新一期进度报告并确认属实。",
            ServiceError,
        )
        item.completed_on = as_of
    elif action == Action.SUSPEND:
        item.status_before_suspension = item.status
    elif action == Action.RESUME:
        target = item.status_before_suspension or Status.IN_PROGRESS
        item.status_before_suspension = ""
    elif action == Action.REPLACE:
        ensure(successor is not None, "替换需要指明接替的事项。", ServiceError)
        assert successor is not None
        ensure(successor.pk != item.pk, "不能用事项替换它自己。", ServiceError)
        ensure(successor.region_id == item.region_id, "接替的事项必须属于同一行政区。", ServiceError)
        ensure(
            successor.status not in {Status.REPLACED, Status.WITHDRAWN},
            "接替的事项已被替换或撤销。",
            ServiceError,
        )
        item.replaced_by = successor

    assert target is not None
    item.status = target
    item.version = F("version") + 1
    item.updated_at = clock.now()
    item.save()
    item.refresh_from_db(fields=["version"])
    data = {"successor": successor.pk, "successor_code": successor.code} if successor else {}
    item_event_record(
        item=item,
        actor=actor,
        kind=transition.event,
        from_status=from_status,
        to_status=target,
        note=reason,
        data=data,
    )
    _notify_transition(item=item, actor=actor, action=action, reason=reason, lead_people=lead_people)
    _recolour([item, *([successor] if successor else [])], as_of)
    return item


def _notify_transition(
    *, item: Item, actor: User, action: Action, reason: str, lead_people: list[User]
) -> None:
    label = TRANSITIONS[action].label
    title = f"{item.code}「{item.title}」{label}"
    if action == Action.ASSIGN:
        deadline = _describe(item.deadline)
        notifications.notify(
            lead_people,
            item=item,
            title=f"新交办事项：{item.title}",
            body=f"完成时限：{deadline}。请单位负责人签收。",
            actor=actor,
        )
        notifications.notify_unit_group(
            item.lead_unit,
            title=f"新交办事项：{item.title}",
            text=f"编号 {item.code}，完成时限 {deadline}。请及时签收。",
        )
    elif action in (Action.DECLINE, Action.REQUEST_COMPLETION):
        notifications.notify(
            notifications.region_supervisors(item.region_id), item=item, title=title, body=reason, actor=actor
        )
    elif action in (
        Action.RETURN_COMPLETION,
        Action.COMPLETE,
        Action.CLOSE,
        Action.SUSPEND,
        Action.RESUME,
        Action.WITHDRAW,
        Action.REPLACE,
    ):
        notifications.notify(
            notifications.unit_people(item.lead_unit_id), item=item, title=title, body=reason, actor=actor
        )


# ---------------------------------------------------------------------------------------------
# Progress reports and evidence


@dataclass
class ReportInput:
    period_start: date
    done: str
    confidence: str = Confidence.GREEN
    problems: str = ""
    next_steps: str = ""
    percent: Decimal | None = None
    value: Decimal | None = None
    milestones_done: Sequence[int] = ()


def item_period(item: Item, day: date) -> tuple[date, date, date]:
    """The (start, end, due) of the reporting period of `item` that starts on or contains `day`."""
    calendar = work_calendar()
    if item.report_cycle == Cycle.ONCE:
        start = item.assigned_on or day
        end = item.deadline or day
        return start, end, calendar.next_workday(end)
    period = period_containing(item.cycle, item.report_due_day, day, calendar)
    return period.start, period.end, period.due


def _reporting_unit(actor: User, item: Item) -> Unit:
    if rules.works_in(actor, item.lead_unit_id):
        assert item.lead_unit is not None
        return item.lead_unit
    for unit in item.support_units.all():
        if rules.works_in(actor, unit.pk):
            return unit
    raise NotAllowed("只有牵头单位和配合单位可以报送进度。")


def _check_measure(item: Item, data: ReportInput) -> None:
    if item.measure == Measure.PERCENT:
        ensure(data.percent is not None, "请填写完成进度（%）。", ServiceError)
    if item.measure == Measure.VALUE:
        ensure(
            data.value is not None,
            f"请填写累计完成值（{item.value_unit or '计量单位见事项'}）。",
            ServiceError,
        )
    ensure(data.done.strip(), "请填写本期完成情况。", ServiceError)
    ensure(data.confidence in Confidence.values, "请选择按期完成的把握。", ServiceError)


@transaction.atomic
def report_submit(
    *,
    actor: User,
    item: Item,
    data: ReportInput,
    files: Iterable[UploadedFile] = (),
    as_of: date,
    supersedes: ProgressReport | None = None,
) -> ProgressReport:
    """A unit reports progress for a period, with evidence. A report never changes afterwards:
    `supersedes` makes this report a corrected version of an earlier one."""
    item = Item.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if supersedes is not None:
        supersedes = (
            ProgressReport.objects.select_for_update(of=("self",))
            .select_related("item")
            .get(pk=supersedes.pk)
        )
        ensure(supersedes.item_id == item.pk, "更正的报告不属于这个事项。", ServiceError)
        ensure(rules.can_correct_report(actor, supersedes), "这份报告已核实或已被更正，不能再更正。")
        unit = supersedes.unit
        start, end, due = supersedes.period_start, supersedes.period_end, supersedes.due_on
    else:
        ensure(rules.can_report(actor, item), cannot_report_reason(item))
        unit = _reporting_unit(actor, item)
        start, end, due = item_period(item, data.period_start)
    _check_measure(item, data)
    needs_approval = unit.reports_need_approval and not rules.works_in(actor, unit.pk, Role.UNIT_HEAD)
    report = ProgressReport(
        item=item,
        unit=unit,
        period_start=start,
        period_end=end,
        due_on=due,
        done=data.done.strip(),
        problems=data.problems.strip(),
        next_steps=data.next_steps.strip(),
        percent=data.percent,
        value=data.value,
        confidence=data.confidence,
        author=actor,
        supersedes=supersedes,
        version=supersedes.version + 1 if supersedes else 1,
        status=ReportStatus.PENDING_APPROVAL if needs_approval else ReportStatus.SUBMITTED,
    )
    if not needs_approval:
        report.submitted_at = clock.now()
        report.is_late = as_of > due
    try:
        report.full_clean(exclude=["author", "item", "unit", "supersedes"])
    except ValidationError as error:
        raise ServiceError(_validation_message(error)) from error
    report.save()
    for upload in files:
        evidence_attach(actor=actor, report=report, upload=upload)
    _mark_milestones(actor=actor, item=item, ids=data.milestones_done, as_of=as_of)

    if supersedes is not None:
        kind, note = EventKind.REPORT_CORRECTED, f"更正{report.period_label}进度（第{report.version}版）"
    elif needs_approval:
        kind, note = EventKind.REPORT_PENDING, f"{report.period_label}进度待单位负责人审核"
    else:
        kind, note = (
            EventKind.REPORT_SUBMITTED,
            f"报送{report.period_label}进度" + ("（逾期）" if report.is_late else ""),
        )
    item_event_record(item=item, actor=actor, kind=kind, note=note, data={"report": report.pk})
    if needs_approval:
        notifications.notify(
            notifications.unit_people(unit.pk, Role.UNIT_HEAD),
            item=item,
            title=f"待审核进度：{item.title}",
            body=f"{actor}填报了{report.period_label}进度，请审核后报送督查办。",
            actor=actor,
        )
    else:
        _after_submission(item=item, actor=actor)
        _recolour([item], as_of)
    return report


def cannot_report_reason(item: Item) -> str:
    if item.status not in rules.REPORTABLE_STATUSES:
        if item.status == Status.ASSIGNED:
            return "事项还未签收：请单位负责人先签收，再报送进度。"
        return f"事项当前状态为“{item.get_status_display()}”，不需要报送进度。"
    return "只有牵头单位和配合单位可以报送进度。"


def _after_submission(*, item: Item, actor: User) -> None:
    """A report reached the supervision office: the item is under way and shows the new progress."""
    if item.status == Status.ACCEPTED or (item.status == Status.RETURNED and item.accepted_on):
        from_status = item.status
        Item.objects.filter(pk=item.pk).update(status=Status.IN_PROGRESS, version=F("version") + 1)
        item.status = Status.IN_PROGRESS
        item_event_record(
            item=item,
            actor=actor,
            kind=EventKind.STARTED,
            from_status=from_status,
            to_status=Status.IN_PROGRESS,
        )
    _refresh_progress(item)


def _refresh_progress(item: Item) -> None:
    """Keep the latest reported progress on the item, from the newest current submitted report."""
    latest = _latest_report(item)
    milestones = list(item.milestones.all())
    percent: Decimal | None = None
    value: Decimal | None = None
    if item.measure == Measure.MILESTONES and milestones:
        percent = Decimal(100) * sum(1 for m in milestones if m.done_on) / len(milestones)
    elif latest is not None:
        value = latest.value
        if item.measure == Measure.VALUE and latest.value is not None and item.target_value:
            percent = min(Decimal(100), Decimal(100) * latest.value / item.target_value)
        else:
            percent = latest.percent
    if item.measure == Measure.DONE and item.status in {Status.COMPLETED, Status.CLOSED}:
        percent = Decimal(100)
    Item.objects.filter(pk=item.pk).update(
        progress_percent=percent.quantize(Decimal("0.01")) if percent is not None else None,
        progress_value=value,
        confidence=latest.confidence if latest else "",
        last_reported_at=latest.submitted_at if latest else None,
    )


def _mark_milestones(*, actor: User, item: Item, ids: Sequence[int], as_of: date) -> None:
    for milestone in item.milestones.filter(pk__in=list(ids), done_on__isnull=True):
        milestone.done_on = as_of
        milestone.save(update_fields=["done_on"])
        item_event_record(item=item, actor=actor, kind=EventKind.MILESTONE_DONE, note=milestone.name)


def evidence_max_bytes() -> int:
    return int(settings.LUOSHI_EVIDENCE_MAX_MB) * 1024 * 1024


def evidence_attach(*, actor: User, report: ProgressReport, upload: UploadedFile) -> Evidence:
    """Store one evidence file under a random name, with a thumbnail for images."""
    name = upload.name or "file"
    limit = evidence_max_bytes()
    ensure(
        (upload.size or 0) <= limit,
        f"“{name}”超过 {settings.LUOSHI_EVIDENCE_MAX_MB} MB，请压缩后再上传。",
        ServiceError,
    )
    ensure(upload.size, f"“{name}”是空文件。", ServiceError)
    content = upload.file
    if content is None:
        raise ServiceError(f"“{name}”没有上传完整，请重试。")
    try:
        kind = detect(content, name)
    except ValueError as error:
        raise ServiceError(f"“{name}”：{error}") from error
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        report=report,
        original_name=name[:200],
        content_type=kind.content_type,
        kind_label=kind.label,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    evidence.file.save(f"evidence{kind.extension}", upload, save=False)
    if kind.is_image:
        small = thumbnail(content)
        if small:
            evidence.thumbnail.save("thumb.jpg", ContentFile(small), save=False)
    # Files are validated before they are stored; should the transaction still roll back, the
    # stored file has no row pointing at it and is never served.
    evidence.save()
    return evidence


@transaction.atomic
def report_approve(*, actor: User, report: ProgressReport, as_of: date) -> ProgressReport:
    report = ProgressReport.objects.select_for_update(of=("self",)).select_related("item").get(pk=report.pk)
    ensure(rules.can_approve_report(actor, report), "只有报送单位的负责人可以审核这份报告。")
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = clock.now()
    report.is_late = as_of > report.due_on
    report.approved_by = actor
    report.save(update_fields=["status", "submitted_at", "is_late", "approved_by"])
    item = Item.objects.select_for_update(of=("self",)).get(pk=report.item_id)
    item_event_record(
        item=item,
        actor=actor,
        kind=EventKind.REPORT_APPROVED,
        note=f"审核通过{report.period_label}进度，报送督查办" + ("（逾期）" if report.is_late else ""),
        data={"report": report.pk},
    )
    _after_submission(item=item, actor=actor)
    _recolour([item], as_of)
    return report


@transaction.atomic
def report_reject(*, actor: User, report: ProgressReport, reason: str) -> ProgressReport:
    report = ProgressReport.objects.select_for_update(of=("self",)).select_related("item").get(pk=report.pk)
    ensure(rules.can_approve_report(actor, report), "只有报送单位的负责人可以退回这份报告。")
    ensure(reason.strip(), "退回报告需要写明理由。", ServiceError)
    report.status = ReportStatus.REJECTED
    report.rejection_reason = reason.strip()
    report.save(update_fields=["status", "rejection_reason"])
    item_event_record(
        item=report.item,
        actor=actor,
        kind=EventKind.REPORT_REJECTED,
        note=reason.strip(),
        data={"report": report.pk},
    )
    notifications.notify(
        [report.author],
        item=report.item,
        title=f"进度报告被退回：{report.item.title}",
        body=reason.strip(),
        actor=actor,
    )
    return report


@transaction.atomic
def report_verify(
    *, actor: User, report: ProgressReport, method: str, verdict: str, note: str, as_of: date
) -> Verification:
    report = ProgressReport.objects.select_for_update(of=("self",)).select_related("item").get(pk=report.pk)
    ensure(rules.can_verify(actor, report), "只有督查办可以核实，且每份报告只核实一次。")
    verification = Verification(
        report=report, method=method, verdict=verdict, note=note.strip(), verifier=actor, verified_on=as_of
    )
    try:
        verification.full_clean(exclude=["report", "verifier"])
    except ValidationError as error:
        message = _validation_message(error)
        if "items_verification_note_unless_true" in message or not note.strip():
            message = "核实结论为部分属实或不属实时，请写明核实情况。"
        raise ServiceError(message) from error
    verification.save()
    item = Item.objects.select_for_update(of=("self",)).select_related("patron_leader").get(pk=report.item_id)
    if verdict == Verdict.UNTRUE:
        item.untrue_on = as_of
    elif verdict == Verdict.TRUE and item.untrue_on and item.untrue_on <= as_of:
        item.untrue_on = None  # a later report found true lifts the mark
    item.version = F("version") + 1
    item.save(update_fields=["untrue_on", "version"])
    item_event_record(
        item=item,
        actor=actor,
        kind=EventKind.REPORT_VERIFIED,
        note=f"{verification.get_method_display()}：{verification.get_verdict_display()}。{verification.note}".rstrip(
            "。"
        )
        + "。",
        data={"report": report.pk, "verdict": verdict, "method": method},
    )
    if verdict == Verdict.UNTRUE:
        recipients = notifications.unit_people(report.unit_id, Role.UNIT_HEAD) + notifications.leader_users(
            item.patron_leader
        )
        notifications.notify(
            recipients,
            item=item,
            title=f"核实不属实：{item.title}",
            body=f"督查办{verification.get_method_display()}发现{report.period_label}进度报告不属实：{verification.note}",
            actor=actor,
        )
    _recolour([item], as_of)
    return verification


# ---------------------------------------------------------------------------------------------
# Leader instructions and supervision actions


@transaction.atomic
def instruction_give(*, actor: User, item: Item, text: str, as_of: date) -> Instruction:
    ensure(rules.can_instruct(actor, item), "只有本县领导可以批示。")
    leader = Leader.objects.filter(person__user=actor, region_id=item.region_id).first()
    if leader is None:
        raise NotAllowed("你的账号没有对应的领导信息，请联系管理员。")
    ensure(text.strip(), "请填写批示内容。", ServiceError)
    instruction = Instruction.objects.create(
        item=item, leader=leader, text=text.strip(), given_on=as_of, author=actor
    )
    item_event_record(
        item=item,
        actor=actor,
        kind=EventKind.INSTRUCTED,
        note=text.strip(),
        data={"instruction": instruction.pk},
    )
    notifications.notify(
        notifications.unit_people(item.lead_unit_id),
        item=item,
        title=f"{leader.name}批示：{item.title}",
        body=text.strip(),
        actor=actor,
    )
    notifications.notify_unit_group(
        item.lead_unit, title=f"{leader.name}对“{item.title}”作出批示", text=text.strip()
    )
    return instruction


@transaction.atomic
def instruction_acknowledge(*, actor: User, instruction: Instruction) -> Instruction:
    instruction = (
        Instruction.objects.select_for_update(of=("self",)).select_related("item").get(pk=instruction.pk)
    )
    ensure(rules.can_acknowledge_instruction(actor, instruction.item), "只有牵头单位可以确认阅知批示。")
    if instruction.acknowledged_at is None:
        instruction.acknowledged_by = actor
        instruction.acknowledged_at = clock.now()
        instruction.save(update_fields=["acknowledged_by", "acknowledged_at"])
        item_event_record(
            item=instruction.item,
            actor=actor,
            kind=EventKind.INSTRUCTION_ACKNOWLEDGED,
            note=instruction.text[:100],
        )
    return instruction


@transaction.atomic
def supervision_action_record(
    *,
    actor: User,
    region: Region,
    kind: str,
    title: str,
    held_on: date,
    items: Sequence[Item] = (),
    units: Sequence[Unit] = (),
    findings: str = "",
    demands: str = "",
    respond_by: date | None = None,
) -> SupervisionAction:
    ensure(rules.can_record_supervision(actor, region.pk), "只有督查办可以记录督办。")
    for item in items:
        ensure(item.region_id == region.pk, f"{item.code}不是{region.name}的事项。", ServiceError)
    for unit in units:
        ensure(unit.region_id == region.pk, f"{unit}不是{region.name}的单位。", ServiceError)
    action = SupervisionAction(
        region=region,
        kind=kind,
        title=title.strip(),
        held_on=held_on,
        findings=findings.strip(),
        demands=demands.strip(),
        respond_by=respond_by,
        created_by=actor,
    )
    try:
        action.full_clean(exclude=["region", "created_by"])
    except ValidationError as error:
        raise ServiceError(_validation_message(error)) from error
    action.save()
    action.items.set(items)
    involved = set(units) | {item.lead_unit for item in items if item.lead_unit}
    action.units.set(involved)
    for item in items:
        item_event_record(
            item=item,
            actor=actor,
            kind=EventKind.SUPERVISED,
            note=f"{action.get_kind_display()}：{action.title}",
            data={"action": action.pk},
        )
    body = "；".join(part for part in (action.findings, action.demands) if part)
    for unit in involved:
        notifications.notify(
            notifications.unit_people(unit.pk),
            item=None,
            title=f"{action.get_kind_display()}：{action.title}",
            body=body,
            actor=actor,
        )
    return action


@transaction.atomic
def supervision_action_open_item(
    *, actor: User, action: SupervisionAction, data: ItemInput, assign: bool, as_of: date
) -> Item:
    """Open a rectification item (问题整改) for a problem the supervision found."""
    data.kind = Kind.RECTIFICATION
    data.source = Source.INSPECTION
    item = item_create(actor=actor, region=action.region, data=data, origin_action=action)
    action.items.add(item)
    if assign:
        item = item_take(actor=actor, item=item, action=Action.ASSIGN, as_of=as_of)
    return item


def notifications_mark_read(*, user: User, ids: Sequence[int] | None = None) -> int:
    unread = user.notifications.filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=clock.now())


@transaction.atomic
def items_import(
    *, actor: User | None, region: Region, rows: Sequence[ItemInput], assign: bool, as_of: date
) -> list[Item]:
    """Create many items at once (a sheet read by excel.read_sheet), in bulk, events included.

    All or nothing: one bad row refuses the whole import.
    """
    ensure(actor is None or rules.can_create_item(actor, region.pk), "只有督查办可以导入事项。")
    taken = set(Item.objects.filter(region=region).values_list("code", flat=True))
    next_number: dict[int, int] = {}
    items = []
    for index, row in enumerate(rows, start=1):
        _check_belongs(region, row)
        if assign:
            ensure(
                row.lead_unit and row.deadline,
                f"第{index}个事项缺少牵头单位或完成时限，不能交办。",
                ServiceError,
            )
        item = Item(
            region=region,
            created_by=actor,
            status=Status.ASSIGNED if assign else Status.DRAFT,
            assigned_on=as_of if assign else None,
        )
        for name in ITEM_FIELDS:
            setattr(item, name, getattr(row, name))
        code = row.code.strip()
        if not code:
            if row.year not in next_number:
                next_number[row.year] = int(item_next_code(region=region, year=row.year).rsplit("-", 1)[1])
            while f"DB-{row.year}-{next_number[row.year]:04d}" in taken:
                next_number[row.year] += 1
            code = f"DB-{row.year}-{next_number[row.year]:04d}"
        ensure(code not in taken, f"编号 {code} 已被使用。", ServiceError)
        taken.add(code)
        item.code = code
        try:
            item.full_clean(exclude=["created_by"], validate_unique=False)
        except ValidationError as error:
            raise ServiceError(f"第{index}个事项（{row.title}）：{_validation_message(error)}") from error
        items.append(item)
    Item.objects.bulk_create(items)
    Support = Item.support_units.through
    Support.objects.bulk_create(
        [
            Support(item=item, unit=unit)
            for item, row in zip(items, rows, strict=True)
            for unit in row.support_units
        ]
    )
    Milestone.objects.bulk_create(
        [
            Milestone(item=item, name=m.name, due=m.due, done_on=m.done_on, sort_order=order)
            for item, row in zip(items, rows, strict=True)
            for order, m in enumerate(row.milestones, start=1)
        ]
    )
    now = clock.now()
    events = [
        ItemEvent(item=item, actor=actor, kind=EventKind.IMPORTED, to_status=Status.DRAFT, at=now)
        for item in items
    ]
    if assign:
        events += [
            ItemEvent(
                item=item,
                actor=actor,
                kind=EventKind.ASSIGNED,
                from_status=Status.DRAFT,
                to_status=Status.ASSIGNED,
                at=now,
            )
            for item in items
        ]
    ItemEvent.objects.bulk_create(events)
    if assign:
        by_unit: dict[int, list[Item]] = {}
        for item in items:
            by_unit.setdefault(item.lead_unit_id, []).append(item)  # type: ignore[arg-type]
        for unit_items in by_unit.values():
            unit = unit_items[0].lead_unit
            titles = "；".join(i.title for i in unit_items[:10]) + ("等" if len(unit_items) > 10 else "")
            notifications.notify(
                notifications.unit_people(unit.pk if unit else None),
                item=None,
                title=f"新交办事项 {len(unit_items)} 项",
                body=f"{titles}。请单位负责人逐项签收。",
                actor=actor,
            )
            notifications.notify_unit_group(unit, title=f"新交办事项 {len(unit_items)} 项", text=titles)
        _recolour(items, as_of)
    return items
