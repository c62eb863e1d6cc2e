"""The demo county's problems to rectify on 2023-07-25.

From the four kinds of feedback from above the county named (秦岭生态环境保护, the "three chiefs"
(河长/林长/田长), 巩固衔接, 耕地缺口), its own self-checks, and the supervision office's visit: the
demo's existing items about them get their detail here (the 秦岭 feedback and the visit's finding),
and the others are illustrative (示意数据). One suspected patch (疑似图斑) goes the whole way: the
town reports it rectified with its photo, asks to close it, the office verifies and strikes it off;
a second one, struck off in May, was found rebuilt in July and is being rectified again, its
lineage kept. Entered through the services, the clock pinned to each day.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from luoshi.alerts.services import colours_recompute
from luoshi.core import clock
from luoshi.items import services as items
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
from luoshi.items.services import ReportInput
from luoshi.items.workflow import Action
from luoshi.org.models import Leader, Membership, Region, Role, Unit, User
from luoshi.rectification import services
from luoshi.rectification.models import KIND, Problem

COUNTY = "柞水县"
YEAR = 2023
D = date
HIGHER, SELF, INSPECTION = Source.HIGHER_FEEDBACK, Source.SELF_CHECK, Source.INSPECTION


@dataclass(frozen=True)
class Spec:
    title: str
    source: str
    topic: str
    problem: str
    lead: str
    patron: str
    deadline: date
    found: date
    place: str = ""
    reference: str = ""
    measures: str = ""


SPECS = (
    Spec(
        "河长制巡河记录不全",
        HIGHER,
        "“三长”制",
        "部分村级河长巡河记录不全、问题未闭环",
        "县水利局",
        "冯锐",
        D(2023, 8, 31),
        D(2023, 6, 12),
        measures="补齐巡河记录，建立问题清单，逐项销号",
    ),
    Spec(
        "林长制护林网格员履职不到位",
        HIGHER,
        "“三长”制",
        "部分护林网格员巡山频次不足",
        "县林业局",
        "茂荣",
        D(2023, 8, 31),
        D(2023, 6, 12),
        measures="开展网格员培训，按月考核巡山轨迹",
    ),
    Spec(
        "田长制耕地巡查不及时",
        HIGHER,
        "“三长”制",
        "部分村田长对新增乱占耕地发现不及时",
        "县自然资源局",
        "冯锐",
        D(2023, 9, 30),
        D(2023, 6, 12),
    ),
    Spec(
        "监测户帮扶措施不精准",
        HIGHER,
        "巩固衔接",
        "部分监测户帮扶措施与致贫风险不匹配",
        "县乡村振兴局",
        "王宁",
        D(2023, 9, 30),
        D(2023, 5, 20),
        measures="逐户核查风险，调整帮扶措施",
    ),
    Spec(
        "衔接资金项目进度滞后",
        HIGHER,
        "巩固衔接",
        "部分衔接资金项目开工迟、支付慢",
        "县乡村振兴局",
        "王宁",
        D(2023, 8, 31),
        D(2023, 5, 20),
    ),
    Spec(
        "耕地占补平衡缺口",
        HIGHER,
        "耕地缺口",
        "年度耕地占补平衡存在缺口",
        "县自然资源局",
        "冯锐",
        D(2023, 12, 31),
        D(2023, 4, 28),
        measures="实施补充耕地项目，落实占补平衡指标",
    ),
    Spec(
        "燃气管道占压隐患",
        SELF,
        "安全生产",
        "城区部分燃气管道存在违章占压",
        "县住建局",
        "冯锐",
        D(2023, 8, 31),
        D(2023, 7, 3),
        place="乾佑街道",
        measures="拆除占压设施，设置警示标志",
    ),
    Spec(
        "非煤矿山边坡隐患",
        SELF,
        "安全生产",
        "个别非煤矿山边坡存在滑塌风险",
        "县应急管理局",
        "冯锐",
        D(2023, 7, 20),
        D(2023, 7, 3),
        place="小岭镇",
    ),
)
PATCHES = (
    ("疑似图斑 Q-2023-031", "营盘镇", "营盘镇朱家湾村", "Q-2023-031"),  # closed in July
    ("疑似图斑 Q-2023-012", "营盘镇", "营盘镇北河村", "Q-2023-012"),  # closed in May, found again
    ("疑似图斑 Q-2023-044", "营盘镇", "营盘镇营镇社区", "Q-2023-044"),
)


def load(*, as_of: date) -> None:
    region = Region.objects.get(name=COUNTY)
    if Problem.objects.filter(item__region=region).exists():
        return
    office = User.objects.get(username="duchaban")
    units = {unit.short_name: unit for unit in Unit.objects.filter(region=region)}
    leaders = {
        leader.person.name: leader for leader in Leader.objects.filter(region=region).select_related("person")
    }
    _existing(region, office)
    signed: list[Item] = []
    signed_found: list[tuple[Item, date]] = []
    for spec in SPECS:
        with clock.pinned(spec.found, time(15, 0)):
            problem = services.problem_create(
                actor=office,
                region=region,
                data=services.ProblemInput(
                    title=spec.title,
                    year=YEAR,
                    source=spec.source,
                    problem=spec.problem,
                    lead_unit=units[spec.lead],
                    deadline=spec.deadline,
                    topic=spec.topic,
                    place=spec.place,
                    measures=spec.measures,
                    found_on=spec.found,
                    patron_leader=leaders[spec.patron],
                ),
                as_of=spec.found,
            )
        Problem.objects.filter(pk=problem.pk).update(illustrative=True)
        signed.append(problem.item)
        signed_found.append((problem.item, spec.found))
    _signed(signed)
    patches = _patches(region, office, units, leaders, as_of=as_of)
    _reported(region, signed_found + patches, office)
    colours_recompute(as_of=as_of, items=Item.objects.filter(region=region, kind=KIND))


def _signed(items: list[Item]) -> None:
    """The units signed for their problems the day after they were assigned (entered in bulk)."""
    days = {item.pk: (item.assigned_on or D(YEAR, 1, 1)) + timedelta(days=1) for item in items}
    for item in items:
        item.status, item.accepted_on = Status.ACCEPTED, days[item.pk]
    Item.objects.bulk_update(items, ["status", "accepted_on"])
    ItemEvent.objects.bulk_create(
        ItemEvent(
            item=item,
            kind=EventKind.ACCEPTED,
            from_status=Status.ASSIGNED,
            to_status=Status.ACCEPTED,
            at=timezone.make_aware(datetime.combine(days[item.pk], time(9, 0))),
        )
        for item in items
    )


def _existing(region: Region, office: User) -> None:
    """The demo's items about rectification (web/demo_county.py) get their detail."""
    for item in Item.objects.filter(region=region, kind=KIND).order_by("pk"):
        if item.source == HIGHER and "秦岭" in item.title:
            services.problem_attach(
                actor=office,
                item=item,
                problem="秦岭“五乱”反馈问题及疑似图斑",
                topic="秦岭生态环境保护",
                place="全县",
            )
        else:
            services.problem_attach(
                actor=office, item=item, problem=item.description or item.title, topic="督查发现"
            )


