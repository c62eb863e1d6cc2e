"""The demo county's key projects on 2023-07-25.

The figures the county gave for its ledger that day are reproduced by the data, not written down
as results: 151 key projects of the year, 58 of them not started, 32 behind the plan to date, 24 of
municipal level (6 of them not started), 43 not in the statistics database, four showcase projects
due ready by 20 October, and a reserve for next year being filled towards its target of 200. The
named projects carry their own names, states and patron leaders; the others are generated to fit
those figures and are marked as illustrative (示意数据). Loaded in bulk (a few queries per table),
after the items' demo, whose tasks about these projects are linked to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from luoshi.alerts.services import colours_recompute
from luoshi.items.models import (
    EventKind,
    Item,
    ItemEvent,
    Measure,
    Method,
    ProgressReport,
    ReportCycle,
    ReportStatus,
    Source,
    Status,
    Verdict,
    Verification,
)
from luoshi.org.models import Leader, Membership, Region, Role, Unit, User
from luoshi.projects.models import Blocker, BlockerKind, Level, Project, ReserveTarget
from luoshi.projects.rules import State
from luoshi.projects.services import stage_set_ensure

COUNTY = "柞水县"
YEAR = 2023
TOTAL, NOT_STARTED, BEHIND, FINISHED = 151, 58, 32, 5
MUNICIPAL, MUNICIPAL_NOT_STARTED = 24, 6
NOT_IN_STATISTICS = 43
SHOWCASE_READY = date(2023, 10, 20)
RESERVE_TARGET, RESERVE_SO_FAR = 200, 126
PLAN_ISSUED = date(2023, 1, 16)  # the year's project plan assigned to the units


@dataclass(frozen=True)
class Named:
    title: str
    state: State
    patron: str
    lead: str
    level: str = Level.COUNTY
    showcase: bool = False
    category: str = "产业发展"
    chain: str = ""
    total: int = 20000
    planned: int = 6000


NAMED = (
    Named(
        "溶洞互通式立交",
        State.NOT_STARTED,
        "冯锐",
        "县交通运输局",
        Level.MUNICIPAL,
        category="基础设施",
        total=46000,
        planned=8000,
    ),
    Named(
        "国家储备林建设",
        State.BEHIND,
        "王宁",
        "县林业局",
        Level.PROVINCIAL,
        category="生态环保",
        chain="林业",
        total=120000,
        planned=15000,
    ),
    Named(
        "万银新材料",
        State.ON_TRACK,
        "维杰",
        "县工业园区管委会",
        Level.MUNICIPAL,
        True,
        chain="新材料",
        total=52000,
        planned=18000,
    ),
    Named(
        "标准化厂房",
        State.ON_TRACK,
        "维杰",
        "县工业园区管委会",
        showcase=True,
        chain="园区配套",
        total=18000,
        planned=9000,
    ),
    Named(
        "金柞水木耳深加工",
        State.ON_TRACK,
        "王宁",
        "县农业农村局",
        Level.MUNICIPAL,
        True,
        chain="木耳",
        total=15000,
        planned=6000,
    ),
    Named(
        "盘谷山庄温泉森林康养综合体",
        State.ON_TRACK,
        "茂荣",
        "县文旅局",
        showcase=True,
        chain="康养旅游",
        total=80000,
        planned=12000,
    ),
    Named("云山湖康养项目", State.BEHIND, "茂荣", "县文旅局", chain="康养旅游", total=30000, planned=8000),
    Named(
        "县城中心片区棚改二期",
        State.ON_TRACK,
        "冯锐",
        "县住建局",
        category="社会民生",
        total=26000,
        planned=10000,
    ),
    Named(
        "盈龙花园二期", State.NOT_STARTED, "小军", "县住建局", category="社会民生", total=22000, planned=7000
    ),
)

# The demo's tasks about these projects (demo_county.py), by a word of their titles.
LINKS = (
    ("溶洞", "溶洞互通式立交"),
    ("标准化厂房", "标准化厂房"),
    ("棚改二期", "县城中心片区棚改二期"),
    ("云山湖", "云山湖康养项目"),
)

TOWNS = ("乾佑", "营盘", "下梁", "小岭", "凤凰", "红岩寺", "曹坪", "杏坪", "瓦房口")
WORKS = (
    ("农村供水提升工程", "社会民生", "县水利局", ""),
    ("污水管网改造", "生态环保", "县住建局", ""),
    ("产业路建设", "基础设施", "县交通运输局", ""),
    ("民宿集群", "产业发展", "县文旅局", "康养旅游"),
    ("中药材初加工厂", "产业发展", "县农业农村局", "中药材"),
    ("分布式光伏", "产业发展", "县发改局", "新能源"),
    ("冷链仓储中心", "产业发展", "县商务局", "现代物流"),
    ("学校综合楼", "社会民生", "县教体局", ""),
    ("卫生院改扩建", "社会民生", "县卫健局", ""),
    ("河道综合治理", "生态环保", "县水利局", ""),
    ("木耳标准化基地", "产业发展", "县农业农村局", "木耳"),
    ("电商服务中心", "产业发展", "县商务局", "电子商务"),
    ("集镇提升改造", "基础设施", "县住建局", ""),
    ("森林防火通道", "生态环保", "县林业局", "林业"),
    ("新材料配套项目", "产业发展", "县工信局", "新材料"),
    ("康养步道", "产业发展", "县文旅局", "康养旅游"),
    ("地质灾害治理", "生态环保", "县自然资源局", ""),
)
LEADERS = ("冯锐", "茂荣", "维杰", "王宁", "小军")
ISSUES = (
    (BlockerKind.PERMITS, "用地预审和环评手续未办结", "县自然资源局"),
    (BlockerKind.FUNDING, "项目资本金尚未落实到位", "县财政局"),
    (BlockerKind.LAND, "征地拆迁未完成，施工场地未交付", "县自然资源局"),
    (BlockerKind.OTHER, "施工单位组织力量不足", "县住建局"),
)


@dataclass
class Spec:
    title: str
    state: State
    patron: str
    lead: str
    level: str
    category: str
    chain: str
    total: Decimal
    planned: Decimal
    showcase: bool
    in_statistics: bool
    illustrative: bool
    planned_start: date
    seed: int


def _specs() -> list[Spec]:
    """The year's projects: the named ones, then generated ones until each figure is reached."""
    wanted = {State.NOT_STARTED: NOT_STARTED, State.BEHIND: BEHIND, State.COMPLETED: FINISHED}
    wanted[State.ON_TRACK] = TOTAL - sum(wanted.values())
    specs: list[Spec] = []
    for n, named in enumerate(NAMED):
        specs.append(
            Spec(
                named.title,
                named.state,
                named.patron,
                named.lead,
                named.level,
                named.category,
                named.chain,
                Decimal(named.total),
                Decimal(named.planned),
                named.showcase,
                True,
                False,
                date(2023, 3, 1),
                n,
            )
        )
    names = (f"{TOWNS[i % len(TOWNS)]}{WORKS[i % len(WORKS)][0]}" for i in range(10_000))
    order = [State.NOT_STARTED, State.BEHIND, State.ON_TRACK, State.COMPLETED]
    n = len(specs)
    for state in order:
        have = sum(1 for spec in specs if spec.state == state)
        for _ in range(wanted[state] - have):
            work = WORKS[n % len(WORKS)]
            total = Decimal(2000 + (n * 373) % 28000)
            specs.append(
                Spec(
                    next(names),
                    state,
                    LEADERS[n % len(LEADERS)],
                    work[2],
                    Level.COUNTY,
                    work[1],
                    work[3],
                    total,
                    (total * Decimal("0.4")).quantize(Decimal(1)),
                    False,
                    True,
                    True,
                    date(2023, 2 + n % 5, 1 + n % 27),
                    n,
                )
            )
            n += 1
    # Levels: the municipal count, so many of them not started; a few provincial ones.
    municipal = sum(1 for s in specs if s.level == Level.MUNICIPAL)
    municipal_not_started = sum(
        1 for s in specs if s.level == Level.MUNICIPAL and s.state == State.NOT_STARTED
    )
    for spec in specs:
        if not spec.illustrative:
            continue
        if spec.state == State.NOT_STARTED and municipal_not_started < MUNICIPAL_NOT_STARTED:
            spec.level, municipal_not_started, municipal = (
                Level.MUNICIPAL,
                municipal_not_started + 1,
                municipal + 1,
            )
        elif spec.state != State.NOT_STARTED and municipal < MUNICIPAL and spec.seed % 3 == 0:
            spec.level, municipal = Level.MUNICIPAL, municipal + 1
        elif spec.state != State.NOT_STARTED and spec.seed % 17 == 0:
            spec.level = Level.PROVINCIAL
    # Not in the statistics database: projects not started first (a project is entered once it starts).
    out = 0
    for spec in specs:
        if spec.state == State.NOT_STARTED and out < NOT_IN_STATISTICS:
            spec.in_statistics, out = False, out + 1
    return specs


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def load(*, as_of: date) -> None:
    region = Region.objects.get(name=COUNTY)
    if Project.objects.filter(item__region=region).exists():
        return
    stages = {stage.key: stage for stage in stage_set_ensure(region=region)}
    units = {unit.short_name: unit for unit in Unit.objects.filter(region=region)}
    leaders = {
        leader.person.name: leader for leader in Leader.objects.filter(region=region).select_related("person")
    }
    specs = _specs()
    _year(region, specs, stages, units, leaders, as_of=as_of)
    _reserve(region, stages, units, leaders)
    colours_recompute(as_of=as_of, items=Item.objects.filter(region=region, kind="project", year=YEAR))


