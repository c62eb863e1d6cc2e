"""Who may do what with indicators (predicates), reused by the views, the services and templates."""

from __future__ import annotations

from luoshi.items.models import Item
from luoshi.items.rules import is_supervisor_of, works_in

CLOSED = ("withdrawn", "replaced")


def can_enter_values(user: object, item: Item) -> bool:
    """The lead unit enters its indicators' monthly figures; the supervision office enters any of
    its region's (from the statistics bureau's sheet)."""
    if item.status in CLOSED:
        return False
    return works_in(user, item.lead_unit_id) or is_supervisor_of(user, item.region_id)


def can_verify_values(user: object, item: Item) -> bool:
    return is_supervisor_of(user, item.region_id)


def can_manage(user: object, region_id: int) -> bool:
    """Create indicators, enter peers' figures, open catch-up items, import the statistics."""
    return is_supervisor_of(user, region_id)
