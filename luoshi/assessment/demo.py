"""The demo county's assessment: a 2023 scheme for 柞水县's towns and departments, its first and
second quarters scored from the demo's data, and the city's assessment of its counties.

The county scores its towns and departments each quarter on what was done: the indicators each
department leads (their completion against the share of the year gone, and the county's place
among the city's counties), the items each unit leads (red or yellow at the quarter's end, overdue,
reports found untrue), and the bonus and deduction records the office approved. Which departments
sit in the economic group is read from the data (those leading an indicator). The scores are
computed by the same service the office uses, never written down. The records' facts, the city's
published points for each county and the appeal are illustrative (示意数据); the city's table puts
the county low on social evaluation, as the county said of itself in July 2023.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from luoshi.assessment import services
from luoshi.assessment.models import (
    Appeal,
    CityCriterion,
    CityScore,
    Criterion,
    Group,
    GroupKind,
    Scheme,
    ScoreLine,
)
from luoshi.assessment.scoring import Method, Period
from luoshi.indicators.models import Indicator
from luoshi.items.models import Item
from luoshi.org.models import Region, Unit, User

COUNTY = "柞水县"
YEAR = 2023
SCHEME = "镇办和县直部门目标责任考核（示意）"
D = Decimal

# (name, max points, method, params, source)
ECONOMIC = (
    (
        "年度目标任务完成",
        D(40),
        Method.TARGET_COMPLETION,
        {"cap": 110},
        "考核指标台账：牵头指标的完成率与序时进度",
    ),
    ("争先进位", D(20), Method.PEER_RANK, {"step_percent": 12}, "考核指标台账：全县在全市县区中的排名"),
    (
        "重点工作落实",
        D(30),
        Method.ITEM_OUTCOMES,
        {"red": 4, "yellow": 2, "overdue": 3, "untrue": 8},
        "督办事项：季末预警颜色、完成时限、核实结论",
    ),
    (
        "加减分纪实",
        D(10),
        Method.RECORDS,
        {"base": 5, "bonus_cap": 5, "deduction_cap": 5},
        "督查办审核的加减分纪实",
    ),
)
GENERAL = (
    (
        "重点工作落实",
        D(70),
        Method.ITEM_OUTCOMES,
        {"red": 5, "yellow": 2, "overdue": 3, "untrue": 10},
        "督办事项：季末预警颜色、完成时限、核实结论",
    ),
    (
        "加减分纪实",
        D(30),
        Method.RECORDS,
        {"base": 20, "bonus_cap": 10, "deduction_cap": 20},
        "督查办审核的加减分纪实",
    ),
)
TOWNS = GENERAL

# (unit, points, basis, occurred on) — illustrative records, approved by the office
RECORDS = (
    ("营盘镇", D(3), "引进文旅项目签约落地，经县招商服务中心核实（示意）", date(2023, 5, 18)),
    ("下梁镇", D(-4), "安全生产检查发现的问题未按期整改，县应急管理局通报（示意）", date(2023, 6, 9)),
    ("凤凰镇", D(2), "古镇景区承办全省现场观摩，获省级部门书面肯定（示意）", date(2023, 4, 26)),
    ("红岩寺镇", D(-2), "信访事项办理超期，县信访局通报（示意）", date(2023, 6, 15)),
    ("小岭镇", D(1), "新增一家规模以上企业入库（示意）", date(2023, 6, 20)),
    ("县住建局", D(-3), "保障性住房项目进度被市级通报（示意）", date(2023, 5, 30)),
    ("县文旅局", D(2), "成功创建省级全域旅游示范县初验（示意）", date(2023, 6, 26)),
    ("县财政局", D(2), "争取上级财政专项资金进度居全市前列（示意）", date(2023, 6, 28)),
    (
        "县农业农村局",
        D(-2),
        "农业总产值未实现时间过半、任务过半，县政府常务会点名（示意）",
        date(2023, 6, 30),
    ),
)
APPEAL = (
    "县发改局",
    "年度目标任务完成",
    "固定资产投资有3个已开工项目6月底尚未完成入库，入库后完成率将达到序时进度，请予以考虑（示意）。",
)

# The city's assessment of its counties (市考县), as published (illustrative points).
COUNTIES = ("商州区", "洛南县", "丹凤县", "商南县", "山阳县", "镇安县", "柞水县")
CITY = (
    (
        "经济发展",
        D(40),
        "市统计局季度数据",
        (D("36.2"), D("34.8"), D("33.1"), D("32.6"), D("34.0"), D("33.5"), D("33.9")),
    ),
    (
        "重点项目建设",
        D(20),
        "市发改委项目观摩评分",
        (D("17.5"), D("16.8"), D("16.2"), D("15.9"), D("16.6"), D("16.1"), D("16.4")),
    ),
    (
        "民生和社会事业",
        D(15),
        "市级部门考核",
        (D("13.1"), D("12.8"), D("12.6"), D("12.2"), D("12.9"), D("12.4"), D("12.5")),
    ),
    (
        "社会评价",
        D(15),
        "市统计调查队群众满意度调查",
        (D("13.6"), D("13.2"), D("12.9"), D("13.4"), D("12.7"), D("13.0"), D("11.2")),
    ),
    (
        "党的建设和作风建设",
        D(10),
        "市委组织部考核",
        (D("9.1"), D("8.9"), D("8.8"), D("8.7"), D("8.9"), D("8.8"), D("8.9")),
    ),
)


def _criteria(group: Group, specs: tuple) -> None:
    for order, (name, max_points, method, params, source) in enumerate(specs):
        criterion = Criterion(
            group=group,
            name=name,
            max_points=max_points,
            method=method,
            params=params,
            source=source,
            sort_order=order,
        )
        criterion.full_clean()
        criterion.save()


def _scheme(region: Region) -> Scheme:
    scheme = Scheme.objects.create(
        region=region,
        year=YEAR,
        name=SCHEME,
        note="按季度和年度对各镇（街道）和县直部门的实绩打分排名；得分全部由系统中的数据计算，每一分都可查到来源。",
    )
    units = Unit.objects.filter(region=region)
    towns = Group.objects.create(scheme=scheme, name="镇（街道）", kind=GroupKind.TOWNS, sort_order=1)
    towns.units.set(units.filter(kind__in=(Unit.Kind.TOWN, Unit.Kind.STREET)))
    _criteria(towns, TOWNS)
    # The departments that lead an indicator of the year form the economic group; the departments
    # that lead other items, the general one.
    economic_ids = set(
        Indicator.objects.filter(item__region=region, item__year=YEAR).values_list(
            "item__lead_unit_id", flat=True
        )
    )
    leading_ids = set(
        Item.objects.filter(region=region, year=YEAR)
        .exclude(status="draft")
        .values_list("lead_unit_id", flat=True)
    )
    departments = units.filter(kind=Unit.Kind.DEPARTMENT)
    economic = Group.objects.create(
        scheme=scheme, name="经济发展部门", kind=GroupKind.DEPARTMENTS, sort_order=2
    )
    economic.units.set(departments.filter(pk__in=economic_ids))
    _criteria(economic, ECONOMIC)
    general = Group.objects.create(
        scheme=scheme, name="综合服务部门", kind=GroupKind.DEPARTMENTS, sort_order=3
    )
    general.units.set(departments.filter(pk__in=leading_ids - economic_ids))
    _criteria(general, GENERAL)
    return scheme


def load(*, as_of: date) -> None:
    region = Region.objects.filter(name=COUNTY, level=Region.Level.COUNTY).first()
    if region is None or Scheme.objects.filter(region=region, year=YEAR, name=SCHEME).exists():
        return
    office = (
        User.objects.filter(memberships__unit__region=region, memberships__role="supervisor")
        .order_by("pk")
        .first()
    )
    scheme = _scheme(region)
    units = {unit.short_name: unit for unit in Unit.objects.filter(region=region)}
    for name, points, basis, occurred_on in RECORDS:
        criterion = Criterion.objects.get(
            group__scheme=scheme, group__units=units[name], method=Method.RECORDS
        )
        if office is None:
            break
        services.record_add(
            actor=office,
            data=services.RecordInput(criterion, units[name], points, basis, occurred_on),
            approve=True,
        )
    for quarter in (1, 2):
        # Each quarter computed by the office ten days after it closed, as its ranking was then.
        period = Period(YEAR, quarter)
        day = min(as_of, period.end + timedelta(days=10))
        services.scores_compute(actor=None, scheme=scheme, period=period, as_of=day)
    unit_name, criterion_name, reasons = APPEAL
    head = User.objects.filter(memberships__unit=units[unit_name]).order_by("pk").first()
    line = (
        ScoreLine.objects.filter(
            run__scheme=scheme, run__quarter=2, unit=units[unit_name], criterion__name=criterion_name
        )
        .order_by("-run_id")
        .first()
    )
    if head is not None and line is not None and not Appeal.objects.filter(line=line).exists():
        services.appeal_file(actor=head, line=line, reasons=reasons)
    for order, (title, top, basis, scores) in enumerate(CITY):
        city = CityCriterion.objects.create(
            region=region, year=YEAR, name=title, max_points=top, source=basis, sort_order=order
        )
        CityScore.objects.bulk_create(
            CityScore(criterion=city, county=county, points=value)
            for county, value in zip(COUNTIES, scores, strict=True)
        )
