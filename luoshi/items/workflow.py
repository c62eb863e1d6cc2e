"""The item life cycle as data: which action moves an item from which states to which.

草稿 → 已交办 → 已签收 → 推进中 → 申请办结 → 已办结 → 已销号, with 暂缓, 已替换, 退回 and 已撤销 beside.
Who may take an action is decided in rules.py; what else an action needs (a verified report, a
successor) is checked by its service.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from luoshi.items.models import ACTIVE_STATUSES, EventKind, Status


class Action(StrEnum):
    ASSIGN = "assign"
    ACCEPT = "accept"
    DECLINE = "decline"
    REQUEST_COMPLETION = "request_completion"
    RETURN_COMPLETION = "return_completion"
    COMPLETE = "complete"
    CLOSE = "close"
    SUSPEND = "suspend"
    RESUME = "resume"
    REPLACE = "replace"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Transition:
    action: Action
    label: str
    sources: frozenset[str]
    target: str | None  # None: the service decides (resume returns to the state before suspension)
    event: EventKind
    needs_reason: bool = False
    button: str = "outline-primary"
    confirm: str = ""


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(
            Action.ASSIGN,
            "交办",
            frozenset({Status.DRAFT, Status.RETURNED}),
            Status.ASSIGNED,
            EventKind.ASSIGNED,
            button="primary",
        ),
        Transition(
            Action.ACCEPT,
            "签收",
            frozenset({Status.ASSIGNED}),
            Status.ACCEPTED,
            EventKind.ACCEPTED,
            button="primary",
        ),
        Transition(
            Action.DECLINE,
            "退回交办",
            frozenset({Status.ASSIGNED}),
            Status.RETURNED,
            EventKind.DECLINED,
            needs_reason=True,
            button="outline-danger",
        ),
        Transition(
            Action.REQUEST_COMPLETION,
            "申请办结",
            frozenset({Status.IN_PROGRESS, Status.RETURNED}),
            Status.COMPLETION_REQUESTED,
            EventKind.COMPLETION_REQUESTED,
            needs_reason=True,
            button="success",
        ),
        Transition(
            Action.RETURN_COMPLETION,
            "退回办结申请",
            frozenset({Status.COMPLETION_REQUESTED}),
            Status.RETURNED,
            EventKind.COMPLETION_RETURNED,
            needs_reason=True,
            button="outline-danger",
        ),
        Transition(
            Action.COMPLETE,
            "办结",
            frozenset({Status.COMPLETION_REQUESTED}),
            Status.COMPLETED,
            EventKind.COMPLETED,
            button="success",
            confirm="确认该事项已经核实完成，予以办结？",
        ),
        Transition(
            Action.CLOSE,
            "销号",
            frozenset({Status.COMPLETED}),
            Status.CLOSED,
            EventKind.CLOSED,
            button="success",
            confirm="销号后事项从台账中划掉，确认？",
        ),
        Transition(
            Action.SUSPEND,
            "暂缓",
            frozenset(ACTIVE_STATUSES),
            Status.SUSPENDED,
            EventKind.SUSPENDED,
            needs_reason=True,
            button="outline-secondary",
        ),
        Transition(Action.RESUME, "恢复推进", frozenset({Status.SUSPENDED}), None, EventKind.RESUMED),
        Transition(
            Action.REPLACE,
            "替换",
            frozenset(ACTIVE_STATUSES | {Status.SUSPENDED}),
            Status.REPLACED,
            EventKind.REPLACED,
            needs_reason=True,
            button="outline-secondary",
        ),
        Transition(
            Action.WITHDRAW,
            "撤销",
            frozenset(ACTIVE_STATUSES | {Status.DRAFT, Status.SUSPENDED}) - {Status.COMPLETION_REQUESTED},
            Status.WITHDRAWN,
            EventKind.WITHDRAWN,
            needs_reason=True,
            button="outline-danger",
            confirm="撤销后事项不再督办，记录保留。确认撤销？",
        ),
    )
}


def transition_for(action: Action | str, status: str, *, accepted: bool) -> Transition | None:
    """The transition `action` takes from `status`, or None when the life cycle does not allow it.

    退回 means two things: an assignment the unit declined (never accepted: the office assigns
    again) and a completion request sent back (accepted: the unit asks again).
    """
    transition = TRANSITIONS.get(Action(action))
    if transition is None or status not in transition.sources:
        return None
    if status == Status.RETURNED:
        if transition.action == Action.ASSIGN and accepted:
            return None
        if transition.action == Action.REQUEST_COMPLETION and not accepted:
            return None
    return transition
