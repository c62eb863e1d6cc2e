"""Who may do what with items. Services, views, the API and the templates ask these predicates.

Seeing follows the scope (org.selectors.scope_for): a supervision office, leader or viewer sees
its region and the regions under it, a unit sees the items it leads or supports. Acting is
narrower: only the supervision office of the item's own region assigns, verifies and closes;
only the lead unit signs for an item and asks to complete it.
"""

from __future__ import annotations

from luoshi.items.hooks import ledger_refusal
from luoshi.items.models import DONE_STATUSES, ImportJob, Item, ProgressReport, ReportStatus, Status
from luoshi.items.workflow import Action, Transition, transition_for
from luoshi.org.models import Region, Role, User
from luoshi.org.selectors import Scope, scope_for

REPORTABLE_STATUSES = frozenset(
    {Status.ACCEPTED, Status.IN_PROGRESS, Status.RETURNED, Status.COMPLETION_REQUESTED}
)
UNIT_ROLES = (Role.UNIT_HEAD, Role.REPORTER)


def _holds(scope: Scope, *roles: str, region_id: int | None = None, unit_id: int | None = None) -> bool:
    """A seat with one of `roles` exactly in `region_id` (not a region above it) or in `unit_id`."""
    return any(
        seat.role in roles
        and (region_id is None or seat.region_id == region_id)
        and (unit_id is None or seat.unit_id == unit_id)
        for seat in scope.seats
    )


def is_supervisor_of(user: User | object, region_id: int) -> bool:
    scope = scope_for(user)
    return scope.everything or _holds(scope, Role.SUPERVISOR, region_id=region_id)


def is_leader_of(user: User | object, region_id: int) -> bool:
    return _holds(scope_for(user), Role.LEADER, region_id=region_id)


def works_in(user: User | object, unit_id: int | None, *roles: str) -> bool:
    return unit_id is not None and _holds(scope_for(user), *(roles or UNIT_ROLES), unit_id=unit_id)


def _support_unit_ids(item: Item) -> set[int]:
    # Uses the prefetched support units where the selector prefetched them.
    return {unit.pk for unit in item.support_units.all()}


# Drafts are the supervision office's working copies: its leaders may look, units may not.
DRAFT_READERS = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)


def can_view_item(user: User | object, item: Item) -> bool:
    """Mirrors selectors.item_list_for for one item (a test keeps the two in step)."""
    scope = scope_for(user)
    if scope.everything:
        return True
    if item.status == Status.DRAFT:
        return any(seat.role in DRAFT_READERS and item.region_id in seat.covers for seat in scope.seats)
    if item.region_id in scope.region_ids:
        return True
    return item.lead_unit_id in scope.unit_ids or bool(_support_unit_ids(item) & scope.unit_ids)


def can_create_item(user: User | object, region_id: int) -> bool:
    return is_supervisor_of(user, region_id)


def can_see_import_job(user: User | object, job: ImportJob) -> bool:
    """The one who started it, and the supervision office of its region."""
    return getattr(user, "pk", None) == job.created_by_id or is_supervisor_of(user, job.region_id)


def can_edit_item(user: User | object, item: Item) -> bool:
    return is_supervisor_of(user, item.region_id) and item.status not in DONE_STATUSES | {
        Status.REPLACED,
        Status.WITHDRAWN,
    }


def office_only_reason(user: User | object, item: Item, doing: str) -> str:
    """Why `user` may not do `doing` to `item`: only the office of the item's own region may.

    A supervision office of a region above (商洛市's, which sees its counties' items) is told what
    it may do instead, so that "only the supervision office" does not read as a contradiction.
    """
    message = f"只有{item.region.name}督查办可以{doing}"
    higher = next(
        (
            seat.region_id
            for seat in scope_for(user).seats
            if seat.role == Role.SUPERVISOR
            and seat.region_id != item.region_id
            and item.region_id in seat.covers
        ),
        None,
    )
    if higher is not None:
        level = Region.objects.get(pk=higher).get_level_display()
        message += f"；{level}督查办可以查看和督办"
    return message + "。"


