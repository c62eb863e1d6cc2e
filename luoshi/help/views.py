"""The help pages: an index with the questions new users ask, and one guide per role.

Every logged-in user reads every guide (a unit head may want to know what the office does with
his report); the pages hold no work data, only the reader's own region's rules and calendar.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from luoshi.core import clock
from luoshi.help import sections
from luoshi.help.selectors import help_facts
from luoshi.org.http import AuthedRequest
from luoshi.org.models import Membership


def _own_guides(request: AuthedRequest) -> list[sections.Guide]:
    roles = Membership.objects.filter(user=request.user).order_by("pk").values_list("role", flat=True)
    return sections.guides_for(roles, is_superuser=request.user.is_superuser)


@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    context = {
        "guides": sections.GUIDES,
        "own_guides": _own_guides(request),
        "facts": help_facts(request.user, as_of=clock.today()),
    }
    return render(request, "help/index.html", context)


@require_GET
def guide(request: AuthedRequest, guide: str) -> HttpResponse:
    chosen = sections.GUIDE_BY_SLUG.get(guide)
    if chosen is None:
        raise Http404
    context = {
        "guide": chosen,
        "guides": sections.GUIDES,
        "own_guides": _own_guides(request),
        "facts": help_facts(request.user, as_of=clock.today()),
    }
    return render(request, f"help/guides/{chosen.slug}.html", context)