def _completed(spec: Spec, plan_to_june: Decimal) -> Decimal:
    if spec.state == State.NOT_STARTED:
        return Decimal(0)
    if spec.state == State.BEHIND:
        share = Decimal("0.45") + Decimal(spec.seed % 9) / 20  # 45%–85% of the plan to date
    else:
        share = Decimal("1.02") + Decimal(spec.seed % 7) / 25
    return (plan_to_june * share).quantize(Decimal(1))


def _year(region, specs, stages, units, leaders, *, as_of: date) -> None:
    items = []
    for number, spec in enumerate(specs, start=1):
        items.append(
            Item(
                region=region,
                code=f"XM-{YEAR}-{number:04d}",
                kind="project",
                source=Source.OTHER,
                year=YEAR,
                title=spec.title,
                patron_leader=leaders[spec.patron],
                lead_unit=units[spec.lead],
                planned_start=spec.planned_start,
                deadline=date(YEAR, 12, 31),
                assigned_on=PLAN_ISSUED,
                accepted_on=PLAN_ISSUED,
                measure=Measure.VALUE,
                target_value=spec.planned,
                value_unit="万元",
                report_cycle=ReportCycle.MONTHLY,
                report_due_day=25,
                status=Status.IN_PROGRESS,
                created_at=_moment(PLAN_ISSUED),
                updated_at=_moment(PLAN_ISSUED),
            )
        )
    Item.objects.bulk_create(items, batch_size=200)
    items = list(Item.objects.filter(region=region, kind="project", year=YEAR).order_by("code"))
    projects, reports, events = [], [], []
    for item, spec in zip(items, specs, strict=True):
        months = 12 - spec.planned_start.month + 1
        plan_to_june = spec.planned * max(6 - spec.planned_start.month + 1, 0) / months
        completed = _completed(spec, plan_to_june)
        started = spec.state != State.NOT_STARTED
        stage = {
            State.NOT_STARTED: "preliminary",
            State.COMPLETED: "in_operation",
        }.get(spec.state, "under_construction" if spec.seed % 2 else "new_start")
        projects.append(
            Project(
                item=item,
                project_code=f"2303-610933-04-01-{100000 + spec.seed * 7919 % 900000:06d}",
                level=spec.level,
                category=spec.category,
                industry_chain=spec.chain,
                total_investment=spec.total,
                planned_investment=spec.planned,
                stage=stages[stage],
                actual_start=spec.planned_start if started else None,
                in_statistics=spec.in_statistics,
                in_statistics_on=(spec.planned_start if started else date(2023, 3, 31))
                if spec.in_statistics
                else None,
                showcase=spec.showcase,
                showcase_ready_by=SHOWCASE_READY if spec.showcase else None,
                illustrative=spec.illustrative,
            )
        )
        events += [
            ItemEvent(item=item, kind=EventKind.CREATED, to_status=Status.DRAFT, at=_moment(PLAN_ISSUED)),
            ItemEvent(
                item=item,
                kind=EventKind.ASSIGNED,
                from_status=Status.DRAFT,
                to_status=Status.ASSIGNED,
                at=_moment(PLAN_ISSUED),
                note="年度重点项目计划下达",
            ),
        ]
        author = None
        for month in range(2, 7):  # February to June: each month's cumulative investment
            share = Decimal(month - 1) / 5
            value = (
                (completed * share).quantize(Decimal(1))
                if started and month >= spec.planned_start.month
                else Decimal(0)
            )
            if started and month == 6:
                value = completed
            due = date(YEAR, month, 25)
            reports.append(
                ProgressReport(
                    item=item,
                    unit=item.lead_unit,
                    period_start=date(YEAR, month, 1),
                    period_end=date(YEAR, month, 28 if month == 2 else 30),
                    due_on=due,
                    done=f"1-{month}月累计完成投资{value}万元。" if value else "尚未开工，正在办理前期手续。",
                    value=value,
                    confidence="green" if spec.state == State.ON_TRACK else "yellow",
                    author=author,
                    status=ReportStatus.SUBMITTED,
                    submitted_at=_moment(date(YEAR, month, 20)),
                    created_at=_moment(date(YEAR, month, 20)),
                )
            )
        item.progress_value = completed
        item.progress_percent = min(Decimal(100), Decimal(100) * completed / spec.planned).quantize(
            Decimal("0.01")
        )
        item.last_reported_at = _moment(date(YEAR, 6, 20))
    Project.objects.bulk_create(projects, batch_size=200)
    _reports_save(region, reports)
    ItemEvent.objects.bulk_create(events, batch_size=500)
    Item.objects.bulk_update(
        items, ["progress_value", "progress_percent", "last_reported_at"], batch_size=200
    )
    by_title = {project.item.title: project for project in projects}
    _blockers(projects, specs, units, leaders)
    _links(region, by_title, projects, specs)


