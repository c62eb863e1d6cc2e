"""Writes of bulletins: draft from the data, refresh a draft, edit its text, publish it.

Publishing gives the bulletin the next number of its region's year and stores what it is (the Word
file and the web page); nothing it shows is read from the data again. The recipients hear of it
after the commit: in the app and by email, and each unit's group robots.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string

from luoshi.bulletins import drafting, pdf, word
from luoshi.bulletins.document import document_for
from luoshi.bulletins.models import Bulletin, BulletinSettings, BulletinStatus, PeriodKind
from luoshi.bulletins.periods import Period
from luoshi.bulletins.rules import can_manage
from luoshi.bulletins.selectors import settings_for
from luoshi.core import clock
from luoshi.items.services import Conflict, ServiceError, ensure
from luoshi.notifications.delivery import notify, notify_unit_group
from luoshi.org.models import Membership, Region, Role, Unit, User

NOT_OFFICE = "只有本县督查办可以起草、修改和印发督查通报。"
PUBLISHED = "这份通报已经印发，不能再修改。"
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
    topic: str = "",
) -> Bulletin:
    """A draft for `region`'s `period`, drafted from the data as of `as_of`. `actor` None: the job."""
    ensure(actor is None or can_manage(actor, region.pk), NOT_OFFICE)
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
    title: str,
    recipients: str,
    copies_to: str,
    sections: dict[str, str],
) -> Bulletin:
    """The office's text: the title, 主送, 抄送 and each section's paragraphs (plain text only)."""
    bulletin = _editable(actor, bulletin)
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


def next_number_for(bulletin: Bulletin) -> int:
    """The number publishing would give now (the confirmation page shows it)."""
    return _next_number(bulletin)


def standalone_html(bulletin: Bulletin, document: str) -> str:
    """The web page as a file of its own, with its style inside it."""
    return render_to_string("bulletins/standalone.html", {"bulletin": bulletin, "document": document})


def _next_number(bulletin: Bulletin) -> int:
    used = Bulletin.objects.filter(region_id=bulletin.region_id, year=bulletin.year).aggregate(
        n=Max("number")
    )["n"]
    return (used or 0) + 1


@transaction.atomic
def bulletin_publish(*, actor: User, bulletin: Bulletin, on: date) -> Bulletin:
    """Number the bulletin (the next of its region's year), store its files, and tell its readers.

    The region's settings row is locked first, so two offices publishing at once on PostgreSQL take
    turns; the unique number per region and year is the last line (SQLite takes writers one at a
    time), and a collision takes the next number."""
    bulletin = _editable(actor, bulletin)
    setup = BulletinSettings.objects.filter(region_id=bulletin.region_id).select_for_update().first()
    del setup  # held for the transaction: it serialises the numbering of the region
    bulletin.status = BulletinStatus.PUBLISHED
    bulletin.published_on = on
    bulletin.published_by = actor
    bulletin.updated_at = clock.now()
    for _attempt in range(NUMBER_ATTEMPTS):
        bulletin.number = _next_number(bulletin)
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


@transaction.atomic
def bulletin_pdf(*, bulletin: Bulletin) -> bytes:
    """The PDF of a published bulletin, made from its stored Word file once and kept; of a draft,
    made afresh each time. pdf.PdfUnavailable where LibreOffice is not installed."""
    if not bulletin.is_published:
        return pdf.docx_to_pdf(render_docx(bulletin))
    if bulletin.pdf:
        return stored(bulletin.pdf)
    made = pdf.docx_to_pdf(stored(bulletin.docx))
    Bulletin.objects.filter(pk=bulletin.pk, pdf__isnull=True).update(pdf=made)
    return stored(Bulletin.objects.values_list("pdf", flat=True).get(pk=bulletin.pk))


def stored(value: bytes | memoryview | None) -> bytes:
    """A stored file's bytes (PostgreSQL hands a binary column back as a memoryview)."""
    return bytes(value or b"")
