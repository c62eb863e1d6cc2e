"""The demo county's commitments on 2023-07-25.

The livelihood projects the deputies voted for: ten in the year, eight started, three built, 3220
万元 invested to June (the units' reports, verified), the two not started being the red education
base at 谷子沟 in 红岩寺 and the first phase of the 乾佑河 town-section works (the demo's items for
them get their detail here). The other eight are illustrative (示意数据): their names, units and
amounts are the demo's own, made to agree with those figures. The city's demands (军令状) are six
of the year's targets the county named, set as the city's demands for the demo (示意数据); each
unit leading a commitment of source 承诺书 signed its letter in February.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from luoshi.alerts.services import colours_recompute
from luoshi.commitments import services
from luoshi.commitments.models import KIND, CityPledge, Livelihood
from luoshi.core import clock
from luoshi.items.models import (
    EventKind,
    Item,
    ItemEvent,
    Method,
    ProgressReport,
    ReportStatus,
    Source,
    Status,
    Verdict,
    Verification,
)
from luoshi.org.models import Leader, Membership, Region, Role, Unit, User

COUNTY = "柞水县"
YEAR = 2023
D = date
VOTED = D(2023, 2, 15)  # the deputies' vote; the items were assigned that day


@dataclass(frozen=True)
class Project:
    title: str
    lead: str
    planned: int  # 万元
    started: date | None = None
    completed: date | None = None
    invested: int = 0  # 万元, to the end of June


# Existing items of the demo (web/demo_county.py), given their detail: not started.
EXISTING = (
    Project("红岩寺谷子沟红色教育基地建设", "红岩寺镇", 1500),
    Project("乾佑河城区段河道综合治理一期", "县水利局", 2600),
)
ILLUSTRATIVE = (
    Project("城区老旧小区改造", "县住建局", 1200, D(2023, 3, 10), D(2023, 6, 28), 760),
    Project("农村饮水安全巩固提升", "县水利局", 800, D(2023, 3, 1), D(2023, 6, 15), 780),
    Project("城区公共停车场建设", "县城管执法局", 600, D(2023, 4, 3), D(2023, 7, 10), 300),
    Project("镇卫生院服务能力提升", "县卫健局", 900, D(2023, 4, 17), None, 520),
    Project("城区学校学位扩容", "县教体局", 1500, D(2023, 3, 20), None, 380),
    Project("农村公路安全防护工程", "县交通运输局", 700, D(2023, 5, 8), None, 260),
    Project("社区养老服务设施建设", "县民政局", 500, D(2023, 5, 22), None, 140),
    Project("便民农贸市场改造", "县商务局", 400, D(2023, 6, 5), None, 80),
)


@dataclass(frozen=True)
class Pledge:
    title: str
    lead: str
    patron: str
    demand: str
    standard: str
    deadline: date
    percent: int  # reported by the end of June


PLEDGES = (
    Pledge(
        "固定资产投资增长目标",
        "县发改局",
        "冯锐",
        "全年固定资产投资保持增长，确保完成市下达目标",
        "以统计部门月度数据为准",
        D(2023, 12, 31),
        42,
    ),
    Pledge(
        "新增“五上”企业",
        "县统计局",
        "冯锐",
        "全年新增“五上”企业32家以上",
        "以入库纳统企业名单为准",
        D(2023, 12, 31),
        6,
    ),
    Pledge(
        "空气质量优良天数",
        "县生态环境分局",
        "冯锐",
        "空气质量优良天数350天以上，出境断面水质稳定达标",
        "以生态环境部门监测数据为准",
        D(2023, 12, 31),
        55,
    ),
    Pledge(
        "农村改厕改房", "县农业农村局", "王宁", "全面完成年度改厕改房任务", "逐户验收合格", D(2023, 9, 30), 60
    ),
    Pledge(
        "明年重点项目储备",
        "县发改局",
        "冯锐",
        "储备成熟项目不少于200个",
        "入库储备项目清单",
        D(2023, 8, 31),
        63,
    ),
    Pledge(
        "秦岭“五乱”问题整改",
        "县自然资源局",
        "冯锐",
        "各级反馈问题和疑似图斑按期整改销号",
        "逐项销号",
        D(2023, 9, 30),
        70,
    ),
)


def _moment(day: date, at: time = time(10, 0)) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def load(*, as_of: date) -> None:
    region = Region.objects.get(name=COUNTY)
    if (
        Livelihood.objects.filter(item__region=region).exists()
        or CityPledge.objects.filter(item__region=region).exists()
    ):
        return
    office = User.objects.get(username="duchaban")
    units = {unit.short_name: unit for unit in Unit.objects.filter(region=region)}
    leaders = {
        leader.person.name: leader for leader in Leader.objects.filter(region=region).select_related("person")
    }
    authors = _authors(region)
    for project in EXISTING:
        item = Item.objects.get(region=region, kind=KIND, source=Source.LIVELIHOOD, title=project.title)
        services.livelihood_attach(actor=office, item=item, planned_investment=Decimal(project.planned))
    made = []
    for project in ILLUSTRATIVE:
        with clock.pinned(VOTED, time(9, 30)):
            livelihood = services.livelihood_create(
                actor=office,
                region=region,
                data=services.CommitmentInput(
                    title=project.title,
                    year=YEAR,
                    lead_unit=units[project.lead],
                    patron_leader=leaders["冯锐"],
                    deadline=D(YEAR, 12, 31),
                    description="人大代表票决的年度民生实事项目。",
                ),
                planned_investment=Decimal(project.planned),
                planned_start=project.started,
                as_of=VOTED,
            )
        with clock.pinned(project.completed or project.started or as_of, time(17, 0)):
            services.livelihood_progress(
                actor=office,
                livelihood=livelihood,
                started_on=project.started,
                completed_on=project.completed,
                as_of=project.completed or project.started or as_of,
            )
        Livelihood.objects.filter(pk=livelihood.pk).update(illustrative=True)
        made.append((livelihood.item, project))
    _livelihood_reports(made, authors, office)
    pledged = []
    for pledge in PLEDGES:
        with clock.pinned(D(2023, 2, 6), time(9, 30)):
            made_pledge = services.pledge_create(
                actor=office,
                region=region,
                data=services.CommitmentInput(
                    title=pledge.title,
                    year=YEAR,
                    lead_unit=units[pledge.lead],
                    patron_leader=leaders[pledge.patron],
                    deadline=pledge.deadline,
                ),
                demand=pledge.demand,
                standard=pledge.standard,
                as_of=D(2023, 2, 6),
            )
        CityPledge.objects.filter(pk=made_pledge.pk).update(illustrative=True)
        pledged.append((made_pledge.item, pledge))
    _pledge_reports(pledged, authors, office)
    _letters(region, office)
    colours_recompute(as_of=as_of, items=Item.objects.filter(region=region, kind=KIND))


def _authors(region: Region) -> dict[int | None, User]:
    authors: dict[int | None, User] = {}
    for membership in Membership.objects.filter(unit__region=region).select_related("user").order_by("role"):
        if membership.role in (Role.UNIT_HEAD, Role.REPORTER):
            authors.setdefault(membership.unit_id, membership.user)
    return authors


def _report(item: Item, month: int, author: User, done: str, **values: object) -> ProgressReport:
    return ProgressReport(
        item=item,
        unit=item.lead_unit,
        period_start=D(YEAR, month, 1),
        period_end=D(YEAR, month, 28 if month == 2 else 30),
        due_on=D(YEAR, month, 25),
        done=done,
        confidence="green",
        author=author,
        status=ReportStatus.SUBMITTED,
        submitted_at=_moment(D(YEAR, month, 20)),
        created_at=_moment(D(YEAR, month, 20)),
        **values,
    )


def _signed(items: list[Item], reports: list[ProgressReport], office: User) -> None:
    """The units signed for their items the next day and reported monthly; the office checked
    each report against the documents (entered in bulk)."""
    events = []
    for item in items:
        item.accepted_on = item.assigned_on + timedelta(days=1) if item.assigned_on else None
        item.last_reported_at = _moment(D(YEAR, 6, 20))
        events.append(
            ItemEvent(
                item=item,
                kind=EventKind.ACCEPTED,
                from_status=Status.ASSIGNED,
                to_status=Status.ACCEPTED,
                at=_moment(item.accepted_on or VOTED),
            )
        )
        if item.status == Status.ASSIGNED:
            item.status = Status.IN_PROGRESS
    ProgressReport.objects.bulk_create(reports, batch_size=500)
    Verification.objects.bulk_create(
        [
            Verification(
                report=report,
                method=Method.DOCUMENTS,
                verdict=Verdict.TRUE,
                verifier=office,
                verified_on=report.due_on,
            )
            for report in reports
        ],
        batch_size=500,
    )
    ItemEvent.objects.bulk_create(events)
    fields = [
        "accepted_on",
        "status",
        "completed_on",
        "last_reported_at",
        "progress_value",
        "progress_percent",
    ]
    Item.objects.bulk_update(items, fields, batch_size=200)


def _livelihood_reports(
    made: list[tuple[Item, Project]], authors: dict[int | None, User], office: User
) -> None:
    items, reports = [], []
    for item, project in made:
        assert project.started is not None
        for month in range(3, 7):
            if D(YEAR, month, 20) < project.started:
                value = Decimal(0)
                done = "前期手续办理中。"
            else:
                share = Decimal(month - project.started.month + 1) / Decimal(7 - project.started.month)
                value = (Decimal(project.invested) * share).quantize(Decimal(1))
                done = f"累计完成投资{value}万元。"
            reports.append(_report(item, month, authors.get(item.lead_unit_id, office), done, value=value))
        item.progress_value = Decimal(project.invested)
        item.progress_percent = (Decimal(100) * project.invested / project.planned).quantize(Decimal("0.01"))
        if project.completed:
            item.status, item.completed_on = Status.COMPLETED, project.completed
        items.append(item)
    _signed(items, reports, office)


def _pledge_reports(
    pledged: list[tuple[Item, Pledge]], authors: dict[int | None, User], office: User
) -> None:
    items, reports = [], []
    for item, pledge in pledged:
        for month in range(2, 7):
            percent = Decimal(pledge.percent * (month - 1) // 5)
            reports.append(
                _report(item, month, authors.get(item.lead_unit_id, office), "按月推进。", percent=percent)
            )
        item.progress_percent = Decimal(pledge.percent)
        items.append(item)
    _signed(items, reports, office)


def _letters(region: Region, office: User) -> None:
    """Each unit leading a commitment of source 承诺书 signed its letter at the end of February."""
    units = Unit.objects.filter(
        led_items__region=region, led_items__source=Source.COMMITMENT, led_items__year=YEAR
    ).distinct()
    for unit in units:
        head = Membership.objects.filter(unit=unit, role=Role.UNIT_HEAD).select_related("user").first()
        signer = (head.user.name if head else "") or f"{unit.short_name}主要负责人"
        with clock.pinned(D(2023, 2, 28), time(10, 0)):
            services.letter_record(
                actor=office,
                unit=unit,
                year=YEAR,
                signed_on=D(2023, 2, 28),
                signer=signer,
                summary="对本单位承担的重点工作任务作出书面承诺，按期保质完成。",
            )
