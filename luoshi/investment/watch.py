"""What the daily watch of leads decides, from a lead's facts and a day: pure.

- a lead still open (接触, 洽谈, 签约, 落地) with no follow-up for `days` days is due a reminder;
- a signed lead that has not landed turns yellow `yellow_days` after its signing, red after
  `red_days` ("签约了之" is what the county wants to see before it happens); at red its landing
  becomes an item to supervise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from luoshi.investment.stages import OPEN, Stage


class LandingColour(StrEnum):
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True)
class LeadFacts:
    stage: Stage
    contacted_on: date
    last_follow_up_on: date | None = None
    signed_on: date | None = None


@dataclass(frozen=True)
class Reminder:
    days: int  # since the last follow-up (or the first contact)
    reason: str


@dataclass(frozen=True)
class LandingWarning:
    colour: LandingColour
    days: int  # since the signing
    reason: str


def follow_up_reminder(facts: LeadFacts, *, as_of: date, days: int) -> Reminder | None:
    """A reminder when an open lead has gone `days` days or more without a follow-up."""
    if facts.stage not in OPEN:
        return None
    last = max(filter(None, (facts.contacted_on, facts.last_follow_up_on)))
    idle = (as_of - last).days
    if idle < days:
        return None
    since = "上次跟进" if facts.last_follow_up_on else "首次接触"
    return Reminder(idle, f"距{since}已{idle}天未跟进（要求每{days}天至少跟进一次）")


def landing_warning(
    facts: LeadFacts, *, as_of: date, yellow_days: int, red_days: int
) -> LandingWarning | None:
    """Yellow, then red, for a lead signed and not landed; None before yellow or once landed."""
    if facts.stage != Stage.SIGNED or facts.signed_on is None:
        return None
    waited = (as_of - facts.signed_on).days
    if waited >= red_days:
        colour = LandingColour.RED
    elif waited >= yellow_days:
        colour = LandingColour.YELLOW
    else:
        return None
    limit = red_days if colour == LandingColour.RED else yellow_days
    return LandingWarning(colour, waited, f"签约已{waited}天仍未落地（超过{limit}天）")