def _patches(region, office, units, leaders, *, as_of: date) -> list[tuple[Item, date]]:
    """Three suspected patches from the 秦岭 feedback: one struck off, one found again, one open."""
    town = User.objects.get(username="yingpan-head")
    made = []
    for title, lead, place, reference in PATCHES:
        found = D(2023, 4, 20)
        with clock.pinned(found, time(15, 0)):
            problem = services.problem_create(
                actor=office,
                region=region,
                data=services.ProblemInput(
                    title=title,
                    year=YEAR,
                    source=HIGHER,
                    problem="卫片执法发现的疑似违法占用林地图斑",
                    lead_unit=units[lead],
                    deadline=D(2023, 9, 30),
                    topic="秦岭生态环境保护",
                    place=place,
                    reference=reference,
                    measures="现场核查，违建拆除，复绿",
                    found_on=found,
                    patron_leader=leaders["冯锐"],
                ),
                as_of=found,
            )
        with clock.pinned(D(2023, 4, 21), time(9, 0)):
            items.item_take(actor=town, item=problem.item, action=Action.ACCEPT, as_of=D(2023, 4, 21))
        Problem.objects.filter(pk=problem.pk).update(illustrative=True)
        made.append(problem)
    # The town reported each month until its closing report (entered in bulk before the closings).
    _reported(region, [(made[0].item, D(2023, 4, 21))], office)
    _reported(region, [(made[1].item, D(2023, 4, 21))], office, until=4)
    for problem, day in ((made[0], D(2023, 7, 14)), (made[1], D(2023, 5, 22))):
        _close(problem, town, office, day)
    with clock.pinned(D(2023, 7, 18), time(16, 0)):
        services.problem_reopen(
            actor=office,
            problem=made[1],
            reason="明察暗访发现原地块违建反弹",
            deadline=D(2023, 8, 31),
            as_of=D(2023, 7, 18),
        )
    return [(made[2].item, D(2023, 4, 21))]


