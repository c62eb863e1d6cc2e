"""The indicators' pages: thin; the selectors read, the services write, compute.py decides."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from luoshi.core import clock
from luoshi.indicators import compute, excel, rules, selectors, services
from luoshi.indicators.forms import (
    CatchUpForm,
    IndicatorForm,
    MonthEntryForm,
    MonthPickForm,
    PeerEntryForm,
    StatisticsImportForm,
    ValueVerifyForm,
)
from luoshi.indicators.models import UNITS, Indicator, Value
from luoshi.items.http import evidence_response, run_service
from luoshi.items.selectors import item_events, sees_many_regions
from luoshi.items.services import ServiceError
from luoshi.org.http import AuthedRequest, acting_region

MONTHS = [f"{m}月" for m in range(1, 13)]


def _indicator(request: AuthedRequest, pk: int) -> Indicator:
    try:
        return selectors.indicator_detail_for(request.user, pk)
    except Indicator.DoesNotExist:
        raise Http404 from None


def _year(request: AuthedRequest, default: int) -> int:
    try:
        return int(request.GET.get("year", default))
    except ValueError:
        return default


def table(request: AuthedRequest) -> HttpResponse:
    """The indicator table a magistrate reads: target, actual, completion, growth, rank, colour."""
    as_of = clock.today()
    year = _year(request, as_of.year)
    rows = selectors.table_rows(request.user, as_of=as_of, year=year)
    context = {
        "rows": rows,
        "year": year,
        "as_of": as_of,
        "month": compute.reporting_month(year, as_of),
        "many_regions": sees_many_regions(request.user),
        "lagging": len(selectors.lagging_rows(rows)),
        "illustrative": any(row.illustrative for row in rows),
        "may_import": _office_region(request) is not None,
    }
    return render(request, "indicators/table.html", context)


def catch_up_ledger(request: AuthedRequest) -> HttpResponse:
    """赶超台账: the lagging indicators, the pace that closes each gap, and their catch-up items."""
    as_of = clock.today()
    year = _year(request, as_of.year)
    rows = selectors.lagging_rows(selectors.table_rows(request.user, as_of=as_of, year=year))
    items = selectors.catch_up_items_for(request.user, rows)
    context = {
        "entries": [(row, items.get(row.catch_up_item_id or 0)) for row in rows],
        "year": year,
        "as_of": as_of,
        "many_regions": sees_many_regions(request.user),
        "may_open": {row.pk for row in rows if rules.can_manage(request.user, row.region_id)},
    }
    return render(request, "indicators/catch_up.html", context)


def _chart(row: selectors.Row) -> dict[str, Any]:
    facts = row.facts
    return {
        "months": MONTHS,
        "unit": row.unit,
        "actual": [_plain(facts.this_year.get(m)) for m in range(1, 13)],
        "last_year": [_plain(facts.last_year.get(m)) for m in range(1, 13)],
        "target": [_plain(v) for v in compute.trajectory(facts)],
    }


def _plain(value: Any) -> float | None:
    return None if value is None else float(value)


def indicator_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    item = indicator.item
    as_of = clock.today()
    row = selectors.indicator_results([indicator.pk], as_of=as_of)[indicator.pk]
    history = list(selectors.indicator_history(indicator)[:60])
    context = {
        "indicator": indicator,
        "item": item,
        "row": row,
        "as_of": as_of,
        "chart": _chart(row),
        "history": history,
        "latest": next(
            (v for v in history if v.is_current and v.year == row.year and v.month == row.result.month),
            None,
        ),
        "events": list(item_events(item)[:20]),
        "may_enter": rules.can_enter_values(request.user, item),
        "may_verify": rules.can_verify_values(request.user, item),
        "may_manage": rules.can_manage(request.user, item.region_id),
        "verdicts": ValueVerifyForm.base_fields["verdict"].choices,  # type: ignore[attr-defined]
        "catch_up": indicator.catch_up_item,
    }
    return render(request, "indicators/detail.html", context)


@require_POST
def value_verify(request: AuthedRequest, pk: int) -> HttpResponse:
    """The office's verdict on one month's current figure, posted from the indicator's page."""
    indicator = _indicator(request, pk)
    if not rules.can_verify_values(request.user, indicator.item):
        return render(request, "items/refused.html", {"message": "只有督查办可以核实指标数据。"}, status=403)
    form = ValueVerifyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(str(error) for error in errors))
        return redirect("indicators:detail", pk=indicator.pk)
    data = form.cleaned_data
    value = Value.objects.filter(
        indicator=indicator, year=data["year"], month=data["month"], is_current=True
    ).first()
    if value is None:
        raise Http404
    run_service(
        request,
        lambda: services.value_verify(
            actor=request.user, value=value, verdict=data["verdict"], note=data["note"]
        ),
        f"{value.year}年{value.month}月的数据已核实。",
    )
    return redirect("indicators:detail", pk=indicator.pk)


