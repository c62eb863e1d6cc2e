from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from luoshi.core import navigation
from luoshi.org.selectors import home_region_for, scope_for


def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    return render(
        request,
        "core/home.html",
        {"region": home_region_for(request.user), "scope_is_empty": scope.is_empty},
    )


def pending(request: HttpRequest, key: str) -> HttpResponse:
    """A page of the navigation whose issue is not built yet: say so, show nothing invented."""
    page = navigation.PAGES_BY_KEY.get(key)
    if page is None or page.built:
        raise Http404
    return render(request, "core/pending.html", {"page": page})


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and monitoring: the app answers and its database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
