from __future__ import annotations

from django.http import HttpRequest

from luoshi.org.models import Region, Role, User
from luoshi.org.selectors import scope_for


class AuthedRequest(HttpRequest):
    """A request past LoginRequiredMiddleware: its user is a logged-in User."""

    user: User


def acting_region(request: AuthedRequest) -> Region:
    """The region whose supervision office the user works for; PermissionError for everyone else.

    The one place that decides for which region a user acts as 督查办 (creating, importing, the
    consequence settings, the extractor's documents)."""
    scope = scope_for(request.user)
    seat = next((s for s in scope.seats if s.role == Role.SUPERVISOR), None)
    if seat is not None:
        return Region.objects.get(pk=seat.region_id)
    if scope.everything:
        region = Region.objects.filter(level=Region.Level.COUNTY).first()
        if region:
            return region
    raise PermissionError
