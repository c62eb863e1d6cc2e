"""The demo county's supervision work: the meeting's tasks as items, and a history on every page."""

from __future__ import annotations

import json
from datetime import date

import pytest

from luoshi.conftest import SHARED, client_for, demo_user
from luoshi.items.models import (
    Evidence,
    Instruction,
    Item,
    ProgressReport,
    ReportStatus,
    Source,
    Status,
    SupervisionAction,
    Verification,
)
from luoshi.web.demo import demo_load

pytestmark = pytest.mark.django_db
GOLD = SHARED / "extraction" / "zhashui-2023-07-25-plenary-speech.gold.json"
LEADERS = {"冯锐", "茂荣", "维杰", "王宁", "小军", "刘鹏"}


@pytest.fixture
def demo(demo_db, db, demo_mode):
    """The demo county (loaded once for the module), on its day."""


def test_loading_twice_adds_nothing(demo):
    counts = [
        m.objects.count()
        for m in (Item, ProgressReport, Evidence, Verification, SupervisionAction, Instruction)
    ]
    demo_load()
    assert [
        m.objects.count()
        for m in (Item, ProgressReport, Evidence, Verification, SupervisionAction, Instruction)
    ] == counts


@pytest.mark.skipif(
    not GOLD.exists(), reason="the labelled seed lives in ../shared, which a user's clone does not have"
)
def test_the_meetings_tasks_carry_the_owners_deadlines_and_targets_of_the_speech(demo):
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["tasks"]
    items = list(
        Item.objects.filter(source=Source.MEETING, proposed_from__isnull=True)
        .select_related("patron_leader__person", "lead_unit")
        .order_by("pk")
    )
    assert len(items) == len(gold) == 61
    for task, item in zip(gold, items, strict=True):
        assert item.assigned_on == date(2023, 7, 25)
        expected = date.fromisoformat(task["deadline"]) if task["deadline"] else date(2023, 12, 31)
        assert item.deadline == expected, item.title
        targets = ["".join(t.split()) for t in task["targets"]]
        assert item.target_text == (targets[0] if targets else ""), item.title
        leaders = LEADERS & set(task["owners"])
        if leaders:
            assert item.patron_leader.person.name in leaders, item.title
        for owner in task["owners"]:
            if owner.startswith("县") and owner.endswith("局"):
                assert item.lead_unit.short_name == owner


def test_every_page_has_work_to_show(demo):
    assert Verification.objects.filter(verdict="untrue").count() == 1
    assert Item.objects.filter(untrue_on__isnull=False).count() == 1
    assert Item.objects.filter(status=Status.CLOSED).exists()
    assert ProgressReport.objects.filter(status=ReportStatus.PENDING_APPROVAL).exists()
    assert SupervisionAction.objects.get(kind="on_site").opened_items.count() == 1
    assert SupervisionAction.objects.filter(
        kind="themed", title__startswith="关于"
    ).exists()  # letters the office sent
    assert Instruction.objects.filter(acknowledged_at__isnull=True).exists()
    # the 县发改局 reporter has an overdue report to find; the office a queue to verify
    work = client_for(demo_user("fgj-reporter")).get("/work/").context["work"]
    assert any(entry.state.overdue for entry in work.to_report)
    office = client_for(demo_user("duchaban")).get("/work/").context["work"]
    assert office.verify_queue and office.not_reported
    assert client_for(demo_user("yingpan-head")).get("/work/").context["work"].to_approve
    assert client_for(demo_user("yuanqu-head")).get("/work/").context["work"].instructions
    assert client_for(demo_user("fengrui")).get("/work/").context["work"].patronage


def test_a_decomposed_meeting_shows_on_the_review_page(demo):
    from luoshi.extraction.models import ProposalStatus, SourceDocument

    document = SourceDocument.objects.get()
    assert document.tasks.filter(status=ProposalStatus.ACCEPTED).count() == 6
    assert document.tasks.filter(status=ProposalStatus.PROPOSED).count() == 1
    item = Item.objects.filter(proposed_from__document=document).order_by("code").first()
    task = item.proposed_from
    assert task.text and task.text == document.text[task.start : task.end]
    page = client_for(demo_user("duchaban")).get(f"/extraction/{document.pk}/").content.decode()
    assert "采纳并交办" in page and item.code in page


def test_the_train_struck_off_shows_it_done(demo):
    item = Item.objects.get(title="开通西安至柞水旅游专列")
    assert item.status == Status.CLOSED and item.progress_percent == 100
    page = client_for(demo_user("duchaban")).get(f"/items/{item.pk}/").content.decode()
    assert "100%" in page.split('data-testid="progress"')[1].split("</dd>")[0]
