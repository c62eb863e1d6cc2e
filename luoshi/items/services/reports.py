"""Progress reports (进度反馈), their evidence (佐证材料), approval and verification (核实)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F

from luoshi.core import clock
from luoshi.core.selectors import work_calendar
from luoshi.items import rules
from luoshi.items.evidence import detect, thumbnail
from luoshi.items.hooks import Audience, ReportSubmitted, notice_publish, report_submitted
from luoshi.items.models import (
    Confidence,
    EventKind,
    Evidence,
    Item,
    Measure,
    ProgressReport,
    ReportStatus,
    Status,
    StoredEvidence,
    Verdict,
    Verification,
)
from luoshi.items.schedule import Cycle, period_containing
from luoshi.items.services.base import (
    NotAllowed,
    ServiceError,
    _credible_report,
    _latest_report,
    _recolour,
    _validation_message,
    ensure,
    item_event_record,
)
from luoshi.org.models import Role, Unit, User

E = TypeVar("E", bound=StoredEvidence)


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
    unit: Unit | None = None,
) -> ProgressReport:
    """A unit reports progress for a period, with evidence. A report never changes afterwards:
    `supersedes` makes this report a corrected version of an earlier one. `unit`: the supervision
    office enters that unit's figures (代报); the report is the unit's, submitted at once."""
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
    elif unit is not None:
        ensure(rules.can_report_for(actor, item), cannot_report_reason(item, for_unit=True))
        ensure(
            unit.pk == item.lead_unit_id or unit in item.support_units.all(),
            f"{unit}不是这个事项的牵头或配合单位。",
            ServiceError,
        )
        start, end, due = item_period(item, data.period_start)
    else:
        ensure(rules.can_report(actor, item), cannot_report_reason(item))
        unit = _reporting_unit(actor, item)
        start, end, due = item_period(item, data.period_start)
    _ensure_not_reported(item=item, unit=unit, period_start=start, supersedes=supersedes)
    _check_measure(item, data)
    entered_by_office = supersedes is None and not rules.works_in(actor, unit.pk)
    needs_approval = (
        unit.reports_need_approval
        and not entered_by_office
        and not rules.works_in(actor, unit.pk, Role.UNIT_HEAD)
    )
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
        notice_publish(
            Audience(unit_id=unit.pk, roles=(Role.UNIT_HEAD,)),
            title=f"待审核进度：{item.title}",
            body=f"{actor}填报了{report.period_label}进度，请审核后报送督查办。",
            item_id=item.pk,
            actor_id=actor.pk,
        )
    else:
        _after_submission(item=item, actor=actor)
        _recolour([item], as_of)
        _submitted_on_commit(report)
    return report


def _submitted_on_commit(report: ProgressReport) -> None:
    """The report reached the office: the layers above hear of it once the change has committed."""
    at = report.submitted_at or clock.now()
    report_submitted.send_on_commit(ReportSubmitted(report_id=report.pk, at=at))


def _ensure_not_reported(
    *, item: Item, unit: Unit, period_start: date, supersedes: ProgressReport | None
) -> None:
    """A unit has one current report per period; another one is a correction of it. Asked under
    the item's lock, so that two people reporting at the same moment do not both get through
    (the database's items_report_one_version is the last line)."""
    others = ProgressReport.objects.filter(
        item=item, unit=unit, period_start=period_start, superseded_by__isnull=True
    ).exclude(status=ReportStatus.REJECTED)
    if supersedes is not None:
        others = others.exclude(pk=supersedes.pk)
    existing = others.select_related("author").order_by("-version").first()
    if existing is None:
        return
    existing.item = item
    if existing.status == ReportStatus.PENDING_APPROVAL:
        how = f"已由{existing.author}填报，正等待单位负责人审核"
    else:
        how = f"已由{existing.author}报送"
    raise ServiceError(
        f"{unit}{existing.period_label}进度{how}，不能重复报送；如需修改，请在该报告上点“更正”。"
    )


def cannot_report_reason(item: Item, *, for_unit: bool = False) -> str:
    if item.status not in rules.REPORTABLE_STATUSES:
        if item.status == Status.ASSIGNED:
            return "事项还未签收：请单位负责人先签收，再报送进度。"
        return f"事项当前状态为“{item.get_status_display()}”，不需要报送进度。"
    if for_unit:
        return f"只有{item.region.name}督查办可以代单位报送进度。"
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
    """Keep the item's progress: the figure and confidence of the newest current report the office
    has not found untrue; the time of the newest report, whatever its verdict."""
    latest = _latest_report(item)
    credible = latest if latest is None or _is_credible(latest) else _credible_report(item)
    milestones = list(item.milestones.all())
    percent: Decimal | None = None
    value: Decimal | None = None
    if item.measure == Measure.MILESTONES and milestones:
        percent = Decimal(100) * sum(1 for m in milestones if m.done_on) / len(milestones)
    elif credible is not None:
        value = credible.value
        if item.measure == Measure.VALUE and credible.value is not None and item.target_value:
            percent = min(Decimal(100), Decimal(100) * credible.value / item.target_value)
        else:
            percent = credible.percent
    if item.measure == Measure.DONE and item.status in {Status.COMPLETED, Status.CLOSED}:
        percent = Decimal(100)
    Item.objects.filter(pk=item.pk).update(
        progress_percent=percent.quantize(Decimal("0.01")) if percent is not None else None,
        progress_value=value,
        confidence=credible.confidence if credible else "",
        last_reported_at=latest.submitted_at if latest else None,
        report_to_verify=latest if latest is not None and not _is_verified(latest) else None,
    )


def _is_verified(report: ProgressReport) -> bool:
    return getattr(report, "verification", None) is not None


def _is_credible(report: ProgressReport) -> bool:
    verification = getattr(report, "verification", None)
    return verification is None or verification.verdict != Verdict.UNTRUE


def latest_report_found_untrue(reports: Iterable[ProgressReport]) -> ProgressReport | None:
    """The item's newest current report, when the office found it untrue: its page says so beside
    the progress, which then comes from an earlier report. `reports` newest first, as
    selectors.item_reports gives them (with their verification: no query here)."""
    latest = next((r for r in reports if r.status == ReportStatus.SUBMITTED and r.is_current), None)
    return latest if latest is not None and not _is_credible(latest) else None


def _mark_milestones(*, actor: User, item: Item, ids: Sequence[int], as_of: date) -> None:
    for milestone in item.milestones.filter(pk__in=list(ids), done_on__isnull=True):
        milestone.done_on = as_of
        milestone.save(update_fields=["done_on"])
        item_event_record(item=item, actor=actor, kind=EventKind.MILESTONE_DONE, note=milestone.name)


def evidence_max_bytes() -> int:
    return int(settings.LUOSHI_EVIDENCE_MAX_MB) * 1024 * 1024


def evidence_store(evidence: E, *, actor: User, upload: UploadedFile) -> E:
    """Check one uploaded file by its content and store it in `evidence` (any StoredEvidence, its
    owner set), under a random name, with a thumbnail for images; saves it."""
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
    evidence.original_name = name[:200]
    evidence.content_type = kind.content_type
    evidence.kind_label = kind.label
    evidence.size = upload.size or 0
    evidence.sha256 = digest.hexdigest()
    evidence.uploaded_by = actor
    evidence.file.save(f"evidence{kind.extension}", upload, save=False)
    if kind.is_image:
        small = thumbnail(content)
        if small:
            evidence.thumbnail.save("thumb.jpg", ContentFile(small), save=False)
    # Files are validated before they are stored; should the transaction still roll back, the
    # stored file has no row pointing at it and is never served.
    evidence.save()
    return evidence


def evidence_attach(*, actor: User, report: ProgressReport, upload: UploadedFile) -> Evidence:
    """Store one evidence file of a report."""
    return evidence_store(Evidence(report=report), actor=actor, upload=upload)


def _lock_item_and_report(report: ProgressReport, *related: str) -> tuple[Item, ProgressReport]:
    """Lock the report's item, then the report: every service that locks both takes them in this
    order (report_submit too), so that two of them never wait for each other."""
    item = Item.objects.select_for_update(of=("self",)).select_related(*related).get(pk=report.item_id)
    report = ProgressReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    report.item = item
    return item, report


@transaction.atomic
def report_approve(*, actor: User, report: ProgressReport, as_of: date) -> ProgressReport:
    item, report = _lock_item_and_report(report)
    ensure(rules.can_approve_report(actor, report), "只有报送单位的负责人可以审核这份报告。")
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = clock.now()
    report.is_late = as_of > report.due_on
    report.approved_by = actor
    report.save(update_fields=["status", "submitted_at", "is_late", "approved_by"])
    item_event_record(
        item=item,
        actor=actor,
        kind=EventKind.REPORT_APPROVED,
        note=f"审核通过{report.period_label}进度，报送督查办" + ("（逾期）" if report.is_late else ""),
        data={"report": report.pk},
    )
    _after_submission(item=item, actor=actor)
    _recolour([item], as_of)
    _submitted_on_commit(report)
    return report


@transaction.atomic
def report_reject(*, actor: User, report: ProgressReport, reason: str) -> ProgressReport:
    _, report = _lock_item_and_report(report)
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
    notice_publish(
        Audience(user_ids=(report.author_id,)),
        title=f"进度报告被退回：{report.item.title}",
        body=reason.strip(),
        item_id=report.item_id,
        actor_id=actor.pk,
    )
    return report


@transaction.atomic
def report_verify(
    *, actor: User, report: ProgressReport, method: str, verdict: str, note: str, as_of: date
) -> Verification:
    item, report = _lock_item_and_report(report, "patron_leader")
    if not rules.can_verify(actor, report):
        raise NotAllowed(rules.cannot_verify_reason(actor, report))
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
        notice_publish(
            Audience(unit_id=report.unit_id, roles=(Role.UNIT_HEAD,)),
            Audience(leader_id=item.patron_leader_id),
            title=f"核实不属实：{item.title}",
            body=f"督查办{verification.get_method_display()}发现{report.period_label}进度报告不属实：{verification.note}",
            item_id=item.pk,
            actor_id=actor.pk,
        )
    _refresh_progress(item)
    _recolour([item], as_of)
    return verification
