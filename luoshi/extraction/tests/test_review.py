"""The review page: a document in, tasks highlighted beside editable cards, accepted tasks become items."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.conftest import client_for
from luoshi.core.models import CalendarDay
from luoshi.extraction import services
from luoshi.extraction.models import ProposalStatus, ProposedTask, SourceDocument
from luoshi.extraction.tests.test_reading import as_docx
from luoshi.items.models import Item, Source, Status
from luoshi.org.models import Unit

pytestmark = pytest.mark.django_db
MINUTES = Path(__file__).parents[1] / "corpus" / "zhashui-2023-07-18-tourism-safety-minutes.txt"


@pytest.fixture
def document(supervisor, zhashui) -> SourceDocument:
    return services.document_extract(
        actor=supervisor,
        region=zhashui,
        title="暑期旅游和安全生产专题会议",
        kind="minutes",
        meeting_date=date(2023, 7, 18),
        text=MINUTES.read_text(encoding="utf-8"),
    )


def test_owners_resolve_to_the_directory_and_the_rest_is_flagged(document):
    tasks = list(document.tasks.order_by("start"))
    first = tasks[0]
    assert (first.patron_leader.person.name, first.lead_unit.short_name) == ("茂荣", "县文旅局")
    assert [u.short_name for u in first.support_units.all()] == ["县应急管理局"]
    assert first.deadline == date(2023, 7, 31)
    towns = next(t for t in tasks if t.owners == ["营盘镇", "凤凰镇"])
    assert towns.lead_unit.short_name == "营盘镇" and [u.short_name for u in towns.support_units.all()] == [
        "凤凰镇"
    ]
    general = tasks[-1]
    assert general.lead_unit is None and general.unresolved == ["各相关单位"]
    parking = next(t for t in tasks if "停车位" in t.text)
    assert (parking.target_value, parking.value_unit) == (500, "个")


def test_review_page_highlights_each_task_beside_its_card(document, supervisor):
    page = client_for(supervisor).get(f"/extraction/{document.pk}/").content.decode()
    marks = re.findall(r'<a class="source-mark status-proposed" id="span-(\d+)"', page)
    assert len(marks) == document.tasks.count()
    for task_id in marks:
        assert f'id="task-{task_id}"' in page
    assert "未能对应到名录：各相关单位" in page


def test_accepting_a_task_makes_an_item_that_keeps_its_words(document, supervisor, fagaiju_head):
    task = document.tasks.order_by("start").first()
    client = client_for(supervisor)
    prefix = f"t{task.pk}"
    response = client.post(
        f"/extraction/tasks/{task.pk}/",
        {
            f"{prefix}-title": "A级景区和高风险项目安全检查",
            f"{prefix}-kind": "task",
            f"{prefix}-lead_unit": task.lead_unit_id,
            f"{prefix}-patron_leader": task.patron_leader_id,
            f"{prefix}-support_units": [u.pk for u in task.support_units.all()],
            f"{prefix}-deadline": "2023-07-31",
            "action": "assign",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "已采纳" in response.content.decode()
    task.refresh_from_db()
    item = task.item
    assert (item.title, item.source, item.status, item.lead_unit.short_name) == (
        "A级景区和高风险项目安全检查",
        Source.MEETING,
        Status.ASSIGNED,
        "县文旅局",
    )
    assert item.proposed_from.document == document
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert 'data-testid="source-words"' in page and "暑期旅游和安全生产专题会议" in page
    assert html.escape(task.text) in page
    marked = client.get(f"/extraction/{document.pk}/text/", {"start": task.start, "end": task.end})
    assert (
        re.search(r'<mark id="marked" data-testid="marked">(.+?)</mark>', marked.content.decode(), re.S)[1]
        == task.text
    )


def test_edit_reject_and_accept_all(document, supervisor):
    client = client_for(supervisor)
    general = document.tasks.order_by("-start").first()
    client.post(f"/extraction/tasks/{general.pk}/", {"action": "reject"})
    general.refresh_from_db()
    assert general.status == ProposalStatus.REJECTED
    response = client.post(f"/extraction/{document.pk}/decide/", {"action": "assign"}, follow=True)
    assert "已采纳 6 项" in response.content.decode()
    assert Item.objects.filter(proposed_from__document=document, status=Status.ASSIGNED).count() == 6
    with pytest.raises(services.NotAllowed):
        services.proposed_task_reject(actor=supervisor, task=general)


def test_a_task_without_a_lead_unit_cannot_be_assigned(document, supervisor):
    general = document.tasks.order_by("-start").first()
    with pytest.raises(services.ServiceError, match="牵头单位"):
        services.proposed_task_accept(actor=supervisor, task=general, assign=True, as_of=date(2023, 7, 19))
    assert not Item.objects.exists()  # nothing half made


def test_upload_a_docx_or_paste_text(supervisor):
    client = client_for(supervisor)
    text = MINUTES.read_text(encoding="utf-8")
    response = client.post(
        "/extraction/new/",
        {
            "title": "专题会议",
            "kind": "minutes",
            "meeting_date": "2023-07-18",
            "file": SimpleUploadedFile("纪要.docx", as_docx(text)),
        },
        follow=True,
    )
    assert "分解出 7 项任务" in response.content.decode()
    response = client.post(
        "/extraction/new/",
        {"title": "粘贴", "kind": "speech", "meeting_date": "2023-07-18", "text": text},
        follow=True,
    )
    assert "分解出 7 项任务" in response.content.decode()
    bad = client.post(
        "/extraction/new/",
        {
            "title": "旧格式",
            "kind": "speech",
            "meeting_date": "2023-07-18",
            "file": SimpleUploadedFile("a.doc", b"x"),
        },
    )
    assert "另存为 .docx" in bad.content.decode()


def test_only_the_office_reviews_and_other_counties_see_nothing(
    document, fagaiju_head, zhenan_supervisor, magistrate
):
    assert client_for(fagaiju_head).get("/extraction/new/").status_code == 403
    assert client_for(fagaiju_head).get(f"/extraction/{document.pk}/").status_code == 404
    assert client_for(zhenan_supervisor).get(f"/extraction/{document.pk}/").status_code == 404
    page = client_for(magistrate).get(f"/extraction/{document.pk}/").content.decode()
    assert "采纳并交办" not in page  # leaders read, the office decides
    task = document.tasks.first()
    response = client_for(magistrate).post(f"/extraction/tasks/{task.pk}/", {"action": "reject"}, follow=True)
    assert "只有督查办可以审核" in response.content.decode()
    assert ProposedTask.objects.get(pk=task.pk).status == ProposalStatus.PROPOSED


def test_editing_an_accepted_item_keeps_the_words_it_came_from(document, supervisor):
    task = document.tasks.order_by("start").first()
    item = services.proposed_task_accept(actor=supervisor, task=task, assign=False, as_of=date(2023, 7, 19))
    form = client_for(supervisor).get(f"/items/{item.pk}/edit/").context["form"]
    payload = {k: v for k, v in form.initial.items() if v is not None and k != "support_units"}
    payload |= {"title": "改过的名称", "support_units": [u.pk for u in form.initial["support_units"]]}
    payload |= {"lead_unit": item.lead_unit_id, "patron_leader": item.patron_leader_id}
    payload |= {"milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0}
    assert client_for(supervisor).post(f"/items/{item.pk}/edit/", payload).status_code == 302
    item.refresh_from_db()
    assert item.title == "改过的名称" and item.proposed_from.document == document
    assert html.escape(task.text) in client_for(supervisor).get(f"/items/{item.pk}/").content.decode()


def cards_of(page: str) -> dict[int, str]:
    """Each task card's markup, by task id."""
    column = page.partition('data-testid="cards"')[2].partition("</main>")[0]
    parts = re.split(r'(?=<div class="card mb-2 task-card)', column)
    cards = {}
    for part in parts[1:]:
        task_id = int(re.search(r'id="task-(\d+)"', part)[1])
        cards[task_id] = part
    return cards


