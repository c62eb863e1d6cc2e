"""A lead's stages (接触 → 洽谈 → 签约 → 落地 → 投产) and the moves allowed between them: pure.

A lead moves one stage forward at a time, or straight to a later one when the facts skipped a
step (a company that signs at the first meeting); it never moves back (a step taken is a fact with
its date). From any open stage it may be lost (流失), always with the reason. 投产 ends the road;
a lost lead stays lost (a company that comes back is a new lead, with its own history).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    CONTACT = "contact"
    NEGOTIATING = "negotiating"
    SIGNED = "signed"
    LANDED = "landed"
    PRODUCING = "producing"
    LOST = "lost"


LABELS: dict[Stage, str] = {
    Stage.CONTACT: "接触",
    Stage.NEGOTIATING: "洽谈",
    Stage.SIGNED: "签约",
    Stage.LANDED: "落地",
    Stage.PRODUCING: "投产",
    Stage.LOST: "已流失",
}
ROAD: tuple[Stage, ...] = (Stage.CONTACT, Stage.NEGOTIATING, Stage.SIGNED, Stage.LANDED, Stage.PRODUCING)
OPEN: frozenset[Stage] = frozenset(ROAD[:-1])  # still to be followed up
CHOICES = [(stage.value, LABELS[stage]) for stage in Stage]


class StageRefused(ValueError):
    """A move the stage machine does not allow, with the reason in words."""


@dataclass(frozen=True)
class Move:
    source: Stage
    target: Stage
    reason: str = ""


def allowed_targets(current: Stage) -> tuple[Stage, ...]:
    """Where a lead in `current` may go: a later stage of the road, or lost while it is open."""
    if current not in OPEN:
        return ()
    return (*ROAD[ROAD.index(current) + 1 :], Stage.LOST)


def move(current: Stage | str, target: Stage | str, *, reason: str = "") -> Move:
    """The move from `current` to `target`, or StageRefused saying why not."""
    source, wanted = Stage(current), Stage(target)
    if source == wanted:
        raise StageRefused(f"线索已处于“{LABELS[source]}”阶段。")
    if source not in OPEN:
        raise StageRefused(f"线索已“{LABELS[source]}”，不能再改变阶段。")
    if wanted not in allowed_targets(source):
        raise StageRefused(f"线索已到“{LABELS[source]}”，不能退回“{LABELS[wanted]}”。")
    reason = reason.strip()
    if wanted == Stage.LOST and not reason:
        raise StageRefused("线索流失需要写明原因。")
    return Move(source, wanted, reason)


def reached(current: Stage | str, stage: Stage) -> bool:
    """Whether a lead now in `current` has passed through `stage` (a lost lead: not known here)."""
    here = Stage(current)
    return here in ROAD and ROAD.index(here) >= ROAD.index(stage)
