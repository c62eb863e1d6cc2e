from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

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


def organisation_region(request: AuthedRequest) -> Region:
    """The region whose organisation the user imports or exports: that of his 管理员 or 督查办 seat;
    for a superuser the county named by ?region= (its id), or the first county. PermissionError
    for everyone else."""
    user = request.user
    scope = scope_for(user)
    seat = next((s for s in scope.seats if s.role in (Role.ADMIN, Role.SUPERVISOR)), None)
    if seat is not None:
        return Region.objects.get(pk=seat.region_id)
    if user.is_active and user.is_superuser:
        wanted = request.POST.get("region") or request.GET.get("region") or ""
        counties = Region.objects.filter(level=Region.Level.COUNTY)
        region = counties.filter(pk=int(wanted)).first() if wanted.isdigit() else counties.first()
        if region is not None:
            return region
    raise PermissionError


def next_url(request: HttpRequest, fallback: str) -> str:
    """Where to go after a form: the page's own `next` when it is an address of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return resolve_url(fallback)