def test_assigning_without_a_lead_unit_says_so_on_the_card_and_takes_it_there(
    document, supervisor, fagaiju, deputy_fengrui
):
    general = document.tasks.order_by("-start").first()
    assert general.lead_unit is None and general.deadline is None
    client = client_for(supervisor)
    card = cards_of(client.get(f"/extraction/{document.pk}/").content.decode())[general.pk]
    assert "请先选择牵头单位" in card  # said before anyone clicks
    assert "原文没有写明完成时限" in card
    prefix = f"t{general.pk}"
    payload = {f"{prefix}-title": general.title, f"{prefix}-kind": "task", "action": "assign"}
    card = client.post(f"/extraction/tasks/{general.pk}/", payload, HTTP_HX_REQUEST="true").content.decode()
    assert re.search(r'<select name="t\d+-lead_unit"[^>]*is-invalid', card)
    assert "请先选择牵头单位" in card and "未能交办" in card
    assert ProposedTask.objects.get(pk=general.pk).status == ProposalStatus.PROPOSED
    assert not Item.objects.exists()

    payload |= {
        f"{prefix}-lead_unit": fagaiju.pk,
        f"{prefix}-patron_leader": deputy_fengrui.pk,
        f"{prefix}-deadline": "2023-08-31",
    }
    card = client.post(f"/extraction/tasks/{general.pk}/", payload, HTTP_HX_REQUEST="true").content.decode()
    general.refresh_from_db()
    item = general.item
    assert f"已建立督办事项 {item.code}" in card and "已采纳" in card  # one step, said on the card
    assert (item.status, item.lead_unit, item.patron_leader, item.deadline) == (
        Status.ASSIGNED,
        fagaiju,
        deputy_fengrui,
        date(2023, 8, 31),
    )


