"""An indicator's figures (考核指标): pure computations, no database.

The selectors gather an indicator's facts (its type, direction, target, this year's and last
year's monthly values, its peers' figures); the table, the indicator page, the catch-up ledger
(赶超台账), `luoshi stats` and the warning colours all read the results from here.

- figures are monthly: on 25 July the latest figures are June's (1-6月), reported after the month;
- a cumulative indicator (财政总收入) holds the amount from January to the month (1-本月累计);
  a count (新增五上企业) too; a level or ratio (优良天数比例) holds the month's level; a growth-rate
  indicator (生产总值增速) holds the rate itself;
- growth over the same period (同比增长) is the published rate where one is given, else computed
  from last year's value of the same month: (this − last) ÷ |last|, so that a figure that rises
  from a negative base (a loss narrowed) grows; a base of zero gives no rate;
- an annual target is a value, a growth rate, or both: a rate alone makes the value last year's
  year-end × (1 + rate);
- the mid-year check (时间过半、任务过半): at June, at least half of each cumulative target; for a
  lower-is-better figure (a ceiling), at most half of it used;
- the gap (缺口) is what is still missing to the target; the pace to close it (赶超台账) is the gap
  spread over the months left, against the pace so far;
- the year-end projection carries this year's level along last year's monthly shape;
- the colour is the warning engine's indicator rule (alerts.engine.indicator_colour).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

from luoshi.alerts import engine

HUNDRED = Decimal(100)
HALF = Decimal(50)
MID_YEAR = 6


class Type(StrEnum):
    CUMULATIVE = "cumulative"
    GROWTH = "growth"
    LEVEL = "level"
    COUNT = "count"

    @property
    def label(self) -> str:
        return TYPE_LABELS[self]

    @property
    def accumulates(self) -> bool:
        """Whether the year's figure is the sum of its months (checked against half the target)."""
        return self in (Type.CUMULATIVE, Type.COUNT)


TYPE_LABELS = {
    Type.CUMULATIVE: "累计总量",
    Type.GROWTH: "增长率",
    Type.LEVEL: "水平或比率",
    Type.COUNT: "计数",
}


@dataclass(frozen=True)
class Facts:
    name: str
    type: Type
    unit: str
    higher_is_better: bool = True
    target_value: Decimal | None = None  # the year's target in the indicator's unit
    target_growth: Decimal | None = None  # the year's target growth, in percent
    this_year: Mapping[int, Decimal] = field(default_factory=dict)  # month → value
    last_year: Mapping[int, Decimal] = field(default_factory=dict)  # month → value
    growth: Mapping[int, Decimal] = field(default_factory=dict)  # month → published 同比增长, percent


@dataclass(frozen=True)
class Peer:
    """A region's figure for ranking (its growth where there is one, else its value)."""

    region: str
    value: Decimal | None
    growth: Decimal | None = None
    own: bool = False


@dataclass(frozen=True)
class Ranking:
    rank: int
    peers: int
    by: str  # "growth" or "value"

    @property
    def bottom_third(self) -> bool:
        return bottom_third(self.rank, self.peers)


@dataclass(frozen=True)
class HalfYear:
    """时间过半、任务过半: June's figure against half the year's target."""

    share: Decimal  # June's figure as a percent of the year's target
    passed: bool

    @property
    def label(self) -> str:
        return "已过半" if self.passed else "未过半"


@dataclass(frozen=True)
class CatchUp:
    """The pace needed to close the gap by December (赶超台账)."""

    gap: Decimal  # still missing to the target, in the indicator's unit
    months_left: int
    pace_so_far: Decimal  # per month, January to the month
    pace_needed: Decimal  # per month, from the next month to December
    growth_needed: Decimal | None  # the growth over last year's remaining months that closes it
    unit: str = ""
    whole: bool = False  # things counted (企业, 项目): the pace in whole ones, rounded up

    @property
    def reason(self) -> str:
        """尚差2.31亿元，余下6个月每月需完成0.39亿元，为此前月均的0.8倍；余下月份需比上年同期增长5.2%."""
        pace = self.pace_needed.to_integral_value(rounding=ROUND_CEILING) if self.whole else self.pace_needed
        unit = self.unit
        text = f"尚差{number(self.gap)}{unit}，余下{self.months_left}个月每月需完成{number(pace)}{unit}"
        if self.pace_so_far > 0:
            text += f"，为此前月均的{(self.pace_needed / self.pace_so_far).quantize(Decimal('0.1'))}倍"
        if self.growth_needed is not None:
            growth = self.growth_needed.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if growth >= 0:
                text += f"；余下月份需比上年同期增长{growth}%"
            else:
                text += f"；余下月份比上年同期下降不超过{-growth}%即可完成"
        return text


