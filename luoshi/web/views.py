from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from luoshi.core import clock
from luoshi.org.models import Region
from luoshi.web import navigation
from luoshi.web.forms import CountySetupForm
from luoshi.web.setup import CountyInput, county_init


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


@never_cache
def county_setup(request: HttpRequest) -> HttpResponse:
    """初始化 (the page of `luoshi init`): a superuser sets up a county — the first one on an empty
    database, or another beside the others. The supervisor's one-time password is shown once."""
    user = request.user
    if not (user.is_active and user.is_superuser):
        raise PermissionDenied("只有超级管理员可以初始化行政区。")
    existing = Region.objects.exists()
    form = CountySetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = CountyInput(**{key: value.strip() for key, value in form.cleaned_data.items()})
        try:
            outcome = county_init(data=data, today=clock.today(), actor=user, add=existing)
        except ValidationError as error:
            for key, messages_ in error.message_dict.items():
                form.add_error(None if key == "__all__" or key not in form.fields else key, messages_)
        else:
            return render(request, "web/setup_done.html", {"outcome": outcome})
    return render(request, "web/setup.html", {"form": form, "existing": existing})
