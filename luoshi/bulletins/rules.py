"""Who may do what with bulletins. Views, templates and services ask these predicates.

- the supervision office (督查办) of the bulletin's own region drafts, edits and publishes;
- a published bulletin is read by everyone who sees its region: its leaders, units, observers,
  and the offices of the regions above it (a city reads its counties');
- a draft is the office's alone.

A meeting's pack (调度会材料) is prepared, and its decisions entered and assigned, by the same office;
it is read by every leader of its region (the magistrate oversees every meeting, attending or not),
by the leaders attending it, and by the regions above (a city reads its counties' packs, through its
supervision office and its leaders); another county, and the units, read nothing.
"""

from __future__ import annotations

from typing import Any

from luoshi.org.models import Role, User
from luoshi.org.selectors import scope_for


def office_region_ids(user: User | object) -> frozenset[int]:
    """The regions whose bulletins the user drafts: those of his supervision office seats."""
    return frozenset(seat.region_id for seat in scope_for(user).seats if seat.role == Role.SUPERVISOR)


def can_manage(user: User | object, region_id: int) -> bool:
    return region_id in office_region_ids(user)


def can_read(user: User | object, bulletin: Any) -> bool:
    if can_manage(user, bulletin.region_id):
        return True
    if not bulletin.is_published:
        return False
    scope = scope_for(user)
    return scope.everything or bulletin.region_id in scope.visible_region_ids


def led_region_ids(user: User | object) -> frozenset[int]:
    """The regions the user is a leader of (his leader seats' own regions): he reads their packs."""
    return frozenset(seat.region_id for seat in scope_for(user).seats if seat.role == Role.LEADER)


# The seats of a region above that read its counties' meeting packs.
ABOVE_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER})


def overseen_region_ids(user: User | object) -> frozenset[int]:
    """The regions under the user's seats as a city's office or leader (not the seats' own)."""
    return frozenset(
        region_id
        for seat in scope_for(user).seats
        if seat.role in ABOVE_ROLES
        for region_id in seat.covers
        if region_id != seat.region_id
    )