def test_without_scripts_the_refusal_is_on_the_page(document, supervisor):
    general = document.tasks.order_by("-start").first()
    prefix = f"t{general.pk}"
    payload = {f"{prefix}-title": general.title, f"{prefix}-kind": "task", "action": "assign"}
    page = client_for(supervisor).post(f"/extraction/tasks/{general.pk}/", payload, follow=True)
    assert "请先选择牵头单位" in page.content.decode()


@pytest.fixture
def long_speech(supervisor, zhashui) -> SourceDocument:
    """A long speech (60 tasks) in a county with many units (over 100)."""
    Unit.objects.bulk_create(
        Unit(region=zhashui, name=f"柞水县第{i}测试中心", short_name=f"县测试中心{i}", kind=Unit.Kind.OTHER)
        for i in range(100)
    )
    text = "一、工作\n\n" + "".join(f"县发改局要在8月底前完成第{i}批项目入库。" for i in range(60))
    return services.document_extract(
        actor=supervisor, region=zhashui, title="全县大会讲话", meeting_date=date(2023, 7, 18), text=text
    )


def test_the_review_page_does_not_repeat_the_unit_list_in_every_card(
    long_speech, supervisor, django_assert_max_num_queries
):
    region = long_speech.region
    client = client_for(supervisor)
    # as many for 60 cards as for 6 (it was 200 and more); one of them stamps the session's activity
    with django_assert_max_num_queries(13):
        page = client.get(f"/extraction/{long_speech.pk}/").content.decode()
    cards = cards_of(page)
    assert len(cards) == 60 and region.units.count() > 100
    for card in cards.values():
        assert "县测试中心" not in card  # the list of units is on the page once, not in each card
        assert len(card.encode()) < 5_000  # it was 18 KB a card with this county's units
    assert page.count(">县测试中心7<") == 1
    assert len(page.encode()) < 300_000  # it was over 1 MB

    Unit.objects.bulk_create(
        Unit(region=region, name=f"柞水县第{i}新设中心", short_name=f"县新设中心{i}", kind=Unit.Kind.OTHER)
        for i in range(100)
    )
    grown = client.get(f"/extraction/{long_speech.pk}/").content.decode()
    assert len(grown.encode()) - len(page.encode()) < 100 * 80  # one option per new unit, not 120


def test_a_card_sent_back_after_an_edit_uses_the_shared_list_too(long_speech, supervisor, fagaiju):
    task = long_speech.tasks.first()
    prefix = f"t{task.pk}"
    card = client_for(supervisor).post(
        f"/extraction/tasks/{task.pk}/",
        {
            f"{prefix}-title": "改名",
            f"{prefix}-kind": "task",
            f"{prefix}-lead_unit": fagaiju.pk,
            "action": "save",
        },
        HTTP_HX_REQUEST="true",
    )
    markup = card.content.decode()
    assert "县测试中心" not in markup
    assert re.search(rf'<option value="{fagaiju.pk}" selected>县发改局</option>', markup)
    assert 'data-options="units"' in markup


def test_the_source_text_stays_beside_the_cards_and_each_card_points_at_its_words(document, supervisor):
    page = client_for(supervisor).get(f"/extraction/{document.pk}/").content.decode()
    pane = re.search(
        r'<div class="[^"]*source-pane[^"]*"[^>]*data-testid="source-text"[^>]*>(.*?)</div>', page, re.S
    )
    assert pane, "the text is in a pane of its own"
    text_shown = html.unescape(re.sub(r"<[^>]+>", "", pane[1]))
    assert text_shown == document.text
    assert "position: sticky" in page
    for task_id, card in cards_of(page).items():
        assert f'data-span="span-{task_id}"' in card
        assert f'id="span-{task_id}"' in pane[1]


def test_immediately_gets_the_office_time_limit_in_working_days(settings, supervisor, zhashui):
    settings.LUOSHI_IMMEDIATE_WORKDAYS = 5
    CalendarDay.objects.create(date=date(2023, 7, 20), is_workday=False, note="测试")

    def extracted() -> ProposedTask:
        document = services.document_extract(
            actor=supervisor,
            region=zhashui,
            title="专题会议",
            meeting_date=date(2023, 7, 18),
            text=MINUTES.read_text(encoding="utf-8"),
        )
        return document.tasks.get(deadline_text="立即")

    # Tue 18 July: 19, 21, 24, 25, 26 (the 20th is off)
    assert extracted().deadline == date(2023, 7, 26)
    settings.LUOSHI_IMMEDIATE_WORKDAYS = 2
    assert extracted().deadline == date(2023, 7, 21)
