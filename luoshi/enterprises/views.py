"""The enterprises' pages: thin; the selectors read, the services write."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from luoshi.core import clock
from luoshi.enterprises import excel, rules, selectors, services
from luoshi.enterprises.forms import TaxImportForm, base_data_form
from luoshi.enterprises.models import Category, Enterprise
from luoshi.enterprises.setup import KINDS, BaseData, field_labels, field_text
from luoshi.items.http import run_service
from luoshi.items.selectors import sees_many_regions
from luoshi.items.services import ServiceError
from luoshi.org.http import AuthedRequest, acting_region
from luoshi.org.models import Region

VIEWS = (("statistics", "在库五上企业"), ("candidates", "培育库"), ("taxpayers", "重点税源企业"))


def _office_region(request: AuthedRequest) -> Region | None:
    try:
        return acting_region(request)
    except PermissionError:
        return None


def enterprise_list(request: AuthedRequest) -> HttpResponse:
    as_of = clock.today()
    view = request.GET.get("view", "statistics")
    if view not in dict(VIEWS):
        view = "statistics"
    stats = selectors.enterprises_stats(user=request.user, as_of=as_of)
    context: dict[str, object] = {
        "view": view,
        "views": VIEWS,
        "as_of": as_of,
        "stats": stats,
        "many_regions": sees_many_regions(request.user),
        "may_import": _office_region(request) is not None,
    }
    if view == "statistics":
        rows = selectors.in_statistics(selectors.enterprise_list_for(request.user), as_of)
        category = request.GET.get("category", "")
        if category in Category.values:
            rows = rows.filter(category=category)
        counts = stats["by_category"]
        categories = [(value, label, counts[label]) for value, label in Category.choices]
        context |= {"rows": rows.order_by("category", "name"), "categories": categories, "category": category}
    elif view == "candidates":
        found = selectors.candidates(request.user, year=as_of.year, as_of=as_of)
        context |= {
            "candidates": found,
            "may_cultivate": {
                c.enterprise.pk for c in found if rules.can_manage(request.user, c.enterprise.region_id)
            },
        }
    else:
        context |= {"taxpayers": selectors.key_taxpayers(request.user, as_of=as_of)}
    return render(request, "enterprises/list.html", context)


def enterprise_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        enterprise = selectors.enterprise_detail_for(request.user, pk)
    except Enterprise.DoesNotExist:
        raise Http404 from None
    context = {
        "enterprise": enterprise,
        "taxes": enterprise.taxes.order_by("-month")[:24],
        "may_cultivate": rules.can_manage(request.user, enterprise.region_id)
        and enterprise.candidate_year is not None
        and not enterprise.in_statistics
        and enterprise.cultivation_item_id is None,
    }
    return render(request, "enterprises/detail.html", context)


@require_POST
def cultivate(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        enterprise = selectors.enterprise_detail_for(request.user, pk)
    except Enterprise.DoesNotExist:
        raise Http404 from None
    if not rules.can_manage(request.user, enterprise.region_id):
        return render(
            request, "items/refused.html", {"message": "只有督查办可以建立培育督办事项。"}, status=403
        )
    run_service(
        request,
        lambda: services.cultivation_item_open(
            actor=request.user, enterprise=enterprise, as_of=clock.today()
        ),
        "培育督办事项已建立并交办。"
        if enterprise.unit_id
        else "培育督办事项已建立（草稿，尚无服务单位，请指定后交办）。",
    )
    return redirect("enterprises:detail", pk=enterprise.pk)


def taxes_import(request: AuthedRequest) -> HttpResponse:
    """The tax office's monthly list of key taxpayers, all or nothing."""
    region = _office_region(request)
    if region is None:
        return render(request, "items/refused.html", {"message": "只有督查办可以导入税收数据。"}, status=403)
    as_of = clock.today()
    # The month the tax office reports: the one before this.
    previous = date(as_of.year, as_of.month - 1, 1) if as_of.month > 1 else date(as_of.year - 1, 12, 1)
    form = TaxImportForm(request.POST or None, request.FILES or None, initial={"month": previous})
    errors: list[object] = []
    checked = ""
    if request.method == "POST" and form.is_valid():
        month: date = form.cleaned_data["month"]
        result = excel.read_tax_sheet(form.cleaned_data["file"], region=region)
        errors = list(result.errors)
        if result.errors_not_listed:
            errors.append(f"另有 {result.errors_not_listed} 处错误未列出。")
        dry_run = bool(request.POST.get("dry_run"))
        if result.ok:
            try:
                counts = services.taxes_import(
                    actor=request.user,
                    region=region,
                    month=month,
                    rows=result.rows,
                    as_of=as_of,
                    dry_run=dry_run,
                )
            except ServiceError as error:
                errors = [error.message]
            else:
                when = f"{month.year}年{month.month}月"
                if dry_run:
                    checked = f"检查通过（尚未导入）：{when}{counts.summary()}。"
                else:
                    messages.success(request, f"已导入{when}的重点税源企业税收：{counts.summary()}。")
                    return redirect(f"{reverse('enterprises:list')}?view=taxpayers")
    return render(
        request,
        "enterprises/import.html",
        {"form": form, "errors": errors, "checked": checked, "region": region},
    )


# -- The base data the office keeps: enterprises, thresholds, the year's target ---------------------


def _base_data(request: AuthedRequest, kind: str) -> tuple[BaseData, Region] | HttpResponse:
    found = KINDS.get(kind)
    if found is None:
        raise Http404
    region = _office_region(request)
    if region is None or not rules.can_manage(request.user, region.pk):
        message = "只有督查办可以维护五上企业的基础数据。"
        return render(request, "items/refused.html", {"message": message}, status=403)
    return found, region


def setup_list(request: AuthedRequest, kind: str) -> HttpResponse:
    """A kind of base data of the office's region, each row with its edit link."""
    checked = _base_data(request, kind)
    if isinstance(checked, HttpResponse):
        return checked
    found, region = checked
    related = [name for name in found.fields if found.model._meta.get_field(name).is_relation]
    rows = [
        (row, [field_text(row, name) for name in found.fields])
        for row in found.model._default_manager.filter(region=region).select_related(*related)
    ]
    context = {
        "kind": found,
        "kinds": KINDS.values(),
        "region": region,
        "rows": rows,
        "fields": field_labels(found),
    }
    return render(request, "enterprises/setup_list.html", context)


def setup_edit(request: AuthedRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """Create (no pk) or change a row of the office's own region."""
    checked = _base_data(request, kind)
    if isinstance(checked, HttpResponse):
        return checked
    found, region = checked
    manager = found.model._default_manager
    try:
        instance = manager.get(pk=pk, region=region) if pk is not None else found.model(region=region)
    except found.model.DoesNotExist:  # type: ignore[attr-defined]
        raise Http404 from None
    form = base_data_form(found, region=region, data=request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        if run_service(
            request,
            lambda: services.base_data_save(actor=request.user, region=region, row=row, as_of=clock.today()),
            f"{found.label}已保存。",
        ):
            return redirect("enterprises:setup", kind=found.slug)
    title = f"{'修改' if pk else '新增'}{found.label}"
    return render(request, "enterprises/setup_form.html", {"form": form, "title": title, "kind": found})
