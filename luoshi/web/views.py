from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from luoshi.web import navigation


def pending(request: HttpRequest, key: str) -> HttpResponse:
    """A page of the navigation whose issue is not built yet: say so, show nothing invented."""
    page = navigation.page_by_key(key)
    if page is None or page.built:
        raise Http404
    return render(request, "web/pending.html", {"page": page})


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and monitoring: the app answers and its database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out login gets instead of the login form (AXES_LOCKOUT_CALLABLE): 429, in Chinese.

    It names neither which limit was reached nor whether the account exists.
    """
    context = {
        "failure_limit": settings.LUOSHI_LOGIN_FAILURE_LIMIT,
        "minutes": settings.LUOSHI_LOGIN_LOCKOUT_MINUTES,
    }
    return render(request, "web/locked.html", context, status=429)
