"""The demo county's supervision work on 2023-07-25, replayed through the services.

Two kinds of items:

- the tasks the magistrate assigned at the plenary meeting of 2023-07-25 (会议交办), with the
  owners, deadlines and targets the meeting gave, assigned that day; units with an account sign
  for theirs the same day;
- earlier work of the year (government work report, pledges, livelihood projects, a rectification
  fed back from above) with months of reports, verifications (one found untrue), a supervision
  visit, a leader's instruction and a completed item, so that every page has history to show.

Titles and notes are written for the demo; figures and names are those of the county's own
account of its work. The history is replayed day by day through the services with the clock
pinned, so that events, reports and verifications carry their own dates.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from luoshi.alerts.models import ConsequenceAction, Proposal, ProposalStatus
from luoshi.alerts.services import colours_recompute, proposal_decide
from luoshi.core import clock
from luoshi.core.dates import month_end
from luoshi.extraction.models import DocumentKind, SourceDocument
from luoshi.extraction.services import document_extract, proposed_task_accept
from luoshi.items import services
from luoshi.items.models import Item, Kind, Measure, ProgressReport, ReportCycle, Source
from luoshi.items.services import ItemInput, MilestoneInput, ReportInput
from luoshi.items.workflow import Action
from luoshi.org.models import Leader, Region, Unit, User

MEETING_DAY = date(2023, 7, 25)
YEAR_END = date(2023, 12, 31)


@dataclass(frozen=True)
class Task:
    """One task of the meeting: short title, patron leader, lead and supporting units, deadline, target."""

    title: str
    patron: str | None
    lead: str
    support: tuple[str, ...] = ()
    deadline: date | None = None  # None: the meeting set no date; the item runs to the year's end
    target_text: str = ""
    target: tuple[str, str] | None = None  # (value, unit)
    note: str = ""
    cycle: str = ReportCycle.MONTHLY


TOWNS = ("乾佑街道", "营盘镇", "下梁镇", "小岭镇", "凤凰镇", "红岩寺镇", "曹坪镇", "杏坪镇", "瓦房口镇")
D = date

MEETING_TASKS = [
    Task(
        "建立后进和欠账指标赶超台账",
        "冯锐",
        "县统计局",
        ("县发改局",),
        note="逐指标分析上半年完成情况，逐项建立赶超台账。",
    ),
    Task(
        "差距较大指标制定赶超举措",
        "冯锐",
        "县发改局",
        ("县统计局",),
        note="针对差距大的指标拿出超常规办法，任务、进度、责任落实到点、到天、到人。",
    ),
    Task(
        "市考县任务部门对标自查",
        None,
        "县政府办",
        note="各位副县长组织承担市考县任务的部门对标自查，加强向市级部门的汇报沟通。",
    ),
    Task(
        "巩固已授牌的三项创建成果",
        "茂荣",
        "县文旅局",
        ("县林业局", "县生态环境分局"),
        note="森林康养试点建设县、牛背梁国家级旅游度假区、省级生态文明建设示范区。",
    ),
    Task(
        "数字乡村试点县和学前教育普及普惠县授牌",
        "王宁",
        "县农业农村局",
        ("县教体局",),
        D(2023, 11, 30),
        note="已通过初验，抓紧反馈问题整改。",
    ),
    Task(
        "八项已达条件的创建年底前授牌",
        None,
        "县政府办",
        ("县卫健局", "县信访局", "县教体局", "县住建局", "县发改局", "县司法局", "县市场监管局"),
        YEAR_END,
        note="规范档案资料，抓紧上报请验申请，做好迎验准备。",
    ),
    Task(
        "六项跨年度创建加快进度",
        "茂荣",
        "县文旅局",
        ("县农业农村局", "县工信局"),
        note="国家现代农业产业园、公共文化服务示范县、特色专业园区和两个高A级景区。",
    ),
    Task("国家卫生县和省级文明县城通过暗访复审", "茂荣", "县卫健局", ("县委宣传部",)),
    Task("乡村振兴示范县和农业现代化示范区获批创建", "王宁", "县乡村振兴局", ("县农业农村局",)),
    Task(
        "逐条盘点市下达军令状任务",
        "刘鹏",
        "县政府办",
        note="各牵头责任单位对照指标、时限、标准全面盘点，倒排工期，补齐欠账。",
    ),
    Task("兑现民生实事、承诺书和副县长安排的重点工作", "刘鹏", "县政府办"),
    Task(
        "完成项目谋划储备、建设投资和投产达效任务",
        "冯锐",
        "县发改局",
        note="按“四个一批”要求和项目建设任务清单督促各镇办、各部门。",
    ),
    Task("明确全部重点项目的包抓县级领导", "冯锐", "县发改局"),
    Task(
        "58个未开工重点项目8月底前开工",
        "冯锐",
        "县发改局",
        ("县自然资源局",),
        D(2023, 8, 31),
        note="破解手续、资金、土地等难题。",
        cycle=ReportCycle.WEEKLY,
    ),
    Task(
        "32个欠进度重点项目9月底前赶上计划进度",
        "冯锐",
        "县发改局",
        (),
        D(2023, 9, 30),
        cycle=ReportCycle.SEMIMONTHLY,
    ),
    Task("无法开工项目8月底前完成替换", "冯锐", "县发改局", (), D(2023, 8, 31), cycle=ReportCycle.ONCE),
    Task(
        "年底观摩项目10月20日前达到观摩要求",
        "冯锐",
        "县发改局",
        ("县工业园区管委会", "县文旅局"),
        D(2023, 10, 20),
        note="各包抓县级领导深入一线调度。",
    ),
    Task("明年重点项目谋划立即启动", "冯锐", "县发改局", (), MEETING_DAY, cycle=ReportCycle.ONCE),
    Task("县发改局做好项目谋划的业务指导和审核把关", "冯锐", "县发改局"),
    Task(
        "8月底前储备成熟项目不少于200个",
        "冯锐",
        "县发改局",
        TOWNS,
        D(2023, 8, 31),
        "不少于200个",
        ("200", "个"),
        cycle=ReportCycle.SEMIMONTHLY,
    ),
    Task("出台招商引资考核评价办法", "茂荣", "县招商服务中心"),
    Task("制定招商引资“四个清单”", "茂荣", "县招商服务中心", ("县商务局",)),
    Task("意向客商一对一跟踪服务", "茂荣", "县招商服务中心"),
    Task("逐企业纾困，推动规上企业达产增效", "维杰", "县工信局"),
    Task("围绕“工业倍增”开展“双包抓、双推进”", "维杰", "县工信局"),
    Task("完善园区配套，加快标准化厂房建设", "维杰", "县工业园区管委会"),
    Task(
        "全年新增“五上”企业32家以上",
        "维杰",
        "县工信局",
        ("县统计局", "县商务局", "县市场监管局"),
        None,
        "32家以上",
        ("32", "家"),
    ),
    Task("统筹景区建设和康养品牌推介", "茂荣", "县文旅局"),
    Task("高A级景区创建和精品线路策划", "茂荣", "县文旅局"),
    Task("加快云山湖等康养项目和民宿发展", "茂荣", "县文旅局"),
    Task("衔接资金、监测帮扶和驻村工作队管理", "王宁", "县乡村振兴局"),
    Task("“两不愁三保障”问题全面排查", "王宁", "县乡村振兴局"),
    Task(
        "9月底前完成改厕改房任务",
        "王宁",
        "县农业农村局",
        ("县住建局",),
        D(2023, 9, 30),
        cycle=ReportCycle.SEMIMONTHLY,
    ),
    Task("木耳产业：1000万袋秋耳种植", "王宁", "县农业农村局", (), None, "1000万袋", ("1000", "万袋")),
    Task("曹坪省级重点帮扶镇和示范村建设", "王宁", "县乡村振兴局", ("曹坪镇",)),
    Task("宅基地和乱占耕地建房两项改革试点", "王宁", "县农业农村局", ("县自然资源局",)),
    Task(
        "城镇人居环境提升和棚改二期等项目建设",
        "冯锐",
        "县住建局",
        ("县城管执法局", "营盘镇", "下梁镇"),
        note="小军同志配合。",
    ),
    Task("街道和背街小巷卫生长效治理", "冯锐", "县城管执法局", ("乾佑街道",), note="小军同志配合。"),
    Task("闲置房源排查和吸引来柞购房政策", "冯锐", "县住建局", note="小军同志配合。"),
    Task(
        "秦岭“五乱”问题按期整改销号",
        "冯锐",
        "县自然资源局",
        ("县林业局", "县生态环境分局"),
        note="维杰同志配合。",
    ),
    Task(
        "空气质量优良天数350天以上",
        "冯锐",
        "县生态环境分局",
        ("县林业局", "县水利局"),
        None,
        "350天以上",
        ("350", "天"),
        "出境断面水质稳定达标；维杰同志配合。",
    ),
    Task("生态产品价值实现和百万亩双碳林建设", "冯锐", "县林业局", note="维杰同志配合。"),
    Task("推进民生工程，落实惠民政策", "冯锐", "县政府办", note="各分管副县长分工负责。"),
    Task(
        "两个未开工民生实事项目加快进度",
        "冯锐",
        "县水利局",
        ("红岩寺镇",),
        note="红岩寺谷子沟红色教育基地、乾佑河城区段河道综合治理一期。",
    ),
    Task("重点群体技能培训和稳就业", "冯锐", "县人社局"),
    Task("低保、五保、临时救助等政策应兜尽兜", "冯锐", "县民政局"),
    Task("安全生产排隐患、促整改", "冯锐", "县应急管理局", note="各分管副县长分工负责。"),
    Task(
        "非煤矿山、危化品、燃气、交通等重点领域隐患整改",
        "冯锐",
        "县应急管理局",
        ("县交通运输局", "县住建局", "县市场监管局"),
    ),
    Task(
        "副县长落实“人盯指标”责任制",
        None,
        "县政府办",
        note="各位副县长动态掌握包抓项目、企业和分管工作进展。",
    ),
    Task(
        "镇办部门细化推进计划和问题、任务、责任清单", None, "县督查办", note="各镇办、各部门主要负责人负责。"
    ),
    Task("包抓领导和专班深入一线现场办公", None, "县政府办"),
    Task("细化分解军令状和政府工作报告任务", None, "县督查办", (), YEAR_END),
    Task("常态化盯进度、发通报、要结果", None, "县督查办"),
    Task("综合运用专项、现场、随机督办和明察暗访", None, "县督查办"),
    Task("用好三色预警机制", None, "县督查办"),
    Task("主汛期防汛防滑和实战演练", "冯锐", "县应急管理局", ("县水利局", *TOWNS)),
    Task("9月份全市周末现场会观摩点准备", None, "县政府办", ("县发改局", "县文旅局"), D(2023, 9, 30)),
    Task("每个镇办、部门至少准备一个看点", None, "县政府办", TOWNS, None, "至少准备一个看点"),
    Task(
        "7月指标上报佐证资料7月31日前到位",
        "冯锐",
        "县统计局",
        ("县发改局",),
        D(2023, 7, 31),
        cycle=ReportCycle.ONCE,
    ),
    Task("完成3.5亿元债券资金任务", "冯锐", "县财政局", ("县发改局",), None, "3.5亿元", ("3.5", "亿元")),
    Task("上级反馈和自查问题逐项建台账整改", None, "县督查办", ("县自然资源局", "县林业局", "县乡村振兴局")),
]


def photo(name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    """A small made-up site photo: sky, hills and a building block."""
    image = Image.new("RGB", (800, 600), (190, 215, 235))
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 420), (220, 260), (480, 400), (800, 280), (800, 600), (0, 600)], fill=(95, 140, 90))
    draw.rectangle([300, 330, 560, 560], fill=colour)
    for x in range(320, 540, 50):
        draw.rectangle([x, 360, x + 30, 400], fill=(240, 240, 240))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def photos(name: str, colour: tuple[int, int, int]) -> Callable[[], list[SimpleUploadedFile]]:
    """Evidence made when its report is replayed (an upload is read once)."""
    return lambda: [photo(name, colour)]


def document(name: str) -> SimpleUploadedFile:
    """A one-page PDF standing in for a scanned approval or notice."""
    body = b"BT /F1 18 Tf 72 720 Td (luoshi demo document) Tj ET"
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
        b"4 0 obj<</Length " + str(len(body)).encode() + b">>stream\n" + body + b"\nendstream endobj\n"
        b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, pdf, content_type="application/pdf")


Step = Callable[[], object]


class Demo:
    """Schedules the year's events, then replays them in date order through the services, with the
    clock pinned to each event's day and the month's colours computed at every month's end."""

    def __init__(self, region: Region) -> None:
        self.region = region
        self.units = {u.short_name: u for u in Unit.objects.filter(region=region)}
        self.leaders = {
            leader.person.name: leader
            for leader in Leader.objects.filter(region=region).select_related("person")
        }
        self.users = {u.username: u for u in User.objects.filter(memberships__unit__region=region).distinct()}
        self.office = self.users["duchaban"]
        self.items: dict[str, Item] = {}
        self.reports: dict[str, ProgressReport] = {}
        self.documents: dict[str, SourceDocument] = {}
        self.steps: list[tuple[date, time, int, Step]] = []

    def on(self, day: date, at: time, step: Step) -> None:
        self.steps.append((day, at, len(self.steps), step))

    def run(self, *, until: date) -> None:
        month: tuple[int, int] | None = None
        for day, at, _, step in sorted(self.steps, key=lambda s: s[:3]):
            if month is not None and (day.year, day.month) != month:
                self.close_month(month)
            with clock.pinned(day, at):
                step()
            month = (day.year, day.month)
        self.steps = []
        with clock.pinned(until, time(18, 0)):
            colours_recompute(as_of=until, region=self.region)

    def close_month(self, month: tuple[int, int]) -> None:
        """The month's last day: the office settles the month's proposed consequences (letters
        sent, reminders left to the automatic ones), and the nightly run fixes the month's colours."""
        last = month_end(*month)
        with clock.pinned(last, time(17, 30)):
            for proposal in Proposal.objects.filter(status=ProposalStatus.PROPOSED, item__region=self.region):
                proposal_decide(
                    actor=self.office,
                    proposal=proposal,
                    confirm=proposal.action == ConsequenceAction.LETTER,
                    as_of=last,
                )
        with clock.pinned(last, time(23, 0)):
            colours_recompute(as_of=last, region=self.region)

    def input(
        self, title: str, *, lead: str, patron: str | None, support: tuple[str, ...] = (), **fields: Any
    ) -> ItemInput:
        return ItemInput(
            title=title,
            year=2023,
            lead_unit=self.units[lead],
            patron_leader=self.leaders[patron] if patron else None,
            support_units=[self.units[name] for name in support],
            **fields,
        )

    def create(self, key: str, day: date, data: ItemInput) -> None:
        def step() -> None:
            item = services.item_create(actor=self.office, region=self.region, data=data)
            self.items[key] = services.item_take(
                actor=self.office, item=item, action=Action.ASSIGN, as_of=day
            )

        self.on(day, time(9, 30), step)

    def take(
        self, day: date, username: str, key: str, action: Action, *, at: time = time(10, 0), reason: str = ""
    ) -> None:
        self.on(
            day,
            at,
            lambda: services.item_take(
                actor=self.users[username], item=self.items[key], action=action, as_of=day, reason=reason
            ),
        )

    def report(
        self,
        day: date,
        username: str,
        key: str,
        done: str,
        *,
        period: date | None = None,
        at: time = time(16, 0),
        files: Callable[[], list[SimpleUploadedFile]] = list,
        milestones: tuple[str, ...] = (),
        name: str = "",
        approve_on: date | None = None,
        **fields: Any,
    ) -> None:
        def step() -> None:
            item = self.items[key]
            done_ids = [m.pk for m in item.milestones.filter(name__in=milestones)]
            data = ReportInput(
                period_start=period or day.replace(day=1), done=done, milestones_done=done_ids, **fields
            )
            report = services.report_submit(
                actor=self.users[username], item=item, data=data, files=files(), as_of=day
            )
            if name:
                self.reports[name] = report

        self.on(day, at, step)
        if approve_on:
            head = self.users[f"{username.split('-')[0]}-head"]
            self.on(
                approve_on,
                time(9, 0),
                lambda: services.report_approve(actor=head, report=self.reports[name], as_of=approve_on),
            )

    def verify(self, day: date, name: str, method: str, verdict: str, note: str = "") -> None:
        self.on(
            day,
            time(15, 0),
            lambda: services.report_verify(
                actor=self.office,
                report=self.reports[name],
                method=method,
                verdict=verdict,
                note=note,
                as_of=day,
            ),
        )