def _month(request: AuthedRequest, year: int, as_of: date) -> tuple[int, range]:
    """The month a page is for (`?month=`, else the last ended one) and the months it may be for:
    those of `year` that have ended by `as_of`. A month outside them is not a page (404), never
    quietly another month."""
    ended = compute.reporting_month(year, as_of)
    months = range(1, ended + 1)
    if "month" not in request.GET:
        return max(ended, 1), months
    pick = MonthPickForm(request.GET)
    if not pick.is_valid() or pick.cleaned_data["month"] not in months:
        raise Http404("没有这个月份的数据")
    return pick.cleaned_data["month"], months


def month_entry(request: AuthedRequest) -> HttpResponse:
    """A unit enters all its indicators of a month at once; a changed figure needs its reason.
    The year is that of the last month ended (in January, last December's figures come in)."""
    as_of = clock.today()
    year = as_of.year if as_of.month > 1 else as_of.year - 1
    month, months = _month(request, year, as_of)
    indicators = selectors.entry_indicators(request.user, year=year)
    current = selectors.month_values(indicators, year=year, month=month)
    form = MonthEntryForm(request.POST or None, request.FILES or None, indicators=indicators, current=current)
    if request.method == "POST" and form.is_valid():
        entries = form.entries(month)
        by_pk = {indicator.pk: indicator for indicator in indicators}

        def record() -> None:
            with transaction.atomic():
                for pk, entry in entries.items():
                    services.values_record(
                        actor=request.user, indicator=by_pk[pk], year=year, entries=[entry], as_of=as_of
                    )

        if run_service(request, record, f"{year}年{month}月的指标数据已保存。"):
            return redirect(f"{request.path}?month={month}")
    context = {"form": form, "month": month, "year": year, "months": months, "as_of": as_of}
    return render(request, "indicators/entry.html", context)


def catch_up_open(request: AuthedRequest, pk: int) -> HttpResponse:
    """Open the catch-up item of a lagging indicator (the office only)."""
    indicator = _indicator(request, pk)
    item = indicator.item
    if not rules.can_manage(request.user, item.region_id):
        return render(request, "items/refused.html", {"message": "只有督查办可以建立赶超事项。"}, status=403)
    form = CatchUpForm(request.POST or None, region_id=item.region_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            request,
            lambda: services.catch_up_item_open(
                actor=request.user,
                indicator=indicator,
                measures=data["measures"],
                patron_leader=data["patron_leader"],
                lead_unit=data["lead_unit"],
                support_units=list(data["support_units"]),
                as_of=clock.today(),
            ),
            "赶超事项已建立并交办。",
        ):
            return redirect("indicators:detail", pk=indicator.pk)
    return render(
        request, "indicators/catch_up_form.html", {"form": form, "indicator": indicator, "item": item}
    )


def _form_page(
    request: AuthedRequest, form: IndicatorForm, title: str, indicator: Indicator | None = None
) -> HttpResponse:
    context = {"form": form, "title": title, "indicator": indicator, "units": UNITS}
    return render(request, "indicators/form.html", context)


def indicator_create(request: AuthedRequest) -> HttpResponse:
    """The office sets an indicator: its target, units, leader, and last year's monthly figures."""
    region = _office_region(request)
    if region is None:
        return render(request, "items/refused.html", {"message": "只有督查办可以设置考核指标。"}, status=403)
    as_of = clock.today()
    form = IndicatorForm(request.POST or None, region=region, initial={"year": as_of.year})
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        created: list[Indicator] = []

        def create() -> None:
            with transaction.atomic():
                indicator = services.indicator_create(
                    actor=request.user,
                    region=region,
                    data=form.indicator_input(year=year),
                    assign=form.cleaned_data["assign"],
                    as_of=as_of,
                )
                last = form.last_year(source="上年统计数据")
                if last:
                    services.values_record(
                        actor=request.user, indicator=indicator, year=year - 1, entries=last, as_of=as_of
                    )
                created.append(indicator)

        if run_service(request, create, "考核指标已设置。"):
            return redirect("indicators:detail", pk=created[0].pk)
    return _form_page(request, form, "设置考核指标")


