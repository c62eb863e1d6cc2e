"""Meeting packs (调度会材料) on the demo county: what needs a decision against the data, each leader's
items, the Word file's layout, the decisions assigned as items and followed up at the next meeting,
the freeze on finalising, and who reads and who writes."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from luoshi.alerts.models import ItemColour
from luoshi.bulletins import pack, services
from luoshi.bulletins.models import Meeting, MeetingKind, MeetingStatus
from luoshi.bulletins.selectors import meeting_leaders_for
from luoshi.bulletins.services import DecisionInput
from luoshi.conftest import client_for, demo_user
from luoshi.indicators.models import Indicator
from luoshi.items.models import ACTIVE_STATUSES, Colour, Item, ProgressReport, Source, Status, Verdict
from luoshi.items.services import ServiceError, report_verify
from luoshi.org.models import Leader, Region, Unit
from luoshi.projects.models import Blocker, Project

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)
JUNE_1, JULY_1 = date(2023, 6, 1), date(2023, 7, 1)


@pytest.fixture
def demo(demo_db, db, demo_mode):
    return None


@pytest.fixture
def zhashui(demo) -> Region:
    return Region.objects.get(name="柞水县")


@pytest.fixture
def meeting(zhashui) -> Meeting:
    """The demo's 调度会 of 2023-07-25, with the county magistrate and his deputies."""
    return Meeting.objects.get(region=zhashui, held_on=JULY)


def office():
    return demo_user("duchaban")


def unit(region: Region, short_name: str) -> Unit:
    return Unit.objects.get(region=region, short_name=short_name)


def titles(rows: list[dict]) -> set[str]:
    return {row["title"] for row in rows}


def colour_for(item: Item, period: date, colour: str) -> None:
    ItemColour.objects.update_or_create(
        item=item,
        period=period,
        defaults={
            "status": item.status,
            "computed": colour,
            "assessed": "",
            "computed_reason": f"测试：{colour}",
            "computed_on": period,
        },
    )


def docx_of(content: bytes) -> Document:
    return Document(io.BytesIO(content))


