from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from luoshi.audit.http import scoped_object_or_404
from luoshi.org.models import Unit
from luoshi.org.rules import can_see_phone
from luoshi.org.selectors import leader_list_for, person_list_for, region_list_for, unit_list_for


def directory(request: HttpRequest) -> HttpResponse:
    """The organisation the user may see: leaders with what they oversee, and units by kind."""
    regions = list(region_list_for(request.user))
    units = list(unit_list_for(request.user).filter(is_active=True))
    leaders = list(leader_list_for(request.user).filter(is_active=True))
    by_region = [
        {
            "region": region,
            "leaders": [leader for leader in leaders if leader.region_id == region.pk],
            "groups": [
                (label, [u for u in units if u.region_id == region.pk and u.kind == kind])
                for kind, label in Unit.Kind.choices
            ],
        }
        for region in regions
    ]
    return render(request, "org/directory.html", {"regions": by_region})


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = scoped_object_or_404(unit_list_for(request.user), pk=pk)
    people = person_list_for(request.user).filter(unit=unit, is_active=True)
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "people": people,
            "overseers": unit.overseen_by.select_related("person"),
            "children": unit_list_for(request.user).filter(parent=unit),
        },
    )


def people(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    people = (
        person_list_for(request.user)
        .filter(is_active=True)
        .order_by("unit__region__sort_order", "unit__sort_order", "sort_order", "pk")
    )
    if query:
        people = people.filter(
            Q(name__contains=query) | Q(post__contains=query) | Q(unit__short_name__contains=query)
        )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "org/people.html", {"page": page, "query": query})


def person_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """The full phone number, for those allowed to call; lists show it masked."""
    person = scoped_object_or_404(person_list_for(request.user), pk=pk)
    if not can_see_phone(request.user, person):
        return HttpResponse(person.masked_phone)
    return HttpResponse(person.phone)
