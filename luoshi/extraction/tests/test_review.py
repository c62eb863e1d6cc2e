"""The review page: a document in, tasks highlighted beside editable cards, accepted tasks become items."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.conftest import client_for
from luoshi.extraction import services
from luoshi.extraction.models import ProposalStatus, ProposedTask, SourceDocument
from luoshi.extraction.tests.test_reading import as_docx
from luoshi.items.models import Item, Source, Status

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
    assert item.source_document == document and item.source_words == task.text
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert 'data-testid="source-words"' in page and "暑期旅游和安全生产专题会议" in page
    marked = client.get(
        f"/extraction/{document.pk}/text/", {"start": item.source_start, "end": item.source_end}
    )
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
    assert Item.objects.filter(source_document=document, status=Status.ASSIGNED).count() == 6
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
    assert item.title == "改过的名称" and item.source_document == document and item.source_words == task.text
