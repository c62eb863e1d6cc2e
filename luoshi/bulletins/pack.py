"""A meeting's pack (调度会材料), from the machinery that drafts bulletins.

`gather` reads, as the region's supervision office sees them and as of the pack's day, what needs
the meeting's decision (items red two months running, each ledger's rows through the registry's
`Ledger.meeting`, reports found untrue, consequences waiting to be confirmed), each attending
leader's patronage items at a glance, the items whose report is overdue, and the last meeting's
decisions with their follow-up, into a JSON-able dict stored with the meeting. `sections` turns it
into the parts every output shows (the page, the Word file): pure, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count

from luoshi.alerts.models import ConsequenceAction, ItemColour
from luoshi.alerts.selectors import pending_proposals_for, shown_colour
from luoshi.alerts.services import month_of, previous_month
from luoshi.bulletins.drafting import CN, item_row
from luoshi.bulletins.models import Meeting
from luoshi.bulletins.periods import day_label
from luoshi.core import registry
from luoshi.core.selectors import work_calendar
from luoshi.dashboard.selectors import colour_counts, snapshots_for
from luoshi.items.models import Colour, Item, ProgressReport, ReportStatus, Status, Verdict, Verification
from luoshi.items.selectors import item_list_for, not_reported
from luoshi.org.models import Leader, Region
from luoshi.org.selectors import region_reader

UNTRUE_DAYS = 60  # reports found untrue this many days before the pack at most (else since the last meeting)
NOTE_CHARS = 80  # a verification's note or a report's text, as much of it as a table cell shows
COLOUR_LABELS = {Colour.RED: "红色", Colour.YELLOW: "黄色", Colour.GREEN: "绿色"}
# The consequences a leader decides (约谈, 扣分): the pack lists them. The lighter ones (督办函, 提醒)
# are the office's own to confirm: the pack counts them by kind in one line.
LEADER_ACTIONS = (ConsequenceAction.INTERVIEW, ConsequenceAction.DEDUCT)


def leader_label(leader: Leader) -> str:
    return f"{leader.person.name}（{leader.title}）"


def _clip(text: str, size: int = NOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else f"{text[: size - 1]}…"


def _item_facts(item: Item) -> dict[str, Any]:
    leader = item.patron_leader
    return {
        "item_id": item.pk,
        "code": item.code,
        "title": item.title,
        "unit": item.lead_unit.short_name if item.lead_unit else "",
        "leader": leader.person.name if leader else "",
    }


def previous_meeting(*, region: Region | int, held_on: date, exclude: int | None = None) -> Meeting | None:
    """The region's meeting before `held_on` (the latest one), or None."""
    region_id = region if isinstance(region, int) else region.pk
    meetings = Meeting.objects.filter(region_id=region_id, held_on__lt=held_on)
    if exclude is not None:
        meetings = meetings.exclude(pk=exclude)
    return meetings.order_by("-held_on", "-pk").first()


