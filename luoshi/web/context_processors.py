from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from luoshi.core import clock
from luoshi.help.sections import help_url
from luoshi.org.models import Membership, Role
from luoshi.org.rules import can_administer, can_import_organisation
from luoshi.web import navigation
from luoshi.webhooks.rules import MANAGERS as WEBHOOK_MANAGERS


def luoshi(request: HttpRequest) -> dict[str, object]:
    user = request.user
    seats: list[Membership] = []
    if user.is_authenticated:
        # One query; the memberships are few and the layout shows them in the user menu.
        seats = list(Membership.objects.filter(user=user).select_related("unit", "unit__region"))
    roles = {seat.role for seat in seats}
    # The auditor's page is in the navigation of auditors only; one who holds no other role (三员分立:
    # he should not) sees nothing else there, as he may see nothing of the work.
    can_audit = user.is_authenticated and user.is_active and Role.AUDITOR in roles
    match = request.resolver_match
    return {
        # The 帮助 link of the page header: the part of the help about this page, for this user's role.
        "help_url": help_url(
            match.url_name if match else None,
            match.namespace if match else None,
            [seat.role for seat in seats],
            is_superuser=user.is_authenticated and user.is_superuser,
        ),
        "demo_mode": settings.LUOSHI_DEMO,
        "user_can_audit": can_audit,
        "audit_only": can_audit and roles == {Role.AUDITOR} and not user.is_superuser,
        "today": clock.today(),
        "nav_pages": navigation.pages(),
        "nav_groups": navigation.GROUPS,
        "user_seats": seats,
        "user_can_administer": user.is_authenticated and can_administer(user),
        # The seats are read above: no query of its own (webhooks.rules decides on the pages).
        "user_manages_webhooks": user.is_authenticated
        and (user.is_superuser or bool(roles & set(WEBHOOK_MANAGERS))),
        "user_can_import_organisation": user.is_authenticated and can_import_organisation(user),
    }
