"""The scoring methods at their edges: ties, missing data, deductions beyond the score, caps; the
parameters as data; periods; the county's place in the city. No database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from luoshi.assessment import scoring
from luoshi.assessment.scoring import (
    Completion,
    CompletionParams,
    ItemFact,
    Outcome,
    OutcomeParams,
    Period,
    Rank,
    RankParams,
    RecordFact,
    RecordParams,
)

# ---------------------------------------------------------------------------------------------
# 目标完成计分法


def completion(value: str | None, month: int = 6, name: str = "财政总收入") -> Completion:
    return Completion(name, f"indicator:{name}", D(value) if value is not None else None, month)


@pytest.mark.parametrize(
    ("done", "cap", "expected"),
    [
        ("50", D(100), D("40.00")),  # half the target at June: on pace, full marks
        ("25", D(100), D("20.00")),  # half the pace: half the marks
        ("0", D(100), D("0.00")),
        ("75", D(100), D("40.00")),  # ahead of pace: capped at full marks
        ("50", D(110), D("36.36")),  # a cap of 110: only 110% of the pace earns full marks
        ("60", D(110), D("40.00")),
        ("-5", D(100), D("0.00")),  # a figure below zero scores nothing, never negative
    ],
)
def test_target_completion_against_the_share_of_the_year(done, cap, expected):
    line = scoring.target_completion([completion(done)], max_points=D(40), params=CompletionParams(cap=cap))
    assert line.points == expected
    assert line.parts[0].source == "indicator:财政总收入"


def test_target_completion_without_pro_rata_compares_with_the_whole_year():
    line = scoring.target_completion(
        [completion("50")], max_points=D(40), params=CompletionParams(pro_rata=False)
    )
    assert line.points == D("20.00")


def test_a_growth_rate_indicator_scores_its_growth_against_the_target_rate():
    row = Completion("生产总值增速", "indicator:9", None, 6, growth=D("4.5"), target_growth=D(6))
    line = scoring.target_completion([row], max_points=D(40), params=CompletionParams())
    assert line.points == D("30.00")
    assert "6月同比增长4.5%，为目标增速6%的75%" in line.parts[0].label
    fallen = Completion("生产总值增速", "indicator:9", None, 6, growth=D("-1"), target_growth=D(6))
    assert scoring.target_completion([fallen], max_points=D(40), params=CompletionParams()).points == 0


def test_target_completion_missing_figure_scores_zero_and_says_so():
    line = scoring.target_completion(
        [completion("50"), completion(None, month=0, name="农业总产值")],
        max_points=D(40),
        params=CompletionParams(),
    )
    assert line.points == D("20.00")  # each indicator weighs half; the missing one scores 0
    assert "农业总产值：无完成数据，计0分" in [part.label for part in line.parts]


def test_target_completion_without_indicators_scores_zero_with_a_note():
    line = scoring.target_completion([], max_points=D(40), params=CompletionParams())
    assert (line.points, line.parts) == (D(0), ())
    assert "没有牵头的考核指标" in line.note


# ---------------------------------------------------------------------------------------------
# 争先进位计分法


@pytest.mark.parametrize(
    ("rank", "step", "expected"),
    [
        (1, D(10), D(20)),
        (2, D(10), D(18)),
        (7, D(10), D(8)),
        (11, D(10), D(0)),
        (12, D(10), D(0)),
        (3, D(0), D(20)),
    ],
)
def test_points_for_rank_first_place_full_then_a_step_per_place_never_below_zero(rank, step, expected):
    assert scoring.points_for_rank(rank, full=D(20), step_percent=step) == expected


def test_points_for_rank_refuses_rank_zero():
    with pytest.raises(ValueError, match="rank"):
        scoring.points_for_rank(0, full=D(20), step_percent=D(10))


def test_peer_rank_ties_share_the_points_and_missing_ranks_score_zero():
    ranks = [
        Rank("财政总收入", "indicator:1", 2, 7),
        Rank("地方财政收入", "indicator:2", 2, 7),
        Rank("债券资金", "indicator:3", None, 0),
    ]
    line = scoring.peer_rank(ranks, max_points=D(30), params=RankParams(step_percent=D(10)))
    assert [part.points for part in line.parts] == [D("9.00"), D("9.00"), D(0)]
    assert line.points == D("18.00")
    assert "无排名数据" in line.parts[2].label


def test_peer_rank_without_indicators_scores_zero():
    assert scoring.peer_rank([], max_points=D(20), params=RankParams()).points == 0


# ---------------------------------------------------------------------------------------------
# 事项实绩


def fact(outcome: Outcome, n: int = 1) -> ItemFact:
    return ItemFact(outcome, f"事项{n}", f"item:{n}", date(2023, 6, 30))


def test_item_outcomes_deduct_per_outcome_with_the_source_of_each():
    facts = [fact(Outcome.RED, 1), fact(Outcome.YELLOW, 2), fact(Outcome.UNTRUE, 3), fact(Outcome.OVERDUE, 4)]
    line = scoring.item_outcomes(facts, max_points=D(30), params=OutcomeParams())
    assert line.points == D(30) - 2 - 1 - 3 - 1
    assert [part.source for part in line.parts] == ["", "item:1", "item:2", "item:3", "item:4"]
    assert line.note == ""


def test_item_outcomes_deductions_beyond_the_score_floor_at_zero():
    facts = [fact(Outcome.UNTRUE, n) for n in range(5)]  # 5 × 3 = 15 against 10
    line = scoring.item_outcomes(facts, max_points=D(10), params=OutcomeParams())
    assert line.points == 0
    assert "按0分计" in line.note and "-5" in line.note


def test_item_outcomes_without_facts_score_full_marks():
    assert scoring.item_outcomes([], max_points=D(30), params=OutcomeParams()).points == D(30)


def test_a_zero_deduction_counts_nothing_and_lists_nothing():
    line = scoring.item_outcomes([fact(Outcome.YELLOW)], max_points=D(10), params=OutcomeParams(yellow=D(0)))
    assert line.points == D(10) and len(line.parts) == 1


# ---------------------------------------------------------------------------------------------
# 加减分纪实


def record(points: str, n: int = 1) -> RecordFact:
    return RecordFact(D(points), f"依据{n}", f"record:{n}")


def test_records_add_to_the_base_within_the_caps():
    line = scoring.records(
        [record("3", 1), record("4", 2), record("-1", 3)],
        max_points=D(10),
        params=RecordParams(base=D(5), bonus_cap=D(5)),
    )
    assert line.points == D(9)  # 5 + min(7, 5) − 1
    assert "加分7分超过上限，按5分计" in line.note
    assert [part.source for part in line.parts] == ["", "record:1", "record:2", "record:3"]


def test_a_deduction_record_larger_than_the_score_floors_at_zero():
    line = scoring.records([record("-12")], max_points=D(10), params=RecordParams(base=D(5)))
    assert line.points == 0
    assert "按0分计" in line.note


def test_the_deduction_cap_limits_what_records_take_away():
    line = scoring.records(
        [record("-12")], max_points=D(10), params=RecordParams(base=D(8), deduction_cap=D(3))
    )
    assert line.points == D(5)


def test_records_never_exceed_the_criterion_maximum():
    line = scoring.records([record("20")], max_points=D(10), params=RecordParams(base=D(5)))
    assert line.points == D(10)
    assert "超过本项满分" in line.note


# ---------------------------------------------------------------------------------------------
# Parameters as data


def test_params_problems_names_every_mistake():
    assert scoring.params_problems("nonsense", {}) == ["未知的计分方法“nonsense”"]
    assert scoring.params_problems("records", []) == ["计分参数应为 JSON 对象"]
    problems = scoring.params_problems("item_outcomes", {"red": -1, "kinds": "project", "clicks": 1})
    assert problems == ["参数“red”应为不小于0的数", "参数“kinds”应为名称列表", "事项实绩没有参数“clicks”"]
    assert scoring.params_problems("target_completion", {"pro_rata": "yes"}) == [
        "参数“pro_rata”应为 true 或 false"
    ]
    assert scoring.params_problems("records", {"base": 12}, max_points=D(10)) == ["基础分不能超过本项满分"]
    assert scoring.params_problems("peer_rank", {"step_percent": 12, "indicators": ["财政总收入"]}) == []


def test_parse_params_reads_defaults_and_refuses_bad_ones():
    assert scoring.parse_params("item_outcomes", {"red": 5}) == OutcomeParams(red=D(5))
    assert scoring.parse_params("peer_rank", {}) == RankParams()
    assert scoring.parse_params("records", {"base": "5"}) == RecordParams(base=D(5))
    with pytest.raises(ValueError, match="yellow"):
        scoring.parse_params("item_outcomes", {"yellow": "many"})


def test_describe_says_each_method_in_words():
    assert scoring.describe(RankParams(indicators=("财政总收入",), step_percent=D(12))) == (
        "在同级县区中第一名得满分，每降一位减该指标分值的12%；指标：财政总收入"
    )
    outcomes = scoring.describe(OutcomeParams(kinds=("project",)), kind_label={"project": "重点项目"}.get)
    assert outcomes.startswith("期末红色每项扣2分、黄色每项扣1分") and outcomes.endswith("（限重点项目）")
    assert scoring.describe(RecordParams(base=D(5), bonus_cap=D(5))) == "基础分5分，加分最多5分"
    assert scoring.describe(CompletionParams(cap=D(110))).startswith("完成序时目标的110%得满分")


# ---------------------------------------------------------------------------------------------
# Rankings, trends, the city


def test_rank_totals_ties_share_a_place_and_the_next_place_skips():
    placed = scoring.rank_totals(
        [(1, "乙", D(90)), (2, "甲", D(95)), (3, "丙", D(90)), (4, "丁", D(80))], previous={1: 1, 2: 2, 4: 4}
    )
    assert [(p.name, p.rank) for p in placed] == [("甲", 1), ("丙", 2), ("乙", 2), ("丁", 4)]
    assert [p.trend for p in placed] == ["↑1", "", "↓1", "持平"]


def test_position_gap_to_the_next_place_up_and_ties():
    position = scoring.position(D("11.2"), [D("13.6"), D("12.9"), D("11.2"), D("12.7")], max_points=D(15))
    assert (position.rank, position.peers) == (4, 5)  # tied with one county: they share 4th
    assert position.gap_to_next == D("1.50")
    assert position.lost == D("3.80")
    first = scoring.position(D(14), [D(13)], max_points=D(15))
    assert (first.rank, first.gap_to_next) == (1, None)


def test_periods():
    q2 = Period(2023, 2)
    assert (q2.start, q2.end, q2.key, q2.label) == (
        date(2023, 4, 1),
        date(2023, 6, 30),
        "2023-Q2",
        "2023年第二季度",
    )
    assert q2.previous() == Period(2023, 1) and Period(2023, 1).previous() == Period(2022, 4)
    assert Period(2023).previous() == Period(2022) and Period(2023).end == date(2023, 12, 31)
    assert Period(2023, 3).cut(date(2023, 7, 25)) == date(2023, 7, 25)
    assert scoring.parse_period("2023-q2") == q2 and scoring.parse_period("2023") == Period(2023)
    assert scoring.last_closed_quarter(date(2023, 7, 25)) == q2
    assert scoring.last_closed_quarter(date(2023, 2, 1)) == Period(2022, 4)
    with pytest.raises(ValueError):
        Period(2023, 5)
    with pytest.raises(ValueError):
        scoring.parse_period("二季度")