def _reported(region: Region, found: list[tuple[Item, date]], office: User, *, until: int = 6) -> None:
    """The units reported each month from the one a problem came to them until `until` (June: July's
    report is due on the demo's day), checked by the office against the documents (in bulk)."""
    authors: dict[int | None, User] = {}
    for membership in Membership.objects.filter(unit__region=region).select_related("user"):
        if membership.role in (Role.UNIT_HEAD, Role.REPORTER):
            authors.setdefault(membership.unit_id, membership.user)
    reports = []
    for item, since in found:
        for month in range(since.month, until + 1):
            day = max(D(YEAR, month, 20), since + timedelta(days=1))
            moment = timezone.make_aware(datetime.combine(day, time(10, 0)))
            reports.append(
                ProgressReport(
                    item=item,
                    unit=item.lead_unit,
                    period_start=D(YEAR, month, 1),
                    period_end=D(YEAR, month, 28 if month == 2 else 30),
                    due_on=D(YEAR, month, 25),
                    done="按整改方案推进。",
                    confidence="green",
                    author=authors.get(item.lead_unit_id, office),
                    status=ReportStatus.SUBMITTED,
                    submitted_at=moment,
                    created_at=moment,
                )
            )
    ProgressReport.objects.bulk_create(reports, batch_size=500)
    Verification.objects.bulk_create(
        [
            Verification(
                report=r, method=Method.DOCUMENTS, verdict=Verdict.TRUE, verifier=office, verified_on=r.due_on
            )
            for r in reports
        ],
        batch_size=500,
    )


def _site_photo() -> SimpleUploadedFile:
    """The town's proof of the rectified site: an illustrative picture (the demo's data are
    illustrative), made here rather than shipped."""
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (96, 140, 80)).save(out, "JPEG")
    return SimpleUploadedFile("整改后现场照片（示意）.jpg", out.getvalue(), content_type="image/jpeg")


def _close(problem: Problem, town: User, office: User, day: date) -> None:
    """The town reports the patch rectified and asks to close it; the office verifies on site and
    strikes it off three days later."""
    with clock.pinned(day, time(10, 0)):
        report = items.report_submit(
            actor=town,
            item=Item.objects.get(pk=problem.pk),
            data=ReportInput(period_start=D(day.year, day.month, 1), done="违建已拆除，已复绿"),
            files=[_site_photo()],
            as_of=day,
        )
        items.item_take(
            actor=town,
            item=Item.objects.get(pk=problem.pk),
            action=Action.REQUEST_COMPLETION,
            as_of=day,
            reason="已整改到位，申请销号",
        )
    verified = D(day.year, day.month, day.day + 3)
    with clock.pinned(verified, time(15, 0)):
        items.report_verify(
            actor=office,
            report=report,
            method="on_site",
            verdict="true",
            note="现场核实已拆除复绿",
            as_of=verified,
        )
        services.problem_close(actor=office, problem=problem, as_of=verified)
