"""The rectification ledger's pages: thin; the selectors read, the services write."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from luoshi.core import clock
from luoshi.items import rules as item_rules
from luoshi.items.http import run_service
from luoshi.items.models import DONE_STATUSES, Item
from luoshi.items.services import ServiceError
from luoshi.org.http import AuthedRequest, acting_region
from luoshi.rectification import excel, selectors, services
from luoshi.rectification.forms import FilterForm, ImportForm, ReopenForm
from luoshi.rectification.models import KIND, Problem


def ledger(request: AuthedRequest) -> HttpResponse:
    as_of = clock.today()
    form = FilterForm(request.GET or None)
    filters = selectors.LedgerFilters(**form.cleaned_data) if form.is_valid() else selectors.LedgerFilters()
    rows = list(selectors.ledger_items(request.user, filters, as_of=as_of)[:500])
    context = {
        "form": form,
        "rows": rows,
        "counts": selectors.counts_table(request.user, as_of=as_of),
        "as_of": as_of,
        "is_office": _office_region(request) is not None,
    }
    return render(request, "rectification/ledger.html", context)


def _office_region(request: AuthedRequest) -> object:
    try:
        return acting_region(request)
    except PermissionError:
        return None


def _item(request: AuthedRequest, pk: int) -> Item:
    try:
        return selectors.problem_detail_for(request.user, pk)
    except Item.DoesNotExist:
        raise Http404 from None


def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    problem: Problem | None = getattr(item, "problem", None)
    is_office = item_rules.is_supervisor_of(request.user, item.region_id)
    reopened_by = (
        Problem.objects.filter(reopens_id=item.pk).select_related("item").first() if problem else None
    )
    context = {
        "item": item,
        "problem": problem,
        "lineage": services.lineage(problem) if problem else [],
        "reopened_by": reopened_by,
        "close_refusal": services.close_refusal(item),
        "is_office": is_office,
        "reopen_form": ReopenForm()
        if is_office and problem and item.status in DONE_STATUSES and reopened_by is None
        else None,
    }
    return render(request, "rectification/detail.html", context)


def _problem(request: AuthedRequest, pk: int) -> Problem:
    item = _item(request, pk)
    problem = getattr(item, "problem", None)
    if problem is None:
        raise Http404
    return problem


@require_POST
def close(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    if not item_rules.is_supervisor_of(request.user, problem.item.region_id):
        return HttpResponse("只有督查办可以销号。", status=403)
    run_service(
        request,
        lambda: services.problem_close(actor=request.user, problem=problem, as_of=clock.today()),
        "已销号。",
    )
    return redirect("rectification:detail", pk=pk)


@require_POST
def reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    if not item_rules.is_supervisor_of(request.user, problem.item.region_id):
        return HttpResponse("只有督查办可以重新整改。", status=403)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect("rectification:detail", pk=pk)
    made: list[Problem] = []
    if run_service(
        request,
        lambda: made.append(
            services.problem_reopen(
                actor=request.user, problem=problem, as_of=clock.today(), **form.cleaned_data
            )
        ),
        "已重新整改，保留原问题的全部记录。",
    ):
        return redirect("rectification:detail", pk=made[0].pk)
    return redirect("rectification:detail", pk=pk)


def import_sheet(request: AuthedRequest) -> HttpResponse:
    """A sheet of problems (a list of suspected patches with their places), all or nothing."""
    region = _office_region(request)
    if region is None:
        return render(request, "items/refused.html", {"message": "只有督查办可以导入整改问题。"}, status=403)
    as_of = clock.today()
    form = ImportForm(request.POST or None, request.FILES or None, initial={"year": as_of.year})
    errors: list[object] = []
    checked = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = excel.read_problems_sheet(data["file"], region=region, year=data["year"])  # type: ignore[arg-type]
        errors = list(result.errors)
        dry_run = bool(request.POST.get("dry_run"))
        if result.ok:
            try:
                created = services.problems_import(
                    actor=request.user,
                    region=region,  # type: ignore[arg-type]
                    rows=result.rows,
                    assign=data["assign"],
                    as_of=as_of,
                    dry_run=dry_run,
                )
            except ServiceError as error:
                errors = [error.message]
            else:
                if dry_run:
                    checked = f"检查通过（尚未导入）：{len(result.rows)} 个问题都可以导入。"
                else:
                    messages.success(request, f"已导入 {len(created)} 个整改问题。")
                    return redirect("rectification:ledger")
    context = {
        "form": form,
        "errors": errors,
        "checked": checked,
        "region": region,
        "columns": excel.template_rows(),
    }
    return render(request, "rectification/import.html", context, status=400 if errors else 200)


def item_section(item: Item) -> str:
    """On an item's page: its problem's record, with a link and how it is closed."""
    problem = Problem.objects.filter(pk=item.pk).first() if item.kind == KIND else None
    if problem is None:
        return ""
    return render_to_string("rectification/_item_section.html", {"problem": problem})
