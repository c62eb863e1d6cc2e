"""Reads of the organisation, always scoped to the acting user.

`scope_for` is the one place that decides which regions and units a user may see. Every list
and object view of luoshi filters through it, so an id in a URL never reveals another unit's data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet

from luoshi.org.models import (
    AUDIT_ROLES,
    REGION_WIDE_ROLES,
    UNIT_ROLES,
    Leader,
    Membership,
    Person,
    Region,
    Role,
    Unit,
    User,
)


@dataclass(frozen=True)
class Seat:
    """One of the user's memberships: a role held in a unit of a region."""

    role: str
    unit_id: int
    region_id: int
    # The regions this seat speaks for: its own and, for a region-wide role (and the auditor's, for
    # the audit log), every one under it.
    covers: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Scope:
    """What a user may see.

    - ``region_ids``: regions seen whole (a county's supervision office, its leaders), with every
      region under them (a city's office sees its counties);
    - ``unit_ids``: units seen through a unit role (a reporter of 县发改局), with the units under
      them; only the work those units lead or support is visible.
    """

    everything: bool = False
    region_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    unit_region_ids: frozenset[int] = frozenset()
    seats: tuple[Seat, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.region_ids or self.unit_ids)

    @property
    def visible_region_ids(self) -> frozenset[int]:
        """Regions the user sees anything of (whole or through one of its units)."""
        return self.region_ids | self.unit_region_ids

    def sees_region(self, region_id: int | None) -> bool:
        return self.everything or region_id in self.region_ids

    def sees_unit(self, unit: Unit) -> bool:
        return self.everything or unit.region_id in self.region_ids or unit.pk in self.unit_ids

    def roles(self) -> set[str]:
        return {seat.role for seat in self.seats}

    def has_role(self, *roles: str, region_id: int | None = None, unit_id: int | None = None) -> bool:
        """Whether one of the user's seats holds one of `roles`, optionally over a region or unit.

        A region-wide seat covers the regions under its own; a unit seat covers only its unit.
        """
        for seat in self.seats:
            if seat.role not in roles:
                continue
            if unit_id is not None and seat.unit_id != unit_id:
                continue
            if region_id is not None and region_id not in seat.covers:
                continue
            return True
        return False

    def q(self, model: type[Model], *, region: str, units: Iterable[str] = ()) -> Q:
        """A condition for rows of `model`: of a visible region, or tied to one of the user's units.

        `region` names the row's region field; `units` name fields pointing at units (a foreign
        key or a many-to-many: a row matches when any of them is one of the user's units).
        """
        if self.everything:
            return Q()
        condition = Q(**{f"{region}__in": self.region_ids})
        for name in units:
            related = model._meta.get_field(name)
            if related.many_to_many:
                through = getattr(model, name).through
                source = related.m2m_field_name()  # type: ignore[union-attr]
                target = related.m2m_reverse_field_name()  # type: ignore[union-attr]
                linked = through.objects.filter(**{f"{target}__in": self.unit_ids}).values(source)
                condition |= Q(pk__in=linked)
            else:
                condition |= Q(**{f"{name}__in": self.unit_ids})
        return condition


def _region_children() -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Region.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    return children


def _unit_descendants(roots: set[int]) -> frozenset[int]:
    if not roots:
        return frozenset()
    regions = Unit.objects.filter(pk__in=roots).values("region_id")
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Unit.objects.filter(region_id__in=regions).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    return _walk(roots, children)


def _walk(roots: set[int], children: dict[int | None, list[int]]) -> frozenset[int]:
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        pk = stack.pop()
        if pk in seen:
            continue
        seen.add(pk)
        stack.extend(children.get(pk, ()))
    return frozenset(seen)


def scope_for(user: User | object) -> Scope:
    """The regions and units `user` may see; computed once per user object (once per request)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Scope()
    assert isinstance(user, User)
    cached = getattr(user, "_luoshi_scope", None)
    if cached is not None:
        return cached
    rows = list(
        Membership.objects.filter(user=user, unit__is_active=True).values_list(
            "role", "unit_id", "unit__region_id"
        )
    )
    region_children = _region_children() if rows else {}
    seats = tuple(
        Seat(
            role=role,
            unit_id=unit_id,
            region_id=region_id,
            covers=_walk({region_id}, region_children)
            if role in REGION_WIDE_ROLES | AUDIT_ROLES
            else frozenset({region_id}),
        )
        for role, unit_id, region_id in rows
    )
    if user.is_superuser:
        scope = Scope(everything=True, seats=seats)
    else:
        region_ids = frozenset().union(*(seat.covers for seat in seats if seat.role in REGION_WIDE_ROLES))
        unit_seats = [seat for seat in seats if seat.role in UNIT_ROLES and seat.region_id not in region_ids]
        unit_ids = _unit_descendants({seat.unit_id for seat in unit_seats})
        scope = Scope(
            region_ids=region_ids,
            unit_ids=unit_ids,
            unit_region_ids=frozenset(seat.region_id for seat in unit_seats),
            seats=seats,
        )
    user._luoshi_scope = scope  # type: ignore[attr-defined]
    return scope


def region_list_for(user: User | object) -> QuerySet[Region]:
    scope = scope_for(user)
    regions = Region.objects.all()
    return regions if scope.everything else regions.filter(pk__in=scope.visible_region_ids)


def unit_list_for(user: User | object) -> QuerySet[Unit]:
    scope = scope_for(user)
    units = Unit.objects.select_related("region", "parent")
    if scope.everything:
        return units
    return units.filter(Q(region_id__in=scope.region_ids) | Q(pk__in=scope.unit_ids))


def person_list_for(user: User | object) -> QuerySet[Person]:
    """People of the visible units, and the leaders of every region the user sees anything of."""
    scope = scope_for(user)
    people = Person.objects.select_related("unit", "unit__region", "leader")
    if scope.everything:
        return people
    return people.filter(
        Q(unit__region_id__in=scope.region_ids)
        | Q(unit_id__in=scope.unit_ids)
        | Q(leader__region_id__in=scope.visible_region_ids)
    )


def leader_list_for(user: User | object) -> QuerySet[Leader]:
    scope = scope_for(user)
    leaders = Leader.objects.select_related("person", "region").prefetch_related("oversees")
    if scope.everything:
        return leaders
    return leaders.filter(region_id__in=scope.visible_region_ids)


def region_reader(region: Region) -> User:
    """An account that is never saved and sees what the region's supervision office sees, for
    figures run from the command line (`luoshi stats`) through the same selectors as the pages."""
    covers = _walk({region.pk}, _region_children())
    reader = User(username=f"region-reader-{region.pk}", is_active=True)
    reader._luoshi_scope = Scope(  # type: ignore[attr-defined]
        region_ids=covers,
        seats=(Seat(role=Role.SUPERVISOR, unit_id=0, region_id=region.pk, covers=covers),),
    )
    return reader