def load_items(region: Region) -> int:
    """Replay the demo county's supervision work; does nothing when the county already has items."""
    if Item.objects.filter(region=region).exists():
        return 0
    demo = Demo(region)
    _earlier_work(demo)
    _minutes(demo)
    _meeting(demo)
    demo.run(until=MEETING_DAY)
    return Item.objects.filter(region=region).count()


def _monthly(demo: Demo, key: str, username: str, rows: list[tuple[date, str, dict[str, Any]]]) -> None:
    for day, done, fields in rows:
        demo.report(day, username, key, done, **fields)


def _earlier_work(demo: Demo) -> None:
    """Work under way since the spring, with its reports, checks and problems."""
    # 棚改二期: steady monthly reports, June's checked on site and found true.
    demo.create(
        "shed",
        D(2023, 2, 20),
        demo.input(
            "县城中心片区棚改二期建设",
            lead="县住建局",
            patron="冯锐",
            support=("乾佑街道",),
            source=Source.WORK_REPORT,
            deadline=YEAR_END,
            planned_start=D(2023, 3, 1),
            description="政府工作报告确定的年度重点任务：完成主体、室外配套和竣工验收。",
            milestones=[
                MilestoneInput("主体封顶", D(2023, 6, 30)),
                MilestoneInput("室外配套完成", D(2023, 9, 30)),
                MilestoneInput("竣工验收", D(2023, 12, 20)),
            ],
        ),
    )
    demo.take(D(2023, 2, 21), "zhujian-head", "shed", Action.ACCEPT)
    for month, percent, done in [
        (3, 15, "完成施工图审查和招标"),
        (4, 30, "基础工程完工"),
        (5, 42, "主体施工至六层"),
        (6, 60, "主体封顶"),
    ]:
        demo.report(
            D(2023, month, 22),
            "zhujian-head",
            "shed",
            done,
            percent=Decimal(percent),
            name=f"shed-{month}",
            files=photos(f"棚改二期{month}月.jpg", (170, 150, 120)),
            milestones=("主体封顶",) if month == 6 else (),
        )
    demo.verify(D(2023, 6, 28), "shed-6", "on_site", "true", "现场查看，主体已封顶")
    demo.report(
        D(2023, 7, 24),
        "zhujian-head",
        "shed",
        "室外管网开挖，外墙保温施工",
        percent=Decimal(68),
        next_steps="8月完成外墙和室外管网",
    )

    # 标准化厂房: reported ahead of the site; the office found it untrue, visited and a leader instructed.
    demo.create(
        "factory",
        D(2023, 3, 6),
        demo.input(
            "标准化厂房建设",
            lead="县工业园区管委会",
            patron="维杰",
            source=Source.WORK_REPORT,
            deadline=D(2023, 11, 30),
            planned_start=D(2023, 4, 1),
            measure=Measure.MILESTONES,
            report_due_day=20,
            description="园区标准化厂房，年内建成投用，为招引企业提供载体。",
            milestones=[
                MilestoneInput("完成场地平整", D(2023, 4, 30)),
                MilestoneInput("主体开工", D(2023, 6, 15)),
                MilestoneInput("主体封顶", D(2023, 8, 31)),
                MilestoneInput("竣工投用", D(2023, 11, 30)),
            ],
        ),
    )
    demo.take(D(2023, 3, 7), "yuanqu-head", "factory", Action.ACCEPT)
    _monthly(
        demo,
        "factory",
        "yuanqu-head",
        [
            (D(2023, 3, 20), "完成场地平整招标，施工队伍进场", {}),
            (D(2023, 4, 19), "场地平整过半", {"confidence": "yellow", "problems": "雨季影响土方外运"}),
            (D(2023, 5, 22), "场地平整完成", {"confidence": "yellow", "milestones": ("完成场地平整",)}),
            (
                D(2023, 6, 20),
                "1号、2号厂房主体开工",
                {"milestones": ("主体开工",), "files": photos("厂房开工.jpg", (150, 150, 150))},
            ),
            (
                D(2023, 7, 20),
                "1号、2号厂房主体已封顶",
                {"name": "factory-7", "files": photos("厂房7月.jpg", (160, 160, 160))},
            ),
        ],
    )
    demo.verify(
        D(2023, 7, 24),
        "factory-7",
        "on_site",
        "untrue",
        "现场核实：1号厂房施工至二层，2号厂房尚在基础施工，均未封顶。",
    )

    def visit() -> None:
        action = services.supervision_action_record(
            actor=demo.office,
            region=demo.region,
            kind="on_site",
            title="标准化厂房建设进度现场督办",
            held_on=D(2023, 7, 24),
            items=[demo.items["factory"]],
            findings="报送的“主体已封顶”与现场不符；施工人员不足，材料进场滞后。",
            demands="如实报送进度；增加施工力量，8月10日前报送赶工计划。",
            respond_by=D(2023, 8, 10),
        )
        services.supervision_action_open_item(
            actor=demo.office,
            action=action,
            assign=True,
            as_of=D(2023, 7, 24),
            data=demo.input(
                "标准化厂房进度报送不实问题整改",
                lead="县工业园区管委会",
                patron="维杰",
                deadline=D(2023, 8, 10),
                report_cycle=ReportCycle.ONCE,
                measure=Measure.DONE,
                description="查明报送不实原因，报送赶工计划。",
            ),
        )

    demo.on(D(2023, 7, 24), time(17, 0), visit)
    demo.on(
        MEETING_DAY,
        time(8, 40),
        lambda: services.instruction_give(
            actor=demo.users["weijie"],
            item=demo.items["factory"],
            as_of=MEETING_DAY,
            text="请园区管委会如实报送进度，倒排工期，确保8月底前主体封顶。",
        ),
    )

    # 溶洞互通式立交前期手续: June's report came late; July's (due on the 20th) has not come in.
    demo.create(
        "interchange",
        D(2023, 3, 10),
        demo.input(
            "溶洞互通式立交项目前期手续办理",
            lead="县发改局",
            patron="冯锐",
            support=("县自然资源局", "县交通运输局"),
            source=Source.COMMITMENT,
            deadline=D(2023, 8, 31),
            report_due_day=20,
            description="县发改局承诺书事项：完成用地、林地、环评等前期手续，具备开工条件。",
        ),
    )
    demo.take(D(2023, 3, 13), "fgj-head", "interchange", Action.ACCEPT)
    for month, percent, done in [
        (3, 15, "完成项目建议书批复"),
        (4, 30, "完成可研编制"),
        (5, 45, "可研批复，启动用地预审"),
    ]:
        demo.report(D(2023, month, 17), "fgj-reporter", "interchange", done, percent=Decimal(percent))
    demo.report(
        D(2023, 6, 26),
        "fgj-reporter",
        "interchange",
        "用地预审材料已上报",
        percent=Decimal(50),
        confidence="yellow",
        problems="林地手续需省厅审批，周期较长",
        files=lambda: [document("用地预审上报函.pdf")],
    )

    # Two livelihood projects the deputies voted for have not started.
    for key, title, lead, username, start, problem in [
        (
            "red-base",
            "红岩寺谷子沟红色教育基地建设",
            "红岩寺镇",
            "hongyansi-head",
            D(2023, 4, 1),
            "建设用地调规未完成",
        ),
        (
            "river",
            "乾佑河城区段河道综合治理一期",
            "县水利局",
            "shuili-head",
            D(2023, 5, 1),
            "项目资金尚未落实到位",
        ),
    ]:
        demo.create(
            key,
            D(2023, 2, 15),
            demo.input(
                title,
                lead=lead,
                patron="冯锐",
                kind=Kind.COMMITMENT,
                source=Source.LIVELIHOOD,
                deadline=YEAR_END,
                planned_start=start,
                description="人大代表票决的年度民生实事项目。",
            ),
        )
        demo.take(D(2023, 2, 16), username, key, Action.ACCEPT)
        for month in range(3, 8):
            demo.report(
                D(2023, month, 21),
                username,
                key,
                "前期手续办理中，尚未开工",
                percent=Decimal(0),
                problems=problem,
                confidence="red",
            )

    # 凤凰古镇景区提升: partly true in June; July's waits in the office's queue.
    demo.create(
        "phoenix",
        D(2023, 3, 1),
        demo.input(
            "凤凰古镇景区提升",
            lead="县文旅局",
            patron="茂荣",
            support=("凤凰镇",),
            source=Source.COMMITMENT,
            deadline=D(2023, 10, 31),
            description="夜景亮化、游客中心和停车场提升，迎接暑期旅游旺季。",
        ),
    )
    demo.take(D(2023, 3, 2), "wlj-head", "phoenix", Action.ACCEPT)
    for month, percent, done in [
        (3, 10, "完成提升方案"),
        (4, 25, "夜景亮化开工"),
        (5, 45, "夜景亮化主体完成"),
    ]:
        demo.report(D(2023, month, 24), "wlj-reporter", "phoenix", done, percent=Decimal(percent))
    demo.report(
        D(2023, 6, 21),
        "wlj-reporter",
        "phoenix",
        "夜景亮化和游客中心完工",
        percent=Decimal(70),
        name="phoenix-6",
        files=photos("凤凰古镇夜景.jpg", (60, 60, 110)),
    )
    demo.verify(
        D(2023, 6, 29),
        "phoenix-6",
        "unannounced",
        "partly",
        "夜景亮化已完成；游客中心内部装修未完，尚未投用。",
    )
    demo.report(
        D(2023, 7, 24),
        "wlj-reporter",
        "phoenix",
        "游客中心投用，停车场划线完成",
        percent=Decimal(80),
        files=photos("游客中心.jpg", (180, 120, 90)),
    )

    # 旅游专列: done, verified, completed and struck off.
    demo.create(
        "train",
        D(2023, 3, 20),
        demo.input(
            "开通西安至柞水旅游专列",
            lead="县文旅局",
            patron="茂荣",
            source=Source.WORK_REPORT,
            deadline=D(2023, 7, 15),
            measure=Measure.DONE,
            report_cycle=ReportCycle.ONCE,
        ),
    )
    demo.take(D(2023, 3, 21), "wlj-head", "train", Action.ACCEPT)
    demo.report(
        D(2023, 7, 10),
        "wlj-reporter",
        "train",
        "旅游专列已开通运行",
        period=D(2023, 3, 20),
        name="train",
        files=lambda: [document("专列开行通知.pdf")],
    )
    demo.take(
        D(2023, 7, 10),
        "wlj-reporter",
        "train",
        Action.REQUEST_COMPLETION,
        at=time(16, 30),
        reason="专列已开通，附开行通知",
    )
    demo.verify(D(2023, 7, 14), "train", "documents", "true", "开行通知和首发新闻报道核实无误")
    demo.take(D(2023, 7, 14), "duchaban", "train", Action.COMPLETE, at=time(16, 0))
    demo.take(D(2023, 7, 20), "duchaban", "train", Action.CLOSE)

    # 营盘镇: the head approves each report; July's waits for the approval.
    demo.create(
        "yingpan",
        D(2023, 3, 8),
        demo.input(
            "营盘镇集镇人居环境整治",
            lead="营盘镇",
            patron="冯锐",
            source=Source.COMMITMENT,
            deadline=D(2023, 7, 20),
        ),
    )
    demo.take(D(2023, 3, 9), "yingpan-head", "yingpan", Action.ACCEPT)
    for month, percent in [(3, 10), (4, 30), (5, 45), (6, 60)]:
        demo.report(
            D(2023, month, 23),
            "yingpan-reporter",
            "yingpan",
            "集镇立面改造和垃圾清运",
            percent=Decimal(percent),
            name=f"yingpan-{month}",
            approve_on=D(2023, month, 24),
        )
    demo.report(
        D(2023, 7, 24),
        "yingpan-reporter",
        "yingpan",
        "背街小巷硬化完成",
        percent=Decimal(70),
        files=photos("营盘背街小巷.jpg", (120, 120, 100)),
    )

    # 秦岭“五乱”问题: fed back from above; the mid-July milestone was missed.
    demo.create(
        "qinling",
        D(2023, 4, 10),
        demo.input(
            "秦岭“五乱”反馈问题整改",
            lead="县自然资源局",
            patron="冯锐",
            support=("县林业局", "县生态环境分局"),
            kind=Kind.RECTIFICATION,
            source=Source.HIGHER_FEEDBACK,
            deadline=D(2023, 9, 30),
            measure=Measure.MILESTONES,
            milestones=[
                MilestoneInput("完成图斑核查", D(2023, 5, 31)),
                MilestoneInput("完成问题整改", D(2023, 7, 15)),
                MilestoneInput("申请销号", D(2023, 9, 30)),
            ],
        ),
    )
    demo.take(D(2023, 4, 11), "ziyuan-head", "qinling", Action.ACCEPT)
    _monthly(
        demo,
        "qinling",
        "ziyuan-head",
        [
            (D(2023, 4, 24), "组织疑似图斑现场核查", {}),
            (D(2023, 5, 25), "完成全部疑似图斑现场核查", {"milestones": ("完成图斑核查",)}),
            (D(2023, 6, 25), "已整改12处，剩余5处涉及违建拆除", {"confidence": "yellow"}),
            (
                D(2023, 7, 25),
                "剩余5处中3处已拆除",
                {"at": time(11, 0), "problems": "2处需司法程序", "confidence": "yellow"},
            ),
        ],
    )


