"""The demo county's indicators for 2023, as the county knew them on 2023-07-25 (the June figures).

The half-year figures the county gave that day are the June values of the data, not results
written down: fiscal revenue 2.89 亿元 up 31.35%, local fiscal revenue 1.24 亿元 up 8.55%, special
transfers won from above 9.24 亿元, retail sales up about 10%, output growth just above zero; four
indicators (farm output, farm value added, fixed-asset investment, urban disposable income) short
of half the year's target at June; good-air days against 350, bond funds against 3.5 亿元, new
above-scale enterprises 2 of 32, reserve projects towards 200 by the end of August. The monthly
path to those June figures, last year's months, the targets and the peers' figures are
illustrative (示意数据), shaped to be plausible. 镇安县 keeps the same ledger here (its ranks are
computed from its data); the city's other counties are entered as peers' figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from luoshi.alerts.services import colours_recompute
from luoshi.indicators.compute import Type
from luoshi.indicators.models import KIND, Direction, Indicator, PeerValue, Value, ValueCheck
from luoshi.items.models import EventKind, Item, ItemEvent, Measure, ReportCycle, Source, Status
from luoshi.org.models import Leader, Region, Unit

COUNTY, NEIGHBOUR = "柞水县", "镇安县"
YEAR = 2023
ISSUED = date(2023, 1, 20)  # the year's targets assigned to the units
OTHER_COUNTIES = ("商州区", "洛南县", "丹凤县", "商南县", "山阳县")
SOURCE = "县统计局月报（示意）"
# How a year's cumulative figure builds up, month by month (a share of the year-end), last year.
SHAPE = (
    Decimal("0.06"),
    Decimal("0.12"),
    Decimal("0.20"),
    Decimal("0.28"),
    Decimal("0.37"),
    Decimal("0.47"),
    Decimal("0.55"),
    Decimal("0.63"),
    Decimal("0.72"),
    Decimal("0.81"),
    Decimal("0.90"),
    Decimal("1"),
)


@dataclass(frozen=True)
class Spec:
    name: str
    type: Type
    unit: str
    june: Decimal  # this year's figure at June (1-6月 for a cumulative one)
    growth: Decimal | None  # its growth over June of last year, percent
    lead: str
    patron: str
    target_value: Decimal | None = None
    target_growth: Decimal | None = None
    deadline: date = date(YEAR, 12, 31)
    # peers' growth (or figure where there is no growth) at June, the five other counties then 镇安
    peers: tuple[str, ...] = ()
    neighbour: str = ""
    june_share: Decimal = Decimal("0.47")  # last year's June as a share of its year-end


D = Decimal
SPECS = (
    Spec(
        "财政总收入",
        Type.CUMULATIVE,
        "亿元",
        D("2.89"),
        D("31.35"),
        "县财政局",
        "冯锐",
        D("5.2"),
        D(10),
        peers=("12.4", "8.1", "15.6", "6.3", "9.8"),
        neighbour="11.2",
    ),
    Spec(
        "地方财政收入",
        Type.CUMULATIVE,
        "亿元",
        D("1.24"),
        D("8.55"),
        "县财政局",
        "冯锐",
        D("2.3"),
        D(8),
        peers=("9.2", "7.4", "10.1", "5.6", "8.9"),
        neighbour="6.8",
    ),
    Spec(
        "争取上级财政专项资金",
        Type.CUMULATIVE,
        "亿元",
        D("9.24"),
        D("37.91"),
        "县财政局",
        "冯锐",
        D(15),
        peers=("22.0", "18.5", "30.2", "12.4", "25.6"),
        neighbour="28.3",
    ),
    Spec(
        "社会消费品零售总额",
        Type.CUMULATIVE,
        "万元",
        D(100282),
        D("10.2"),
        "县商务局",
        "茂荣",
        None,
        D(10),
        peers=("8.4", "9.1", "7.6", "10.8", "8.8"),
        neighbour="9.5",
        june_share=D("0.5"),
    ),
    Spec(
        "生产总值增速",
        Type.GROWTH,
        "%",
        D("0.3"),
        None,
        "县发改局",
        "冯锐",
        D("6.5"),
        peers=("4.1", "3.6", "2.8", "5.2", "3.9"),
        neighbour="2.2",
    ),
    Spec(
        "农业总产值",
        Type.CUMULATIVE,
        "亿元",
        D("9.1"),
        D("3.1"),
        "县农业农村局",
        "王宁",
        D(22),
        D(5),
        peers=("4.2", "4.6", "3.9", "4.4", "3.0"),
        neighbour="3.5",
    ),
    Spec(
        "农业增加值",
        Type.CUMULATIVE,
        "亿元",
        D("5.6"),
        D("3.4"),
        "县农业农村局",
        "王宁",
        D(13),
        D(5),
        peers=("4.3", "4.5", "4.0", "4.6", "3.2"),
        neighbour="3.8",
    ),
    Spec(
        "固定资产投资",
        Type.CUMULATIVE,
        "亿元",
        D("25.8"),
        D("-6.2"),
        "县发改局",
        "冯锐",
        D(60),
        D(8),
        peers=("5.1", "3.8", "6.6", "-2.4", "4.0"),
        neighbour="1.9",
    ),
    Spec(
        "城镇居民人均可支配收入",
        Type.CUMULATIVE,
        "元",
        D(17100),
        D("5.1"),
        "县人社局",
        "小军",
        D(36000),
        D("6.5"),
        peers=("5.8", "5.6", "6.0", "5.4", "5.9"),
        neighbour="5.5",
    ),
    Spec(
        "空气质量优良天数",
        Type.COUNT,
        "天",
        D(176),
        None,
        "县生态环境分局",
        "冯锐",
        D(350),
        peers=("170", "172", "168", "174", "171"),
        neighbour="175",
    ),
    Spec(
        "债券资金",
        Type.CUMULATIVE,
        "亿元",
        D("1.8"),
        None,
        "县财政局",
        "冯锐",
        D("3.5"),
        peers=("4.6", "3.1", "5.0", "2.2", "3.9"),
        neighbour="3.4",
    ),
    Spec(
        "新增“五上”企业",
        Type.COUNT,
        "家",
        D(2),
        None,
        "县统计局",
        "维杰",
        D(32),
        peers=("9", "6", "11", "5", "7"),
        neighbour="8",
    ),
    Spec(
        "储备成熟项目",
        Type.COUNT,
        "个",
        D(126),
        None,
        "县发改局",
        "冯锐",
        D(200),
        deadline=date(YEAR, 8, 31),
        peers=("160", "142", "185", "120", "150"),
        neighbour="138",
    ),
)


def _round(value: Decimal, places: int = 4) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def months_of(
    spec: Spec, june: Decimal, growth: Decimal | None
) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """This year's January–June and last year's twelve months that lead to the June figure."""
    if spec.type == Type.GROWTH:
        # a quarterly rate: the first quarter below zero, the half-year just above
        return {3: _round(june - D("1.5"), 2), 6: june}, {3: D("4.8"), 6: D("5.1"), 9: D("5.3"), 12: D("5.6")}
    if growth is None:
        # a count or an amount with no growth published: evenly to June, last year likewise
        this_year = {m: _round(june * m / 6, 0 if spec.type == Type.COUNT else 4) for m in range(1, 7)}
        return this_year, {}
    last_june = june / (1 + growth / 100)
    last_end = last_june / spec.june_share
    shape = [share * spec.june_share / SHAPE[5] if m < 6 else share for m, share in enumerate(SHAPE)]
    shape[5] = spec.june_share
    last_year = {m: _round(last_end * shape[m - 1]) for m in range(1, 13)}
    this_year = {m: _round(last_year[m] * (1 + growth / 100)) for m in range(1, 6)}
    this_year[6] = june
    return this_year, last_year


def load(*, as_of: date) -> None:
    region = Region.objects.get(name=COUNTY)
    if Indicator.objects.filter(item__region=region).exists():
        return
    neighbour = Region.objects.filter(name=NEIGHBOUR).first()
    _county(region, own=True)
    if neighbour is not None and not Indicator.objects.filter(item__region=neighbour).exists():
        _county(neighbour, own=False)
    colours_recompute(as_of=as_of, items=Item.objects.filter(region=region, kind=KIND, year=YEAR))


def _county(region: Region, *, own: bool) -> None:
    units = {unit.short_name: unit for unit in Unit.objects.filter(region=region)}
    leaders = {
        leader.person.name: leader for leader in Leader.objects.filter(region=region).select_related("person")
    }
    fallback = units.get("县发改局") or next(iter(units.values()))
    items = [
        Item(
            region=region,
            code=f"ZB-{YEAR}-{number:04d}",
            kind=KIND,
            source=Source.WORK_REPORT,
            year=YEAR,
            title=spec.name,
            patron_leader=leaders.get(spec.patron),
            lead_unit=units.get(spec.lead, fallback),
            deadline=spec.deadline,
            assigned_on=ISSUED,
            accepted_on=ISSUED,
            measure=Measure.DONE,
            report_cycle=ReportCycle.ONCE,
            status=Status.IN_PROGRESS,
            created_at=_moment(ISSUED),
            updated_at=_moment(ISSUED),
        )
        for number, spec in enumerate(SPECS, start=1)
    ]
    Item.objects.bulk_create(items, batch_size=200)
    items = list(Item.objects.filter(region=region, kind=KIND, year=YEAR).order_by("code"))
    indicators, values, peers, events = [], [], [], []
    for order, (item, spec) in enumerate(zip(items, SPECS, strict=True), start=1):
        indicator = Indicator(
            item=item,
            type=spec.type,
            direction=Direction.HIGHER,
            unit=spec.unit,
            target_value=spec.target_value,
            target_growth=spec.target_growth,
            sort_order=order,
            illustrative=True,
        )
        indicators.append(indicator)
        june, growth = spec.june, spec.growth
        if not own:
            # the neighbour: its own figures, its growth (or its figure) from the peers' column
            if spec.type == Type.GROWTH or spec.growth is None:
                june = D(spec.neighbour)
            else:
                june = _round(spec.june * (D("0.9") + D(order % 4) / 10))
                growth = D(spec.neighbour)
        this_year, last_year = months_of(spec, june, growth)
        for year, months in ((YEAR, this_year), (YEAR - 1, last_year)):
            for month, value in months.items():
                entered = date(year, month, 1) if year < YEAR else date(YEAR, month % 12 + 1, 10)
                values.append(
                    Value(
                        indicator=indicator,
                        year=year,
                        month=month,
                        value=value,
                        growth=growth if (year == YEAR and month == 6 and growth is not None) else None,
                        source=SOURCE,
                        evidence="统计月报扫描件（示意）" if year == YEAR else "",
                        verification=ValueCheck.TRUE if year < YEAR or month < 6 else ValueCheck.UNCHECKED,
                        entered_at=_moment(min(entered, date(YEAR, 7, 12))),
                    )
                )
        if own:
            for name, figure in zip(OTHER_COUNTIES, spec.peers, strict=True):
                has_growth = spec.growth is not None or spec.type == Type.GROWTH
                for month, shift in ((5, D("0.6")), (6, D(0))):
                    figure_at = D(figure) - shift if has_growth else _round(D(figure) * month / 6, 2)
                    peers.append(
                        PeerValue(
                            indicator=indicator,
                            region_name=name,
                            year=YEAR,
                            month=month,
                            value=None if has_growth and spec.type != Type.GROWTH else figure_at,
                            growth=figure_at if spec.growth is not None else None,
                        )
                    )
        events.append(
            ItemEvent(
                item=item,
                kind=EventKind.REPORT_SUBMITTED,
                note=f"填报指标数据：{YEAR}年1—6月（示意）",
                at=_moment(date(YEAR, 7, 12)),
            )
        )
    Indicator.objects.bulk_create(indicators, batch_size=200)
    Value.objects.bulk_create(values, batch_size=500)
    PeerValue.objects.bulk_create(peers, batch_size=500)
    ItemEvent.objects.bulk_create(events, batch_size=200)
