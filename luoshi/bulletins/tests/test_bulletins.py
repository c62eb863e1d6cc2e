"""Bulletins on the demo county: the Word file's layout, the freeze on publishing, the numbering,
who reads and who edits, the editor's plain text, the command and the monthly job."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table as DocxTable

from luoshi.alerts.models import ItemColour
from luoshi.bulletins import pdf, services
from luoshi.bulletins.chart import cjk_font_path
from luoshi.bulletins.models import Bulletin, BulletinStatus
from luoshi.bulletins.periods import parse
from luoshi.bulletins.tasks import monthly_drafts
from luoshi.conftest import client_for, demo_user
from luoshi.items.models import Colour, Item
from luoshi.items.services import ServiceError
from luoshi.notifications.models import Notification
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
    """The demo's July 2023 draft of 柞水县, drafted when the demo loaded."""
    return Bulletin.objects.get(region=zhashui, period_start=date(2023, 7, 1), status=BulletinStatus.DRAFT)


def office():
    return demo_user("duchaban")


def red_titles(region: Region) -> list[str]:
    """The red items of July as the dashboard's snapshots have them (the assessed colour first); a
    title twice where two items bear it (an indicator and a task of the same name)."""
    rows = ItemColour.objects.filter(item__region=region, period=date(2023, 7, 1))
    return [
        row.item.title
        for row in rows.select_related("item")
        if (row.assessed or row.computed) == Colour.RED
        and row.item.status in ("assigned", "accepted", "in_progress", "completion_requested", "returned")
    ]


def docx_of(content: bytes) -> Document:
    return Document(io.BytesIO(content))


def annex_titles(document, title: str) -> list[str]:
    """The first column after 序号 of the annex table that follows the heading `title`."""
    seen = False
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            if seen:
                return [row.cells[1].text for row in block.rows[1:]]
        elif block.text.strip() == title:
            seen = True
    raise AssertionError(f"no annex table after {title}")


# ---------------------------------------------------------------------------------------------
# The Word file


def test_the_word_file_has_the_official_layout_and_fonts(draft):
    document = docx_of(services.render_docx(draft))
    section = document.sections[0]
    # Word keeps lengths in twips: 210 mm is 11906 twips, 210.01 mm.
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    sizes += [section.left_margin, section.right_margin]
    assert [round(size.mm, 1) for size in sizes] == [210, 297, 37, 35, 28, 26]

    title = next(p for p in document.paragraphs if p.text == draft.title)
    for run in title.runs:
        assert run.font.size == Pt(22)
        assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"

    opening = next(p for p in document.paragraphs if p.text.endswith("现将有关情况通报如下："))
    body = [p for p in document.paragraphs if p.text and p.text not in (draft.title, draft.issuer)]
    assert opening.text in [p.text for p in body]
    for paragraph in body:
        for run in paragraph.runs:
            if not run.text:
                continue
            fonts = run._element.rPr.rFonts
            assert fonts is not None and fonts.get(qn("w:eastAsia")), (paragraph.text, run.text)
    assert {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in opening.runs} == {"仿宋_GB2312"}
    assert {run.font.size for run in opening.runs} == {Pt(16)}
    headings = {
        p.text: p for p in document.paragraphs if p.text in ("一、总体情况", "二、存在问题", "三、下一步要求")
    }
    assert list(headings) == ["一、总体情况", "二、存在问题", "三、下一步要求"]
    assert all(
        r._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体" for p in headings.values() for r in p.runs
    )
    second = next(p for p in document.paragraphs if p.text.startswith("（一）"))
    assert second.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    assert any(p.text == "特此通报。" for p in document.paragraphs)


@pytest.mark.skipif(cjk_font_path() is None, reason="no CJK font to label the chart")
def test_the_chart_is_an_image_in_the_word_file_and_the_page(draft):
    document = docx_of(services.render_docx(draft))
    assert len(document.inline_shapes) == 1
    assert document.inline_shapes[0].width.mm == pytest.approx(150, abs=0.1)
    page = client_for(office()).get(f"/bulletins/{draft.pk}/").content.decode()
    assert 'src="data:image/png;base64,' in page