def east_asian(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


# ---------------------------------------------------------------------------------------------
# The pack against the data


def test_the_demo_has_a_dispatch_meeting_with_the_magistrate_and_deputies(meeting):
    assert meeting.kind == MeetingKind.DISPATCH
    assert meeting.title == "柞水县2023年7月重点工作调度会"
    names = {leader.person.name for leader in meeting.leaders.all()}
    assert {"刘鹏", "冯锐", "王宁"} <= names
    assert meeting.data["patronage"][0]["leader"] == "刘鹏（县长）"
    assert meeting.data["last"] is None


def test_red_two_months_running_needs_a_decision_and_red_once_does_not(meeting, zhashui):
    active = Item.objects.filter(region=zhashui, status__in=ACTIVE_STATUSES, colours__period=JULY_1)
    twice, once = active.order_by("code")[:2]
    colour_for(twice, JUNE_1, Colour.RED)
    colour_for(twice, JULY_1, Colour.RED)
    colour_for(once, JUNE_1, Colour.GREEN)
    colour_for(once, JULY_1, Colour.RED)
    meeting = services.meeting_refresh(actor=office(), meeting=meeting)
    found = titles(meeting.data["red_twice"])
    assert twice.title in found
    assert once.title not in found
    # Every row is red in both months, as the snapshots have them.
    for row in meeting.data["red_twice"]:
        shown = {
            c.period: c.colour for c in ItemColour.objects.filter(item_id=row["item_id"], period__gte=JUNE_1)
        }
        assert shown[JUNE_1] == shown[JULY_1] == Colour.RED


def test_a_blocker_past_its_deadline_needs_a_decision(meeting, zhashui):
    project = Project.objects.filter(item__region=zhashui, item__status__in=ACTIVE_STATUSES).first()
    assert project is not None
    owner = unit(zhashui, "县自然资源局")
    late = Blocker.objects.create(
        project=project,
        kind="land",
        description="用地报批卡在省厅",
        owner_unit=owner,
        deadline=date(2023, 7, 10),
    )
    Blocker.objects.create(
        project=project,
        kind="funding",
        description="配套资金尚未到位",
        owner_unit=owner,
        deadline=date(2023, 8, 31),
    )
    meeting = services.meeting_refresh(actor=office(), meeting=meeting)
    part = next(part for part in meeting.data["ledgers"] if part["title"].startswith("重点项目"))
    rows = {row["title"]: row for row in part["rows"]}
    assert f"{project.item.title}：{late.description}" in rows
    assert "已超过15天未解决" in rows[f"{project.item.title}：{late.description}"]["reason"]
    assert f"{project.item.title}：配套资金尚未到位" not in rows
    assert (
        len(rows)
        == Blocker.objects.filter(
            project__item__region=zhashui,
            project__item__status__in=ACTIVE_STATUSES,
            deadline__lt=JULY,
            resolved_on__isnull=True,
        ).count()
    )


def test_a_lagging_indicator_needs_a_decision_until_it_has_a_catch_up_item(meeting, zhashui):
    part = next(part for part in meeting.data["ledgers"] if part["title"].startswith("考核指标"))
    row = part["rows"][0]
    assert "尚未制定赶超措施" in row["reason"]
    plan = Item.objects.filter(region=zhashui, kind="task", caught_up_indicator__isnull=True).first()
    Indicator.objects.filter(pk=row["item_id"]).update(catch_up_item=plan)
    meeting = services.meeting_refresh(actor=office(), meeting=meeting)
    after = [part for part in meeting.data["ledgers"] if part["title"].startswith("考核指标")]
    assert row["title"] not in {r["title"] for part in after for r in part["rows"]}


def test_a_report_found_untrue_needs_a_decision(meeting, zhashui):
    report = (
        ProgressReport.objects.filter(
            item__region=zhashui, status="submitted", verification__isnull=True, superseded_by__isnull=True
        )
        .order_by("-created_at")
        .first()
    )
    assert report is not None
    report_verify(
        actor=office(),
        report=report,
        method="on_site",
        verdict=Verdict.UNTRUE,
        note="现场未见施工",
        as_of=JULY,
    )
    meeting = services.meeting_refresh(actor=office(), meeting=meeting)
    rows = [row for row in meeting.data["untrue"] if row["item_id"] == report.item_id]
    assert rows and "现场未见施工" in rows[0]["reason"]


def test_each_leaders_patronage_at_a_glance(meeting):
    for row in meeting.data["patronage"]:
        leader = Leader.objects.get(person__name=row["leader"].split("（")[0], region=meeting.region)
        july = ItemColour.objects.filter(
            period=JULY_1, status__in=list(ACTIVE_STATUSES), item__patron_leader=leader
        )
        red = [c for c in july if c.colour == Colour.RED]
        assert row["total"] == july.count()
        assert row["red"] == len(red)
        assert titles(row["red_items"]) == {c.item.title for c in red}


# ---------------------------------------------------------------------------------------------
# The Word file


def test_the_word_file_has_the_official_layout_and_fonts(meeting):
    document = docx_of(services.meeting_docx(meeting))
    section = document.sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    sizes += [section.left_margin, section.right_margin]
    assert [round(size.mm, 1) for size in sizes] == [210, 297, 37, 35, 28, 26]
    title = next(p for p in document.paragraphs if p.text == f"{meeting.title}材料")
    assert {east_asian(run) for run in title.runs} == {"方正小标宋简体"}
    assert {run.font.size for run in title.runs} == {Pt(22)}
    headings = [p for p in document.paragraphs if p.text.startswith(("一、", "二、", "三、", "四、"))]
    assert [p.text for p in headings] == [
        "一、需要会议研究决定的事项",
        "二、出席领导包抓事项",
        "三、进度逾期未报送的事项",
        "四、上次会议议定事项落实情况",
    ]
    assert {east_asian(run) for p in headings for run in p.runs} == {"黑体"}
    first = next(p for p in document.paragraphs if p.text == "（一）连续两期红色预警的事项")
    assert {east_asian(run) for run in first.runs} == {"楷体_GB2312"}
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.text:
                assert east_asian(run), run.text
    # The leaders' table: one row per attending leader, after the header.
    leaders_table = next(t for t in document.tables if t.rows[0].cells[1].text == "包抓领导")
    assert len(leaders_table.rows) == 1 + meeting.leaders.count()
    assert document.sections[0].footer.paragraphs[0].text.startswith("— ")


# ---------------------------------------------------------------------------------------------
# Decisions: entered, assigned as items, followed up at the next meeting


def decide(meeting: Meeting, text: str = "8月底前解决园区标准化厂房用地报批") -> object:
    region = meeting.region
    return services.decision_add(
        actor=office(),
        meeting=meeting,
        data=DecisionInput(
            text=text,
            detail="县自然资源局牵头，每周报送进展。",
            lead_unit=unit(region, "县自然资源局"),
            support_units=[unit(region, "县发改局")],
            patron_leader=Leader.objects.get(person__name="冯锐"),
            deadline=date(2023, 8, 31),
        ),
    )


def test_a_decision_becomes_an_assigned_meeting_item_that_links_back(meeting):
    decision = decide(meeting)
    assert decision.item is None
    decision = services.decision_assign(actor=office(), decision=decision, as_of=JULY)
    item = decision.item
    assert item.status == Status.ASSIGNED
    assert item.source == Source.MEETING
    assert item.title == "8月底前解决园区标准化厂房用地报批"
    assert item.lead_unit.short_name == "县自然资源局"
    assert {u.short_name for u in item.support_units.all()} == {"县发改局"}
    assert item.patron_leader.person.name == "冯锐"
    assert item.deadline == date(2023, 8, 31)
    assert meeting.title in item.description
    assert Item.objects.get(pk=item.pk).meeting_decision == decision
    assert item.events.filter(kind="assigned", note__contains=meeting.title).exists()
    with pytest.raises(ServiceError, match="已经交办"):
        services.decision_assign(actor=office(), decision=decision, as_of=JULY)


def test_all_decisions_are_assigned_at_once_from_the_page(meeting):
    decide(meeting, "第一条议定事项")
    decide(meeting, "第二条议定事项")
    client = client_for(office())
    response = client.post(f"/bulletins/meetings/{meeting.pk}/assign/")
    assert response.status_code == 302
    assert not meeting.decisions.filter(item__isnull=True).exists()
    assert set(meeting.decisions.values_list("item__source", flat=True)) == {Source.MEETING}
    page = client.get(f"/bulletins/meetings/{meeting.pk}/").content.decode()
    assert "第一条议定事项" in page and "已交办" in page


def test_the_next_meeting_shows_the_last_meetings_decisions_with_their_follow_up(meeting, zhashui):
    done = services.decision_assign(actor=office(), decision=decide(meeting), as_of=JULY)
    decide(meeting, "尚未交办的议定事项")
    services.meeting_finalise(actor=office(), meeting=meeting, on=JULY)
    following = services.meeting_create(
        actor=office(),
        region=zhashui,
        kind=MeetingKind.DISPATCH,
        held_on=date(2023, 8, 25),
        as_of=JULY,
        leaders=list(meeting_leaders_for(zhashui))[:2],
    )
    last = following.data["last"]
    assert last["meeting_id"] == meeting.pk
    rows = {row["text"]: row for row in last["decisions"]}
    assert rows[done.text]["status"] == "已交办"
    assert rows[done.text]["item_id"] == done.item_id
    assert rows[done.text]["report"] == "尚未报送进度"
    assert rows["尚未交办的议定事项"]["status"] == "未交办"
    page = client_for(office()).get(f"/bulletins/meetings/{following.pk}/").content.decode()
    assert "四、上次会议议定事项落实情况" in page and done.text in page
    document = docx_of(services.meeting_docx(following))
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "议定事项")
    assert [row.cells[1].text for row in table.rows[1:]] == [done.text, "尚未交办的议定事项"]
    assert table.rows[1].cells[5].text == "已交办"


