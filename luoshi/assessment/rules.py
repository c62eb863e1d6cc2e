"""Who may do what with assessments (predicates), reused by the services, views and templates.

The supervision office of the scheme's county manages it (computes, records, decides appeals); its
leaders and viewers read every line; a unit reads its own lines and the ranking of its groups, and
appeals its own lines; nobody of another county sees anything.
"""

from __future__ import annotations

from luoshi.assessment.models import Appeal, Decision, Record, ScoreLine
from luoshi.items.rules import is_supervisor_of, works_in
from luoshi.org.models import Role
from luoshi.org.selectors import scope_for

READERS = (Role.SUPERVISOR, Role.LEADER, Role.VIEWER)


def can_manage(user: object, region_id: int) -> bool:
    return is_supervisor_of(user, region_id)


def reads_region(user: object, region_id: int) -> bool:
    """Every unit's lines of the region: its office, leaders and viewers (and a city above them)."""
    scope = scope_for(user)
    return scope.everything or scope.has_role(*READERS, region_id=region_id)


def can_see_unit_lines(user: object, unit_id: int, region_id: int) -> bool:
    return reads_region(user, region_id) or works_in(user, unit_id)


def can_appeal(user: object, line: ScoreLine) -> bool:
    return works_in(user, line.unit_id)


def can_decide_appeal(user: object, appeal: Appeal) -> bool:
    return appeal.status == Decision.PENDING and can_manage(user, appeal.line.run.scheme.region_id)


def can_decide_record(user: object, record: Record) -> bool:
    return record.status == Decision.PENDING and can_manage(user, record.criterion.group.scheme.region_id)
