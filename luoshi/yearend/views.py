"""The year's turn, pages: closing a year, the next year's rules and calendar, the task breakdown
table. The supervision office's alone (403 to everyone else); another county's region is 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from luoshi.core import clock
from luoshi.items import excel
from luoshi.items.models import Item
from luoshi.items.services import ServiceError
from luoshi.org.http import AuthedRequest, acting_region
from luoshi.org.models import Region
from luoshi.yearend import selectors, services
from luoshi.yearend.forms import DECISION_CHOICES, DEFAULT, BreakdownImportForm, YearRulesForm, plan_from_form

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refused(request: AuthedRequest) -> HttpResponse:
    return render(request, "items/refused.html", {"message": "只有督查办可以进行年度结转。"}, status=403)


def _region(request: AuthedRequest) -> Region:
    """The office's own region; another region named in the address is not found (404)."""
    region = acting_region(request)
    asked = request.GET.get("region", "")
    if asked and asked != str(region.pk):
        raise Http404
    return region


def _year(request: AuthedRequest, default: int) -> int:
    value = request.POST.get("year") or request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else default


def _default_year(today_year: int, month: int) -> int:
    """The year to close: this one in December, else the last one."""
    return today_year if month == 12 else today_year - 1


@require_http_methods(["GET", "POST"])
def close(request: AuthedRequest) -> HttpResponse:
    try:
        region = _region(request)
    except PermissionError:
        return _refused(request)
    today = clock.today()
    year = _year(request, _default_year(today.year, today.month))
    items = list(selectors.year_unfinished(region=region, year=year))
    preview = None
    errors: list[str] = []
    if request.method == "POST":
        plan, errors = plan_from_form(request.POST, items)
        if not errors:
            dry_run = "confirm" not in request.POST
            try:
                outcome = services.year_close(
                    actor=request.user, region=region, year=year, as_of=today, plan=plan, dry_run=dry_run
                )
            except ServiceError as error:
                errors = [error.message]
            else:
                if dry_run:
                    preview = outcome
                else:
                    messages.success(request, outcome.message())
                    return redirect(f"{request.path}?year={year}")
    context = {
        "region": region,
        "year": year,
        "as_of": today,
        "items": items,
        "rows": [_row(item, request.POST) for item in items],
        "preview": preview,
        "errors": errors,
        "posted": request.POST,
        "decisions": DECISION_CHOICES,
        "bulk_decisions": DECISION_CHOICES[1:],
        "closings": selectors.year_closings(region=region, year=year),
        "too_early": today < services.earliest_closing(year),
        "earliest": services.earliest_closing(year),
    }
    return render(request, "yearend/close.html", context, status=400 if errors else 200)


def _row(item: Item, posted: QueryDict) -> dict[str, object]:
    """An item with the choice the office made on the page, kept through the preview."""
    return {
        "item": item,
        "decision": posted.get(f"decision-{item.pk}", DEFAULT),
        "reason": posted.get(f"reason-{item.pk}", ""),
        "deadline": posted.get(f"deadline-{item.pk}", ""),
        "version": posted.get(f"version-{item.pk}", item.version),
    }


@require_http_methods(["GET", "POST"])
def next_year(request: AuthedRequest) -> HttpResponse:
    try:
        region = _region(request)
    except PermissionError:
        return _refused(request)
    today = clock.today()
    form = YearRulesForm(request.POST or None, initial={"year": _year(request, today.year + 1)})
    if request.method == "POST":
        if not form.is_valid():
            return redirect(request.path)
        year = form.cleaned_data["year"]
        try:
            rules = services.year_rules_copy(actor=request.user, region=region, year=year)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{year}年度预警规则：{rules.rule_set.note or rules.rule_set}。")
        return redirect(f"{request.path}?year={year}")
    year = form.initial["year"]
    status = selectors.next_year_status(region=region, year=year, as_of=today)
    context = {"region": region, "status": status, "as_of": today, "form": form}
    return render(request, "yearend/next_year.html", context)


@require_http_methods(["GET", "POST"])
def breakdown_import(request: AuthedRequest) -> HttpResponse:
    try:
        region = _region(request)
    except PermissionError:
        return _refused(request)
    today = clock.today()
    form = BreakdownImportForm(request.POST or None, request.FILES or None, initial={"year": today.year + 1})
    errors: list[object] = []
    errors_not_listed = 0
    checked = ""
    if request.method == "POST" and form.is_valid():
        upload, year = form.cleaned_data["file"], form.cleaned_data["year"]
        dry_run = bool(request.POST.get("dry_run"))
        result = excel.read_sheet(upload, region=region, year=year)
        errors, errors_not_listed = list(result.errors), result.errors_not_listed
        if result.ok and result.updates:
            errors = ["任务分解表只能新增事项：请删除“编号”“版本”列后再导入。"]
        elif result.ok:
            try:
                outcome = services.breakdown_import(
                    actor=request.user,
                    region=region,
                    year=year,
                    rows=result.rows,
                    as_of=today,
                    dry_run=dry_run,
                )
            except ServiceError as error:
                errors = [error.message]
            else:
                message = outcome.message(assigned=False, dry_run=dry_run)
                if dry_run:
                    checked = message
                else:
                    messages.success(request, f"{year}年度{message}")
                    return redirect("items:list")
    context = {"form": form, "errors": errors, "errors_not_listed": errors_not_listed, "checked": checked}
    return render(request, "yearend/import.html", context | {"region": region}, status=400 if errors else 200)


def breakdown_template(request: AuthedRequest) -> HttpResponse:
    try:
        region = _region(request)
    except PermissionError:
        return _refused(request)
    year = _year(request, clock.today().year + 1)
    response = HttpResponse(excel.breakdown_template_workbook(region, year), content_type=XLSX)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E4%BB%BB%E5%8A%A1%E5%88%86%E8%A7%A3%E8%A1%A8.xlsx"
    )
    return response


def item_section(item: Item) -> str:
    """On an item's page: the item it was carried from, with that item's timeline, or the one it
    was carried into."""
    lineage = selectors.lineage_of(item)
    if lineage is None:
        return ""
    return render_to_string("yearend/_item_section.html", {"lineage": lineage, "item": item})