def _reports_save(region: Region, reports: list[ProgressReport]) -> None:
    """Reports are the units' own: each is written by an account of its unit where there is one,
    else by the county's supervision office entering the unit's figures."""
    authors: dict[int, User] = {}
    for membership in Membership.objects.filter(unit__region=region).select_related("user").order_by("role"):
        authors.setdefault(membership.unit_id, membership.user)
    office = next(
        m.user
        for m in Membership.objects.filter(unit__region=region, role=Role.SUPERVISOR).select_related("user")
    )
    for report in reports:
        report.author = authors.get(report.unit.pk, office)
    ProgressReport.objects.bulk_create(reports, batch_size=500)
    # The office has checked the monthly figures against the statistics (by documents): none of
    # them waits in its verification queue (Item.report_to_verify stays empty).
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


def _blockers(projects, specs, units, leaders) -> None:
    rows = []
    for project, spec in zip(projects, specs, strict=True):
        if spec.state not in (State.NOT_STARTED, State.BEHIND) or spec.seed % 2:
            continue
        kind, text, owner = ISSUES[spec.seed % len(ISSUES)]
        rows.append(
            Blocker(
                project=project,
                kind=kind,
                description=text,
                owner_unit=units[owner],
                owner_leader=leaders[spec.patron],
                deadline=date(2023, 8, 31),
            )
        )
    Blocker.objects.bulk_create(rows)


