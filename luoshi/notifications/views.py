from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from luoshi.notifications import selectors, services
from luoshi.org.http import AuthedRequest

PAGE_SIZE = 30


def notification_list(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
        services.notifications_mark_read(user=request.user, ids=ids)
        if request.headers.get("HX-Request"):
            return HttpResponse("")
        return redirect("notifications:list")
    page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


def unread_badge(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "notifications/_unread_badge.html", {"unread": selectors.unread_count(request.user)}
    )
