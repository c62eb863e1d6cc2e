"""The rectification ledger's pages: thin; the selectors read, the services write. The office
records a single problem and edits it on its own pages (an edit saved only on the version it was
opened on); a problem of another county, or of a unit the user does not see, is a 404, and the
attempt is in the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from luoshi.audit.http import out_of_scope
from luoshi.core import clock
from luoshi.items import rules as item_rules
from luoshi.items.http import run_service
from luoshi.items.models import DONE_STATUSES, Item
from luoshi.items.services import Conflict, ServiceError
from luoshi.org.http import AuthedRequest, acting_region
from luoshi.rectification import excel, selectors, services
from luoshi.rectification.forms import FilterForm, ImportForm, ProblemForm, ReopenForm
from luoshi.rectification.models import KIND, TOPICS, Problem


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
        out_of_scope(Item, pk=pk, kind=KIND)  # a problem elsewhere: the attempt is logged
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
        "may_edit": problem is not None and item_rules.can_edit_item(request.user, item),
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


def _form_page(
    request: AuthedRequest, form: ProblemForm, title: str, problem: Problem | None = None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "title": title, "problem": problem, "topics": TOPICS}
    return render(request, "rectification/form.html", context, status=status)


def create(request: AuthedRequest) -> HttpResponse:
    """登记 a single problem (the office); assigned to its lead unit at once unless it says not."""
    region = _office_region(request)
    if region is None:
        return render(request, "items/refused.html", {"message": "只有督查办可以登记整改问题。"}, status=403)
    as_of = clock.today()
    form = ProblemForm(
        request.POST or None,
        region=region,  # type: ignore[arg-type]
        initial={"year": as_of.year, "assign": True, "found_on": as_of},
    )
    if request.method == "POST" and form.is_valid():
        made: list[Problem] = []
        assign = form.cleaned_data["assign"]
        if run_service(
            request,
            lambda: made.append(
                services.problem_create(
                    actor=request.user,
                    region=region,  # type: ignore[arg-type]
                    data=form.to_input(),
                    as_of=as_of,
                    assign=assign,
                )
            ),
            "已登记整改问题" + ("，并交办给责任单位。" if assign else "（草稿，待交办）。"),
        ):
            return redirect("rectification:detail", pk=made[0].pk)
    return _form_page(request, form, "登记整改问题")


def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    item = problem.item
    if not item_rules.can_edit_item(request.user, item):
        if item_rules.is_supervisor_of(request.user, item.region_id):
            message = item_rules.cannot_edit_reason(request.user, item)
        else:
            message = item_rules.office_only_reason(request.user, item, "修改整改问题")
        return render(request, "items/refused.html", {"message": message, "item": item}, status=403)
    form = ProblemForm(
        request.POST or None, region=item.region, editing=True, initial=ProblemForm.initial_from(problem)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        try:
            services.problem_update(
                actor=request.user,
                problem=problem,
                data=form.to_input(year=item.year),
                expected_version=version,
                as_of=clock.today(),
            )
        except Conflict as conflict:
            messages.error(request, conflict.message)
            status = 409
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "修改已保存。")
            return redirect("rectification:detail", pk=pk)
    return _form_page(request, form, f"修改整改问题：{item.title}", problem, status)


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
                outcome = services.problems_import(
                    actor=request.user,
                    region=region,  # type: ignore[arg-type]
                    rows=result.rows,
                    columns=result.columns,
                    assign=data["assign"],
                    as_of=as_of,
                    dry_run=dry_run,
                )
            except ServiceError as error:
                errors = [error.message]
            else:
                if dry_run:
                    checked = outcome.message(dry_run=True)
                else:
                    messages.success(request, outcome.message(dry_run=False))
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
