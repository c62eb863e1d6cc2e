"""The indicators' computations: pure, table-driven, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from luoshi.alerts.engine import Colour
from luoshi.indicators import compute
from luoshi.indicators.compute import Facts, Peer, Type

LAST_YEAR = {m: D(10) * m for m in range(1, 13)}  # 10 a month, 120 a year


def cumulative(**changes):
    base = {
        "name": "财政总收入",
        "type": Type.CUMULATIVE,
        "unit": "亿元",
        "target_value": D(120),
        "this_year": {m: D(11) * m for m in range(1, 7)},
        "last_year": LAST_YEAR,
    }
    return Facts(**(base | changes))


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (D(110), D(100), D(10)),
        (D(90), D(100), D(-10)),
        (D(-50), D(-100), D(50)),  # a loss halved grows by half
        (D(-150), D(-100), D(-50)),  # a loss deepened shrinks
        (D(50), D(-100), D(150)),  # from a loss to a profit
        (D(5), D(0), None),  # no rate from a zero base
        (None, D(100), None),
    ],
)
def test_growth_over_the_same_period_from_any_base(current, previous, expected):
    assert compute.yoy_growth(current, previous) == expected


def test_published_growth_wins_over_the_computed_one():
    facts = cumulative(growth={6: D("31.35")})
    assert compute.growth_at(facts, 6) == D("31.35")
    assert compute.growth_at(facts, 5) == D(10)


@pytest.mark.parametrize(
    ("target_value", "target_growth", "expected"),
    [
        (D(120), None, D(120)),
        (None, D(10), D(132)),  # last year's 120 grown by 10%
        (D(125), D(10), D(125)),  # a value given wins
        (None, None, None),
    ],
)
def test_the_years_target_from_a_value_or_only_a_growth_rate(target_value, target_growth, expected):
    assert compute.year_target(cumulative(target_value=target_value, target_growth=target_growth)) == expected


def test_a_target_given_only_as_a_rate_without_last_year_has_no_value():
    assert compute.year_target(cumulative(target_value=None, target_growth=D(10), last_year={})) is None


@pytest.mark.parametrize(
    ("june", "higher", "passed"),
    [
        (D(60), True, True),  # exactly half
        (D("59.99"), True, False),
        (D(60), False, True),  # a ceiling: at most half used
        (D("60.01"), False, False),
    ],
)
def test_mid_year_check(june, higher, passed):
    facts = cumulative(this_year={6: june}, higher_is_better=higher)
    check = compute.half_year_check(facts, 6)
    assert check is not None and check.passed is passed


def test_mid_year_check_with_a_target_only_as_a_rate():
    facts = cumulative(target_value=None, target_growth=D(10), this_year={6: D(66)})  # 66 of 132
    check = compute.half_year_check(facts, 6)
    assert check is not None and check.passed and check.share == D(50)


@pytest.mark.parametrize(
    ("facts", "month"),
    [
        (cumulative(), 5),  # before June's figure
        (cumulative(type=Type.LEVEL), 6),  # a level has no half
        (cumulative(this_year={5: D(50)}), 7),  # no June figure
    ],
)
def test_no_mid_year_check(facts, month):
    assert compute.half_year_check(facts, month) is None


def test_gap_and_pace_to_close_it_by_december():
    facts = cumulative()  # 66 of 120 at June
    assert compute.gap_to_target(facts, D(66)) == D(54)
    plan = compute.catch_up(facts, 6)
    assert plan is not None
    assert (plan.gap, plan.months_left, plan.pace_so_far, plan.pace_needed) == (D(54), 6, D(11), D(9))
    assert plan.growth_needed == D(-10)  # last year's second half was 60: 54 is 10% less
    assert plan.reason == (
        "尚差54亿元，余下6个月每月需完成9亿元，为此前月均的0.8倍；余下月份比上年同期下降不超过10.0%即可完成"
    )


def test_a_counted_indicators_pace_is_in_whole_ones():
    facts = cumulative(name="新增企业", type=Type.COUNT, unit="家", target_value=D(32), this_year={6: D(2)})
    plan = compute.catch_up(facts, 6)
    assert plan is not None and plan.pace_needed == D(5)
    assert plan.reason.startswith("尚差30家，余下6个月每月需完成5家")
    facts = cumulative(name="新增企业", type=Type.COUNT, unit="家", target_value=D(33), this_year={6: D(2)})
    assert compute.catch_up(facts, 6).reason.startswith("尚差31家，余下6个月每月需完成6家")  # 5.17: 6 a month


def test_the_projection_is_a_figure_of_the_ledgers_precision():
    facts = cumulative(this_year={6: D("2.89")}, last_year={6: D("2.2002"), 12: D("4.6813")})
    assert compute.projection(facts, 6) == D("6.1490")


def test_no_gap_once_reached_and_none_for_a_ceiling():
    assert compute.gap_to_target(cumulative(), D(130)) == D(0)
    assert compute.catch_up(cumulative(this_year={6: D(130)}), 6) is None
    assert compute.catch_up(cumulative(higher_is_better=False), 6) is None


def test_projection_follows_last_years_monthly_shape():
    shape = {m: D(10) * m for m in range(1, 13)}
    shape[6] = D(40)  # last year had only 40 of 120 by June
    assert compute.projection(cumulative(last_year=shape), 6) == D(66) * 120 / 40
    assert compute.projection(cumulative(last_year={}), 6) == D(132)  # the pace so far
    assert compute.projection(cumulative(type=Type.LEVEL, this_year={6: D(7)}), 6) == D(7)


@pytest.mark.parametrize(
    ("own", "others", "higher", "expected"),
    [
        (D(9), [D(12), D(8), D(5)], True, (2, 4)),
        (D(9), [D(12), D(8), D(5)], False, (3, 4)),  # lower is better
        (D(9), [D(9), D(8)], True, (1, 3)),  # ties share a place
    ],
)
def test_rank_among_peers(own, others, higher, expected):
    peers = [Peer("本县", D(1), own, own=True)] + [Peer(f"县{i}", D(1), g) for i, g in enumerate(others)]
    ranking = compute.rank(peers, higher_is_better=higher)
    assert ranking is not None and (ranking.rank, ranking.peers) == expected and ranking.by == "growth"


def test_rank_by_value_when_the_own_figure_has_no_growth_and_none_without_peers():
    peers = [Peer("本县", D(176), None, own=True), Peer("甲县", D(170)), Peer("乙县", D(180))]
    assert compute.rank(peers) == compute.Ranking(2, 3, "value")
    assert compute.rank([Peer("本县", D(1), own=True)]) is None


def test_a_peer_without_the_ranked_measure_is_not_counted():
    """By growth: a county entered with its value alone neither counts nor turns the basis."""
    peers = [Peer("本县", D(6), D(10), own=True), Peer("甲县", D(7), D(12)), Peer("乙县", D(-5), None)]
    assert compute.rank(peers) == compute.Ranking(2, 2, "growth")


@pytest.mark.parametrize(
    ("rank", "peers", "bottom"), [(4, 7, False), (5, 7, True), (7, 7, True), (2, 3, False), (3, 3, True)]
)
def test_bottom_third(rank, peers, bottom):
    assert compute.bottom_third(rank, peers) is bottom


def test_rank_trend():
    assert compute.trend(compute.Ranking(5, 7, "growth"), compute.Ranking(3, 7, "growth")) == "↑2"
    assert compute.trend(compute.Ranking(3, 7, "growth"), compute.Ranking(4, 7, "growth")) == "↓1"
    assert compute.trend(None, compute.Ranking(4, 7, "growth")) == ""


JULY = date(2023, 7, 25)


@pytest.mark.parametrize(
    ("facts", "peers", "colour"),
    [
        (cumulative(), [], Colour.GREEN),  # 55% at June, on track
        (cumulative(this_year={6: D(40)}), [], Colour.YELLOW),  # 33%: 17 points behind
        (cumulative(this_year={6: D(20)}), [], Colour.RED),  # 17%: 33 points behind
        # growth below the target rate: 10% against 12% is within the band, 9% is not
        (
            cumulative(target_value=None, target_growth=D(12), this_year={6: D(66)}, growth={6: D(10)}),
            [],
            Colour.YELLOW,
        ),
        (
            cumulative(target_value=None, target_growth=D(12), this_year={6: D(66)}, growth={6: D(9)}),
            [],
            Colour.RED,
        ),
        # a ceiling (lower is better): 80 of 120 used at June is 17 points over the pace
        (cumulative(higher_is_better=False, this_year={6: D(80)}), [], Colour.YELLOW),
        (cumulative(higher_is_better=False, this_year={6: D(50)}), [], Colour.GREEN),
        # a rate: below the target, lower-is-better above it
        (
            Facts("生产总值增速", Type.GROWTH, "%", target_value=D("6.5"), this_year={6: D("0.3")}),
            [],
            Colour.RED,
        ),
        (
            Facts(
                "单位能耗下降",
                Type.LEVEL,
                "%",
                higher_is_better=False,
                target_value=D(5),
                this_year={6: D(6)},
            ),
            [],
            Colour.YELLOW,
        ),
        # on track but in the bottom third of seven
        (cumulative(), [D(20), D(19), D(18), D(17), D(16), D(15)], Colour.YELLOW),
        (cumulative(), [D(20), D(19), D(18), D(1), D(2), D(3)], Colour.GREEN),
    ],
)
def test_colour_by_the_indicator_rules(facts, peers, colour):
    own = compute.growth_at(facts, 6)
    peer_rows = [Peer("本县", None, own, own=True)] + [Peer(f"县{i}", None, g) for i, g in enumerate(peers)]
    result = compute.evaluate(facts, as_of=JULY, year=2023, peers=peer_rows if peers else ())
    assert result.colour.colour == colour, result.colour.reason


def test_evaluate_reads_the_latest_reported_month():
    result = compute.evaluate(cumulative(), as_of=JULY, year=2023)
    assert (result.month, result.actual, result.completion, result.growth) == (6, D(66), D(55), D(10))
    assert result.half_year is not None and result.half_year.passed
    assert compute.evaluate(cumulative(), as_of=date(2023, 6, 10), year=2023).month == 5


def test_trajectory_follows_last_years_shape_or_is_even():
    assert compute.trajectory(cumulative())[5] == D(60)
    assert compute.trajectory(cumulative(last_year={}))[2] == D(30)
    assert compute.trajectory(Facts("x", Type.LEVEL, "%", target_value=D(5)))[0] == D(5)


def test_the_rank_basis_is_the_indicators_not_the_peers():
    assert compute.rank_basis(cumulative(), 6) == "growth"  # an amount with last year's June
    assert compute.rank_basis(cumulative(last_year={}), 6) == "value"  # no growth to rank by
    assert compute.rank_basis(cumulative(type=Type.COUNT, unit="家"), 6) == "value"
    assert compute.rank_basis(cumulative(type=Type.GROWTH, unit="%", this_year={6: D("0.3")}), 6) == "value"