def _links(region, by_title, projects, specs) -> None:
    tasks = Item.objects.filter(region=region).exclude(kind="project")
    for word, title in LINKS:
        for task in tasks.filter(title__contains=word):
            by_title[title].related_items.add(task)
    groups = {
        "未开工重点项目": State.NOT_STARTED,
        "欠进度重点项目": State.BEHIND,
    }
    for word, state in groups.items():
        for task in tasks.filter(title__contains=word):
            task.concerned_projects.add(
                *[p for p, s in zip(projects, specs, strict=True) if s.state == state]
            )
    for task in tasks.filter(title__contains="观摩项目"):
        task.concerned_projects.add(*[p for p in projects if p.showcase])


def _reserve(region, stages, units, leaders) -> None:
    """Next year's reserve, partly filled: drafts of the supervision office until the year's plan."""
    year = YEAR + 1
    ReserveTarget.objects.create(region=region, year=year, count=RESERVE_TARGET)
    keys = ("planning", "reserve", "preliminary")
    items = []
    for n in range(RESERVE_SO_FAR):
        work = WORKS[(n * 5) % len(WORKS)]
        items.append(
            Item(
                region=region,
                code=f"XM-{year}-{n + 1:04d}",
                kind="project",
                source=Source.OTHER,
                year=year,
                title=f"{TOWNS[(n * 2) % len(TOWNS)]}{work[0]}（{year}年）",
                patron_leader=leaders[LEADERS[n % len(LEADERS)]],
                lead_unit=units[work[2]],
                planned_start=date(year, 3 + n % 6, 1),
                deadline=date(year, 12, 31),
                measure=Measure.VALUE,
                target_value=Decimal(1000 + n * 37 % 5000),
                value_unit="万元",
                status=Status.DRAFT,
            )
        )
    Item.objects.bulk_create(items, batch_size=200)
    created = Item.objects.filter(region=region, kind="project", year=year).order_by("code")
    Project.objects.bulk_create(
        [
            Project(
                item=item,
                level=Level.COUNTY,
                category=WORKS[(n * 5) % len(WORKS)][1],
                total_investment=(item.target_value or Decimal(0)) * 3,
                planned_investment=item.target_value or Decimal(0),
                stage=stages[keys[0 if n % 2 == 0 else (1 if n % 3 else 2)]],
                illustrative=True,
            )
            for n, item in enumerate(created)
        ],
        batch_size=200,
    )
    ItemEvent.objects.bulk_create(
        ItemEvent(item=item, kind=EventKind.CREATED, to_status=Status.DRAFT) for item in created
    )