def test_the_pages_are_numbered_with_a_page_field(draft):
    document = docx_of(services.render_docx(draft))
    for footer in (document.sections[0].footer, document.sections[0].even_page_footer):
        xml = footer._element.xml
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
        paragraph = footer.paragraphs[0]
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert {run.font.size for run in paragraph.runs} == {Pt(14)}
        assert {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in paragraph.runs} == {"宋体"}
    assert document.settings.odd_and_even_pages_header_footer


def test_the_red_annex_lists_exactly_the_red_items_of_the_data(draft, zhashui):
    document = docx_of(services.render_docx(draft))
    red = red_titles(zhashui)
    assert red, "the demo has red items in July"
    listed = annex_titles(document, "红色预警事项清单")
    assert sorted(listed) == sorted(red)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "附件：1．红色预警事项清单" in text
    assert f"红色预警事项{len(red)}项" in text


def test_the_ledgers_add_their_part_through_the_registry(draft):
    titles = [part["title"] for part in draft.data["ledgers"]]
    assert titles == ["考核指标", "重点项目", "考核排名"]
    projects = next(part for part in draft.data["ledgers"] if part["title"] == "重点项目")
    text = "".join(draft.sections["overview"])
    # The projects' figures are the ledger's own (the same selector as its page and `luoshi stats`).
    from luoshi.org.selectors import region_reader
    from luoshi.projects.selectors import projects_stats

    stats = projects_stats(user=region_reader(draft.region), as_of=JULY)
    assert f"纳入督办的重点项目{stats['total']}个" in text
    assert f"其中未开工{stats['not_started']}个" in text
    assert len(projects["rows"]) == stats["not_started"] + stats["behind"]


# ---------------------------------------------------------------------------------------------
# Publishing: a number, a freeze, the readers told


def test_publishing_numbers_and_freezes_the_bulletin(draft, zhashui):
    published = services.bulletin_publish(actor=office(), bulletin=draft, on=JULY)
    assert published.number_label == "柞政督〔2023〕1号"
    client = client_for(office())
    before = {kind: client.get(f"/bulletins/{draft.pk}/bulletin.{kind}").content for kind in ("docx", "html")}
    assert "柞政督〔2023〕1号" in "\n".join(p.text for p in docx_of(before["docx"]).paragraphs)

    # The data changes: a red item is completed, its colour rewritten, a title renamed.
    red = Item.objects.filter(region=zhashui, title__in=red_titles(zhashui)).first()
    assert red is not None
    Item.objects.filter(pk=red.pk).update(title="改过名字的事项")
    ItemColour.objects.filter(item=red).update(computed=Colour.GREEN, assessed="")

    after = {kind: client.get(f"/bulletins/{draft.pk}/bulletin.{kind}").content for kind in ("docx", "html")}
    assert after == before
    page = client.get(f"/bulletins/{draft.pk}/").content.decode()
    assert red.title in page and "改过名字的事项" not in page


def test_a_published_bulletin_refuses_every_change(draft):
    services.bulletin_publish(actor=office(), bulletin=draft, on=JULY)
    with pytest.raises(ServiceError, match="已经印发"):
        services.bulletin_edit(
            actor=office(),
            bulletin=draft,
            version=draft.version,
            title="新标题",
            recipients="各单位",
            copies_to="",
            sections={},
        )
    with pytest.raises(ServiceError, match="已经印发"):
        services.bulletin_publish(actor=office(), bulletin=draft, on=JULY)
    response = client_for(office()).post(f"/bulletins/{draft.pk}/edit/", {"title": "越权"})
    assert response.status_code == 403


def test_numbers_follow_each_other_per_region_and_year(zhashui):
    july, june = (
        services.bulletin_draft(actor=office(), region=zhashui, period=parse(code), as_of=JULY, today=JULY)
        for code in ("2023-W30", "2023-Q2")
    )
    first = services.bulletin_publish(actor=office(), bulletin=july, on=JULY)
    second = services.bulletin_publish(actor=office(), bulletin=june, on=JULY)
    assert (first.number, second.number) == (1, 2)
    assert second.number_label == "柞政督〔2023〕2号"


