from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpResponse
from django.shortcuts import redirect, render

from luoshi.alerts.selectors import pending_proposals_for
from luoshi.assessment.selectors import dashboard_panel
from luoshi.core import clock
from luoshi.dashboard.selectors import dashboard_for
from luoshi.org.http import AuthedRequest
from luoshi.org.models import Region, Role
from luoshi.org.selectors import scope_for

# Who lands on the dashboard after logging in; units land on their work.
DASHBOARD_ROLES = {Role.LEADER, Role.SUPERVISOR, Role.VIEWER}


def home(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if request.user.is_superuser and not Region.objects.exists():
        return redirect("setup")  # an empty database: set up the county first (luoshi init's page)
    if scope.everything or scope.roles() & DASHBOARD_ROLES:
        return redirect("dashboard:index")
    if Role.AUDITOR in scope.roles():
        return redirect("audit_log")
    return redirect("work")


def index(request: AuthedRequest) -> HttpResponse:
    today = clock.today()
    try:
        as_of = date.fromisoformat(request.GET.get("as_of", "")) if request.GET.get("as_of") else today
    except ValueError:
        as_of = today
    as_of = min(as_of, today)
    board = dashboard_for(request.user, as_of=as_of, today=today)
    last_month_end = as_of.replace(day=1) - timedelta(days=1)
    is_supervisor = any(seat.role == Role.SUPERVISOR for seat in scope_for(request.user).seats)
    context = {
        "board": board,
        "today": today,
        "is_today": as_of == today,
        "last_month_end": last_month_end,
        "proposals": list(pending_proposals_for(request.user)[:20]) if is_supervisor else [],
        "is_supervisor": is_supervisor,
        "assessment": dashboard_panel(user=request.user, as_of=as_of),
        "chart": {
            "trend": board.trend,
            "kinds": [{"label": k.label, "counts": k.counts, "links": k.links} for k in board.kinds],
        },
    }
    return render(request, "dashboard/index.html", context)