def cannot_edit_reason(user: User | object, item: Item) -> str:
    if is_supervisor_of(user, item.region_id):
        return f"事项当前状态为“{item.get_status_display()}”，不能修改。"
    return office_only_reason(user, item, "修改这个事项")


def cannot_verify_reason(user: User | object, report: ProgressReport) -> str:
    if not is_supervisor_of(user, report.item.region_id):
        return office_only_reason(user, report.item, "核实进度报告")
    if hasattr(report, "verification"):
        return "这份报告已经核实过，每份报告只核实一次。"
    if not report.is_current:
        return "这份报告已被更正，请核实更正后的版本。"
    return "这份报告还没有报送到督查办，暂不能核实。"


def cannot_take_reason(user: User | object, item: Item, transition: Transition) -> str:
    if transition.action in (Action.ACCEPT, Action.DECLINE, Action.REQUEST_COMPLETION):
        return f"你没有权限{transition.label}该事项。"
    return office_only_reason(user, item, f"{transition.label}这个事项")


def can_take(user: User | object, item: Item, action: Action | str) -> bool:
    """Whether `user` may take `action` on `item` now: the life cycle allows it and the role fits."""
    transition = transition_for(action, item.status, accepted=item.accepted_on is not None)
    if transition is None:
        return False
    if transition.action in (Action.ACCEPT, Action.DECLINE):
        return works_in(user, item.lead_unit_id, Role.UNIT_HEAD)
    if transition.action == Action.REQUEST_COMPLETION:
        return works_in(user, item.lead_unit_id)
    return is_supervisor_of(user, item.region_id)


def allowed_transitions(user: User | object, item: Item) -> list[Transition]:
    """The actions the item's page offers `user`: those the life cycle and the role allow, and the
    item's ledger does not refuse (hooks.item_action_refusal)."""
    from luoshi.items.workflow import TRANSITIONS

    return [
        t
        for action, t in TRANSITIONS.items()
        if can_take(user, item, action) and not ledger_refusal(item, action)
    ]


def can_report(user: User | object, item: Item) -> bool:
    """The lead unit and the supporting units report, once the item is signed for."""
    if item.status not in REPORTABLE_STATUSES:
        return False
    return works_in(user, item.lead_unit_id) or any(
        works_in(user, unit_id) for unit_id in _support_unit_ids(item)
    )


def can_report_for(user: User | object, item: Item) -> bool:
    """The supervision office of the item's region enters a unit's figures for it (代报: a month's
    investment from the statistics), once the item is signed for; the report stays the unit's."""
    return item.status in REPORTABLE_STATUSES and is_supervisor_of(user, item.region_id)


def can_approve_report(user: User | object, report: ProgressReport) -> bool:
    return report.status == ReportStatus.PENDING_APPROVAL and works_in(user, report.unit_id, Role.UNIT_HEAD)


def can_correct_report(user: User | object, report: ProgressReport) -> bool:
    """A report is corrected by a new version, from its unit, while no verification has settled it."""
    return (
        report.is_current
        and not hasattr(report, "verification")
        and report.item.status in REPORTABLE_STATUSES
        and works_in(user, report.unit_id)
    )


def can_verify(user: User | object, report: ProgressReport) -> bool:
    return (
        report.status == ReportStatus.SUBMITTED
        and report.is_current
        and not hasattr(report, "verification")
        and is_supervisor_of(user, report.item.region_id)
    )


def can_instruct(user: User | object, item: Item) -> bool:
    return item.status != Status.DRAFT and is_leader_of(user, item.region_id)


def can_acknowledge_instruction(user: User | object, item: Item) -> bool:
    return works_in(user, item.lead_unit_id)


def can_record_supervision(user: User | object, region_id: int) -> bool:
    return is_supervisor_of(user, region_id)
