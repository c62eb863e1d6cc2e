"""Who may do what with leads (predicates), reused by the views, the services and the templates.

Seeing follows the scope (org.selectors.scope_for): the region's office, leaders and observers see
its leads, a unit sees the leads it follows. A lead's contact is personal data: lists show it
masked; in full only on the lead's page, to the person and the unit following it and the office.
"""

from __future__ import annotations

from luoshi.investment.models import Lead
from luoshi.items.rules import is_supervisor_of, works_in


def can_manage(user: object, region_id: int) -> bool:
    """Record leads and the four lists, open a landing item: the region's supervision office."""
    return is_supervisor_of(user, region_id)


def can_follow_up(user: object, lead: Lead) -> bool:
    """Record a follow-up and move the stage: the unit following the lead, and the office."""
    return works_in(user, lead.unit_id) or is_supervisor_of(user, lead.region_id)


def can_see_contact(user: object, lead: Lead) -> bool:
    person_id = getattr(user, "person_id", None)
    following = person_id is not None and person_id == lead.follower_id
    return following or can_follow_up(user, lead)
