"""A key project's state and colour facts at their boundaries: pure rules, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from luoshi.alerts.engine import Colour, ItemFacts, colour
from luoshi.projects.rules import Facts, State, colour_facts, plan_to_date, project_state, reporting_month

AS_OF = date(2023, 7, 25)  # figures of January–June (1-6月) are in


def facts(**kwargs: object) -> Facts:
    values: dict[str, object] = {
        "year": 2023,
        "planned_investment": Decimal(1200),
        "completed_investment": Decimal(600),
        "planned_start": date(2023, 1, 1),
        "actual_start": date(2023, 1, 10),
        "finished": False,
    }
    return Facts(**(values | kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("as_of", "month"),
    [
        (date(2023, 1, 31), 0),
        (date(2023, 7, 1), 6),
        (AS_OF, 6),
        (date(2024, 3, 1), 12),
        (date(2022, 12, 1), 0),
    ],
)
def test_the_reporting_month_is_the_last_whole_month_of_the_year(as_of, month):
    assert reporting_month(2023, as_of) == month


class TestPlanToDate:
    def test_time_proportional_from_january(self):
        assert plan_to_date(facts(), AS_OF) == Decimal(600)  # 6 of 12 months

    def test_time_proportional_from_the_planned_start_month(self):
        # Starting in April: nine months of schedule, three of them (April–June) elapsed.
        assert plan_to_date(facts(planned_start=date(2023, 4, 15)), AS_OF) == Decimal(400)

    def test_a_start_planned_after_the_reporting_month_plans_nothing_yet(self):
        assert plan_to_date(facts(planned_start=date(2023, 7, 1)), AS_OF) == Decimal(0)

    def test_the_monthly_plan_when_there_is_one(self):
        monthly = {1: Decimal(10), 5: Decimal(100), 6: Decimal(200), 7: Decimal(500)}
        assert plan_to_date(facts(monthly_plan=monthly), AS_OF) == Decimal(310)


class TestState:
    @pytest.mark.parametrize(
        ("planned_start", "actual_start", "expected"),
        [
            (date(2023, 7, 24), None, State.NOT_STARTED),  # the planned start has passed
            (date(2023, 7, 25), None, State.ON_TRACK),  # due to start today: not yet late
            (date(2023, 9, 1), None, State.ON_TRACK),
            (date(2023, 3, 1), date(2023, 7, 25), State.ON_TRACK),  # started today
            (date(2023, 3, 1), date(2023, 7, 26), State.NOT_STARTED),  # a start recorded ahead of time
            (None, None, State.ON_TRACK),  # no planned start: nothing to be late for
        ],
    )
    def test_not_started(self, planned_start, actual_start, expected):
        # Completed investment equal to the plan, so only the start decides.
        given = facts(
            planned_start=planned_start, actual_start=actual_start, completed_investment=Decimal(10**6)
        )
        assert project_state(given, AS_OF).state == expected

    @pytest.mark.parametrize(
        ("completed", "expected"),
        [
            (Decimal(600), State.ON_TRACK),  # exactly the plan to date
            (Decimal("599.99"), State.BEHIND),
            (Decimal(0), State.BEHIND),
            (Decimal(900), State.ON_TRACK),
        ],
    )
    def test_behind_the_time_proportional_plan(self, completed, expected):
        verdict = project_state(facts(completed_investment=completed), AS_OF)
        assert verdict.state == expected
        if expected == State.BEHIND:
            assert verdict.reason.startswith(
                f"1-6月完成投资{completed.normalize():f}万元，低于序时计划600万元"
            )

    def test_finished_wins_over_everything(self):
        assert project_state(facts(finished=True, actual_start=None), AS_OF).state == State.COMPLETED

    def test_the_reason_of_a_project_not_started_names_its_date(self):
        verdict = project_state(facts(planned_start=date(2023, 3, 1), actual_start=None), AS_OF)
        assert verdict.reason == "计划2023年3月1日开工，至今未开工"


class TestColourFacts:
    def engine(self, given: Facts) -> Colour:
        base = ItemFacts(kind="project", deadline=date(2023, 12, 31), planned_start=given.planned_start)
        from dataclasses import replace

        return colour(replace(base, **colour_facts(given, AS_OF)), AS_OF).colour

    @pytest.mark.parametrize(
        ("completed", "expected"),
        [
            (Decimal(600), Colour.GREEN),  # the plan to date: on track
            (Decimal("599.99"), Colour.YELLOW),  # behind, if within the engine's 10 points: the state
            (Decimal(480), Colour.YELLOW),  # 40% of the year against 50% planned: 10 points
            (Decimal("479.99"), Colour.YELLOW),
            (Decimal(240), Colour.YELLOW),  # 30 points
            (Decimal("239.99"), Colour.RED),
        ],
    )
    def test_investment_gap_bands(self, completed, expected):
        assert self.engine(facts(completed_investment=completed)) == expected

    @pytest.mark.parametrize(
        ("planned_start", "expected"),
        [
            (date(2023, 7, 25), Colour.GREEN),  # planned for today: not late yet
            (date(2023, 7, 24), Colour.YELLOW),  # 未开工 on the ledger: never green
            (date(2023, 6, 25), Colour.YELLOW),
            (date(2023, 6, 24), Colour.YELLOW),
            (date(2023, 4, 25), Colour.YELLOW),
            (date(2023, 4, 24), Colour.RED),
        ],
    )
    def test_a_project_not_started_is_judged_by_its_start_alone(self, planned_start, expected):
        given = facts(planned_start=planned_start, actual_start=None, completed_investment=Decimal(0))
        assert self.engine(given) == expected

    @pytest.mark.parametrize(
        "completed", [Decimal(0), Decimal(300), Decimal(599), Decimal(600), Decimal(900)]
    )
    def test_the_colour_never_contradicts_the_state(self, completed):
        given = facts(completed_investment=completed)
        state = project_state(given, AS_OF).state
        assert (self.engine(given) == Colour.GREEN) == (state == State.ON_TRACK)

    def test_a_finished_project_is_green(self):
        given = facts(finished=True, completed_investment=Decimal(0))
        assert colour_facts(given, AS_OF)["progress"] is None
        assert self.engine(given) == Colour.GREEN
