"""Writes of bulletins: draft from the data, refresh a draft, edit its text, publish it; and of
meeting packs: prepare one from the data, refresh it, finalise it, enter the meeting's decisions and
assign them as items (会议交办).

Publishing gives the bulletin the next number of its region's year and stores what it is (the Word
file and the web page); nothing it shows is read from the data again. The recipients hear of it
after the commit: in the app and by email, and each unit's group robots.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string

from luoshi.bulletins import drafting, pack, pdf, periods, word
from luoshi.bulletins.document import document_for
from luoshi.bulletins.hooks import BulletinPublished, bulletin_published
from luoshi.bulletins.models import (
    Bulletin,
    BulletinSettings,
    BulletinStatus,
    Decision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    PeriodKind,
)
from luoshi.bulletins.periods import Period, day_label
from luoshi.bulletins.rules import can_manage
from luoshi.bulletins.selectors import settings_for
from luoshi.core import clock
from luoshi.items.models import Kind, Source
from luoshi.items.services import Conflict, ItemInput, ServiceError, ensure, item_create, item_take
from luoshi.items.workflow import Action
from luoshi.notifications.delivery import notify, notify_unit_group
from luoshi.org.models import Leader, Membership, Region, Role, Unit, User

NOT_OFFICE = "只有本县督查办可以起草、修改和印发督查通报。"
PUBLISHED = "这份通报已经印发，不能再修改。"
STALE = "这份通报已被他人修改，您的修改没有保存。请复制您的文字，刷新页面查看最新正文后再改。"
MAX_PARAGRAPHS = 60
MAX_PARAGRAPH_CHARS = 2000
NUMBER_ATTEMPTS = 5


@transaction.atomic
def bulletin_draft(
    *,
    actor: User | None,
    region: Region,
    period: Period,
    as_of: date,
    today: date,
    topic: str = "",
) -> Bulletin:
    """A draft for `region`'s `period`, drafted from the data as of `as_of` on `today`. `actor` None:
    the job. Its year is the as-of day's until it is published (then the year of publication)."""
    ensure(actor is None or can_manage(actor, region.pk), NOT_OFFICE)
    try:
        periods.check(period, as_of=as_of, today=today)
    except periods.PeriodError as error:
        raise ServiceError(str(error)) from error
    ensure(period.kind != PeriodKind.SPECIAL or topic.strip(), "专项督查的通报要写明督查主题。")
    setup = settings_for(region)
    data = drafting.gather(region=region, period=period, as_of=as_of)
    bulletin = Bulletin(
        region=region,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        as_of=as_of,
        topic=topic.strip(),
        title=drafting.title_for(
            issuer=setup.issuer, period_label=period.label, kind=period.kind, topic=topic
        ),
        recipients=setup.recipients,
        copies_to=setup.copies_to,
        issuer=setup.issuer,
        printer=setup.printer,
        number_prefix=setup.number_prefix,
        data=data,
        sections=drafting.draft_sections(data, topic=topic.strip()),
        year=as_of.year,
        created_by=actor,
    )
    bulletin.full_clean()
    bulletin.save()
    return bulletin


def _editable(actor: User, bulletin: Bulletin) -> Bulletin:
    """The bulletin locked for a change, refused when the actor may not or it is published."""
    ensure(can_manage(actor, bulletin.region_id), NOT_OFFICE)
    locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    ensure(not locked.is_published, PUBLISHED, Conflict)
    return locked


@transaction.atomic
def bulletin_refresh(*, actor: User, bulletin: Bulletin, as_of: date, redraft_text: bool = False) -> Bulletin:
    """Read the data again as of `as_of` (a draft only); the text is drafted again when asked."""
    bulletin = _editable(actor, bulletin)
    period = Period(PeriodKind(bulletin.period_kind), bulletin.period_start, bulletin.period_end)
    bulletin.data = drafting.gather(region=bulletin.region, period=period, as_of=as_of)
    bulletin.as_of = as_of
    if redraft_text:
        bulletin.sections = drafting.draft_sections(bulletin.data, topic=bulletin.topic)
    bulletin.updated_at = clock.now()
    bulletin.version += 1
    bulletin.save()
    return bulletin


def clean_text(text: str) -> str:
    """Plain text: control characters and markup-free (the outputs escape it), spaces tidied."""
    kept = "".join(ch for ch in text if ch in "\t" or unicodedata.category(ch)[0] != "C")
    return " ".join(kept.split())


