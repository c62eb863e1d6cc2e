from __future__ import annotations

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from luoshi.audit.http import scoped_object_or_404
from luoshi.audit.models import Action as AuditAction
from luoshi.audit.services import audit_record
from luoshi.core import clock
from luoshi.org.forms import OrganisationImportForm
from luoshi.org.http import AuthedRequest, organisation_region
from luoshi.org.models import Region, Unit
from luoshi.org.rules import can_import_organisation, can_see_phone
from luoshi.org.selectors import leader_list_for, person_list_for, region_list_for, unit_list_for
from luoshi.org.sheets import OrgImportError, org_export, org_import, org_read, org_template


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


# ---------------------------------------------------------------------------------------------
# 导入组织机构: the template, the import (a dry run first, if wished) and the export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _region(request: AuthedRequest) -> Region:
    if not can_import_organisation(request.user):
        raise PermissionDenied("只有本县的系统管理员或督查办可以导入、导出组织机构。")
    try:
        return organisation_region(request)
    except PermissionError:
        raise PermissionDenied("还没有可以导入组织机构的县：请先初始化。") from None


def organisation_template(request: AuthedRequest) -> HttpResponse:
    _region(request)
    return _xlsx(org_template(), "组织机构导入模板.xlsx")


def organisation_export(request: AuthedRequest) -> HttpResponse:
    region = _region(request)
    content = org_export(region)
    audit_record(action=AuditAction.EXPORTED, region=region, summary=f"导出{region.name}的组织机构")
    response = _xlsx(content, f"{region.name}组织机构_{clock.today():%Y%m%d}.xlsx")
    response["Cache-Control"] = "no-store"  # people's full phone numbers: kept in no cache
    return response


@never_cache
def organisation_import(request: AuthedRequest) -> HttpResponse:
    """Upload, check (and list what would change), import. The new accounts' one-time passwords are
    shown once, on the page that answers the import, to be printed: they are kept nowhere."""
    region = _region(request)
    form = OrganisationImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"region": region, "form": form}
    if request.method == "POST" and form.is_valid():
        plan = org_read(form.cleaned_data["file"], region=region, actor=request.user)
        context["plan"] = plan
        if plan.ok and not request.POST.get("dry_run"):
            try:
                outcome = org_import(plan)
            except OrgImportError as error:
                context["failure"] = error.message
            else:
                return render(
                    request,
                    "org/import_done.html",
                    {"region": region, "outcome": outcome, "changes": plan.changes()},
                )
        context["dry_run"] = bool(request.POST.get("dry_run"))
    return render(request, "org/import.html", context)