MINUTES = (
    Path(__file__).resolve().parents[1]
    / "extraction"
    / "corpus"
    / "zhashui-2023-07-18-tourism-safety-minutes.txt"
)


def _minutes(demo: Demo) -> None:
    """A deputy magistrate's topic meeting, decomposed by the extractor: the office accepts and
    assigns what names a unit the next morning; a task addressed to no one in particular waits."""
    day = D(2023, 7, 18)

    def upload() -> None:
        document = document_extract(
            actor=demo.office,
            region=demo.region,
            title="暑期旅游和安全生产专题会议",
            kind=DocumentKind.MINUTES,
            meeting_date=day,
            text=MINUTES.read_text(encoding="utf-8"),
            file_name=MINUTES.name,
        )
        demo.documents["minutes"] = document

    def review() -> None:
        for task in demo.documents["minutes"].tasks.filter(lead_unit__isnull=False).order_by("start"):
            proposed_task_accept(actor=demo.office, task=task, assign=True, as_of=D(2023, 7, 19))

    demo.on(day, time(17, 30), upload)
    demo.on(D(2023, 7, 19), time(9, 0), review)


def _meeting(demo: Demo) -> None:
    """The plenary meeting's tasks, assigned on the day; units with an account sign for theirs."""
    heads = {
        "县发改局": "fgj-head",
        "县文旅局": "wlj-head",
        "县统计局": "tongji-head",
        "县工业园区管委会": "yuanqu-head",
        "县住建局": "zhujian-head",
        "县自然资源局": "ziyuan-head",
        "县水利局": "shuili-head",
    }
    for number, task in enumerate(MEETING_TASKS, start=1):
        key = f"meeting-{number}"
        if task.target:
            measure = Measure.VALUE
        elif task.target_text or task.cycle == ReportCycle.ONCE:
            measure = Measure.DONE
        else:
            measure = Measure.PERCENT
        note = task.note + ("" if task.deadline else "（会议未明确时限，按年度任务年底前完成）")
        due_day = {ReportCycle.WEEKLY: 5, ReportCycle.SEMIMONTHLY: 15}.get(ReportCycle(task.cycle), 25)
        demo.create(
            key,
            MEETING_DAY,
            demo.input(
                task.title,
                lead=task.lead,
                patron=task.patron,
                support=task.support,
                source=Source.MEETING,
                deadline=task.deadline or YEAR_END,
                description=note.strip(),
                measure=measure,
                target_value=Decimal(task.target[0]) if task.target else None,
                value_unit=task.target[1] if task.target else "",
                target_text=task.target_text,
                report_cycle=task.cycle,
                report_due_day=due_day,
            ),
        )
        if task.lead in heads:
            demo.take(MEETING_DAY, heads[task.lead], key, Action.ACCEPT, at=time(15, 0))
        if task.title == "明年重点项目谋划立即启动":
            demo.report(
                MEETING_DAY,
                "fgj-reporter",
                key,
                "已印发明年重点项目谋划工作通知，启动项目征集",
                at=time(17, 20),
                files=lambda: [document("关于做好2024年重点项目谋划工作的通知.pdf")],
            )