def gather(*, meeting: Meeting) -> dict[str, Any]:
    """The pack of `meeting` (a saved Meeting with its leaders) as of its `as_of`."""
    region: Region = meeting.region
    as_of: date = meeting.as_of
    reader = region_reader(region)
    month = month_of(as_of)
    related = ("item__lead_unit", "item__patron_leader__person")
    current = snapshots_for(reader, month)

    # 1. What needs the meeting's decision.
    red_before = ItemColour.objects.filter(period=previous_month(month)).annotate(shown=shown_colour())
    red_twice = (
        current.filter(shown=Colour.RED, item_id__in=red_before.filter(shown=Colour.RED).values("item_id"))
        .select_related("item", *related)
        .order_by("item__lead_unit__sort_order", "item__code")
    )
    ledgers = []
    seen: list[registry.MeetingSection] = []
    for ledger in registry.ledgers():
        if ledger.meeting is None or ledger.meeting in seen:
            continue
        seen.append(ledger.meeting)
        part = ledger.meeting(user=reader, as_of=as_of)
        if part is not None and part.rows:
            ledgers.append(
                {
                    "title": part.title,
                    "rows": [
                        {
                            "title": row.title,
                            "unit": row.unit,
                            "leader": row.leader,
                            "reason": row.reason,
                            "item_id": row.item_id,
                        }
                        for row in part.rows
                    ],
                }
            )
    last = previous_meeting(region=region, held_on=meeting.held_on, exclude=meeting.pk)
    since = as_of - timedelta(days=UNTRUE_DAYS)
    if last is not None and last.held_on > since:
        since = last.held_on
    untrue = (
        Verification.objects.filter(
            verdict=Verdict.UNTRUE,
            verified_on__gt=since,
            verified_on__lte=as_of,
            report__item__in=item_list_for(reader).values("pk"),
        )
        .select_related("report__item__lead_unit", "report__item__patron_leader__person", "report__unit")
        .order_by("-verified_on", "-pk")
    )
    pending = pending_proposals_for(reader)
    proposals = pending.filter(action__in=LEADER_ACTIONS)
    others = {
        ConsequenceAction(row["action"]).label: row["n"]
        for row in pending.exclude(action__in=LEADER_ACTIONS)
        .values("action")
        .annotate(n=Count("pk"))
        .order_by("action")
    }

    # 2. Each attending leader's patronage items.
    leaders = list(meeting.leaders.select_related("person").order_by("rank", "pk"))
    ids = [leader.pk for leader in leaders]
    counts = {
        row["item__patron_leader"]: row
        for row in current.filter(item__patron_leader__in=ids)
        .values("item__patron_leader")
        .annotate(**colour_counts())
    }
    reds: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for snapshot in (
        current.filter(shown=Colour.RED, item__patron_leader__in=ids)
        .select_related("item", *related)
        .order_by("item__code")
    ):
        reds[snapshot.item.patron_leader_id].append(item_row(snapshot) | {"item_id": snapshot.item_id})
    patronage = []
    for leader in leaders:
        row = counts.get(leader.pk, {})
        patronage.append(
            {
                "leader": leader_label(leader),
                "total": row.get("total", 0),
                **{colour.value: row.get(colour.value, 0) for colour in COLOUR_LABELS},
                "red_items": reds[leader.pk],
            }
        )

    # 3. Reports overdue (本期未报送, as 我的工作 and the dashboard decide it).
    owed = not_reported(
        item_list_for(reader).select_related("lead_unit", "patron_leader__person"),
        as_of=as_of,
        calendar=work_calendar(),
    )
    stale = []
    for entry in owed:
        period = entry.state.overdue
        assert period is not None
        stale.append(
            _item_facts(entry.item)
            | {
                "reason": f"{day_label(period.start)}至{day_label(period.end)}的进度"
                f"应于{day_label(period.due)}报送，逾期未报"
            }
        )

    return {
        "region": region.name,
        "as_of": as_of.isoformat(),
        "held_on": meeting.held_on.isoformat(),
        "month": f"{month:%Y-%m}",
        "leaders": [leader_label(leader) for leader in leaders],
        "red_twice": [item_row(snapshot) | {"item_id": snapshot.item_id} for snapshot in red_twice],
        "ledgers": ledgers,
        "untrue": [
            _item_facts(verification.report.item)
            | {
                "unit": verification.report.unit.short_name,
                "reason": f"{day_label(verification.verified_on)}{verification.get_method_display()}"
                f"不属实：{_clip(verification.note)}",
            }
            for verification in untrue
        ],
        "proposals": [
            _item_facts(proposal.item)
            | {
                "reason": f"{COLOUR_LABELS.get(Colour(proposal.colour), '')}预警，建议"
                f"{proposal.get_action_display()}"
                + (f"（扣{proposal.points:g}分）" if proposal.points is not None else "")
                + f"：{proposal.reason}"
            }
            for proposal in proposals
        ],
        "proposals_other": others,
        "patronage": patronage,
        "stale": stale,
        "last": _follow_up(last, month=month) if last is not None else None,
    }