@dataclass(frozen=True)
class Result:
    month: int  # the month of the latest figure (0: none yet)
    actual: Decimal | None
    target: Decimal | None  # the year's target value (given or from the target rate)
    completion: Decimal | None  # percent of the target
    growth: Decimal | None  # 同比增长, percent
    half_year: HalfYear | None
    gap: Decimal | None
    catch_up: CatchUp | None
    projection: Decimal | None  # year-end
    colour: engine.Result
    ranking: Ranking | None = None


def _figure(value: Decimal) -> Decimal:
    """A computed figure at the precision the ledger keeps figures (4 places)."""
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def number(value: Decimal, places: int = 2) -> str:
    """12345.60 → "12345.6": a figure as a ledger writes it."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{value.quantize(quantum, rounding=ROUND_HALF_UP).normalize():f}"
    return "0" if text in ("-0", "") else text


def reporting_month(year: int, as_of: date) -> int:
    """The last whole month of `year` before `as_of` (0: none yet): the figures reported so far."""
    if as_of.year > year:
        return 12
    if as_of.year < year:
        return 0
    return as_of.month - 1


def latest_month(facts: Facts, up_to: int) -> int:
    """The latest month up to `up_to` with a figure of this year (0: none)."""
    return max((m for m in facts.this_year if m <= up_to), default=0)


def yoy_growth(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Growth over the same period last year, in percent. From a negative base the change is
    measured against the base's size: −100 → −50 is +50%, −100 → −150 is −50%."""
    if current is None or previous is None or previous == 0:
        return None
    return HUNDRED * (current - previous) / abs(previous)


def growth_at(facts: Facts, month: int) -> Decimal | None:
    """The month's 同比增长: as published where given, else computed from last year's figure.
    A growth-rate indicator is itself the rate."""
    if month in facts.growth:
        return facts.growth[month]
    if facts.type == Type.GROWTH:
        return facts.this_year.get(month)
    return yoy_growth(facts.this_year.get(month), facts.last_year.get(month))


def year_target(facts: Facts) -> Decimal | None:
    """The year's target value: as given, else last year's year-end grown by the target rate."""
    if facts.target_value is not None:
        return facts.target_value
    if facts.type == Type.GROWTH:
        return facts.target_growth
    if facts.target_growth is not None and 12 in facts.last_year:
        return facts.last_year[12] * (1 + facts.target_growth / HUNDRED)
    return None


def completion(actual: Decimal | None, target: Decimal | None) -> Decimal | None:
    """The figure as a percent of the target (of a ceiling: the share used)."""
    if actual is None or not target:
        return None
    return HUNDRED * actual / target


def half_year_check(facts: Facts, as_of_month: int) -> HalfYear | None:
    """At June (once June's figure is in), at least half of a cumulative target done; a ceiling
    at most half used. None for levels and rates, without a target or before June's figure."""
    target = year_target(facts)
    if not facts.type.accumulates or not target or as_of_month < MID_YEAR:
        return None
    june = facts.this_year.get(MID_YEAR)
    if june is None:
        return None
    share = HUNDRED * june / target
    passed = share >= HALF if facts.higher_is_better else share <= HALF
    return HalfYear(share=share, passed=passed)


def gap_to_target(facts: Facts, actual: Decimal | None) -> Decimal | None:
    """What is still missing to the year's target (0 when reached); a ceiling has no gap to close
    but what it exceeds."""
    target = year_target(facts)
    if actual is None or target is None:
        return None
    missing = target - actual if facts.higher_is_better else actual - target
    return max(missing, Decimal(0))


def catch_up(facts: Facts, month: int) -> CatchUp | None:
    """The pace that closes a cumulative gap by December (赶超台账); None when nothing is missing."""
    if not facts.type.accumulates or not facts.higher_is_better or not month:
        return None
    actual = facts.this_year.get(month)
    gap = gap_to_target(facts, actual)
    if actual is None or not gap or month >= 12:
        return None
    left = 12 - month
    growth_needed = None
    if 12 in facts.last_year and month in facts.last_year:
        last_rest = facts.last_year[12] - facts.last_year[month]
        growth_needed = yoy_growth(gap, last_rest) if last_rest > 0 else None
    return CatchUp(
        gap=gap,
        months_left=left,
        pace_so_far=actual / month,
        pace_needed=gap / left,
        growth_needed=growth_needed,
        unit=facts.unit,
        whole=facts.type == Type.COUNT,
    )


def projection(facts: Facts, month: int) -> Decimal | None:
    """The year-end figure if the rest of the year follows last year's monthly shape: this year's
    figure × last year's year-end ÷ last year's same month; without last year, the pace so far.
    A level or a rate: its latest figure."""
    actual = facts.this_year.get(month) if month else None
    if actual is None:
        return None
    if not facts.type.accumulates:
        return actual
    last_now, last_end = facts.last_year.get(month), facts.last_year.get(12)
    if last_now and last_end is not None and last_now > 0:
        return _figure(actual * last_end / last_now)
    return _figure(actual * 12 / month)