def test_a_decision_is_refused_without_a_deadline_after_the_meeting(meeting):
    with pytest.raises(ServiceError, match="不能早于会议日期"):
        services.decision_add(
            actor=office(),
            meeting=meeting,
            data=DecisionInput(
                text="时限在会前的事项", lead_unit=unit(meeting.region, "县发改局"), deadline=date(2023, 7, 1)
            ),
        )


# ---------------------------------------------------------------------------------------------
# Finalising freezes the pack


def test_a_finalised_pack_no_longer_follows_the_data(meeting):
    services.meeting_finalise(actor=office(), meeting=meeting, on=JULY)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.FINAL
    client = client_for(office())
    before = client.get(f"/bulletins/meetings/{meeting.pk}/pack.docx").content
    Item.objects.filter(region=meeting.region).update(title="改过名字的事项")
    assert client.get(f"/bulletins/meetings/{meeting.pk}/pack.docx").content == before
    with pytest.raises(ServiceError, match="已经定稿"):
        services.meeting_refresh(actor=office(), meeting=meeting)
    assert "改过名字的事项" not in client.get(f"/bulletins/meetings/{meeting.pk}/").content.decode()


def test_the_pack_and_its_page_take_a_fixed_number_of_queries(meeting, django_assert_max_num_queries):
    client = client_for(office())
    client.get(f"/bulletins/meetings/{meeting.pk}/")
    with django_assert_max_num_queries(20):
        response = client.get(f"/bulletins/meetings/{meeting.pk}/")
    assert response.status_code == 200
    assert "一、需要会议研究决定的事项" in response.content.decode()
    # Reading the pack from the data: a fixed number of queries too (19 on the demo county).
    with django_assert_max_num_queries(30):
        services.meeting_refresh(actor=office(), meeting=meeting)