def _follow_up(last: Meeting, *, month: date) -> dict[str, Any]:
    """The last meeting's decisions, each with its item's status, colour and latest report."""
    decisions = list(
        last.decisions.select_related("lead_unit", "patron_leader__person", "item").order_by("pk")
    )
    item_ids = [decision.item_id for decision in decisions if decision.item_id]
    colours = {
        row.item_id: row
        for row in ItemColour.objects.filter(item_id__in=item_ids, period=month).annotate(
            shown=shown_colour()
        )
    }
    latest: dict[int, ProgressReport] = {}
    for found in ProgressReport.objects.filter(
        item_id__in=item_ids, status=ReportStatus.SUBMITTED, superseded_by__isnull=True
    ).order_by("item_id", "-period_start", "-created_at"):
        latest.setdefault(found.item_id, found)
    rows = []
    for decision in decisions:
        item: Item | None = decision.item
        snapshot = colours.get(item.pk) if item else None
        colour = (snapshot.shown if snapshot else item.colour) if item else ""
        report = latest.get(item.pk) if item else None
        rows.append(
            {
                "text": decision.text,
                "unit": decision.lead_unit.short_name,
                "leader": decision.patron_leader.person.name if decision.patron_leader else "",
                "deadline": decision.deadline.isoformat(),
                "item_id": item.pk if item else None,
                "code": item.code if item else "",
                "status": item.get_status_display() if item else "未交办",
                "done": bool(item and item.status in (Status.COMPLETED, Status.CLOSED)),
                "colour": colour,
                "report": f"{day_label(report.period_end)}：{_clip(report.done)}"
                if report
                else "尚未报送进度",
            }
        )
    return {
        "title": last.title,
        "held_on": last.held_on.isoformat(),
        "meeting_id": last.pk,
        "decisions": rows,
    }


# ---------------------------------------------------------------------------------------------
# The pack's parts, from the stored data: pure


@dataclass(frozen=True)
class Part:
    """A part of a section: its 楷体 heading, a sentence, and its table (or a word saying it is empty)."""

    heading: str
    text: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    links: tuple[int | None, ...] = ()  # the item of each row, for the page's links
    empty: str = "无。"

    @property
    def entries(self) -> list[tuple[int | None, tuple[str, ...]]]:
        """Each row with its item (None where it has none), for the page."""
        links = self.links or (None,) * len(self.rows)
        return list(zip(links, self.rows, strict=True))


@dataclass(frozen=True)
class Section:
    heading: str  # 一、需要会议研究决定的事项
    parts: tuple[Part, ...]


ITEM_COLUMNS = ("事项名称", "牵头单位", "包抓领导", "原因")


def _rows(rows: Sequence[dict[str, Any]]) -> tuple[tuple[tuple[str, ...], ...], tuple[int | None, ...]]:
    return (
        tuple((row["title"], row["unit"], row["leader"], row["reason"]) for row in rows),
        tuple(row.get("item_id") for row in rows),
    )


def _month_label(code: str) -> str:
    """2023-07 → 2023年7月."""
    year, month = code.split("-")
    return f"{year}年{int(month)}月"


def _heading(number: int, text: str) -> str:
    return f"（{CN[number - 1]}）{text}"


def _proposals_text(others: dict[str, int]) -> str:
    text = "预警规则提出、督查办尚未确认的约谈和扣分建议。"
    if others:
        counts = "、".join(f"{label}{count}件" for label, count in others.items())
        text += f"另有待确认的{counts}，由督查办按规定处理，不列入本表。"
    return text


