"""The assessment's pages: thin; the selectors read, the services write, scoring.py decides."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from luoshi.assessment import rules, selectors, services
from luoshi.assessment.forms import AppealForm, DecisionForm, RecordForm
from luoshi.assessment.models import Appeal, Record, RecordEvidence, Scheme, ScoreLine, ScoreRun
from luoshi.assessment.scoring import Period, last_closed_quarter, parse_period
from luoshi.core import clock
from luoshi.items.http import evidence_response, run_service
from luoshi.org.http import AuthedRequest, acting_region, next_url
from luoshi.org.models import Unit


def _refused(request: AuthedRequest, message: str) -> HttpResponse:
    return render(request, "items/refused.html", {"message": message}, status=403)


def _scheme_and_run(
    request: AuthedRequest,
) -> tuple[list[Scheme], Scheme | None, ScoreRun | None, list[Period]]:
    schemes = list(selectors.scheme_list_for(request.user).order_by("-year", "region__code", "name"))
    chosen = None
    wanted = request.GET.get("scheme", "")
    if wanted.isdigit():
        chosen = next((scheme for scheme in schemes if scheme.pk == int(wanted)), None)
    if chosen is None and schemes:
        chosen = schemes[0]
    if chosen is None:
        return schemes, None, None, []
    periods = selectors.computed_periods(chosen)
    period = None
    try:
        period = parse_period(request.GET["period"]) if request.GET.get("period") else None
    except ValueError:
        period = None
    run = selectors.latest_run(chosen, period if period in periods else None)
    return schemes, chosen, run, periods


def rankings(request: AuthedRequest) -> HttpResponse:
    """Each group's ranking for a period, with the trend and, for who may see them, each unit's
    points per criterion."""
    schemes, scheme, run, periods = _scheme_and_run(request)
    context: dict[str, Any] = {
        "schemes": schemes,
        "scheme": scheme,
        "run": run,
        "periods": periods,
        "rankings": selectors.rankings(request.user, run) if run else [],
        "manages": bool(scheme and rules.can_manage(request.user, scheme.region_id)),
    }
    return render(request, "assessment/rankings.html", context)


def scheme_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        scheme = selectors.scheme_detail_for(request.user, pk)
    except Scheme.DoesNotExist:
        raise Http404 from None
    as_of = clock.today()
    context = {
        "scheme": scheme,
        "groups": selectors.scheme_groups(scheme),
        "periods": selectors.computed_periods(scheme),
        "manages": rules.can_manage(request.user, scheme.region_id),
        "next_period": last_closed_quarter(as_of) if as_of.year == scheme.year else Period(scheme.year),
    }
    return render(request, "assessment/scheme.html", context)


@require_POST
def scheme_compute(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        scheme = selectors.scheme_detail_for(request.user, pk)
    except Scheme.DoesNotExist:
        raise Http404 from None
    if not rules.can_manage(request.user, scheme.region_id):
        return _refused(request, "只有本县督查办可以计算考核得分。")
    try:
        period = parse_period(request.POST.get("period", ""))
    except ValueError:
        period = last_closed_quarter(clock.today())
    run_service(
        request,
        lambda: services.scores_compute(
            actor=request.user, scheme=scheme, period=period, as_of=clock.today()
        ),
        f"已按截至今日的数据计算{period.label}得分。",
    )
    return redirect(f"{reverse('assessment:rankings')}?scheme={scheme.pk}&period={period.key}")


def unit_score(request: AuthedRequest, pk: int) -> HttpResponse:
    """A unit's own score: every line broken down to its parts and the records they came from."""
    try:
        unit = selectors.unit_detail_for(request.user, pk)
    except Unit.DoesNotExist:
        raise Http404 from None
    schemes, scheme, run, periods = _scheme_and_run(request)
    schemes = [s for s in schemes if s.region_id == unit.region_id]
    if scheme is not None and scheme.region_id != unit.region_id:
        scheme, run, periods = None, None, []
    lines = selectors.unit_lines(request.user, unit, run) if run else []
    sources = selectors.sources_of(lines)
    context = {
        "unit": unit,
        "schemes": schemes,
        "scheme": scheme,
        "run": run,
        "periods": periods,
        "lines": lines,
        "rows": [
            (line, [(part, sources.get(part.get("source", ""))) for part in line.parts]) for line in lines
        ],
        "total": sum(line.points for line in lines),
        "max_total": sum(line.max_points for line in lines),
        "may_appeal": bool(lines) and rules.can_appeal(request.user, lines[0]),
        "history": selectors.unit_history(request.user, unit, scheme) if scheme else [],
    }
    return render(request, "assessment/unit.html", context)


