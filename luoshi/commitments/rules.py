"""Who may record what of the commitments (predicates, reused by the services, views and pages)."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from luoshi.items import rules as item_rules
from luoshi.items.models import Item
from luoshi.org.models import Membership, User

# The survey is the deputies' view at the year's end: it is recorded from December on.
SURVEY_FROM_MONTH = 12


def survey_unit_name() -> str:
    """The short name of the unit that runs the deputies' survey (the people's congress office)."""
    return str(settings.LUOSHI_SURVEY_UNIT)


def can_record_survey(user: User | object, item: Item) -> bool:
    """The people's congress office of the item's region records the survey; the supervision office
    may enter it for them."""
    if item_rules.is_supervisor_of(user, item.region_id):
        return True
    if not isinstance(user, User) or not user.is_active:
        return False
    return Membership.objects.filter(
        user=user, unit__region_id=item.region_id, unit__short_name=survey_unit_name(), unit__is_active=True
    ).exists()


def survey_open(year: int, as_of: date) -> bool:
    return as_of >= date(year, SURVEY_FROM_MONTH, 1)