def clean_paragraphs(text: str) -> list[str]:
    """A section as the editor sends it (one paragraph a line) as paragraphs of plain text."""
    paragraphs = [clean_text(line) for line in text.splitlines()]
    paragraphs = [p for p in paragraphs if p]
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise ServiceError(f"一节最多{MAX_PARAGRAPHS}段。")
    if any(len(p) > MAX_PARAGRAPH_CHARS for p in paragraphs):
        raise ServiceError(f"每段最多{MAX_PARAGRAPH_CHARS}字。")
    return paragraphs


@transaction.atomic
def bulletin_edit(
    *,
    actor: User,
    bulletin: Bulletin,
    version: int,
    title: str,
    recipients: str,
    copies_to: str,
    sections: dict[str, str],
) -> Bulletin:
    """The office's text: the title, 主送, 抄送 and each section's paragraphs (plain text only), as
    edited on `version`; Conflict when it changed since (another user saved, or the data was read
    again)."""
    bulletin = _editable(actor, bulletin)
    ensure(bulletin.version == version, STALE, Conflict)
    bulletin.title = clean_text(title)
    bulletin.recipients = clean_text(recipients).rstrip("：:")
    bulletin.copies_to = clean_text(copies_to).rstrip("。")
    ensure(bulletin.title, "标题不能为空。", ServiceError)
    ensure(bulletin.recipients, "主送不能为空。", ServiceError)
    bulletin.sections = {key: clean_paragraphs(sections.get(key, "")) for key, _label in drafting.SECTIONS}
    ensure(
        any(p.endswith("通报如下：") for p in bulletin.sections["opening"]),
        "开头应以“现将有关情况通报如下：”结尾。",
        ServiceError,
    )
    bulletin.updated_at = clock.now()
    bulletin.version += 1
    bulletin.full_clean()
    bulletin.save()
    return bulletin


def render_html(bulletin: Bulletin) -> str:
    """The bulletin as the web page shows it (the document alone, without the site around it)."""
    return render_to_string(
        "bulletins/_document.html", {"doc": document_for(bulletin, signed_on=clock.today())}
    )


def render_docx(bulletin: Bulletin) -> bytes:
    return word.write(document_for(bulletin, signed_on=clock.today()))


def next_number_label(bulletin: Bulletin, *, on: date) -> str:
    """The number publishing on `on` would give (the confirmation page shows it): 柞政督〔2023〕5号."""
    return f"{bulletin.number_prefix}〔{on.year}〕{_next_number(bulletin, year=on.year)}号"


def standalone_html(bulletin: Bulletin, document: str) -> str:
    """The web page as a file of its own, with its style inside it."""
    return render_to_string("bulletins/standalone.html", {"bulletin": bulletin, "document": document})


def _next_number(bulletin: Bulletin, *, year: int) -> int:
    used = Bulletin.objects.filter(region_id=bulletin.region_id, year=year).aggregate(n=Max("number"))["n"]
    return (used or 0) + 1


@transaction.atomic
def bulletin_publish(*, actor: User, bulletin: Bulletin, on: date) -> Bulletin:
    """Number the bulletin (the next of its region's year of publication, `on`'s), store its files,
    and tell its readers.

    The region's settings row is locked first, so two offices publishing at once on PostgreSQL take
    turns; the unique number per region and year is the last line (SQLite takes writers one at a
    time), and a collision takes the next number."""
    bulletin = _editable(actor, bulletin)
    setup = BulletinSettings.objects.filter(region_id=bulletin.region_id).select_for_update().first()
    del setup  # held for the transaction: it serialises the numbering of the region
    bulletin.status = BulletinStatus.PUBLISHED
    bulletin.published_on = on
    bulletin.year = on.year
    bulletin.published_by = actor
    bulletin.updated_at = clock.now()
    bulletin.version += 1
    for _attempt in range(NUMBER_ATTEMPTS):
        bulletin.number = _next_number(bulletin, year=bulletin.year)
        try:
            with transaction.atomic():
                bulletin.save()
            break
        except IntegrityError:
            continue
    else:
        raise Conflict("文号分配冲突，请稍后再试。")
    bulletin.html = render_html(bulletin)
    bulletin.docx = render_docx(bulletin)
    bulletin.save(update_fields=["html", "docx"])
    transaction.on_commit(partial(bulletin_published_notify, bulletin.pk, actor.pk))
    bulletin_published.send_on_commit(BulletinPublished(bulletin_id=bulletin.pk, at=bulletin.updated_at))
    return bulletin


