"""The warning rules at their boundaries, against the pure engine: no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from luoshi.alerts.engine import (
    DEFAULT_RULES,
    Basis,
    Colour,
    IndicatorFacts,
    ItemFacts,
    Milestone,
    colour,
    indicator_colour,
    roll_up,
    time_progress,
)
from luoshi.core.workdays import WorkCalendar

calendar = WorkCalendar()
AS_OF = date(2023, 7, 25)
YEAR = {"start": date(2023, 1, 1), "deadline": date(2023, 12, 31)}


def facts(**kwargs: object) -> ItemFacts:
    return ItemFacts(**kwargs)  # type: ignore[arg-type]


class TestTimeProgress:
    @pytest.mark.parametrize(
        ("as_of", "expected"),
        [
            (date(2023, 6, 30), Decimal(50)),  # 时间过半 at the end of June
            (date(2023, 7, 25), Decimal(700) / 12),  # July: 7 of 12 months, 58%
            (date(2022, 12, 31), Decimal(0)),
            (date(2024, 1, 1), Decimal(100)),
        ],
    )
    def test_months(self, as_of, expected):
        assert time_progress(date(2023, 1, 1), date(2023, 12, 31), as_of, Basis.MONTHS, calendar) == expected

    def test_working_days_skip_holidays_and_count_make_up_days(self):
        # 25 September – 13 October 2023: 25–28 Sep, 7–8 Oct (make-up), 9–13 Oct = 11 working days
        start, deadline = date(2023, 9, 25), date(2023, 10, 13)
        assert (
            time_progress(start, deadline, date(2023, 9, 28), Basis.WORKDAYS, calendar) == Decimal(400) / 11
        )
        assert (
            time_progress(start, deadline, date(2023, 10, 6), Basis.WORKDAYS, calendar) == Decimal(400) / 11
        )
        assert (
            time_progress(start, deadline, date(2023, 10, 8), Basis.WORKDAYS, calendar) == Decimal(600) / 11
        )


# (progress, expected colour) on 2023-07-25 for a January–December project: τ = 700/12 ≈ 58.33
TAU = Decimal(700) / 12


@pytest.mark.parametrize(
    ("progress", "expected"),
    [
        (TAU, Colour.GREEN),
        (TAU - 10, Colour.GREEN),  # exactly 10 points behind: still green
        (TAU - Decimal("10.01"), Colour.YELLOW),
        (TAU - 30, Colour.YELLOW),  # exactly 30 points behind: yellow
        (TAU - Decimal("30.01"), Colour.RED),
        (Decimal(100), Colour.GREEN),
    ],
)
def test_progress_gap_boundaries(progress, expected):
    result = colour(facts(kind="project", progress=progress, **YEAR), AS_OF)
    assert result.colour == expected


def test_reason_reads_like_a_bulletin():
    result = colour(facts(kind="project", progress=Decimal(35), progress_label="完成投资", **YEAR), AS_OF)
    assert result.colour == Colour.YELLOW
    assert result.reason == "完成投资35%，序时进度58%，滞后23个百分点"


def test_working_day_basis_for_ordinary_work():
    # 3 July – 31 August 2023: 44 working days; by 25 July 17 have passed (39%)
    result = colour(facts(start=date(2023, 7, 3), deadline=date(2023, 8, 31), progress=Decimal(5)), AS_OF)
    assert result.time_progress == Decimal(1700) / 44
    assert result.colour == Colour.RED
    assert result.reason == "完成进度5%，序时进度39%，滞后34个百分点"


class TestDeadline:
    def test_deadline_today_is_yellow(self):
        result = colour(facts(deadline=AS_OF), AS_OF)
        assert (result.colour, result.reason) == (Colour.YELLOW, "距完成时限（今天）不足5个工作日，尚未完成")

    def test_five_working_days_left_is_yellow_six_is_not(self):
        # Tuesday 25 July to Monday 31 July: 25, 26, 27, 28, 31 = 5 working days
        assert colour(facts(deadline=date(2023, 7, 31)), AS_OF).colour == Colour.YELLOW
        assert colour(facts(deadline=date(2023, 8, 1)), AS_OF).colour == Colour.GREEN

    def test_deadline_on_a_holiday_counts_working_days(self):
        # 5 October 2023 is in the National Day holiday. Two weeks before it only five working
        # days are left (22, 25, 26, 27, 28 September): yellow already.
        holiday = date(2023, 10, 5)
        assert colour(facts(deadline=holiday), date(2023, 9, 22)).colour == Colour.YELLOW
        assert colour(facts(deadline=holiday), date(2023, 9, 21)).colour == Colour.GREEN
        # Still within the holiday after it: past the deadline, red, though no working day passed.
        past = colour(facts(deadline=holiday), date(2023, 10, 6))
        assert (past.colour, past.reason) == (Colour.RED, "已超过完成时限（10月5日），仍未完成")

    def test_past_the_deadline_is_red(self):
        result = colour(facts(deadline=date(2023, 7, 20)), AS_OF)
        assert (result.colour, result.reason) == (Colour.RED, "已超过完成时限（7月20日）3个工作日，仍未完成")

    def test_completed_work_is_green_whatever_the_deadline(self):
        done = facts(
            deadline=date(2023, 7, 20),
            completed_on=date(2023, 7, 19),
            progress=Decimal(0),
            **{"start": date(2023, 1, 1)},
        )
        assert colour(done, AS_OF).colour == Colour.GREEN


class TestNotStarted:
    @pytest.mark.parametrize(
        ("as_of", "expected"),
        [
            (date(2023, 5, 1), Colour.GREEN),  # exactly one month after the planned start
            (date(2023, 5, 2), Colour.YELLOW),
            (date(2023, 7, 1), Colour.YELLOW),  # exactly three months
            (date(2023, 7, 2), Colour.RED),
        ],
    )
    def test_months_after_the_planned_start(self, as_of, expected):
        result = colour(facts(planned_start=date(2023, 4, 1), started=False), as_of)
        assert result.colour == expected

    def test_reason(self):
        result = colour(facts(planned_start=date(2023, 4, 1), started=False), AS_OF)
        assert result.reason == "计划4月1日开始，超过3个月仍未开始"

    def test_started_work_is_not_flagged(self):
        assert colour(facts(planned_start=date(2023, 4, 1), started=True), AS_OF).colour == Colour.GREEN


class TestMilestonesAndReports:
    def test_overdue_milestone_is_yellow(self):
        milestones = [Milestone("完成问题整改", date(2023, 7, 15)), Milestone("申请销号", date(2023, 9, 30))]
        result = colour(facts(milestones=milestones), AS_OF)
        assert (result.colour, result.reason) == (Colour.YELLOW, "节点“完成问题整改”逾期（应于7月15日完成）")

    def test_milestone_due_today_is_not_overdue(self):
        assert colour(facts(milestones=[Milestone("开工", AS_OF)]), AS_OF).colour == Colour.GREEN

    def test_done_milestone_is_fine(self):
        assert (
            colour(facts(milestones=[Milestone("开工", date(2023, 7, 1), date(2023, 7, 3))]), AS_OF).colour
            == Colour.GREEN
        )

    def test_missing_report_is_yellow(self):
        result = colour(facts(report_overdue_label="2023年7月进度"), AS_OF)
        assert (result.colour, result.reason) == (Colour.YELLOW, "2023年7月进度逾期未报")

    def test_late_report_is_yellow(self):
        assert colour(facts(last_report_late=True), AS_OF).reason == "最近一期进度逾期报送"

    def test_untrue_report_is_red(self):
        result = colour(facts(untrue_on=date(2023, 7, 24), progress=Decimal(60), **YEAR), AS_OF)
        assert (result.colour, result.reason) == (Colour.RED, "7月24日核实发现进度报告不属实")


class TestConsecutiveYellow:
    def test_first_yellow_period_stays_yellow(self):
        result = colour(facts(report_overdue_label="7月进度", previous_colours=[Colour.GREEN]), AS_OF)
        assert result.colour == Colour.YELLOW

    def test_second_yellow_period_turns_red(self):
        result = colour(
            facts(report_overdue_label="7月进度", previous_colours=[Colour.RED, Colour.YELLOW]), AS_OF
        )
        assert result.colour == Colour.RED
        assert result.reason == "连续2个月黄色预警"

    def test_rule_can_be_switched_off(self):
        rules = replace(DEFAULT_RULES, consecutive_yellow_to_red=0)
        result = colour(facts(report_overdue_label="7月进度", previous_colours=[Colour.YELLOW]), AS_OF, rules)
        assert result.colour == Colour.YELLOW

    def test_a_green_period_does_not_carry_yellow_forward(self):
        assert colour(facts(previous_colours=[Colour.YELLOW]), AS_OF).colour == Colour.GREEN


def test_rules_are_data():
    strict = replace(DEFAULT_RULES, yellow_gap=Decimal(5), red_gap=Decimal(20))
    item = facts(kind="project", progress=TAU - 21, **YEAR)
    assert colour(item, AS_OF).colour == Colour.YELLOW
    assert colour(item, AS_OF, strict).colour == Colour.RED


def test_several_findings_worst_first():
    result = colour(
        facts(
            deadline=date(2023, 7, 20),
            milestones=[Milestone("开工", date(2023, 7, 1))],
            report_overdue_label="7月进度",
        ),
        AS_OF,
    )
    assert result.colour == Colour.RED
    assert [f.colour for f in result.findings] == [Colour.RED, Colour.YELLOW, Colour.YELLOW]
    assert result.reason.startswith("已超过完成时限")


class TestIndicators:
    @pytest.mark.parametrize(
        ("actual", "expected"),
        [
            (Decimal(40), Colour.GREEN),
            (Decimal("39.99"), Colour.YELLOW),
            (Decimal(20), Colour.YELLOW),
            (Decimal("19.99"), Colour.RED),
        ],
    )
    def test_cumulative_against_the_months_share(self, actual, expected):
        # June: half the year; 40 of 100 is exactly 10 points behind
        result = indicator_colour(
            IndicatorFacts(type="cumulative", month=6, target=Decimal(100), actual=actual)
        )
        assert result.colour == expected

    def test_half_year_check_reason(self):
        result = indicator_colour(
            IndicatorFacts(
                type="cumulative", month=6, target=Decimal(20), actual=Decimal(7), name="固定资产投资"
            )
        )
        assert result.reason == "固定资产投资完成全年目标35%，时间进度50%，滞后15个百分点"

    @pytest.mark.parametrize(
        ("growth", "expected"),
        [
            (Decimal(8), Colour.GREEN),
            (Decimal(9), Colour.GREEN),
            (Decimal(6), Colour.YELLOW),
            (Decimal("5.9"), Colour.RED),
        ],
    )
    def test_growth_against_the_target_rate(self, growth, expected):
        assert (
            indicator_colour(IndicatorFacts(type="growth", target=Decimal(8), actual=growth)).colour
            == expected
        )

    def test_lower_is_better(self):
        assert (
            indicator_colour(
                IndicatorFacts(type="level", target=Decimal(5), actual=Decimal(6), higher_is_better=False)
            ).colour
            == Colour.YELLOW
        )

    @pytest.mark.parametrize(
        ("rank", "expected"), [(4, Colour.GREEN), (5, Colour.YELLOW), (7, Colour.YELLOW)]
    )
    def test_bottom_third_of_seven_peers_is_at_least_yellow(self, rank, expected):
        result = indicator_colour(
            IndicatorFacts(type="growth", target=Decimal(8), actual=Decimal(9), rank=rank, peers=7)
        )
        assert result.colour == expected

    def test_no_figure_when_months_should_have_one_is_yellow(self):
        result = indicator_colour(IndicatorFacts(type="cumulative", name="税收收入", missing_through=6))
        assert (result.colour, result.reason) == (Colour.YELLOW, "税收收入尚无1-6月的数据")
        january = indicator_colour(IndicatorFacts(type="level", name="失业率", missing_through=1))
        assert january.reason == "失业率尚无1月的数据"
        # Before a month of the year has ended, nothing is missing yet.
        assert indicator_colour(IndicatorFacts(type="cumulative", name="税收收入")).colour == Colour.GREEN

    def test_a_growth_indicators_name_says_growth_once(self):
        facts = IndicatorFacts(
            type="growth", target=Decimal("6.5"), actual=Decimal("0.3"), name="生产总值增速"
        )
        assert "增速增速" not in indicator_colour(facts).reason
        assert indicator_colour(facts).reason.startswith("生产总值增速")


def test_a_parent_takes_the_worst_colour_of_its_children():
    assert roll_up([Colour.GREEN, Colour.RED, Colour.YELLOW]) == Colour.RED
    assert roll_up([]) == Colour.GREEN


def test_engine_imports_no_orm():
    import ast
    import inspect

    from luoshi.alerts import engine

    tree = ast.parse(inspect.getsource(engine))
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    modules |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not any(m and (m.startswith("django") or ".models" in m) for m in modules), modules


class TestProjectRules:
    """A key project's colour: its own time progress (the investment planned to date, as a share of
    the year's plan) against the investment completed; its start against the planned start."""

    PLAN = Decimal(50)  # planned to date: half the year's investment

    @pytest.mark.parametrize(
        ("completed", "expected"),
        [
            (Decimal(50), Colour.GREEN),
            (Decimal(40), Colour.GREEN),  # exactly 10 points behind the plan to date
            (Decimal("39.99"), Colour.YELLOW),
            (Decimal(20), Colour.YELLOW),  # exactly 30 points behind
            (Decimal("19.99"), Colour.RED),
        ],
    )
    def test_investment_gap_bands_against_the_plan_to_date(self, completed, expected):
        item = facts(
            kind="project",
            progress=completed,
            progress_label="完成投资",
            time_progress=self.PLAN,
            deadline=date(2023, 12, 31),
        )
        result = colour(item, AS_OF)
        assert result.colour == expected
        assert result.time_progress == self.PLAN  # the ledger's, not the calendar's 58%
        if expected != Colour.GREEN:
            assert result.reason.startswith(f"完成投资{pct(completed)}%，序时进度50%")

    @pytest.mark.parametrize(
        ("planned_start", "expected"),
        [
            (date(2023, 7, 25), Colour.GREEN),  # due to start today
            (date(2023, 6, 25), Colour.GREEN),  # exactly one month ago
            (date(2023, 6, 24), Colour.YELLOW),  # a month and a day
            (date(2023, 4, 25), Colour.YELLOW),  # exactly three months
            (date(2023, 4, 24), Colour.RED),  # three months and a day
        ],
    )
    def test_not_started_months_after_the_planned_start(self, planned_start, expected):
        # A project not started is judged by its start: the ledger gives no investment progress.
        item = facts(
            kind="project",
            planned_start=planned_start,
            started=False,
            progress=None,
            deadline=date(2023, 12, 31),
        )
        result = colour(item, AS_OF)
        assert result.colour == expected
        if expected != Colour.GREEN:
            assert "仍未开始" in result.reason


def pct(value: Decimal) -> str:
    from luoshi.alerts.engine import pct as engine_pct

    return engine_pct(value)
