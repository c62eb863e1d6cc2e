"""Who may do what with enterprises (predicates), reused by the views and the services."""

from __future__ import annotations

from luoshi.items.rules import is_supervisor_of


def can_manage(user: object, region_id: int) -> bool:
    """Import the tax list, open a cultivation item: the region's supervision office."""
    return is_supervisor_of(user, region_id)