def rank_basis(facts: Facts, month: int) -> str:
    """What an indicator is ranked by among its peers, fixed by the indicator and not by what the
    peers happen to have: an amount by its growth (the city's ranking tables rank 增速), where it has
    one; a growth rate, a level and a count (企业, 天, 项目) by the figure itself."""
    if facts.type == Type.CUMULATIVE and month and growth_at(facts, month) is not None:
        return "growth"
    return "value"


def rank(peers: Sequence[Peer], *, higher_is_better: bool = True, by: str = "") -> Ranking | None:
    """The own region's place among its peers (1 = best; ties share a place) by `by` ("growth" or
    "value"; default: growth where the own figure has one); a peer without that measure is not
    counted. None without the own figure or with no peer."""
    own = next((p for p in peers if p.own), None)
    by = by or ("growth" if own is not None and own.growth is not None else "value")

    def measure(peer: Peer) -> Decimal | None:
        return peer.growth if by == "growth" else peer.value

    counted = [p for p in peers if measure(p) is not None]
    if own is None or measure(own) is None or len(counted) < 2:
        return None
    mine = measure(own)
    assert mine is not None
    others = [value for value in map(measure, counted) if value is not None]
    better = len([v for v in others if (v > mine if higher_is_better else v < mine)])
    return Ranking(rank=better + 1, peers=len(counted), by=by)


def bottom_third(rank_: int, peers: int) -> bool:
    """In the bottom third of `peers` (7 peers: 5th to 7th), as the warning rule reads it."""
    return rank_ * 3 > peers * 2


def trend(previous: Ranking | None, current: Ranking | None) -> str:
    """ "↑2", "↓1", "持平" or "" between two months' places."""
    if previous is None or current is None:
        return ""
    moved = previous.rank - current.rank
    if moved > 0:
        return f"↑{moved}"
    if moved < 0:
        return f"↓{-moved}"
    return "持平"


def evaluate(facts: Facts, *, as_of: date, year: int, peers: Sequence[Peer] = ()) -> Result:
    """Everything the pages show of an indicator on `as_of`, from its latest figure."""
    month = latest_month(facts, reporting_month(year, as_of))
    actual = facts.this_year.get(month) if month else None
    target = year_target(facts)
    growth = growth_at(facts, month) if month else None
    by = rank_basis(facts, month)
    ranking = rank(peers, higher_is_better=facts.higher_is_better, by=by) if peers else None
    colour = engine.indicator_colour(
        colour_facts(facts, month, ranking, expected=reporting_month(year, as_of))
    )
    return Result(
        month=month,
        actual=actual,
        target=target,
        completion=completion(actual, target) if facts.type.accumulates else None,
        growth=growth,
        half_year=half_year_check(facts, month),
        gap=gap_to_target(facts, actual),
        catch_up=catch_up(facts, month),
        projection=projection(facts, month),
        colour=colour,
        ranking=ranking,
    )


def colour_facts(
    facts: Facts, month: int, ranking: Ranking | None, *, expected: int = 0
) -> engine.IndicatorFacts:
    """The warning engine's facts: a cumulative figure against the month's share of its target,
    its growth against the target rate; a rate or a level against its target; the rank; and, with
    no figure at all, the months (`expected`: the last whole month) that should have one by now."""
    actual = facts.this_year.get(month) if month else None
    missing = expected if actual is None else 0
    growth = growth_at(facts, month) if month else None
    target = year_target(facts)
    if facts.type.accumulates:
        return engine.IndicatorFacts(
            type="cumulative",
            month=month or 12,
            target=target if actual is not None else None,
            actual=actual,
            higher_is_better=facts.higher_is_better,
            growth=growth if facts.target_growth is not None else None,
            target_growth=facts.target_growth,
            rank=ranking.rank if ranking else None,
            peers=ranking.peers if ranking else None,
            name=facts.name,
            unit=facts.unit,
            missing_through=missing,
        )
    return engine.IndicatorFacts(
        type="growth" if facts.type == Type.GROWTH else "level",
        month=month or 12,
        target=target,
        actual=actual,
        higher_is_better=facts.higher_is_better,
        rank=ranking.rank if ranking else None,
        peers=ranking.peers if ranking else None,
        name=facts.name,
        unit=facts.unit,
        missing_through=missing,
    )


def trajectory(facts: Facts) -> list[Decimal | None]:
    """The target month by month, for the chart: a cumulative target along last year's shape
    where there is one, else evenly; a level or a rate: flat."""
    target = year_target(facts)
    if target is None:
        return [None] * 12
    if not facts.type.accumulates:
        return [target] * 12
    last_end = facts.last_year.get(12)
    if last_end and all(m in facts.last_year for m in range(1, 13)) and last_end > 0:
        return [target * facts.last_year[m] / last_end for m in range(1, 13)]
    return [target * m / 12 for m in range(1, 13)]