def sections(data: dict[str, Any]) -> list[Section]:
    """一、需要会议研究决定的事项; 二、出席领导包抓事项; 三、进度逾期未报送的事项;
    四、上次会议议定事项落实情况."""
    decide: list[tuple[str, str, list[dict[str, Any]]]] = [
        (
            "连续两期红色预警的事项",
            f"{_month_label(data['month'])}和上月均为红色预警、仍在推进中的事项。",
            data["red_twice"],
        ),
        *[(part["title"], "", part["rows"]) for part in data["ledgers"]],
        ("核实不属实的进度报告", "督查办核实发现报送情况与实际不符的进度报告。", data["untrue"]),
        ("待确认的预警处置", _proposals_text(data.get("proposals_other", {})), data["proposals"]),
    ]
    first = tuple(
        Part(_heading(number, title), text, ITEM_COLUMNS, *_rows(rows))
        for number, (title, text, rows) in enumerate(decide, start=1)
    )
    second = Part(
        "",
        "",
        ("包抓领导", "包抓事项", "红色", "黄色", "绿色", "红色事项"),
        tuple(
            (
                row["leader"],
                str(row["total"]),
                str(row["red"]),
                str(row["yellow"]),
                str(row["green"]),
                "；".join(f"{item['title']}（{item['unit']}）" for item in row["red_items"]) or "—",
            )
            for row in data["patronage"]
        ),
        empty="出席领导没有包抓的督办事项。",
    )
    stale_rows, stale_links = _rows(data["stale"])
    third = Part(
        "",
        f"截至{day_label(date.fromisoformat(data['as_of']))}，{len(data['stale'])}项事项的进度逾期未报送。"
        if data["stale"]
        else "",
        ("事项名称", "牵头单位", "包抓领导", "应报送"),
        stale_rows,
        stale_links,
        empty="没有逾期未报送进度的事项。",
    )
    last = data["last"]
    if last is None:
        fourth = Part("", "", (), (), empty="此前没有在系统中记录的会议。")
    else:
        decisions = last["decisions"]
        done = sum(1 for row in decisions if row["done"])
        red = sum(1 for row in decisions if row["colour"] == Colour.RED)
        fourth = Part(
            "",
            f"{day_label(date.fromisoformat(last['held_on']))}{last['title']}议定事项{len(decisions)}项，"
            f"已办结{done}项，红色预警{red}项。",
            ("议定事项", "牵头单位", "包抓领导", "完成时限", "状态", "预警", "最新进展"),
            tuple(
                (
                    row["text"],
                    row["unit"],
                    row["leader"],
                    day_label(date.fromisoformat(row["deadline"])),
                    row["status"],
                    COLOUR_LABELS.get(row["colour"], "—") if row["colour"] else "—",
                    row["report"],
                )
                for row in decisions
            ),
            tuple(row["item_id"] for row in decisions),
            empty="上次会议没有录入议定事项。",
        )
    return [
        Section("一、需要会议研究决定的事项", first),
        Section("二、出席领导包抓事项", (second,)),
        Section("三、进度逾期未报送的事项", (third,)),
        Section("四、上次会议议定事项落实情况", (fourth,)),
    ]


def needs_decision_count(data: dict[str, Any]) -> int:
    return (
        len(data["red_twice"])
        + sum(len(part["rows"]) for part in data["ledgers"])
        + len(data["untrue"])
        + len(data["proposals"])
    )


@dataclass(frozen=True)
class PackDocument:
    """The pack as every output shows it: from the meeting's stored data, never the live data."""

    title: str  # 柞水县2023年7月重点工作调度会材料
    issuer: str  # who prepared it (the region's supervision office)
    lines: tuple[str, ...]  # 会议时间、出席领导、数据截至
    sections: tuple[Section, ...]
    is_draft: bool


def pack_document(meeting: Meeting, *, issuer: str) -> PackDocument:
    data = meeting.data
    return PackDocument(
        title=f"{meeting.title}材料",
        issuer=issuer,
        lines=(
            f"会议时间：{day_label(meeting.held_on)}",
            f"出席领导：{'、'.join(data.get('leaders', [])) or '—'}",
            f"数据截至：{day_label(meeting.as_of)}　{issuer}编制",
        ),
        sections=tuple(sections(data)) if data else (),
        is_draft=not meeting.is_final,
    )
