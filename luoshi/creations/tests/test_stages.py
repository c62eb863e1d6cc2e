"""The creation stage machine: table-driven, no database."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.creations.stages import (
    Group,
    Stage,
    Template,
    TemplateError,
    failed_at,
    group_of,
    late,
    may_fail,
    next_stages,
    open_steps,
    refusal,
)

DEFAULT = Template()
REVIEWED = Template(review=True)
NO_FIRST_ACCEPTANCE = Template.of(["planning", "applied", "first_check", "requested", "accepted", "awarded"])
JULY = date(2023, 7, 25)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Stage.PLANNING, Stage.APPLIED),
        (Stage.APPLIED, Stage.FIRST_CHECK),
        (Stage.FIRST_CHECK, Stage.FIRST_ACCEPTANCE),
        (Stage.FIRST_ACCEPTANCE, Stage.REQUESTED),
        (Stage.REQUESTED, Stage.ACCEPTED),
        (Stage.ACCEPTED, Stage.AWARDED),
    ],
)
def test_the_default_template_moves_one_stage_at_a_time(current, target):
    assert refusal(DEFAULT, current, target) == ""
    assert next_stages(DEFAULT, current) == [target]


@pytest.mark.parametrize(
    ("current", "target", "says"),
    [
        (Stage.PLANNING, Stage.FIRST_CHECK, "下一阶段是“申报”"),
        (Stage.APPLIED, Stage.AWARDED, "不能从“申报”直接到“授牌命名”"),
        (Stage.FIRST_CHECK, Stage.APPLIED, "下一阶段是“初验”"),  # never back
        (Stage.ACCEPTED, Stage.ACCEPTED, "已处于“验收”"),
        (Stage.AWARDED, Stage.REVIEW, "动态复审"),  # the default title is not reviewed
        (Stage.AWARDED, Stage.PLANNING, "没有下一阶段"),
        (Stage.AWARDED, Stage.FAILED, "不能记为未通过"),
        (Stage.FAILED, Stage.APPLIED, "明年可重新申报"),
        (Stage.FAILED, Stage.FAILED, "明年可重新申报"),
    ],
)
def test_illegal_jumps_are_refused_with_the_reason(current, target, says):
    assert says in refusal(DEFAULT, current, target)


def test_a_template_without_a_stage_refuses_it_and_skips_over_it():
    assert next_stages(NO_FIRST_ACCEPTANCE, Stage.FIRST_CHECK) == [Stage.REQUESTED]
    assert "中没有“初验”" in refusal(NO_FIRST_ACCEPTANCE, Stage.FIRST_CHECK, Stage.FIRST_ACCEPTANCE)


def test_a_reviewed_title_goes_to_review_after_its_award_and_back():
    assert next_stages(REVIEWED, Stage.AWARDED) == [Stage.REVIEW]
    assert refusal(REVIEWED, Stage.REVIEW, Stage.AWARDED) == ""
    assert refusal(REVIEWED, Stage.REVIEW, Stage.FAILED) == ""  # a review can be failed
    assert "直接到" in refusal(REVIEWED, Stage.APPLIED, Stage.ACCEPTED)


@pytest.mark.parametrize("stage", [s for s in Stage if s not in (Stage.AWARDED, Stage.FAILED, Stage.REVIEW)])
def test_a_creation_can_fail_at_any_stage_before_its_award(stage):
    assert may_fail(DEFAULT, stage) is (stage != Stage.AWARDED)
    assert refusal(DEFAULT, stage, Stage.FAILED) == ""


@pytest.mark.parametrize(
    ("steps", "says"),
    [
        (["planning", "nonsense", "awarded"], "未知的阶段"),
        (["applied", "planning", "awarded"], "顺序"),
        (["planning", "applied", "applied", "awarded"], "顺序"),
        (["planning", "applied"], "授牌命名结束"),
        (["planning", "review", "awarded"], "只能由"),
        ([], "只能由"),
    ],
)
def test_a_template_is_checked(steps, says):
    with pytest.raises(TemplateError, match=says):
        Template.of(steps)


@pytest.mark.parametrize(
    ("stage", "expected_award", "group"),
    [
        (Stage.AWARDED, date(2023, 5, 1), Group.AWARDED),
        (Stage.AWARDED, date(2025, 5, 1), Group.AWARDED),
        (Stage.FIRST_ACCEPTANCE, date(2023, 11, 30), Group.PASSED_FIRST_ACCEPTANCE),
        (Stage.REQUESTED, date(2023, 11, 30), Group.PASSED_FIRST_ACCEPTANCE),
        (Stage.ACCEPTED, date(2023, 11, 30), Group.PASSED_FIRST_ACCEPTANCE),
        (Stage.FIRST_CHECK, date(2023, 12, 31), Group.READY),
        (Stage.FIRST_CHECK, date(2024, 12, 31), Group.CROSS_YEAR),
        (Stage.APPLIED, date(2025, 6, 30), Group.CROSS_YEAR),
        (Stage.REVIEW, date(2024, 12, 31), Group.REVIEW),
        (Stage.APPLIED, date(2023, 12, 31), Group.APPLYING),
        (Stage.PLANNING, None, Group.APPLYING),
        (Stage.FAILED, date(2024, 12, 31), Group.FAILED),
    ],
)
def test_the_ledger_groups_creations_as_the_speech_does(stage, expected_award, group):
    assert group_of(stage, expected_award=expected_award, as_of=JULY) == group


def test_cross_year_is_said_of_the_day_asked():
    assert (
        group_of(Stage.FIRST_CHECK, expected_award=date(2024, 6, 30), as_of=date(2024, 1, 5)) == Group.READY
    )


def test_a_failure_is_of_the_stage_not_passed():
    assert failed_at(DEFAULT, Stage.APPLIED) == Stage.FIRST_CHECK  # 未通过初核
    assert failed_at(NO_FIRST_ACCEPTANCE, Stage.FIRST_CHECK) == Stage.REQUESTED
    assert failed_at(REVIEWED, Stage.REVIEW) == Stage.REVIEW


def test_the_stages_ahead_are_those_that_may_have_an_expected_day():
    assert open_steps(DEFAULT, Stage.FIRST_CHECK) == (
        Stage.FIRST_ACCEPTANCE,
        Stage.REQUESTED,
        Stage.ACCEPTED,
        Stage.AWARDED,
    )
    assert open_steps(DEFAULT, Stage.AWARDED) == ()
    assert open_steps(REVIEWED, Stage.REVIEW) == (Stage.AWARDED,)  # passing the review
    assert open_steps(DEFAULT, Stage.FAILED) == ()


def test_an_expected_day_passed_is_late_the_day_after():
    plans = {"first_acceptance": date(2023, 6, 30), "awarded": date(2023, 12, 31)}
    assert late(DEFAULT, Stage.FIRST_CHECK, plans, date(2023, 6, 30)) is None
    assert late(DEFAULT, Stage.FIRST_CHECK, plans, date(2023, 7, 1)) == (
        Stage.FIRST_ACCEPTANCE,
        date(2023, 6, 30),
    )
    assert late(DEFAULT, Stage.FIRST_ACCEPTANCE, plans, date(2023, 7, 1)) is None  # reached
    assert late(DEFAULT, Stage.FAILED, plans, date(2024, 1, 1)) is None
    # A stage without an expected day does not hide a later one that has passed.
    assert late(DEFAULT, Stage.APPLIED, {"awarded": date(2023, 6, 30)}, JULY) == (
        Stage.AWARDED,
        date(2023, 6, 30),
    )
