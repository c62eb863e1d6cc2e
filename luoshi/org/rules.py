"""Who may do what with the organisation. Views, admin and templates ask these predicates."""

from __future__ import annotations

from luoshi.org.models import Person, Role, User
from luoshi.org.selectors import scope_for


def can_administer(user: User | object) -> bool:
    """Maintain master data (regions, units, people, users, roles) in the admin."""
    if not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return scope_for(user).has_role(Role.ADMIN)


def can_see_phone(user: User | object, person: Person) -> bool:
    """Phone numbers are masked in lists; the full number is for the region's staff and colleagues."""
    scope = scope_for(user)
    if scope.everything:
        return True
    region_id = person.unit.region_id if person.unit_id and person.unit else None
    if region_id is not None and scope.has_role(
        Role.SUPERVISOR, Role.LEADER, Role.ADMIN, region_id=region_id
    ):
        return True
    return person.unit_id is not None and any(seat.unit_id == person.unit_id for seat in scope.seats)