def test_a_number_taken_meanwhile_is_not_given_twice(zhashui, draft):
    """Another office's publication took number 1 between the count and the save: the unique
    constraint refuses it, and the bulletin takes the next."""
    other = services.bulletin_draft(
        actor=office(), region=zhashui, period=parse("2023-W29"), as_of=JULY, today=JULY
    )
    Bulletin.objects.filter(pk=other.pk).update(number=1, status="published", published_on=JULY)
    calls = iter([1, 2])
    original = services._next_number
    services._next_number = lambda bulletin, year: next(calls)  # type: ignore[assignment]
    try:
        published = services.bulletin_publish(actor=office(), bulletin=draft, on=JULY)
    finally:
        services._next_number = original  # type: ignore[assignment]
    assert published.number == 2


def test_publishing_tells_the_leaders_units_and_office_in_the_app(draft):
    before = Notification.objects.count()
    services.bulletin_publish(actor=office(), bulletin=draft, on=JULY)
    told = Notification.objects.filter(title__contains="柞政督〔2023〕1号")
    assert told.count() == Notification.objects.count() - before
    names = set(told.values_list("recipient__username", flat=True))
    assert {"liupeng", "fengrui", "duchaban2", "fgj-head"} <= names
    assert "duchaban" not in names  # who published it
    assert "fgj-reporter" not in names and "za-duchaban" not in names


# ---------------------------------------------------------------------------------------------
# Who reads, who edits


def test_a_draft_is_the_offices_alone_and_a_published_one_is_the_regions(draft):
    readers = ("liupeng", "fgj-reporter", "renda", "sl-duchaban")
    for username in readers:
        assert client_for(demo_user(username)).get(f"/bulletins/{draft.pk}/").status_code == 404, username
    assert client_for(demo_user("duchaban2")).get(f"/bulletins/{draft.pk}/edit/").status_code == 200
    services.bulletin_publish(actor=office(), bulletin=draft, on=JULY)
    for username in readers:
        response = client_for(demo_user(username)).get("/bulletins/")
        assert "柞政督〔2023〕1号" in response.content.decode(), username
        assert client_for(demo_user(username)).get(f"/bulletins/{draft.pk}/bulletin.docx").status_code == 200
    for username in ("za-duchaban", "shenji"):
        assert client_for(demo_user(username)).get(f"/bulletins/{draft.pk}/").status_code == 404, username
        assert "柞政督" not in client_for(demo_user(username)).get("/bulletins/").content.decode()


