"""The indicators ledger's share of the benchmark's county: 150 assessment indicators (考核指标) of
the year beside its 4,000 items, each an item of kind "indicator" with its detail, last year's twelve
monthly values and this year's January to June (by 25 July, June's figures are the latest), and its
peers' figures.

About as a county's table holds them (the demo county has 13 of the 150 a year's assessment lists):
cumulative amounts most (revenue, investment, output), then counts, growth rates and levels; a few
where lower is better (a ceiling: the unemployment rate, energy per unit of output, accidents).
Thirty kinds of indicator, the county's own and broken down to four of its towns, with the same
names in every county, so that each county ranks among the city's others. Most targets are a value
and a growth rate, some a rate alone (the value then follows from last year's year-end). Half the
indicators are on pace, a third behind (their colour yellow or red, as the nightly recomputation
would have left it), a few ahead; half of the lagging ones have a catch-up item (赶超事项). A
tenth have a correction (the superseded version kept beside the current one); the office has
verified January to May of half of them.

Peers: a county ranks among the city's seven counties (商洛's). Those of them in the benchmark's city
keep this ledger here, so their ranks come from their own figures (selectors._peers_at); for the
others each indicator has their figures for January to June as entered from the city's ranking
table (PeerValue). With seven counties or more in the benchmark, every peer keeps its ledger here
and no PeerValue is written.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from luoshi.bench import names
from luoshi.bench.builder import YEAR, County, Ids, at, share_register
from luoshi.bench.bulk import Table
from luoshi.indicators.compute import Type, number, yoy_growth
from luoshi.indicators.models import KIND, Direction, Indicator, PeerValue, Value, ValueCheck
from luoshi.items.models import Colour, Item, Measure, ReportCycle, Source, Status
from luoshi.org.models import Unit

# 150 indicators beside a county's 4,000 items (a smaller benchmark county gets its share of them).
INDICATORS_PER_ITEMS = (150, 4000)
ISSUED = date(YEAR, 1, 20)  # the year's targets assigned to the units
THIS_YEAR = range(1, 7)  # January to June
PEER_GROUP = tuple(names.COUNTIES[:7])  # 商洛's seven counties: each ranks among the other six
SOURCE = "县统计局月报"
D = Decimal


@dataclass(frozen=True)
class Kind:
    name: str
    type: Type
    unit: str
    size: Decimal  # last year's year-end (an amount, a count), or the level or rate it runs at
    lead: str  # the unit that answers for it
    lower: bool = False  # lower is better: the target is a ceiling


C, G, N, L = Type.CUMULATIVE, Type.GROWTH, Type.COUNT, Type.LEVEL
KINDS = (
    Kind("财政总收入", C, "亿元", D("4.8"), "县财政局"),
    Kind("地方财政收入", C, "亿元", D("2.1"), "县财政局"),
    Kind("税收收入", C, "亿元", D("3.2"), "县税务局"),
    Kind("争取上级专项资金", C, "亿元", D(14), "县财政局"),
    Kind("债券资金", C, "亿元", D("3.2"), "县财政局"),
    Kind("社会消费品零售总额", C, "万元", D(190000), "县商务局"),
    Kind("农业总产值", C, "亿元", D(21), "县农业农村局"),
    Kind("农业增加值", C, "亿元", D(12), "县农业农村局"),
    Kind("固定资产投资", C, "亿元", D(55), "县发改局"),
    Kind("工业投资", C, "亿元", D(11), "县工信局"),
    Kind("民间投资", C, "亿元", D(19), "县发改局"),
    Kind("规模以上工业总产值", C, "亿元", D(38), "县工信局"),
    Kind("招商引资到位资金", C, "亿元", D(28), "县招商服务中心"),
    Kind("旅游综合收入", C, "亿元", D(42), "县文旅局"),
    Kind("外贸进出口总额", C, "万元", D(7600), "县商务局"),
    Kind("电子商务交易额", C, "亿元", D("5.6"), "县商务局"),
    Kind("城镇居民人均可支配收入", C, "元", D(34000), "县人社局"),
    Kind("农村居民人均可支配收入", C, "元", D(13200), "县乡村振兴局"),
    Kind("安全生产事故直接经济损失", C, "万元", D(120), "县应急管理局", lower=True),
    Kind("生产总值增速", G, "%", D("5.6"), "县发改局"),
    Kind("规模以上工业增加值增速", G, "%", D("6.8"), "县工信局"),
    Kind("第三产业增加值增速", G, "%", D("5.9"), "县统计局"),
    Kind('新增"五上"企业', N, "家", D(30), "县统计局"),
    Kind("项目储备数", N, "个", D(180), "县发改局"),
    Kind("城镇新增就业", N, "人", D(1400), "县人社局"),
    Kind("新增市场主体", N, "户", D(1100), "县市场监管局"),
    Kind("生产安全事故起数", N, "起", D(12), "县应急管理局", lower=True),
    Kind("城镇登记失业率", L, "%", D("4.2"), "县人社局", lower=True),
    Kind("单位生产总值能耗", L, "吨标准煤/万元", D("0.52"), "县发改局", lower=True),
    Kind("森林覆盖率", L, "%", D(68), "县林业局"),
)
PLACES = {C: 4, G: 2, N: 0, L: 2}
STATES = [("on_track", 50), ("behind", 35), ("ahead", 15)]


def indicator_names() -> list[tuple[str, Kind, str]]:
    """(name, kind, town) of every indicator a county may have, in order: the thirty kinds for the
    county, then for each of four towns. The same in every county (peers are found by name)."""
    # A stride through the kinds, so that a smaller county's first indicators mix the types too.
    kinds = [KINDS[(i * 7) % len(KINDS)] for i in range(len(KINDS))]
    found = [(kind.name, kind, "") for kind in kinds]
    for town in names.TOWNS[:4]:
        found += [(f"{kind.name}（{town}）", kind, town) for kind in kinds]
    return found


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places))


def _last_year(kind: Kind, rng: random.Random) -> dict[int, Decimal]:
    """Last year's twelve months: a cumulative figure from January, or the month's rate or level."""
    places = PLACES[kind.type]
    if kind.type.accumulates:
        end = kind.size * D(rng.uniform(0.6, 1.4))
        june = D(rng.uniform(0.42, 0.56))  # last June as a share of the year-end
        share = {m: june * m / 6 if m <= 6 else june + (1 - june) * (m - 6) / 6 for m in range(1, 13)}
        return {m: _round(end * share[m], places) for m in range(1, 13)}
    return {m: _round(kind.size * D(rng.uniform(0.93, 1.07)), places) for m in range(1, 13)}


def _this_year(
    kind: Kind, state: str, last: dict[int, Decimal], target: Decimal, rng: random.Random
) -> dict[int, Decimal]:
    places = PLACES[kind.type]
    if kind.type == Type.GROWTH:
        shift = {"ahead": (0.3, 1.5), "on_track": (-0.5, 0.5), "behind": (-4.0, -1.0)}[state]
        return {m: _round(target + D(rng.uniform(*shift)), places) for m in THIS_YEAR}
    # Against last year's same month: better, about as planned, or worse (for a ceiling: above).
    pace = {"ahead": (1.12, 1.25), "on_track": (1.03, 1.12), "behind": (0.8, 1.01)}[state]
    if kind.type == Type.LEVEL:
        pace = {"ahead": (1.02, 1.05), "on_track": (0.99, 1.02), "behind": (0.9, 0.97)}[state]
    factor = D(rng.uniform(*pace))
    if kind.lower:
        factor = 2 - factor
    return {m: _round(last[m] * factor * D(rng.uniform(0.98, 1.02)), places) for m in THIS_YEAR}


def _target(
    kind: Kind, last: dict[int, Decimal], rng: random.Random
) -> tuple[Decimal | None, Decimal | None]:
    """The year's target value and growth rate (at least one of them)."""
    places = PLACES[kind.type]
    if kind.type == Type.GROWTH:
        return _round(kind.size + D(rng.uniform(0.4, 1.2)), 1), None
    if kind.type == Type.LEVEL:
        return _round(kind.size * D(0.97 if kind.lower else 1.01), places), None
    if kind.lower:
        return _round(last[12] * D("0.9"), places), None
    growth = _round(D(rng.uniform(5, 12)), 1)
    value = _round(last[12] * (1 + growth / 100), places)
    if kind.type == Type.COUNT:
        return value, None
    mode = rng.choices(["both", "growth", "value"], [60, 25, 15])[0]
    return (None if mode == "growth" else value), (None if mode == "value" else growth)


