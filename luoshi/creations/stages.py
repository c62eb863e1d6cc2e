"""The stages of an honour creation (示范创建) and which moves between them are allowed: pure rules,
no database.

A title's programme is a template of stages (模板): the default one is 谋划 → 申报 → 初核 → 初验 →
请验 → 验收 → 授牌/命名; a title under dynamic review (动态复审) adds 复审 after it; a programme that
has no first acceptance leaves it out. A creation's stage is the last one it has reached (passed):
at 初核 it has passed the first check. It moves one stage at a time along its template, never
skips one and never goes back. It can fail the next stage before its title is awarded (or a
review), with the reason: a creation at 申报 that fails is 未通过初核. A failed creation moves no
more: next year it is applied for again, as a new creation that keeps the failed one as history.

The ledger groups creations as the county's speech does (已授牌, 已通过初验, 待请验, 跨年度, 动态复审,
正在申报, 未通过): `group_of` says which group a creation is in on a day.

A creation may have an expected day for each stage still ahead of it (`open_steps`); `late` says
which of them has passed without the stage being reached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Stage(StrEnum):
    PLANNING = "planning"
    APPLIED = "applied"
    FIRST_CHECK = "first_check"
    FIRST_ACCEPTANCE = "first_acceptance"
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    AWARDED = "awarded"
    REVIEW = "review"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {
    Stage.PLANNING: "谋划",
    Stage.APPLIED: "申报",
    Stage.FIRST_CHECK: "初核",
    Stage.FIRST_ACCEPTANCE: "初验",
    Stage.REQUESTED: "请验",
    Stage.ACCEPTED: "验收",
    Stage.AWARDED: "授牌命名",
    Stage.REVIEW: "动态复审",
    Stage.FAILED: "未通过",
}
STAGE_CHOICES = [(stage.value, stage.label) for stage in Stage]

# The stages a template lists (复审 and 未通过 are not steps: the template's `review` and any
# stage's failure give them).
STEPS = tuple(stage for stage in Stage if stage not in (Stage.REVIEW, Stage.FAILED))
DEFAULT_STEPS = STEPS


class Group(StrEnum):
    """The ledger's groups, in the order the speech lists them."""

    AWARDED = "awarded"
    PASSED_FIRST_ACCEPTANCE = "passed_first_acceptance"
    READY = "ready"
    CROSS_YEAR = "cross_year"
    REVIEW = "review"
    APPLYING = "applying"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return GROUP_LABELS[self]


GROUP_LABELS = {
    Group.AWARDED: "已授牌命名",
    Group.PASSED_FIRST_ACCEPTANCE: "已通过初验",
    Group.READY: "已达到创建条件待请验",
    Group.CROSS_YEAR: "跨年度创建",
    Group.REVIEW: "动态复审",
    Group.APPLYING: "正在申报",
    Group.FAILED: "未通过",
}


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class Template:
    """A programme's stages, in order, and whether its title is reviewed after award."""

    steps: tuple[Stage, ...] = DEFAULT_STEPS
    review: bool = False

    @classmethod
    def of(cls, steps: Sequence[str], review: bool = False) -> Template:
        """A template from stored keys: known steps, in the default order, ending with 授牌命名."""
        try:
            parsed = tuple(Stage(step) for step in steps)
        except ValueError as error:
            raise TemplateError(f"阶段模板中有未知的阶段：{error}") from error
        if not parsed or any(step not in STEPS for step in parsed):
            raise TemplateError("阶段模板只能由谋划、申报、初核、初验、请验、验收、授牌命名组成。")
        if list(parsed) != sorted(set(parsed), key=STEPS.index):
            raise TemplateError("阶段模板中的阶段须按谋划→授牌命名的顺序排列，且不能重复。")
        if parsed[-1] != Stage.AWARDED:
            raise TemplateError("阶段模板须以授牌命名结束。")
        return cls(parsed, review)

    @property
    def first(self) -> Stage:
        return self.steps[0]

    def label(self) -> str:
        text = " → ".join(step.label for step in self.steps)
        return f"{text} → 动态复审" if self.review else text


def next_stages(template: Template, current: Stage) -> list[Stage]:
    """Where a creation at `current` may go next (the failure aside)."""
    if current == Stage.FAILED:
        return []
    if current == Stage.AWARDED:
        return [Stage.REVIEW] if template.review else []
    if current == Stage.REVIEW:
        return [Stage.AWARDED]
    if current not in template.steps:
        return []
    index = template.steps.index(current)
    return [template.steps[index + 1]] if index + 1 < len(template.steps) else []


def may_fail(template: Template, current: Stage) -> bool:
    """A creation can fail the stage after the one it reached: not once awarded (a review it can)."""
    return current in template.steps[:-1] or current == Stage.REVIEW


def failed_at(template: Template, current: Stage) -> Stage:
    """The stage a creation at `current` fails when it fails: the next one, or the review."""
    if current == Stage.REVIEW:
        return Stage.REVIEW
    return next_stages(template, current)[0]


def refusal(template: Template, current: Stage, target: Stage) -> str:
    """Why `current` → `target` is not allowed, in the ledger's words; "" when it is."""
    if current == Stage.FAILED:
        return "该创建已未通过，不能再推进；明年可重新申报，保留本次记录。"
    if target == Stage.FAILED:
        if may_fail(template, current):
            return ""
        return f"已{current.label}的创建不能记为未通过。"
    if target == current:
        return f"该创建已处于“{current.label}”阶段。"
    if target in next_stages(template, current):
        return ""
    if target not in template.steps and target != Stage.REVIEW:
        return f"该创建的阶段模板（{template.label()}）中没有“{target.label}”。"
    if target == Stage.REVIEW:
        return "只有已授牌命名、且实行动态复审的称号才进入复审。"
    following = next_stages(template, current)
    if not following:
        return f"该创建处于“{current.label}”，没有下一阶段。"
    return f"不能从“{current.label}”直接到“{target.label}”：下一阶段是“{following[0].label}”。"


def group_of(stage: Stage, *, expected_award: date | None, as_of: date) -> Group:
    """The ledger group of a creation at `stage` on `as_of`. A creation expected to be awarded after
    this year is a cross-year one (跨年度) until it is awarded or fails."""
    if stage == Stage.FAILED:
        return Group.FAILED
    if stage == Stage.AWARDED:
        return Group.AWARDED
    if stage == Stage.REVIEW:
        return Group.REVIEW
    if expected_award is not None and expected_award.year > as_of.year:
        return Group.CROSS_YEAR
    if stage in (Stage.FIRST_ACCEPTANCE, Stage.REQUESTED, Stage.ACCEPTED):
        return Group.PASSED_FIRST_ACCEPTANCE
    if stage == Stage.FIRST_CHECK:
        return Group.READY
    return Group.APPLYING


def open_steps(template: Template, current: Stage) -> tuple[Stage, ...]:
    """The stages still ahead of a creation at `current`, which may have an expected day: the steps
    after it; under review, passing it (授牌命名 again); none once failed or awarded for good."""
    if current == Stage.REVIEW:
        return (Stage.AWARDED,)
    if current not in template.steps:
        return ()
    return template.steps[template.steps.index(current) + 1 :]


def late(
    template: Template, current: Stage, plans: Mapping[str, date], as_of: date
) -> tuple[Stage, date] | None:
    """The first stage ahead whose expected day is before `as_of` (逾期), with that day."""
    for step in open_steps(template, current):
        day = plans.get(step)
        if day is not None and day < as_of:
            return step, day
    return None
