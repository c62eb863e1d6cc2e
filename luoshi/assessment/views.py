"""The assessment's pages: thin; the selectors read, the services write, scoring.py decides."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from luoshi.assessment import rules, selectors, services
from luoshi.assessment.forms import (
    AppealForm,
    CriterionForm,
    DecisionForm,
    GroupForm,
    RecordForm,
    SchemeForm,
    params_initial,
)
from luoshi.assessment.models import (
    Appeal,
    Criterion,
    Group,
    Record,
    RecordEvidence,
    Scheme,
    ScoreLine,
    ScoreRun,
)
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
        "may_create": selectors.manages_a_region(request.user),
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
        "scored": services.scheme_is_scored(scheme),
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
    wanted = request.GET.get("year", "")
    if wanted.isdigit() and 2000 <= int(wanted) <= 2100:  # a year the database can hold
        year = int(wanted)
    counties = [
        (region, lines, selectors.city_total(lines, region))
        for region in selectors.readable_regions(request.user)
        if (lines := selectors.city_lines(request.user, region, year))
    ]
    return render(request, "assessment/city.html", {"counties": counties, "year": year})


# ---------------------------------------------------------------------------------------------
# The office's scheme pages: a scheme, its groups and their criteria. The pages ask the services,
# which refuse another county, a scored scheme and a stale version.

MANAGE_ONLY = "只有本县督查办可以修改考核方案。"


def _form_page(
    request: AuthedRequest, form: Any, *, title: str, scheme: Scheme, **extra: Any
) -> HttpResponse:
    context = {"form": form, "title": title, "scheme": scheme, **extra}
    return render(request, "assessment/scheme_form.html", context)


def _managed_scheme(request: AuthedRequest, pk: int) -> Scheme:
    try:
        return selectors.scheme_detail_for(request.user, pk)
    except Scheme.DoesNotExist:
        raise Http404 from None


def _scheme_page(scheme: Scheme) -> str:
    return reverse("assessment:scheme", args=[scheme.pk])


def scheme_new(request: AuthedRequest) -> HttpResponse:
    try:
        region = acting_region(request)
    except PermissionError:
        return _refused(request, "只有督查办可以制定考核方案。")
    form = SchemeForm(request.POST or None, initial={"year": clock.today().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[Scheme] = []
        if run_service(
            request,
            lambda: created.append(
                services.scheme_create(
                    actor=request.user,
                    region_id=region.pk,
                    data=services.SchemeInput(data["year"], data["name"], data["note"]),
                )
            ),
            "考核方案已建立，请添加考核组和考核内容。",
        ):
            return redirect(_scheme_page(created[0]))
    previous = selectors.scheme_list_for(request.user).filter(region=region).order_by("-year", "name")
    return render(
        request,
        "assessment/scheme_form.html",
        {"form": form, "title": "新建考核方案", "scheme": None, "copyable": list(previous[:20])},
    )


def scheme_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    scheme = _managed_scheme(request, pk)
    if not rules.can_manage(request.user, scheme.region_id):
        return _refused(request, MANAGE_ONLY)
    initial = {"year": scheme.year, "name": scheme.name, "note": scheme.note, "version": scheme.version}
    form = SchemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            request,
            lambda: services.scheme_update(
                actor=request.user,
                scheme=scheme,
                data=services.SchemeInput(data["year"], data["name"], data["note"]),
                expected_version=data["version"],
            ),
            "考核方案已修改。",
        ):
            return redirect(_scheme_page(scheme))
    return _form_page(request, form, title=f"修改{scheme}", scheme=scheme)


def scheme_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    """Copy a scheme (last year's, or a scored one to adjust) into a new one of the county."""
    scheme = _managed_scheme(request, pk)
    if not rules.can_manage(request.user, scheme.region_id):
        return _refused(request, "只有本县督查办可以复制考核方案。")
    form = SchemeForm(
        request.POST or None,
        initial={"year": max(scheme.year + 1, clock.today().year), "name": scheme.name, "note": ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[Scheme] = []
        if run_service(
            request,
            lambda: created.append(
                services.scheme_copy(
                    actor=request.user,
                    scheme=scheme,
                    data=services.SchemeInput(data["year"], data["name"], data["note"]),
                )
            ),
            f"已复制{scheme}的考核组和考核内容，请按本年度的要求修改。",
        ):
            return redirect(_scheme_page(created[0]))
    return _form_page(request, form, title=f"复制{scheme}", scheme=scheme, copying=True)


def _group_for(request: AuthedRequest, pk: int) -> Group:
    try:
        return Group.objects.select_related("scheme__region").get(
            pk=pk, scheme__in=selectors.scheme_list_for(request.user)
        )
    except Group.DoesNotExist:
        raise Http404 from None


def _criterion_for(request: AuthedRequest, pk: int) -> Criterion:
    try:
        return Criterion.objects.select_related("group__scheme__region").get(
            pk=pk, group__scheme__in=selectors.scheme_list_for(request.user)
        )
    except Criterion.DoesNotExist:
        raise Http404 from None


def _group_page(request: AuthedRequest, scheme: Scheme, group: Group | None) -> HttpResponse:
    if not rules.can_manage(request.user, scheme.region_id):
        return _refused(request, MANAGE_ONLY)
    initial: dict[str, Any] = {"version": scheme.version, "kind": "towns"}
    if group is not None:
        initial |= {
            "name": group.name,
            "kind": group.kind,
            "units": list(group.units.values_list("pk", flat=True)),
            "sort_order": group.sort_order,
        }
    else:
        initial["sort_order"] = scheme.groups.count()
    form = GroupForm(request.POST or None, initial=initial, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            request,
            lambda: services.group_save(
                actor=request.user,
                scheme=scheme,
                group=group,
                data=services.GroupInput(data["name"], data["kind"], list(data["units"]), data["sort_order"]),
                expected_version=data["version"],
            ),
            "考核组已保存。",
        ):
            return redirect(_scheme_page(scheme))
    title = f"修改考核组：{group.name}" if group else "添加考核组"
    return _form_page(request, form, title=title, scheme=scheme)


def group_new(request: AuthedRequest, pk: int) -> HttpResponse:
    return _group_page(request, _managed_scheme(request, pk), None)


def group_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    group = _group_for(request, pk)
    return _group_page(request, group.scheme, group)


@require_POST
def group_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    group = _group_for(request, pk)
    if not rules.can_manage(request.user, group.scheme.region_id):
        return _refused(request, MANAGE_ONLY)
    version = request.POST.get("version", "")
    run_service(
        request,
        lambda: services.group_delete(
            actor=request.user, group=group, expected_version=int(version) if version.isdigit() else None
        ),
        f"已删除考核组“{group.name}”。",
    )
    return redirect(_scheme_page(group.scheme))


def _criterion_page(request: AuthedRequest, group: Group, criterion: Criterion | None) -> HttpResponse:
    scheme = group.scheme
    if not rules.can_manage(request.user, scheme.region_id):
        return _refused(request, MANAGE_ONLY)
    initial: dict[str, Any] = {"version": scheme.version, "pro_rata": True}
    if criterion is not None:
        initial |= {
            "name": criterion.name,
            "max_points": criterion.max_points,
            "method": criterion.method,
            "source": criterion.source,
            "sort_order": criterion.sort_order,
            **params_initial(criterion.method, criterion.params),
        }
    else:
        initial["sort_order"] = group.criteria.count()
    form = CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            request,
            lambda: services.criterion_save(
                actor=request.user,
                group=group,
                criterion=criterion,
                data=services.CriterionInput(
                    data["name"],
                    data["max_points"],
                    data["method"],
                    data["params"],
                    data["source"],
                    data["sort_order"],
                ),
                expected_version=data["version"],
            ),
            "考核内容已保存。",
        ):
            return redirect(_scheme_page(scheme))
    title = f"{group.name}：{'修改考核内容' if criterion else '添加考核内容'}"
    return _form_page(request, form, title=title, scheme=scheme, criterion_form=True)


def criterion_new(request: AuthedRequest, pk: int) -> HttpResponse:
    return _criterion_page(request, _group_for(request, pk), None)


def criterion_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    criterion = _criterion_for(request, pk)
    return _criterion_page(request, criterion.group, criterion)


@require_POST
def criterion_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    criterion = _criterion_for(request, pk)
    scheme = criterion.group.scheme
    if not rules.can_manage(request.user, scheme.region_id):
        return _refused(request, MANAGE_ONLY)
    version = request.POST.get("version", "")
    run_service(
        request,
        lambda: services.criterion_delete(
            actor=request.user,
            criterion=criterion,
            expected_version=int(version) if version.isdigit() else None,
        ),
        f"已删除考核内容“{criterion.name}”。",
    )
    return redirect(_scheme_page(scheme))