def indicators_share(*, county: County, rng: random.Random, as_of: date, ids: Ids) -> int:
    counts: dict[str, int] = {}
    items = Table(
        Item,
        [
            "id",
            "region_id",
            "code",
            "kind",
            "source",
            "year",
            "title",
            "description",
            "patron_leader_id",
            "lead_unit_id",
            "deadline",
            "assigned_on",
            "accepted_on",
            "measure",
            "target_text",
            "report_cycle",
            "status",
            "computed_colour",
            "computed_reason",
            "created_by_id",
            "created_at",
            "updated_at",
        ],
        counts,
    )
    indicators = Table(
        Indicator,
        [
            "item_id",
            "type",
            "direction",
            "unit",
            "target_value",
            "target_growth",
            "sort_order",
            "catch_up_item_id",
        ],
        counts,
    )
    values = Table(
        Value,
        [
            "id",
            "indicator_id",
            "year",
            "month",
            "value",
            "growth",
            "source",
            "evidence",
            "verification",
            "verified_by_id",
            "verified_at",
            "verification_note",
            "note",
            "entered_by_id",
            "entered_at",
            "is_current",
            "supersedes_id",
        ],
        counts,
    )
    peers = Table(PeerValue, ["indicator_id", "region_name", "year", "month", "value", "growth"], counts)
    by_name = dict(Unit.objects.filter(region_id=county.region_id).values_list("short_name", "pk"))
    outside = [name for name in PEER_GROUP if name != county.name and name not in county.city_counties]
    per, items_per = INDICATORS_PER_ITEMS
    count = max(1, round(len(county.item_ids) * per / items_per))
    catalogue = indicator_names()[:count]
    item_ids = ids.take(Item, count)
    catch_ups = 0
    for number_, ((title, kind, town), item_id) in enumerate(zip(catalogue, item_ids, strict=True), start=1):
        lead = by_name.get(town or kind.lead) or rng.choice(county.unit_ids)
        reporter = county.reporter_ids.get(lead, county.supervisor_id)
        state = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
        last = _last_year(kind, rng)
        target_value, target_growth = _target(kind, last, rng)
        this = _this_year(kind, state, last, target_value or target_growth or kind.size, rng)
        colour, reason = Colour.GREEN, "按期推进"
        if state == "behind":
            colour = Colour.RED if rng.random() < 0.3 else Colour.YELLOW
            reason = f"1-6月{kind.name}低于序时进度" if colour == Colour.YELLOW else "连续2个月黄色预警"
        catch_up_id = None
        if state == "behind" and rng.random() < 0.5:
            catch_ups += 1
            catch_up_id = ids.one(Item)
            items.add(
                catch_up_id,
                county.region_id,
                f"GC-{YEAR}-{catch_ups:04d}",
                "task",
                Source.MEETING,
                YEAR,
                f"{title}赶超",
                "加快在建项目进度，逐月调度，确保全年目标任务完成。",
                rng.choice(county.leader_ids),
                lead,
                date(YEAR, 12, 31),
                date(YEAR, 7, 12),
                date(YEAR, 7, 13),
                Measure.PERCENT,
                "",
                ReportCycle.MONTHLY,
                Status.IN_PROGRESS,
                Colour.GREEN,
                "按期推进",
                county.supervisor_id,
                at(date(YEAR, 7, 12)),
                at(date(YEAR, 7, 13)),
            )
        target_text = "，".join(
            ([f"{number(target_value)}{kind.unit}"] if target_value is not None else [])
            + ([f"增长{number(target_growth)}%"] if target_growth is not None else [])
        )
        items.add(
            item_id,
            county.region_id,
            f"ZB-{YEAR}-{number_:04d}",
            KIND,
            Source.WORK_REPORT,
            YEAR,
            title,
            "",
            rng.choice(county.leader_ids),
            lead,
            date(YEAR, 12, 31),
            ISSUED,
            ISSUED,
            Measure.DONE,  # the figures are the indicator's monthly values, not progress reports
            target_text,
            ReportCycle.ONCE,
            Status.IN_PROGRESS,
            colour,
            reason,
            county.supervisor_id,
            at(ISSUED),
            at(ISSUED),
        )
        indicators.add(
            item_id,
            kind.type,
            Direction.LOWER if kind.lower else Direction.HIGHER,
            kind.unit,
            target_value,
            target_growth,
            number_,
            catch_up_id,
        )
        published = kind.type == Type.CUMULATIVE and target_growth is not None and rng.random() < 0.5
        verified = rng.random() < 0.5
        corrected = set(rng.sample(list(THIS_YEAR), rng.randint(1, 2))) if rng.random() < 0.1 else set()
        for month, figure in last.items():
            values.add(
                ids.one(Value),
                item_id,
                YEAR - 1,
                month,
                figure,
                None,
                SOURCE,
                "",
                ValueCheck.TRUE,
                county.supervisor_id,
                at(ISSUED, 16),
                "",
                "",
                reporter,
                at(ISSUED),
                True,
                None,
            )
        for month, figure in this.items():
            entered = date(YEAR, month + 1, 10)
            growth = yoy_growth(figure, last[month]) if published else None
            supersedes = None
            if month in corrected:  # first entered 3% off, corrected ten days later
                supersedes = ids.one(Value)
                first = _round(figure * D("1.03"), PLACES[kind.type])
                values.add(
                    supersedes,
                    item_id,
                    YEAR,
                    month,
                    first,
                    None,
                    SOURCE,
                    "统计月报扫描件",
                    ValueCheck.UNCHECKED,
                    None,
                    None,
                    "",
                    "",
                    reporter,
                    at(entered),
                    False,
                    None,
                )
                entered += timedelta(days=10)
            check, finding = ValueCheck.UNCHECKED, ""
            if verified and month < 6:  # June's figures came in this month: not yet checked
                check = ValueCheck.PARTLY if rng.random() < 0.05 else ValueCheck.TRUE
                finding = "与统计月报核对，部分数据口径不一致。" if check == ValueCheck.PARTLY else ""
            checked = check != ValueCheck.UNCHECKED
            values.add(
                ids.one(Value),
                item_id,
                YEAR,
                month,
                figure,
                None if growth is None else _round(growth, 2),
                SOURCE,
                "统计月报扫描件",
                check,
                county.supervisor_id if checked else None,
                at(entered + timedelta(days=4), 16) if checked else None,
                finding,
                "按统计部门月报更正" if supersedes else "",
                reporter,
                at(entered),
                True,
                supersedes,
            )
        for name in outside:
            spread = D(rng.uniform(0.6, 1.5))
            shift = D(rng.uniform(-6, 6))
            for month in THIS_YEAR:
                own = this[month]
                if kind.type == Type.GROWTH:
                    rate = _round(own + shift / 3, 2)
                    peers.add(item_id, name, YEAR, month, rate, rate)
                elif kind.type == Type.LEVEL:
                    peers.add(item_id, name, YEAR, month, _round(own * D(rng.uniform(0.93, 1.07)), 2), None)
                else:
                    growth = yoy_growth(own, last[month])
                    peers.add(
                        item_id,
                        name,
                        YEAR,
                        month,
                        _round(own * spread, PLACES[kind.type]),
                        None if growth is None else _round(growth + shift, 2),
                    )
    for table in (items, indicators, values, peers):
        table.flush()
    return sum(counts.values())


share_register("indicators", indicators_share)
