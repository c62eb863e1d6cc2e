"""What the tester found in bulletins and meeting packs: the PDF made outside the database's write
lock, the period checked against the as-of day and today, the number's year, the Word file's language,
column widths and page breaks, a city's wording, stale edits, a second bulletin of a period, the
download's file name, and the pack's consequences and readers."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import threading
from datetime import date

import pytest
from django.db import connection
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table as DocxTable

from luoshi.alerts.models import ConsequenceAction, Proposal
from luoshi.bulletins import pack, pdf, services
from luoshi.bulletins.models import Bulletin, BulletinStatus, Meeting
from luoshi.bulletins.periods import parse
from luoshi.conftest import client_for, demo_user
from luoshi.items.models import ACTIVE_STATUSES, Item
from luoshi.items.services import Conflict, ServiceError
from luoshi.org.models import Region

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


@pytest.fixture
def demo(demo_db, db, demo_mode):
    return None


@pytest.fixture
def zhashui(demo) -> Region:
    return Region.objects.get(name="柞水县")


@pytest.fixture
def draft(zhashui) -> Bulletin:
    return Bulletin.objects.get(region=zhashui, period_start=date(2023, 7, 1), status=BulletinStatus.DRAFT)


def office():
    return demo_user("duchaban")


def docx_of(content: bytes) -> Document:
    return Document(io.BytesIO(content))


# ---------------------------------------------------------------------------------------------
# 1. The PDF is made outside any transaction; a published one is stored once


@pytest.fixture
def conversions(monkeypatch):
    """A stand-in for LibreOffice that notes how deep in transactions each conversion ran."""
    depth = len(connection.atomic_blocks)
    seen: list[int] = []

    def convert(docx: bytes) -> bytes:
        seen.append(len(connection.atomic_blocks) - depth)
        return b"%PDF-made"

    monkeypatch.setattr(pdf, "docx_to_pdf", convert)
    return seen


def test_a_drafts_pdf_is_made_outside_any_transaction_and_not_stored(draft, conversions):
    assert services.bulletin_pdf(bulletin=draft) == b"%PDF-made"
    assert conversions == [0]
    assert Bulletin.objects.get(pk=draft.pk).pdf is None


def test_a_published_pdf_is_made_outside_any_transaction_and_stored_once(draft, conversions):
    published = services.bulletin_publish(actor=office(), bulletin=draft, on=JULY)
    assert services.bulletin_pdf(bulletin=published) == b"%PDF-made"
    assert conversions == [0]
    again = Bulletin.objects.get(pk=draft.pk)
    assert services.stored(again.pdf) == b"%PDF-made"
    assert services.bulletin_pdf(bulletin=again) == b"%PDF-made"
    assert conversions == [0]  # kept, not made again


def test_of_two_first_downloads_at_once_the_first_stored_pdf_stays(draft, monkeypatch):
    published = services.bulletin_publish(actor=office(), bulletin=draft, on=JULY)

    def convert(docx: bytes) -> bytes:
        # Another request's conversion finished and stored its PDF meanwhile.
        Bulletin.objects.filter(pk=published.pk).update(pdf=b"%PDF-theirs")
        return b"%PDF-mine"

    monkeypatch.setattr(pdf, "docx_to_pdf", convert)
    assert services.bulletin_pdf(bulletin=published) == b"%PDF-theirs"
    assert services.stored(Bulletin.objects.get(pk=draft.pk).pdf) == b"%PDF-theirs"


def test_too_many_conversions_at_once_are_refused_in_words(monkeypatch):
    monkeypatch.setattr(pdf, "soffice", lambda: "/bin/false")
    monkeypatch.setattr(pdf, "SLOTS", threading.BoundedSemaphore(1))
    monkeypatch.setattr(pdf, "WAIT_SECONDS", 0.01)
    assert pdf.SLOTS.acquire(blocking=False)  # a conversion under way
    try:
        with pytest.raises(pdf.PdfUnavailable, match="稍后"):
            pdf.docx_to_pdf(b"docx")
    finally:
        pdf.SLOTS.release()


# ---------------------------------------------------------------------------------------------
# 2. Periods and the number's year


def test_a_period_after_the_as_of_day_is_refused(zhashui):
    with pytest.raises(ServiceError, match="开始"):
        services.bulletin_draft(
            actor=office(), region=zhashui, period=parse("2023-08"), as_of=JULY, today=JULY
        )
    with pytest.raises(ServiceError, match="今天"):
        services.bulletin_draft(
            actor=office(), region=zhashui, period=parse("2023-07"), as_of=date(2023, 7, 26), today=JULY
        )
    response = client_for(office()).post("/bulletins/new/", {"period": "2023-08", "as_of": "2023-07-25"})
    assert response.status_code == 200 and "开始" in response.content.decode()


def test_the_number_takes_the_year_of_publication(zhashui):
    december = services.bulletin_draft(
        actor=office(),
        region=zhashui,
        period=parse("2023-12"),
        as_of=date(2023, 12, 31),
        today=date(2024, 1, 3),
    )
    published = services.bulletin_publish(actor=office(), bulletin=december, on=date(2024, 1, 5))
    assert published.number_label == "柞政督〔2024〕1号"


# ---------------------------------------------------------------------------------------------
# 3. The Word file: Chinese (PRC), widths by content, headings and the signature kept together


def test_the_word_file_says_its_east_asian_text_is_simplified_chinese(draft):
    document = docx_of(services.render_docx(draft))
    defaults = document.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang is not None and lang.get(qn("w:eastAsia")) == "zh-CN"


def grid(table: DocxTable) -> list[int]:
    return [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def test_the_tables_columns_are_as_wide_as_their_content(draft, zhashui):
    document = docx_of(services.render_docx(draft))
    red = document.tables[0]
    assert [cell.text for cell in red.rows[0].cells] == [
        "序号",
        "事项名称",
        "牵头单位",
        "包抓领导",
        "预警原因",
    ]
    widths = grid(red)
    assert widths[0] < widths[2] < widths[1] and widths[3] < widths[4]
    assert sum(widths) == pytest.approx(156 * 56.7, rel=0.02)  # the text block, 156 mm, in twips
    assert int(red.rows[1].cells[0]._tc.tcPr.tcW.get(qn("w:w"))) == widths[0]
    meeting = Meeting.objects.get(region=zhashui, held_on=JULY)
    pack_tables = docx_of(services.meeting_docx(meeting)).tables
    assert pack_tables
    for table in pack_tables:
        widths = grid(table)
        assert widths[0] == min(widths) and len(set(widths)) > 1


def test_headings_keep_with_their_text_and_the_signature_with_the_body(draft):
    document = docx_of(services.render_docx(draft))
    paragraphs = document.paragraphs
    texts = [p.text for p in paragraphs]
    for heading in ("一、总体情况", "二、存在问题", "三、下一步要求"):
        assert paragraphs[texts.index(heading)].paragraph_format.keep_with_next, heading
    closing = texts.index("特此通报。")
    signature = texts.index(draft.issuer, closing)
    assert paragraphs[closing - 1].paragraph_format.keep_with_next  # the last demand
    for paragraph in paragraphs[closing : signature + 1]:
        assert paragraph.paragraph_format.keep_with_next, paragraph.text
    meeting_doc = docx_of(services.meeting_docx(Meeting.objects.get(region=draft.region, held_on=JULY)))
    for paragraph in meeting_doc.paragraphs:
        if re.match(r"^[一二三四]、|^（[一二三四五六]）", paragraph.text):
            assert paragraph.paragraph_format.keep_with_next, paragraph.text


@pytest.mark.slow
@pytest.mark.soffice
@pytest.mark.skipif(not pdf.available() or not shutil.which("pdffonts"), reason="no LibreOffice or pdffonts")
def test_the_pdf_uses_the_simplified_chinese_serif_and_sans_fonts(draft, tmp_path):
    made = tmp_path / "b.pdf"
    made.write_bytes(pdf.docx_to_pdf(services.render_docx(draft)))
    fonts = subprocess.run(["pdffonts", str(made)], capture_output=True, text=True, check=True).stdout
    # The body (仿宋, 楷体) in the serif face, the headings (黑体, 小标宋) in the sans one. Noto's CJK
    # collections share one CFF table whose name is the Japanese face's, so pdffonts names every face
    # "…CJKjp" whichever language's face (and glyphs) LibreOffice took: the zh-CN language is
    # checked in the Word file (test_the_word_file_says_its_east_asian_text_is_simplified_chinese).
    cjk = [line.split()[0] for line in fonts.splitlines() if "CJK" in line]
    assert any("Serif" in name for name in cjk) and any("Sans" in name for name in cjk), fonts


# ---------------------------------------------------------------------------------------------
# 4. A city's bulletin in a city's words, one count of indicators


def test_a_citys_bulletin_speaks_as_a_city_and_counts_its_indicators_once(demo):
    city = Region.objects.get(name="商洛市")
    bulletin = services.bulletin_draft(
        actor=demo_user("sl-duchaban"), region=city, period=parse("2023-07"), as_of=JULY, today=JULY
    )
    text = "\n".join(line for lines in bulletin.sections.values() for line in lines)
    assert "各镇" not in bulletin.recipients and "市政府" in bulletin.recipients
    for county_words in ("县委、县政府", "县督查办对照", "报县督查办", "包抓县级领导", "县督查办将"):
        assert county_words not in text, county_words
    for city_words in ("市委、市政府", "市督查办对照", "报市督查办", "包抓市级领导", "市督查办将"):
        assert city_words in text, city_words
    by_kind = re.search(r"考核指标(\d+)项（", text)
    ledger = re.search(r"（[一二三四五六]）考核指标。考核指标(\d+)项", text)
    assert by_kind and ledger and by_kind.group(1) == ledger.group(1), text


# ---------------------------------------------------------------------------------------------
# 5. A stale edit is refused, the text kept


def edit_form(bulletin: Bulletin, **changes: str) -> dict[str, str]:
    sections = {key: "\n".join(lines) for key, lines in bulletin.sections.items()}
    return (
        {
            "title": bulletin.title,
            "recipients": bulletin.recipients,
            "copies_to": bulletin.copies_to,
            "version": str(bulletin.version),
        }
        | sections
        | changes
    )


def test_an_edit_of_a_text_changed_meanwhile_is_refused_and_kept_on_the_page(draft):
    first, second = client_for(office()), client_for(demo_user("duchaban2"))
    opened = edit_form(draft)
    assert first.post(f"/bulletins/{draft.pk}/edit/", opened | {"title": "第一位的标题"}).status_code == 302
    response = second.post(f"/bulletins/{draft.pk}/edit/", opened | {"title": "第二位的标题"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "已被他人修改" in page and "第二位的标题" in page
    draft.refresh_from_db()
    assert draft.title == "第一位的标题"
    with pytest.raises(Conflict):
        services.bulletin_edit(
            actor=office(),
            bulletin=draft,
            version=draft.version - 1,
            title="旧版本",
            recipients=draft.recipients,
            copies_to="",
            sections={key: "\n".join(lines) for key, lines in draft.sections.items()},
        )


# ---------------------------------------------------------------------------------------------
# 6. A second bulletin of a period: warned, not forbidden


def test_publishing_a_second_bulletin_of_a_period_warns_of_the_first(draft, zhashui):
    services.bulletin_publish(actor=office(), bulletin=draft, on=JULY)
    second = services.bulletin_draft(
        actor=office(), region=zhashui, period=parse("2023-07"), as_of=JULY, today=JULY
    )
    page = client_for(office()).get(f"/bulletins/{second.pk}/publish/").content.decode()
    assert "已印发" in page and "柞政督〔2023〕1号" in page and "柞政督〔2023〕2号" in page
    published = services.bulletin_publish(actor=office(), bulletin=second, on=JULY)
    assert published.number == 2


# ---------------------------------------------------------------------------------------------
# 7. The file name


def test_the_file_name_escapes_a_slash(draft):
    Bulletin.objects.filter(pk=draft.pk).update(title="关于A/B两项工作的通报")
    for kind in ("docx", "html"):
        header = client_for(office()).get(f"/bulletins/{draft.pk}/bulletin.{kind}")["Content-Disposition"]
        name = header.split("filename*=", 1)[1]
        assert "/" not in name and "%2F" in name, header


# ---------------------------------------------------------------------------------------------
# 8. The pack: consequences for the leaders, the others counted; every leader of the county reads


def test_the_pack_lists_the_consequences_a_leader_decides_and_counts_the_others(zhashui):
    meeting = Meeting.objects.get(region=zhashui, held_on=JULY)
    items = list(Item.objects.filter(region=zhashui, status__in=ACTIVE_STATUSES).order_by("pk")[:3])
    actions = [ConsequenceAction.INTERVIEW, ConsequenceAction.DEDUCT, ConsequenceAction.LETTER]
    for item, action in zip(items, actions, strict=True):
        Proposal.objects.create(
            item=item,
            colour="red",
            action=action,
            points=2 if action == "deduct" else None,
            reason="测试",
            proposed_on=JULY,
        )
    meeting = services.meeting_refresh(actor=office(), meeting=meeting)
    reasons = [row["reason"] for row in meeting.data["proposals"]]
    assert reasons and all("督办函" not in r and "提醒" not in r for r in reasons)
    assert any("约谈" in r for r in reasons) and any("扣分" in r for r in reasons)
    letters = Proposal.objects.filter(item__region=zhashui, status="proposed", action="letter").count()
    assert meeting.data["proposals_other"]["督办函"] == letters
    part = pack.sections(meeting.data)[0].parts[-1]
    assert f"督办函{letters}件" in part.text


def test_every_leader_of_the_county_reads_its_packs(zhashui):
    meeting = Meeting.objects.get(region=zhashui, held_on=JULY)
    meeting.leaders.set(meeting.leaders.filter(person__name="刘鹏"))
    for username in ("fengrui", "liupeng"):
        client = client_for(demo_user(username))
        assert client.get(f"/bulletins/meetings/{meeting.pk}/").status_code == 200, username
        assert meeting.title in client.get("/bulletins/meetings/").content.decode()
    for username in ("za-duchaban", "fgj-head"):
        assert client_for(demo_user(username)).get(f"/bulletins/meetings/{meeting.pk}/").status_code == 404