def test_only_the_regions_office_drafts_edits_and_publishes(draft, zhashui):
    for username in ("liupeng", "fgj-head", "sl-duchaban", "za-duchaban"):
        with pytest.raises(ServiceError):
            services.bulletin_draft(
                actor=demo_user(username), region=zhashui, period=parse("2023-07"), as_of=JULY, today=JULY
            )
        with pytest.raises(ServiceError):
            services.bulletin_publish(actor=demo_user(username), bulletin=draft, on=JULY)
    assert client_for(demo_user("liupeng")).get("/bulletins/new/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == BulletinStatus.DRAFT


# ---------------------------------------------------------------------------------------------
# The editor


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


def test_the_office_edits_the_text_as_plain_paragraphs(draft):
    client = client_for(office())
    demands = "（一）抓紧整改。<script>alert(1)</script>红色事项8月5日前报送整改情况。\n\n\n第二段\x07要求。"
    response = client.post(f"/bulletins/{draft.pk}/edit/", edit_form(draft, demands=demands))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.sections["demands"] == [
        "（一）抓紧整改。<script>alert(1)</script>红色事项8月5日前报送整改情况。",
        "第二段要求。",
    ]
    page = client.get(f"/bulletins/{draft.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;红色事项8月5日前报送整改情况" in page
    document = docx_of(services.render_docx(draft))
    assert any(p.text == "第二段要求。" for p in document.paragraphs)


def test_the_preview_shows_the_text_being_typed_without_saving_it(draft):
    client = client_for(office())
    response = client.post(f"/bulletins/{draft.pk}/preview/", edit_form(draft, title="预览中的新标题"))
    assert response.status_code == 200
    assert "预览中的新标题" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title != "预览中的新标题"


def test_the_opening_must_end_as_a_bulletin_does(draft):
    with pytest.raises(ServiceError, match="通报如下"):
        services.bulletin_edit(
            actor=office(),
            bulletin=draft,
            version=draft.version,
            title=draft.title,
            recipients=draft.recipients,
            copies_to="",
            sections={"opening": "开头没有结尾的话"},
        )


def test_publishing_asks_for_confirmation_first(draft):
    client = client_for(office())
    page = client.get(f"/bulletins/{draft.pk}/publish/").content.decode()
    assert "柞政督〔2023〕1号" in page and "冻结" in page
    client.post(f"/bulletins/{draft.pk}/publish/", {})
    draft.refresh_from_db()
    assert draft.status == BulletinStatus.DRAFT
    response = client.post(f"/bulletins/{draft.pk}/publish/", {"confirm": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.number_label == "柞政督〔2023〕1号"


# ---------------------------------------------------------------------------------------------
# The command and the monthly job


def test_the_command_writes_a_word_file_naming_the_red_items(zhashui, tmp_path):
    out = tmp_path / "b.docx"
    before = Bulletin.objects.count()
    call_command(
        "bulletin", "--period", "2023-07", "--as-of", "2023-07-25", "--region", "柞水县", "--out", str(out)
    )
    document = docx_of(out.read_bytes())
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    for title in red_titles(zhashui):
        assert title in text
    assert Bulletin.objects.count() == before  # written, not kept


def test_the_command_writes_the_web_page(tmp_path, demo):
    out = tmp_path / "b.html"
    call_command(
        "bulletin", "--period", "2023-07", "--as-of", "2023-07-25", "--region", "柞水县", "--out", str(out)
    )
    page = out.read_text(encoding="utf-8")
    assert "现将有关情况通报如下：" in page and "特此通报。" in page


def test_the_monthly_job_drafts_last_month_once(zhashui):
    # 柞水县 has its July draft already (the demo's): only the other counties get one.
    made = monthly_drafts(today=date(2023, 8, 1))
    assert {bulletin.region.name for bulletin in made} == set(
        Region.objects.filter(level="county").exclude(pk=zhashui.pk).values_list("name", flat=True)
    )
    assert all(bulletin.period_start == date(2023, 7, 1) for bulletin in made)
    assert monthly_drafts(today=date(2023, 8, 1)) == []
    made = monthly_drafts(today=date(2023, 9, 1))
    assert zhashui in {bulletin.region for bulletin in made}
    assert Notification.objects.filter(
        recipient__username="duchaban", title="2023年8月督查通报已起草"
    ).exists()


def test_without_libreoffice_the_pdf_says_so_in_chinese(draft, monkeypatch):
    monkeypatch.setattr(pdf, "soffice", lambda: None)
    response = client_for(office()).get(f"/bulletins/{draft.pk}/bulletin.pdf")
    assert "没有安装 LibreOffice" in response.content.decode()


@pytest.mark.slow
@pytest.mark.soffice
@pytest.mark.skipif(not pdf.available(), reason="LibreOffice (soffice) is not installed")
def test_the_pdf_is_made_by_libreoffice_and_kept_once_published(draft):
    services.bulletin_publish(actor=office(), bulletin=draft, on=JULY)
    client = client_for(office())
    first = client.get(f"/bulletins/{draft.pk}/bulletin.pdf").content
    assert first[:4] == b"%PDF"
    assert client.get(f"/bulletins/{draft.pk}/bulletin.pdf").content == first


def test_a_draft_reads_its_figures_as_of_its_day(draft):
    assert draft.data["as_of"] == "2023-07-25"
    assert draft.data["totals"]["red"] == len(draft.data["red"])
    assert Decimal(draft.data["totals"]["total"]) > 0