def readers_of(region_id: int) -> list[User]:
    """Who is told of a published bulletin: the region's leaders, supervision office and unit heads."""
    roles = [Role.LEADER, Role.SUPERVISOR, Role.UNIT_HEAD]
    members = Membership.objects.filter(unit__region_id=region_id, role__in=roles, user__is_active=True)
    return list(User.objects.filter(pk__in=members.values("user_id")))


def bulletin_published_notify(bulletin_id: int, actor_id: int | None = None) -> None:
    bulletin = Bulletin.objects.defer("docx", "pdf", "html").get(pk=bulletin_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    title = f"印发督查通报：{bulletin.number_label}"
    body = f"{bulletin.title}（{bulletin.number_label}）已印发，请登录系统查看：/bulletins/{bulletin.pk}/"
    with transaction.atomic():
        notify(readers_of(bulletin.region_id), item=None, title=title, body=body, actor=actor)
        for unit in Unit.objects.filter(region_id=bulletin.region_id, is_active=True).exclude(
            wecom_webhook="", dingtalk_webhook=""
        ):
            notify_unit_group(unit, title=title, text=body)


def bulletin_pdf(*, bulletin: Bulletin) -> bytes:
    """The PDF of a published bulletin, made from its stored Word file once and kept; of a draft,
    made afresh each time and not kept. pdf.PdfUnavailable where LibreOffice is not installed or too
    many conversions are under way.

    LibreOffice runs outside any transaction: SQLite takes its write lock at the start of one, and a
    conversion takes seconds. The published bulletin's PDF is stored in a short transaction of its
    own, only where none is stored yet: of two first downloads at once, the first stored stays."""
    if not bulletin.is_published:
        return pdf.docx_to_pdf(render_docx(bulletin))
    kept = Bulletin.objects.filter(pk=bulletin.pk).values_list("pdf", flat=True).first()
    if kept:
        return stored(kept)
    made = pdf.docx_to_pdf(stored(bulletin.docx))
    with transaction.atomic():
        Bulletin.objects.filter(pk=bulletin.pk, pdf__isnull=True).update(pdf=made)
        return stored(Bulletin.objects.values_list("pdf", flat=True).get(pk=bulletin.pk))


def stored(value: bytes | memoryview | None) -> bytes:
    """A stored file's bytes (PostgreSQL hands a binary column back as a memoryview)."""
    return bytes(value or b"")


# ---------------------------------------------------------------------------------------------
# Meeting packs (调度会材料) and their decisions (会议交办)

NOT_MEETING_OFFICE = "只有本县督查办可以准备会议材料、录入和交办会议议定事项。"
FINAL = "会议材料已经定稿，不能再更新。"


def meeting_title(*, region: Region, kind: str, held_on: date) -> str:
    """柞水县2023年7月重点工作调度会."""
    return f"{region.name}{held_on.year}年{held_on.month}月重点工作{MeetingKind(kind).label}"


@transaction.atomic
def meeting_create(
    *,
    actor: User | None,
    region: Region,
    kind: str,
    held_on: date,
    as_of: date,
    leaders: Sequence[Leader],
    title: str = "",
) -> Meeting:
    """A meeting of `region` and its pack, read from the data as of `as_of`. `actor` None: the demo."""
    ensure(actor is None or can_manage(actor, region.pk), NOT_MEETING_OFFICE)
    ensure(leaders, "请选择出席会议的领导。", ServiceError)
    ensure(
        all(leader.region_id == region.pk for leader in leaders), "出席领导必须是本县的领导。", ServiceError
    )
    ensure(as_of <= held_on, "数据截至日期不能晚于会议日期。", ServiceError)
    meeting = Meeting(
        region=region,
        kind=kind,
        held_on=held_on,
        as_of=as_of,
        title=clean_text(title) or meeting_title(region=region, kind=kind, held_on=held_on),
        created_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    meeting.leaders.set(leaders)
    meeting.data = pack.gather(meeting=meeting)
    meeting.save(update_fields=["data"])
    return meeting


def _meeting_editable(actor: User, meeting: Meeting) -> Meeting:
    ensure(can_manage(actor, meeting.region_id), NOT_MEETING_OFFICE)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    ensure(not locked.is_final, FINAL, Conflict)
    return locked


@transaction.atomic
def meeting_refresh(*, actor: User, meeting: Meeting) -> Meeting:
    """Read the pack's data again (as of the same day), before it is finalised."""
    meeting = _meeting_editable(actor, meeting)
    meeting.data = pack.gather(meeting=meeting)
    meeting.updated_at = clock.now()
    meeting.save(update_fields=["data", "updated_at"])
    return meeting


@transaction.atomic
def meeting_finalise(*, actor: User, meeting: Meeting, on: date) -> Meeting:
    """Freeze the pack as it reads now: its data and its Word file never change after."""
    meeting = _meeting_editable(actor, meeting)
    meeting.status = MeetingStatus.FINAL
    meeting.finalised_on = on
    meeting.finalised_by = actor
    meeting.updated_at = clock.now()
    meeting.docx = render_pack_docx(meeting)
    meeting.full_clean()
    meeting.save()
    return meeting


def pack_document_of(meeting: Meeting) -> pack.PackDocument:
    return pack.pack_document(meeting, issuer=settings_for(meeting.region).issuer)


def render_pack_docx(meeting: Meeting) -> bytes:
    return word.write_pack(pack_document_of(meeting))


def meeting_docx(meeting: Meeting) -> bytes:
    """The Word file: as stored when the pack was finalised, else made from the pack's data now."""
    return stored(meeting.docx) if meeting.is_final else render_pack_docx(meeting)


@dataclass
class DecisionInput:
    text: str
    lead_unit: Unit
    deadline: date
    detail: str = ""
    patron_leader: Leader | None = None
    support_units: Sequence[Unit] = field(default_factory=list)


@transaction.atomic
def decision_add(*, actor: User, meeting: Meeting, data: DecisionInput) -> Decision:
    """A decision taken at the meeting, entered against its pack (not yet an item: 交办 makes it one)."""
    ensure(can_manage(actor, meeting.region_id), NOT_MEETING_OFFICE)
    text = clean_text(data.text)
    ensure(text, "议定事项不能为空。", ServiceError)
    region_id = meeting.region_id
    ensure(data.lead_unit.region_id == region_id, f"{data.lead_unit}不是本县的单位。", ServiceError)
    for unit in data.support_units:
        ensure(unit.region_id == region_id, f"{unit}不是本县的单位。", ServiceError)
    ensure(data.lead_unit not in data.support_units, "牵头单位不能同时作为配合单位。", ServiceError)
    ensure(
        data.patron_leader is None or data.patron_leader.region_id == region_id,
        "包抓领导必须是本县的领导。",
        ServiceError,
    )
    ensure(
        data.deadline >= meeting.held_on,
        f"完成时限不能早于会议日期（{day_label(meeting.held_on)}）。",
        ServiceError,
    )
    decision = Decision(
        meeting=meeting,
        text=text,
        detail=data.detail.strip(),
        lead_unit=data.lead_unit,
        patron_leader=data.patron_leader,
        deadline=data.deadline,
        created_by=actor,
    )
    decision.full_clean()
    decision.save()
    decision.support_units.set(data.support_units)
    return decision


@transaction.atomic
def decision_assign(*, actor: User, decision: Decision, as_of: date) -> Decision:
    """交办: the decision becomes an item of its region (source 会议交办), assigned to its lead unit,
    and points to it (the item's timeline says which meeting assigned it)."""
    meeting = decision.meeting
    ensure(can_manage(actor, meeting.region_id), NOT_MEETING_OFFICE)
    decision = (
        Decision.objects.select_for_update(of=("self",)).select_related("meeting__region").get(pk=decision.pk)
    )
    ensure(decision.item_id is None, f"“{decision.text}”已经交办。", Conflict)
    meeting = decision.meeting
    detail = f"{day_label(meeting.held_on)}{meeting.title}议定。" + (
        f"\n{decision.detail}" if decision.detail else ""
    )
    item = item_create(
        actor=actor,
        region=meeting.region,
        data=ItemInput(
            title=decision.text,
            year=meeting.held_on.year,
            kind=Kind.TASK,
            source=Source.MEETING,
            description=detail,
            patron_leader=decision.patron_leader,
            lead_unit=decision.lead_unit,
            support_units=list(decision.support_units.all()),
            planned_start=meeting.held_on,
            deadline=decision.deadline,
        ),
    )
    item = item_take(
        actor=actor, item=item, action=Action.ASSIGN, as_of=as_of, reason=f"{meeting.title}议定事项"
    )
    decision.item = item
    decision.save(update_fields=["item"])
    return decision


@transaction.atomic
def decisions_assign_all(*, actor: User, meeting: Meeting, as_of: date) -> list[Decision]:
    """交办 every decision of the meeting not yet assigned, all or none."""
    ensure(can_manage(actor, meeting.region_id), NOT_MEETING_OFFICE)
    waiting = list(meeting.decisions.filter(item__isnull=True).order_by("pk"))
    ensure(waiting, "没有待交办的议定事项。", ServiceError)
    return [decision_assign(actor=actor, decision=decision, as_of=as_of) for decision in waiting]