def appeal_new(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        line = selectors.line_detail_for(request.user, pk)
    except ScoreLine.DoesNotExist:
        raise Http404 from None
    if not rules.can_appeal(request.user, line):
        return _refused(request, "只有被考核单位可以对本单位的得分提出改分申请。")
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reasons = form.cleaned_data["reasons"]
        if run_service(
            request,
            lambda: services.appeal_file(actor=request.user, line=line, reasons=reasons),
            "改分申请已提交督查办。",
        ):
            return redirect("assessment:appeals")
    return render(request, "assessment/appeal_form.html", {"form": form, "line": line})


def appeals(request: AuthedRequest) -> HttpResponse:
    rows = list(selectors.appeal_list_for(request.user)[:200])
    decidable = {appeal.pk for appeal in rows if rules.can_decide_appeal(request.user, appeal)}
    return render(request, "assessment/appeals.html", {"appeals": rows, "decidable": decidable})


@require_POST
def appeal_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        appeal = selectors.appeal_list_for(request.user).get(pk=pk)
    except Appeal.DoesNotExist:
        raise Http404 from None
    form = DecisionForm(request.POST)
    if not rules.can_decide_appeal(request.user, appeal) or not form.is_valid():
        return _refused(request, "只有本县督查办可以处理待处理的改分申请。")
    run_service(
        request,
        lambda: services.appeal_decide(
            actor=request.user,
            appeal=appeal,
            uphold=form.cleaned_data["decision"] == "approve",
            decision=form.cleaned_data["reason"],
        ),
        "改分申请已处理。",
    )
    return redirect(next_url(request, "assessment:appeals"))


def records(request: AuthedRequest) -> HttpResponse:
    rows = list(selectors.record_list_for(request.user)[:300])
    decidable = {record.pk for record in rows if rules.can_decide_record(request.user, record)}
    may_add = selectors.records_criteria(request.user).exists()
    return render(
        request, "assessment/records.html", {"records": rows, "decidable": decidable, "may_add": may_add}
    )


def record_new(request: AuthedRequest) -> HttpResponse:
    try:
        acting_region(request)
    except PermissionError:
        return _refused(request, "只有督查办可以登记加减分纪实。")
    criteria = selectors.records_criteria(request.user)
    form = RecordForm(request.POST or None, request.FILES or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        if run_service(
            request,
            lambda: services.record_add(
                actor=request.user,
                data=services.RecordInput(
                    data["criterion"], data["unit"], data["points"], data["basis"], data["occurred_on"]
                ),
                files=[upload] if upload else [],
                approve=data["approve"],
            ),
            "加减分纪实已登记。",
        ):
            return redirect("assessment:records")
    return render(request, "assessment/record_form.html", {"form": form, "has_criteria": criteria.exists()})


@require_POST
def record_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        record = selectors.record_list_for(request.user).get(pk=pk)
    except Record.DoesNotExist:
        raise Http404 from None
    form = DecisionForm(request.POST)
    if not rules.can_decide_record(request.user, record) or not form.is_valid():
        return _refused(request, "只有本县督查办可以审核待审核的加减分纪实。")
    run_service(
        request,
        lambda: services.record_decide(
            actor=request.user,
            record=record,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["reason"],
        ),
        "已审核。",
    )
    return redirect("assessment:records")


def record_evidence(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        evidence = RecordEvidence.objects.select_related("record").get(
            pk=pk, record__in=selectors.record_list_for(request.user)
        )
    except RecordEvidence.DoesNotExist:
        raise Http404 from None
    return evidence_response(evidence)  # type: ignore[return-value]


def city(request: AuthedRequest) -> HttpResponse:
    """市考县: the county's place in the city's assessment, criterion by criterion, and the gap to
    the next place."""
    year = clock.today().year
    if request.GET.get("year", "").isdigit():
        year = int(request.GET["year"])
    counties = [
        (region, lines, selectors.city_total(lines, region))
        for region in selectors.readable_regions(request.user)
        if (lines := selectors.city_lines(request.user, region, year))
    ]
    return render(request, "assessment/city.html", {"counties": counties, "year": year})
