"""Who may manage a region's event subscriptions: its supervision office and its system
administrator (管理员), each for the region of their own seat; nobody else sees them."""

from __future__ import annotations

from luoshi.org.models import Role, User
from luoshi.org.selectors import scope_for

MANAGERS = (Role.SUPERVISOR, Role.ADMIN)
NOT_MANAGER = "只有本行政区的督查办或系统管理员可以管理事件推送。"


def managed_region_ids(user: User | object) -> frozenset[int] | None:
    """The regions whose subscriptions `user` manages; None for a superuser (every region)."""
    scope = scope_for(user)
    if scope.everything:
        return None
    return frozenset(seat.region_id for seat in scope.seats if seat.role in MANAGERS)


def can_manage(user: User | object, region_id: int) -> bool:
    managed = managed_region_ids(user)
    return managed is None or region_id in managed