def test_the_pack_sections_are_drafted_from_the_data_alone(meeting):
    parts = pack.sections(meeting.data)
    assert parts[0].heading == "一、需要会议研究决定的事项"
    assert parts[0].parts[0].heading == "（一）连续两期红色预警的事项"
    assert len(parts[0].parts[0].rows) == len(meeting.data["red_twice"])


# ---------------------------------------------------------------------------------------------
# Who reads, who writes


def test_the_countys_leaders_and_the_city_read_the_pack_and_no_one_else(meeting, zhashui):
    """冯锐 does not attend the topical meeting: as a leader of the county he reads its pack all the
    same (the magistrate oversees every meeting's follow-up)."""
    only_magistrate = services.meeting_create(
        actor=office(),
        region=zhashui,
        kind=MeetingKind.TOPICAL,
        held_on=JULY,
        as_of=JULY,
        leaders=[Leader.objects.get(person__name="刘鹏")],
        title="招商引资专题会",
    )
    address = f"/bulletins/meetings/{only_magistrate.pk}/"
    for username in ("duchaban", "duchaban2", "liupeng", "fengrui", "sl-duchaban"):
        assert client_for(demo_user(username)).get(address).status_code == 200, username
        assert client_for(demo_user(username)).get(f"{address}pack.docx").status_code == 200, username
        assert (
            "招商引资专题会" in client_for(demo_user(username)).get("/bulletins/meetings/").content.decode()
        )
    for username in ("fgj-head", "fgj-reporter", "renda", "za-duchaban", "shenji"):
        assert client_for(demo_user(username)).get(address).status_code == 404, username
        assert client_for(demo_user(username)).get(f"{address}pack.docx").status_code == 404, username
        assert (
            "招商引资专题会"
            not in client_for(demo_user(username)).get("/bulletins/meetings/").content.decode()
        )


def test_only_the_regions_office_prepares_packs_and_enters_decisions(meeting, zhashui):
    for username in ("liupeng", "fgj-head", "sl-duchaban", "za-duchaban"):
        user = demo_user(username)
        with pytest.raises(ServiceError):
            services.meeting_create(
                actor=user,
                region=zhashui,
                kind=MeetingKind.DISPATCH,
                held_on=JULY,
                as_of=JULY,
                leaders=list(meeting_leaders_for(zhashui)),
            )
        with pytest.raises(ServiceError):
            services.decision_add(
                actor=user,
                meeting=meeting,
                data=DecisionInput(
                    text="越权", lead_unit=unit(zhashui, "县发改局"), deadline=date(2023, 8, 31)
                ),
            )
        with pytest.raises(ServiceError):
            services.meeting_finalise(actor=user, meeting=meeting, on=JULY)
    decision = decide(meeting)
    assert client_for(demo_user("liupeng")).get("/bulletins/meetings/new/").status_code == 403
    for username in ("liupeng", "sl-duchaban"):  # an attending leader, the city's office: they read
        client = client_for(demo_user(username))
        assert client.get(f"/bulletins/meetings/{meeting.pk}/").status_code == 200
        assert client.get(f"/bulletins/meetings/{meeting.pk}/decisions/").status_code == 403
        assert client.post(f"/bulletins/meetings/decisions/{decision.pk}/assign/").status_code == 403
        assert client.post(f"/bulletins/meetings/{meeting.pk}/finalise/").status_code == 403
    decision.refresh_from_db()
    meeting.refresh_from_db()
    assert decision.item is None and meeting.status == MeetingStatus.DRAFT
    assert (
        client_for(demo_user("za-duchaban")).post(f"/bulletins/meetings/{meeting.pk}/assign/").status_code
        == 404
    )


def test_the_office_creates_a_pack_from_the_page(zhashui):
    client = client_for(office())
    page = client.get("/bulletins/meetings/new/")
    assert page.status_code == 200
    leaders = [leader.pk for leader in meeting_leaders_for(zhashui)[:3]]
    response = client.post(
        "/bulletins/meetings/new/",
        {"kind": "plenary", "held_on": "2023-07-20", "leaders": leaders, "title": ""},
    )
    assert response.status_code == 302
    created = Meeting.objects.get(region=zhashui, held_on=date(2023, 7, 20))
    assert created.title == "柞水县2023年7月重点工作全体会议"
    assert created.as_of == date(2023, 7, 20)
    assert sorted(created.leaders.values_list("pk", flat=True)) == sorted(leaders)
