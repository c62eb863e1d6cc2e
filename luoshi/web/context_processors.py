from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from luoshi.core import clock
from luoshi.org.models import Membership
from luoshi.org.rules import can_administer
from luoshi.web import navigation


def luoshi(request: HttpRequest) -> dict[str, object]:
    user = request.user
    seats: list[Membership] = []
    if user.is_authenticated:
        # One query; the memberships are few and the layout shows them in the user menu.
        seats = list(Membership.objects.filter(user=user).select_related("unit", "unit__region"))
    return {
        "demo_mode": settings.LUOSHI_DEMO,
        "today": clock.today(),
        "nav_pages": navigation.pages(),
        "nav_groups": navigation.GROUPS,
        "user_seats": seats,
        "user_can_administer": user.is_authenticated and can_administer(user),
    }
