"""The lead's stage machine and the daily watch's rules: pure, no database."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.investment.stages import ROAD, Stage, StageRefused, allowed_targets, move, reached
from luoshi.investment.watch import LandingColour, LeadFacts, follow_up_reminder, landing_warning

C, N, S, L, P, X = (
    Stage.CONTACT,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.LANDED,
    Stage.PRODUCING,
    Stage.LOST,
)


class TestStageMachine:
    @pytest.mark.parametrize(
        ("source", "target"),
        [(C, N), (N, S), (S, L), (L, P), (C, S), (N, L), (C, P)],
    )
    def test_a_lead_moves_forward(self, source, target):
        assert move(source, target).target == target

    @pytest.mark.parametrize(("source", "target"), [(N, C), (S, N), (L, S), (S, C)])
    def test_never_back(self, source, target):
        with pytest.raises(StageRefused, match="不能退回"):
            move(source, target)

    @pytest.mark.parametrize("source", [C, N, S, L])
    def test_lost_from_any_open_stage_with_its_reason(self, source):
        assert move(source, X, reason=" 企业资金链断裂 ").reason == "企业资金链断裂"
        with pytest.raises(StageRefused, match="原因"):
            move(source, X, reason="  ")

    @pytest.mark.parametrize("source", [P, X])
    def test_producing_and_lost_are_the_end(self, source):
        assert allowed_targets(source) == ()
        for target in Stage:
            with pytest.raises(StageRefused):
                move(source, target, reason="理由")

    def test_staying_is_not_a_move(self):
        with pytest.raises(StageRefused, match="已处于"):
            move(N, N)

    def test_the_targets_offered(self):
        assert allowed_targets(C) == (N, S, L, P, X)
        assert allowed_targets(L) == (P, X)

    def test_reached(self):
        assert reached(L, S) and reached(S, S) and not reached(N, S) and not reached(X, C)
        assert ROAD[0] == C and ROAD[-1] == P


JULY = date(2023, 7, 25)


class TestFollowUpReminder:
    @pytest.mark.parametrize(
        ("last", "expected"),
        [(date(2023, 6, 26), None), (date(2023, 6, 25), 30), (date(2023, 5, 1), 85)],
    )
    def test_due_after_n_days_without_follow_up(self, last, expected):
        facts = LeadFacts(stage=N, contacted_on=date(2023, 3, 1), last_follow_up_on=last)
        reminder = follow_up_reminder(facts, as_of=JULY, days=30)
        assert (reminder.days if reminder else None) == expected
        if reminder:
            assert f"距上次跟进已{expected}天未跟进" in reminder.reason

    def test_counts_from_the_first_contact_when_never_followed_up(self):
        facts = LeadFacts(stage=C, contacted_on=date(2023, 6, 1))
        reminder = follow_up_reminder(facts, as_of=JULY, days=30)
        assert reminder is not None and reminder.days == 54 and "首次接触" in reminder.reason

    @pytest.mark.parametrize("stage", [P, X])
    def test_not_for_a_closed_lead(self, stage):
        facts = LeadFacts(stage=stage, contacted_on=date(2022, 1, 1))
        assert follow_up_reminder(facts, as_of=JULY, days=30) is None


class TestLandingWarning:
    @pytest.mark.parametrize(
        ("signed", "expected"),
        [
            (date(2023, 5, 27), None),  # 59 days
            (date(2023, 5, 26), LandingColour.YELLOW),  # 60 days
            (date(2023, 4, 27), LandingColour.YELLOW),  # 89 days
            (date(2023, 4, 26), LandingColour.RED),  # 90 days
        ],
    )
    def test_yellow_then_red(self, signed, expected):
        facts = LeadFacts(stage=S, contacted_on=date(2023, 1, 5), signed_on=signed)
        warning = landing_warning(facts, as_of=JULY, yellow_days=60, red_days=90)
        assert (warning.colour if warning else None) == expected
        if warning:
            assert warning.reason.startswith(f"签约已{warning.days}天仍未落地")

    @pytest.mark.parametrize("stage", [C, N, L, P, X])
    def test_only_a_signed_lead(self, stage):
        facts = LeadFacts(stage=stage, contacted_on=date(2022, 1, 5), signed_on=date(2022, 3, 1))
        assert landing_warning(facts, as_of=JULY, yellow_days=60, red_days=90) is None
