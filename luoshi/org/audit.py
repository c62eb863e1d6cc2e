"""What the organisation tells the audit log (registered in OrgConfig.ready): the region a user acts
for, region names, and a role grant in words."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model

from luoshi.org.models import Membership, Region, Role


def region_of_user(user_id: int) -> tuple[int, str] | None:
    """The region of the user's first seat (an auditor's, an office's, a unit's), with its name."""
    found = (
        Membership.objects.filter(user_id=user_id)
        .order_by("-unit__is_active", "pk")
        .values_list("unit__region_id", "unit__region__name")
        .first()
    )
    return (found[0], found[1]) if found else None


def region_names(ids: Iterable[int]) -> dict[int, str]:
    return dict(Region.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def grant_words(seat: Model) -> str:
    """“周静（fgj-reporter）：柞水县县发改局 · 单位填报员”."""
    assert isinstance(seat, Membership)
    user = seat.user
    unit = seat.unit
    role = dict(Role.choices).get(seat.role, seat.role)
    return f"{user.get_full_name()}（{user.username}）：{unit.region.name}{unit.short_name} · {role}"