def indicator_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    item = indicator.item
    if not rules.can_manage(request.user, item.region_id):
        return render(request, "items/refused.html", {"message": "只有督查办可以修改考核指标。"}, status=403)
    current = services.indicator_input_of(indicator)
    last = selectors.month_figures(indicator, year=item.year - 1)
    initial = {
        **current.__dict__,
        "type": current.type.value,
        "version": item.version,
        **{f"last_{month}": value for month, value in last.items()},
    }
    form = IndicatorForm(request.POST or None, region=item.region, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        as_of = clock.today()

        def update() -> None:
            with transaction.atomic():
                services.indicator_update(
                    actor=request.user,
                    indicator=indicator,
                    data=form.indicator_input(year=item.year, code=item.code),
                    as_of=as_of,
                    expected_version=form.cleaned_data["version"],
                )
                services.values_record(
                    actor=request.user,
                    indicator=indicator,
                    year=item.year - 1,
                    entries=form.last_year(),
                    as_of=as_of,
                )

        if run_service(request, update, "已保存。"):
            return redirect("indicators:detail", pk=pk)
    return _form_page(request, form, f"修改：{item.title}", indicator)


def peer_entry(request: AuthedRequest, pk: int) -> HttpResponse:
    """The office enters a month of the city's ranking table for one indicator: the other counties'
    figures, where they keep no ledger here."""
    indicator = _indicator(request, pk)
    item = indicator.item
    if not rules.can_manage(request.user, item.region_id):
        return render(
            request, "items/refused.html", {"message": "只有督查办可以录入同级县区数据。"}, status=403
        )
    as_of = clock.today()
    month, months = _month(request, item.year, as_of)
    lines = selectors.peer_lines(indicator, month=month)
    form = PeerEntryForm(request.POST or None, lines=lines)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            lambda: services.peer_values_record(
                actor=request.user,
                indicator=indicator,
                year=item.year,
                entries=form.entries(month),
                as_of=as_of,
            ),
            f"{item.year}年{month}月的同级县区数据已保存。",
        )
    ):
        return redirect(f"{request.path}?month={month}")
    row = selectors.indicator_results([indicator.pk], as_of=as_of)[indicator.pk]
    context = {
        "indicator": indicator,
        "item": item,
        "form": form,
        "month": month,
        "months": months,
        "row": row,
    }
    return render(request, "indicators/peers.html", context)


def evidence_file(request: AuthedRequest, pk: int, thumbnail: bool = False) -> HttpResponseBase:
    """A figure's evidence file, served only here, after the permission check of its indicator."""
    return evidence_response(
        get_object_or_404(selectors.value_evidence_for(request.user), pk=pk), thumbnail=thumbnail
    )


def _office_region(request: AuthedRequest) -> Any:
    try:
        return acting_region(request)
    except PermissionError:
        return None


def statistics_import(request: AuthedRequest) -> HttpResponse:
    """The statistics bureau's sheet of a month: every indicator's figure at once, all or nothing."""
    region = _office_region(request)
    if region is None:
        return render(request, "items/refused.html", {"message": "只有督查办可以导入统计数据。"}, status=403)
    as_of = clock.today()
    last = compute.reporting_month(as_of.year, as_of)
    initial = {"month": date(as_of.year, last, 1)} if last else {}
    form = StatisticsImportForm(request.POST or None, request.FILES or None, initial=initial)
    errors: list[object] = []
    checked = ""
    if request.method == "POST" and form.is_valid():
        month: date = form.cleaned_data["month"]
        result = excel.read_indicators_sheet(
            form.cleaned_data["file"], region=region, year=month.year, month=month.month
        )
        errors = list(result.errors)
        if result.errors_not_listed:
            errors.append(f"另有 {result.errors_not_listed} 处错误未列出。")
        dry_run = bool(request.POST.get("dry_run"))
        if result.ok:
            try:
                counts = services.values_import(
                    actor=request.user,
                    region=region,
                    year=month.year,
                    month=month.month,
                    rows=result.rows,
                    peers=result.peers,
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
                    messages.success(request, f"已导入{when}的统计数据：{counts.summary()}。")
                    return redirect(f"{reverse('indicators:table')}?year={month.year}")
    context = {"form": form, "errors": errors, "checked": checked, "region": region}
    return render(request, "indicators/import.html", context, status=400 if errors else 200)
