"""The demo county's honour creations and on-site meetings on 2023-07-25.

Creations: the year's list counts 10 creations set at the start of the year (the government work
report's ten), 13 the departments added since and 2 begun in earlier years and awarded this year.
Every title is named as the county named it, in the group it stood in that day: 3 awarded, 2 past
their first acceptance and due by 30 November, 8 ready to request acceptance, 6 running across
years, 2 under dynamic review, 2 applying, and 2 that failed their first check. Which of them were
among the ten, the thirteen or the two, their lead units and the days of their stages are the
demo's own (the speech does not say): they only have to agree with the figures.

On-site meetings: 29 provincial and municipal meetings planned for the year, 10 held by the day (from
February to May; the others planned from August on).
Besides the two city weekend meetings still to come to the county, they are illustrative (示意数据).
The year-end visit's sites are the four key projects named as its showcase; the other sites are
readied by the towns they are in, which see their meetings.

Entered through the services, the clock pinned to each day, so the pages, the history and the
figures are those of real use (an award completes its creation's item, a failure withdraws it, a
meeting held completes its item); the units' side (signing, monthly reports) is entered in bulk
before the stages are recorded. The demo's tasks about these creations are linked to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from luoshi.alerts.services import colours_recompute
from luoshi.core import clock
from luoshi.creations import services
from luoshi.creations.models import KIND, MEETING_KIND, Creation, Level, MeetingLevel, OnSiteMeeting, Origin
from luoshi.creations.stages import Group, Stage, group_of
from luoshi.items.models import (
    EventKind,
    Item,
    ItemEvent,
    Method,
    ProgressReport,
    ReportStatus,
    Status,
    Verdict,
    Verification,
)
from luoshi.org.models import Leader, Membership, Region, Role, Unit, User

COUNTY = "柞水县"
YEAR = 2023
D = date
PLANNED, ADDED, CARRIED = Origin.PLANNED, Origin.ADDED, Origin.CARRIED_OVER
NATIONAL, PROVINCIAL = Level.NATIONAL, Level.PROVINCIAL
MATERIALS = ("创建工作实施方案", "领导小组及责任分工文件", "创建工作台账", "自评报告", "图片影像资料")
LAGGING = "前期对接沟通争取不到位，未通过初核"


@dataclass(frozen=True)
class Spec:
    title: str
    level: str
    lead: str
    patron: str
    origin: str
    expected: date
    start: tuple[Stage, date]  # the stage reached when entered, and the day
    moves: tuple[tuple[Stage, date], ...] = ()
    reviewed: bool = False
    failed: str = ""  # the reason it failed, on the last move's day
    ready_materials: int = 0  # how many archive materials are in order


def _path(*moves: tuple[Stage, date]) -> tuple[tuple[Stage, date], ...]:
    return moves


S = Stage
SPECS = (
    # 已授牌命名 (3)
    Spec(
        "国家级全域森林康养试点建设县",
        NATIONAL,
        "县林业局",
        "茂荣",
        CARRIED,
        D(2023, 4, 30),
        (S.ACCEPTED, D(2023, 2, 6)),
        _path((S.AWARDED, D(2023, 4, 18))),
        ready_materials=5,
    ),
    Spec(
        "牛背梁国家级旅游度假区",
        NATIONAL,
        "县文旅局",
        "茂荣",
        CARRIED,
        D(2023, 3, 31),
        (S.ACCEPTED, D(2023, 2, 6)),
        _path((S.AWARDED, D(2023, 3, 22))),
        ready_materials=5,
    ),
    Spec(
        "全省第一批生态文明建设示范区",
        PROVINCIAL,
        "县生态环境分局",
        "冯锐",
        PLANNED,
        D(2023, 6, 30),
        (S.FIRST_CHECK, D(2023, 2, 6)),
        _path(
            (S.FIRST_ACCEPTANCE, D(2023, 3, 28)),
            (S.REQUESTED, D(2023, 4, 20)),
            (S.ACCEPTED, D(2023, 5, 30)),
            (S.AWARDED, D(2023, 6, 27)),
        ),
        ready_materials=5,
    ),
    # 已通过初验, due by 30 November (2)
    Spec(
        "全国首批数字乡村试点县",
        NATIONAL,
        "县农业农村局",
        "王宁",
        PLANNED,
        D(2023, 11, 30),
        (S.APPLIED, D(2023, 2, 6)),
        _path((S.FIRST_CHECK, D(2023, 3, 10)), (S.FIRST_ACCEPTANCE, D(2023, 6, 16))),
        ready_materials=4,
    ),
    Spec(
        "国家学前教育普及普惠县",
        NATIONAL,
        "县教体局",
        "小军",
        PLANNED,
        D(2023, 11, 30),
        (S.APPLIED, D(2023, 2, 6)),
        _path((S.FIRST_CHECK, D(2023, 3, 24)), (S.FIRST_ACCEPTANCE, D(2023, 6, 29))),
        ready_materials=4,
    ),
    # 已达到创建条件待请验 (8)
    Spec(
        "全国基层中医药工作先进县",
        NATIONAL,
        "县卫健局",
        "小军",
        PLANNED,
        D(2023, 12, 31),
        (S.APPLIED, D(2023, 2, 6)),
        _path((S.FIRST_CHECK, D(2023, 5, 12))),
        ready_materials=3,
    ),
    Spec(
        "全国信访工作示范县",
        NATIONAL,
        "县信访局",
        "冯锐",
        ADDED,
        D(2023, 12, 31),
        (S.APPLIED, D(2023, 3, 6)),
        _path((S.FIRST_CHECK, D(2023, 6, 2))),
        ready_materials=2,
    ),
    Spec(
        "国家义务教育优质均衡发展县",
        NATIONAL,
        "县教体局",
        "小军",
        PLANNED,
        D(2023, 12, 31),
        (S.APPLIED, D(2023, 2, 6)),
        _path((S.FIRST_CHECK, D(2023, 4, 21))),
        ready_materials=3,
    ),
    Spec(
        "省级县城建设示范县",
        PROVINCIAL,
        "县住建局",
        "冯锐",
        PLANNED,
        D(2023, 12, 31),
        (S.APPLIED, D(2023, 2, 6)),
        _path((S.FIRST_CHECK, D(2023, 6, 9))),
        ready_materials=2,
    ),
    Spec(
        "省级信用建设示范县",
        PROVINCIAL,
        "县发改局",
        "冯锐",
        ADDED,
        D(2023, 12, 31),
        (S.APPLIED, D(2023, 3, 20)),
        _path((S.FIRST_CHECK, D(2023, 6, 15))),
        ready_materials=1,
    ),
    Spec(
        "省级信访工作先进单位",
        PROVINCIAL,
        "县信访局",
        "冯锐",
        ADDED,
        D(2023, 12, 31),
        (S.APPLIED, D(2023, 3, 6)),
        _path((S.FIRST_CHECK, D(2023, 5, 26))),
        ready_materials=2,
    ),
    Spec(
        "全省“八五”普法中期评估验收先进县",
        PROVINCIAL,
        "县司法局",
        "冯锐",
        ADDED,
        D(2023, 12, 31),
        (S.APPLIED, D(2023, 4, 3)),
        _path((S.FIRST_CHECK, D(2023, 6, 20))),
        ready_materials=1,
    ),
    Spec(
        "省级知识产权强县建设示范县",
        PROVINCIAL,
        "县市场监管局",
        "维杰",
        ADDED,
        D(2023, 12, 31),
        (S.APPLIED, D(2023, 4, 10)),
        _path((S.FIRST_CHECK, D(2023, 7, 6))),
        ready_materials=1,
    ),
    # 跨年度 (6)
    Spec(
        "国家现代农业产业园",
        NATIONAL,
        "县农业农村局",
        "王宁",
        PLANNED,
        D(2024, 12, 31),
        (S.APPLIED, D(2023, 2, 6)),
        _path((S.FIRST_CHECK, D(2023, 5, 18))),
    ),
    Spec(
        "省级公共文化服务高质量发展示范县",
        PROVINCIAL,
        "县文旅局",
        "茂荣",
        ADDED,
        D(2024, 10, 31),
        (S.APPLIED, D(2023, 3, 1)),
        _path((S.FIRST_CHECK, D(2023, 6, 8))),
    ),
    Spec(
        "省级特色专业园区",
        PROVINCIAL,
        "县工信局",
        "维杰",
        ADDED,
        D(2024, 12, 31),
        (S.PLANNING, D(2023, 3, 1)),
        _path((S.APPLIED, D(2023, 5, 5))),
    ),
    Spec(
        "洞天福地5A级景区",
        NATIONAL,
        "县文旅局",
        "茂荣",
        PLANNED,
        D(2025, 12, 31),
        (S.APPLIED, D(2023, 2, 6)),
    ),
    Spec(
        "秦楚古道4A级景区",
        PROVINCIAL,
        "县文旅局",
        "茂荣",
        ADDED,
        D(2024, 6, 30),
        (S.PLANNING, D(2023, 2, 20)),
        _path((S.APPLIED, D(2023, 4, 25))),
    ),
    Spec(
        "孝义小镇4A级景区",
        PROVINCIAL,
        "县文旅局",
        "茂荣",
        ADDED,
        D(2024, 6, 30),
        (S.PLANNING, D(2023, 2, 20)),
        _path((S.APPLIED, D(2023, 4, 25))),
    ),
    # 动态复审 (2): titles awarded in earlier years
    Spec(
        "国家卫生县",
        NATIONAL,
        "县卫健局",
        "小军",
        PLANNED,
        D(2023, 12, 31),
        (S.AWARDED, D(2023, 2, 6)),
        _path((S.REVIEW, D(2023, 4, 1))),
        reviewed=True,
        ready_materials=5,
    ),
    Spec(
        "省级文明县城",
        PROVINCIAL,
        "县委宣传部",
        "刘鹏",
        PLANNED,
        D(2023, 12, 31),
        (S.AWARDED, D(2023, 2, 6)),
        _path((S.REVIEW, D(2023, 5, 1))),
        reviewed=True,
        ready_materials=4,
    ),
    # 正在申报 (2)
    Spec(
        "国家乡村振兴示范县",
        NATIONAL,
        "县乡村振兴局",
        "王宁",
        ADDED,
        D(2023, 12, 31),
        (S.PLANNING, D(2023, 4, 12)),
        _path((S.APPLIED, D(2023, 6, 26))),
    ),
    Spec(
        "全国农业现代化示范区",
        NATIONAL,
        "县农业农村局",
        "王宁",
        ADDED,
        D(2023, 12, 31),
        (S.PLANNING, D(2023, 4, 12)),
        _path((S.APPLIED, D(2023, 7, 3))),
    ),
    # 未通过初核 (2)
    Spec(
        "全国农村综合性改革试点试验县",
        NATIONAL,
        "县财政局",
        "冯锐",
        ADDED,
        D(2023, 12, 31),
        (S.APPLIED, D(2023, 3, 1)),
        _path((S.FAILED, D(2023, 5, 19))),
        failed=LAGGING,
    ),
    Spec(
        "全省双拥模范县",
        PROVINCIAL,
        "县退役军人事务局",
        "冯锐",
        ADDED,
        D(2023, 12, 31),
        (S.APPLIED, D(2023, 3, 1)),
        _path((S.FAILED, D(2023, 6, 9))),
        failed=LAGGING,
    ),
)

# The demo's tasks about these creations (web/demo_county.py), by a word of their titles → the
# creations they concern (by group, or by a word of the creation's title).
LINKS = (
    ("巩固已授牌的三项创建成果", Group.AWARDED),
    ("数字乡村试点县和学前教育普及普惠县授牌", Group.PASSED_FIRST_ACCEPTANCE),
    ("八项已达条件的创建年底前授牌", Group.READY),
    ("六项跨年度创建加快进度", Group.CROSS_YEAR),
    ("国家卫生县和省级文明县城通过暗访复审", Group.REVIEW),
    ("乡村振兴示范县和农业现代化示范区获批创建", Group.APPLYING),
    ("高A级景区创建", "级景区"),
)


def load(*, as_of: date) -> None:
    region = Region.objects.get(name=COUNTY)
    if Item.objects.filter(region=region, kind__in=(KIND, MEETING_KIND)).exists():
        return
    office = User.objects.get(username="duchaban")
    units = {unit.short_name: unit for unit in Unit.objects.filter(region=region)}
    leaders = {
        leader.person.name: leader for leader in Leader.objects.filter(region=region).select_related("person")
    }
    creations = _creations(region, office, units, leaders)
    _work(region, office, creations)
    _stages(office, creations, as_of=as_of)
    _links(region, creations, as_of=as_of)
    _meetings(region, office, units, leaders)
    colours_recompute(as_of=as_of, items=Item.objects.filter(region=region, kind__in=(KIND, MEETING_KIND)))


def _moment(day: date, at: time = time(10, 0)) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _work(region: Region, office: User, creations: list[tuple[Spec, Creation]]) -> None:
    """The units' side, entered in bulk: each lead unit signed for its creation the next working
    day and reported the stage reached every month to June (checked against the documents by the
    office), until its award. A creation that failed its first check never got that far."""
    authors: dict[int | None, User] = {}
    for membership in Membership.objects.filter(unit__region=region).select_related("user").order_by("role"):
        if membership.role != Role.SUPERVISOR:
            authors.setdefault(membership.unit_id, membership.user)
    items, events, reports = [], [], []
    for spec, creation in creations:
        item = creation.item
        if spec.failed:
            continue
        start = spec.start[1]
        accepted = item.accepted_on = start + timedelta(days=1)
        events.append(
            ItemEvent(
                item=item,
                kind=EventKind.ACCEPTED,
                from_status=Status.ASSIGNED,
                to_status=Status.ACCEPTED,
                at=_moment(accepted),
                actor=authors.get(item.lead_unit_id),
            )
        )
        awarded = next((on for stage, on in spec.moves if stage == Stage.AWARDED), None)
        history = [spec.start, *spec.moves]
        for month in range(start.month + 1 if start.day > 20 else start.month, 7):
            if awarded and date(YEAR, month, 1) > awarded:
                break
            reached = [stage for stage, on in history if on <= date(YEAR, month, 20)][-1]
            reports.append(
                ProgressReport(
                    item=item,
                    unit=item.lead_unit,
                    period_start=date(YEAR, month, 1),
                    period_end=date(YEAR, month, 28 if month == 2 else 30),
                    due_on=date(YEAR, month, 25),
                    done=f"创建工作有序推进，目前处于“{reached.label}”阶段。",
                    confidence="green",
                    author=authors.get(item.lead_unit_id, office),
                    status=ReportStatus.SUBMITTED,
                    submitted_at=_moment(date(YEAR, month, 20)),
                    created_at=_moment(date(YEAR, month, 20)),
                )
            )
            item.last_reported_at = _moment(date(YEAR, month, 20))
        item.status = Status.IN_PROGRESS
        items.append(item)
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
    ItemEvent.objects.bulk_create(events, batch_size=500)
    Item.objects.bulk_update(items, ["accepted_on", "status", "last_reported_at"], batch_size=200)


def _creations(region, office, units, leaders) -> list[tuple[Spec, Creation]]:
    """Each creation entered on the day it was, at the stage it had then reached."""
    templates = services.templates_ensure(region=region)
    made = []
    for spec in SPECS:
        stage, day = spec.start
        with clock.pinned(day, time(9, 30)):
            creation = services.creation_create(
                actor=office,
                region=region,
                data=services.CreationInput(
                    title=spec.title,
                    year=YEAR,
                    level=spec.level,
                    template=templates[
                        services.REVIEWED_TEMPLATE if spec.reviewed else services.DEFAULT_TEMPLATE
                    ],
                    lead_unit=units[spec.lead],
                    patron_leader=leaders[spec.patron],
                    origin=spec.origin,
                    expected_award=spec.expected,
                    stage=stage,
                    materials=MATERIALS,
                    plans={Stage.AWARDED: spec.expected},
                ),
                as_of=day,
            )
        made.append((spec, creation))
    return made


def _stages(office: User, creations: list[tuple[Spec, Creation]], *, as_of: date) -> None:
    """The stages each creation reached, each on its day (an award completes the item that day, a
    failure withdraws it), and the archive materials in order."""
    for spec, creation in creations:
        for target, on in spec.moves:
            with clock.pinned(on, time(16, 0)):
                creation = services.creation_move(
                    actor=office, creation=creation, target=target, on=on, reason=spec.failed, as_of=on
                )
        materials = list(creation.materials.order_by("sort_order")[: spec.ready_materials])
        for material in materials:
            with clock.pinned(min(as_of, D(2023, 7, 20)), time(11, 0)):
                services.material_tick(
                    actor=office,
                    material=material,
                    evidence=None,
                    note="纸质档案已归档，待扫描上传",
                    as_of=as_of,
                )


def _links(region, creations, *, as_of: date) -> None:
    tasks = Item.objects.filter(region=region).exclude(kind__in=(KIND, MEETING_KIND))
    for word, which in LINKS:
        concerned = [
            creation
            for spec, creation in creations
            if (_group(spec, as_of) == which if isinstance(which, Group) else which in spec.title)
        ]
        for task in tasks.filter(title__contains=word):
            task.concerned_creations.add(*concerned)


def _group(spec: Spec, as_of: date) -> Group:
    stage = spec.moves[-1][0] if spec.moves else spec.start[0]
    return group_of(stage, expected_award=spec.expected, as_of=as_of)


# ---------------------------------------------------------------------------------------------
# On-site meetings: 29 planned, 10 held


SHOWCASE = ("万银新材料", "标准化厂房", "金柞水木耳深加工", "盘谷山庄温泉森林康养综合体")
SHOWCASE_READY = D(2023, 10, 20)
READINESS = ("环境整治", "设施提升", "解说词和展板")
THEMES = (
    ("林长制工作", "县林业局", "茂荣"),
    ("食品安全监管", "县市场监管局", "维杰"),
    ("地质灾害防治", "县自然资源局", "冯锐"),
    ("木耳产业发展", "县农业农村局", "王宁"),
    ("乡村振兴示范村建设", "县乡村振兴局", "王宁"),
    ("河长制工作", "县水利局", "冯锐"),
    ("民宿产业发展", "县文旅局", "茂荣"),
    ("农村人居环境整治", "县农业农村局", "王宁"),
    ("安全生产", "县应急管理局", "冯锐"),
    ("基层中医药工作", "县卫健局", "小军"),
)
TOWNS = ("营盘镇", "下梁镇", "小岭镇", "凤凰镇", "红岩寺镇", "曹坪镇", "杏坪镇", "瓦房口镇", "乾佑街道")
PLANNED_MEETINGS, HELD_MEETINGS = 29, 10
LIST_SET = D(2023, 2, 1)  # the day the year's list of meetings was entered


def _meetings(region, office, units, leaders) -> None:
    """The year's meetings, each site readied by its town (a key project by its lead unit); signed
    for by their lead units; those held recorded on their day (which completes their items)."""
    projects = {
        item.title: item for item in Item.objects.filter(region=region, kind="project", title__in=SHOWCASE)
    }
    named = [
        services.MeetingInput(
            title="全市周末现场会（9月，柞水）",
            year=YEAR,
            level=MeetingLevel.MUNICIPAL,
            planned_on=D(2023, 9, 16),
            lead_unit=units["县政府办"],
            support_units=[units["县发改局"], units["县文旅局"]],
            sites=[
                services.SiteInput(
                    place=f"{town}观摩点",
                    unit=units[town],
                    checks=[(name, D(2023, 9, 10)) for name in READINESS],
                )
                for town in ("营盘镇", "凤凰镇")
            ],
        ),
        services.MeetingInput(
            title="全市重点项目观摩（年底，柞水）",
            year=YEAR,
            level=MeetingLevel.MUNICIPAL,
            planned_on=D(2023, 11, 25),
            lead_unit=units["县发改局"],
            patron_leader=leaders["冯锐"],
            sites=[
                services.SiteInput(
                    project_item=projects.get(title),
                    place="" if title in projects else title,
                    checks=[(name, SHOWCASE_READY) for name in READINESS],
                )
                for title in SHOWCASE
            ],
        ),
    ]
    illustrative = []
    for n in range(PLANNED_MEETINGS - len(named)):
        theme, lead, patron = THEMES[n % len(THEMES)]
        town = TOWNS[n % len(TOWNS)]
        level = MeetingLevel.PROVINCIAL if n % 3 == 0 else MeetingLevel.MUNICIPAL
        # Those held: February to May; the others: August to December.
        if n < HELD_MEETINGS:
            planned_on = D(2023, 2 + n * 4 // HELD_MEETINGS, 6 + n * 2)
        else:
            rest = n - HELD_MEETINGS
            planned_on = D(2023, 8 + rest * 5 // (PLANNED_MEETINGS - 2 - HELD_MEETINGS), 5 + rest)
        illustrative.append(
            (
                n < HELD_MEETINGS,
                services.MeetingInput(
                    title=f"{level.label}{theme}现场会（{town}）",
                    year=YEAR,
                    level=level,
                    planned_on=planned_on,
                    lead_unit=units[lead],
                    patron_leader=leaders[patron],
                    sites=[services.SiteInput(place=f"{town}{theme}示范点", unit=units[town])],
                ),
            )
        )
    signed, held = [], []
    for data in named:
        with clock.pinned(D(2023, 7, 10), time(9, 0)):
            signed.append(
                services.meeting_create(actor=office, region=region, data=data, as_of=D(2023, 7, 10))
            )
    for was_held, data in illustrative:
        with clock.pinned(LIST_SET, time(9, 0)):
            meeting = services.meeting_create(actor=office, region=region, data=data, as_of=LIST_SET)
        OnSiteMeeting.objects.filter(pk=meeting.pk).update(illustrative=True)
        signed.append(meeting)
        if was_held:
            held.append(meeting)
    _signed([meeting.item for meeting in signed])
    for meeting in held:
        on = meeting.planned_on
        with clock.pinned(on, time(18, 0)):
            services.meeting_held(actor=office, meeting=meeting, held_on=on, as_of=on)


def _signed(items: list[Item]) -> None:
    """The lead units signed for the year's meetings the day after they were assigned (in bulk)."""
    days = {item.pk: (item.assigned_on or LIST_SET) + timedelta(days=1) for item in items}
    for item in items:
        item.status, item.accepted_on = Status.ACCEPTED, days[item.pk]
    Item.objects.bulk_update(items, ["status", "accepted_on"])
    ItemEvent.objects.bulk_create(
        ItemEvent(
            item=item,
            kind=EventKind.ACCEPTED,
            from_status=Status.ASSIGNED,
            to_status=Status.ACCEPTED,
            at=_moment(days[item.pk], time(9, 0)),
        )
        for item in items
    )
