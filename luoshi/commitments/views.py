"""The commitments' pages: thin; the selectors read, the services write, the rules decide.

The office keeps the ledger on these pages: it records and edits a livelihood project, a city
pledge (军令状) and a unit's letter of commitment (承诺书), each edit saved only on the version it
was opened on; the people's congress office records the deputies' survey on its page. An object
of another county, or of a unit the user does not see, is a 404, and the attempt is in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from luoshi.audit.http import out_of_scope
from luoshi.commitments import rules, selectors, services
from luoshi.commitments.forms import LetterForm, LivelihoodForm, PledgeForm, ProgressForm, SurveyForm
from luoshi.commitments.models import CityPledge, CommitmentLetter, Livelihood
from luoshi.core import clock
from luoshi.items import rules as item_rules
from luoshi.items.http import run_service
from luoshi.items.models import Item, Source
from luoshi.items.services import Conflict, ServiceError
from luoshi.org.http import AuthedRequest, acting_region
from luoshi.org.models import Region


def ledger(request: AuthedRequest) -> HttpResponse:
    as_of = clock.today()
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else as_of.year
    rows = selectors.livelihood_rows(request.user, as_of=as_of, year=year)
    may_survey: dict[int, bool] = {}  # by region: one look-up each
    for row in rows:
        if row.item.region_id not in may_survey:
            may_survey[row.item.region_id] = rules.can_record_survey(request.user, row.item)
    surveyable = {
        row.livelihood.pk
        for row in rows
        if row.survey is None and rules.survey_open(year, as_of) and may_survey[row.item.region_id]
    }
    context = {
        "year": year,
        "as_of": as_of,
        "pledges": selectors.pledge_rows(request.user, year=year),
        "livelihood": rows,
        "surveyable": surveyable,
        "figures": selectors.livelihood_stats(user=request.user, as_of=as_of) if year == as_of.year else None,
        "letters": selectors.letter_rows(request.user, year=year, as_of=as_of),
        "letter_source": Source.COMMITMENT.value,
        "is_office": _office_region(request) is not None,
    }
    return render(request, "commitments/ledger.html", context)


def _office_region(request: AuthedRequest) -> Region | None:
    try:
        return acting_region(request)
    except PermissionError:
        return None


def _refused(request: AuthedRequest, message: str) -> HttpResponse:
    return render(request, "items/refused.html", {"message": message}, status=403)


def _scoped(lookup: Callable[[], models.Model], model: type[models.Model], pk: int) -> Any:
    """The object the user may see, or 404 (recorded in the audit log when it exists elsewhere)."""
    try:
        return lookup()
    except model.DoesNotExist:  # type: ignore[attr-defined]
        out_of_scope(model, pk=pk)
        raise Http404 from None


def _livelihood(request: AuthedRequest, pk: int) -> Livelihood:
    return _scoped(lambda: selectors.livelihood_detail_for(request.user, pk), Livelihood, pk)


def _form_page(
    request: AuthedRequest, form: forms.Form, title: str, back: str, status: int = 200
) -> HttpResponse:
    return render(
        request, "commitments/form.html", {"form": form, "title": title, "back": back}, status=status
    )


def _save(request: AuthedRequest, call: Callable[[], object], success: str) -> int | None:
    """Run a service: None when it saved, else the status to show the form again with its reason
    (409 when someone saved the object since the form was opened)."""
    try:
        call()
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return 409
    except ServiceError as error:
        messages.error(request, error.message)
        return 200
    messages.success(request, success)
    return None


def _commitment(data: dict[str, Any], *, year: int | None = None) -> services.CommitmentInput:
    return services.CommitmentInput(
        title=data["title"],
        year=year or data["year"],
        lead_unit=data["lead_unit"],
        deadline=data["deadline"],
        patron_leader=data.get("patron_leader"),
        description=data.get("description") or "",
    )


def _may_edit(request: AuthedRequest, item: Item, doing: str) -> HttpResponse | None:
    """The office of the item's county edits an item still under way; a refusal page otherwise."""
    if item_rules.can_edit_item(request.user, item):
        return None
    if item_rules.is_supervisor_of(request.user, item.region_id):
        message = item_rules.cannot_edit_reason(request.user, item)
    else:
        message = item_rules.office_only_reason(request.user, item, doing)
    return render(request, "items/refused.html", {"message": message, "item": item}, status=403)


# ---------------------------------------------------------------------------------------------
# 民生实事


def livelihood_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    livelihood = _livelihood(request, pk)
    item = livelihood.item
    as_of = clock.today()
    row = selectors.livelihood_row(livelihood, as_of=as_of)
    is_office = item_rules.is_supervisor_of(request.user, item.region_id)
    context = {
        "livelihood": livelihood,
        "item": item,
        "row": row,
        "surveys": list(livelihood.surveys.order_by("-year")),
        "progress_form": ProgressForm(
            initial={"started_on": livelihood.started_on, "completed_on": livelihood.completed_on}
        )
        if is_office
        else None,
        "may_edit": item_rules.can_edit_item(request.user, item),
        "may_survey": _survey_state(request, livelihood)[0],
        "survey_unit": rules.survey_unit_name(),
    }
    return render(request, "commitments/livelihood.html", context)


def livelihood_create(request: AuthedRequest) -> HttpResponse:
    """录入 a livelihood project (the office): its item is assigned to its lead unit at once."""
    region = _office_region(request)
    if region is None:
        return _refused(request, "只有督查办可以录入民生实事。")
    as_of = clock.today()
    form = LivelihoodForm(request.POST or None, region=region, initial={"year": as_of.year, "voted": True})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made: list[Livelihood] = []
        saved = _save(
            request,
            lambda: made.append(
                services.livelihood_create(
                    actor=request.user,
                    region=region,
                    data=_commitment(data),
                    planned_investment=data["planned_investment"],
                    planned_start=data["planned_start"],
                    voted=data["voted"],
                    as_of=as_of,
                )
            ),
            "已录入民生实事，并交办给责任单位。",
        )
        if saved is None:
            return redirect("commitments:livelihood", pk=made[0].pk)
        status = saved
    return _form_page(request, form, "录入民生实事", "#livelihood", status)


def livelihood_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    livelihood = _livelihood(request, pk)
    item = livelihood.item
    refused = _may_edit(request, item, "修改民生实事")
    if refused is not None:
        return refused
    initial = {
        "title": item.title,
        "year": item.year,
        "description": item.description,
        "lead_unit": item.lead_unit,
        "patron_leader": item.patron_leader,
        "planned_investment": livelihood.planned_investment,
        "planned_start": item.planned_start,
        "deadline": item.deadline,
        "voted": livelihood.voted,
        "version": item.version,
    }
    form = LivelihoodForm(request.POST or None, region=item.region, editing=True, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
            request,
            lambda: services.livelihood_update(
                actor=request.user,
                livelihood=livelihood,
                data=_commitment(data, year=item.year),
                planned_investment=data["planned_investment"],
                planned_start=data["planned_start"],
                voted=data["voted"],
                expected_version=data["version"],
                as_of=clock.today(),
            ),
            "已保存。",
        )
        if saved is None:
            return redirect("commitments:livelihood", pk=pk)
        status = saved
    return _form_page(request, form, f"修改民生实事：{item.title}", "#livelihood", status)


def _form_errors(request: AuthedRequest, form: forms.Form) -> None:
    messages.error(request, "；".join(str(message) for errors in form.errors.values() for message in errors))


@require_POST
def livelihood_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    livelihood = _livelihood(request, pk)
    if not item_rules.is_supervisor_of(request.user, livelihood.item.region_id):
        return HttpResponse("只有督查办可以登记民生实事的开工和建成。", status=403)
    form = ProgressForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: services.livelihood_progress(
                actor=request.user, livelihood=livelihood, as_of=clock.today(), **form.cleaned_data
            ),
            "已登记。",
        )
    else:
        _form_errors(request, form)
    return redirect("commitments:livelihood", pk=pk)


def _survey_state(request: AuthedRequest, livelihood: Livelihood) -> tuple[bool, str]:
    """Whether the user may record the project's survey now, and why not."""
    item = livelihood.item
    if not rules.can_record_survey(request.user, item):
        return False, f"满意度测评由{rules.survey_unit_name()}或督查办录入。"
    if not rules.survey_open(item.year, clock.today()):
        return False, f"满意度测评在年底进行，{item.year}年12月起才能录入。"
    if livelihood.surveys.filter(year=item.year).exists():
        return False, f"{item.year}年的测评已经录入。"
    return True, ""


def survey(request: AuthedRequest, pk: int) -> HttpResponse:
    """The deputies' satisfaction survey of a project, recorded at the year's end by the people's
    congress office (or the supervision office for it)."""
    livelihood = _livelihood(request, pk)
    item = livelihood.item
    if not rules.can_record_survey(request.user, item):
        return HttpResponse(f"满意度测评由{rules.survey_unit_name()}或督查办录入。", status=403)
    may, why_not = _survey_state(request, livelihood)
    as_of = clock.today()
    form = SurveyForm(request.POST or None, initial={"surveyed_on": as_of}) if may else None
    if request.method == "POST":
        if form is None:
            messages.error(request, why_not)
            return redirect("commitments:livelihood", pk=pk)
        if form.is_valid():
            saved = _save(
                request,
                lambda: services.survey_record(
                    actor=request.user,
                    livelihood=livelihood,
                    data=services.SurveyInput(**form.cleaned_data),
                    as_of=as_of,
                ),
                "已录入满意度测评。",
            )
            if saved is None:
                return redirect("commitments:livelihood", pk=pk)
    context = {
        "livelihood": livelihood,
        "item": item,
        "form": form,
        "why_not": why_not,
        "surveys": list(livelihood.surveys.order_by("-year")),
        "survey_unit": rules.survey_unit_name(),
    }
    return render(request, "commitments/survey.html", context)


# ---------------------------------------------------------------------------------------------
# 军令状


def _pledge(request: AuthedRequest, pk: int) -> CityPledge:
    return _scoped(lambda: selectors.pledge_detail_for(request.user, pk), CityPledge, pk)


def pledge_create(request: AuthedRequest) -> HttpResponse:
    """录入 a city pledge (the office): its item (source 军令状) is assigned to the unit that signed."""
    region = _office_region(request)
    if region is None:
        return _refused(request, "只有督查办可以录入军令状。")
    as_of = clock.today()
    form = PledgeForm(request.POST or None, region=region, initial={"year": as_of.year})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
            request,
            lambda: services.pledge_create(
                actor=request.user,
                region=region,
                data=_commitment(data),
                demand=data["demand"],
                standard=data["standard"],
                as_of=as_of,
            ),
            "已录入军令状，并交办给签订单位。",
        )
        if saved is None:
            return redirect(f"{_ledger_url(data['year'])}#pledges")
        status = saved
    return _form_page(request, form, "录入市下达军令状", "#pledges", status)


def _ledger_url(year: int) -> str:
    return f"{reverse('commitments:ledger')}?year={year}"


def pledge_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    pledge = _pledge(request, pk)
    item = pledge.item
    refused = _may_edit(request, item, "修改军令状")
    if refused is not None:
        return refused
    initial = {
        "title": item.title,
        "year": item.year,
        "demand": pledge.demand,
        "standard": pledge.standard,
        "deadline": item.deadline,
        "lead_unit": item.lead_unit,
        "patron_leader": item.patron_leader,
        "version": item.version,
    }
    form = PledgeForm(request.POST or None, region=item.region, editing=True, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
            request,
            lambda: services.pledge_update(
                actor=request.user,
                pledge=pledge,
                data=_commitment(data, year=item.year),
                demand=data["demand"],
                standard=data["standard"],
                expected_version=data["version"],
                as_of=clock.today(),
            ),
            "已保存。",
        )
        if saved is None:
            return redirect(f"{_ledger_url(item.year)}#pledges")
        status = saved
    return _form_page(request, form, f"修改军令状：{item.title}", "#pledges", status)


# ---------------------------------------------------------------------------------------------
# 承诺书


def _letter(request: AuthedRequest, pk: int) -> CommitmentLetter:
    return _scoped(lambda: selectors.letter_detail_for(request.user, pk), CommitmentLetter, pk)


def letter_create(request: AuthedRequest) -> HttpResponse:
    region = _office_region(request)
    if region is None:
        return _refused(request, "只有督查办可以登记承诺书。")
    as_of = clock.today()
    form = LetterForm(request.POST or None, region=region, initial={"year": as_of.year})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
            request,
            lambda: services.letter_record(
                actor=request.user,
                unit=data["unit"],
                year=data["year"],
                signed_on=data["signed_on"],
                signer=data["signer"],
                summary=data["summary"],
                as_of=as_of,
            ),
            "已登记承诺书。",
        )
        if saved is None:
            return redirect(f"{_ledger_url(data['year'])}#letters")
        status = saved
    return _form_page(request, form, "登记承诺书", "#letters", status)


def letter_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    if not item_rules.is_supervisor_of(request.user, letter.region_id):
        return _refused(request, f"只有{letter.region.name}督查办可以修改承诺书。")
    initial = {
        "unit": letter.unit,
        "year": letter.year,
        "signed_on": letter.signed_on,
        "signer": letter.signer,
        "summary": letter.summary,
        "version": letter.version,
    }
    form = LetterForm(request.POST or None, region=letter.region, initial=initial)
    form.fields["version"].required = True  # saved only on the version it was read at
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
            request,
            lambda: services.letter_update(
                actor=request.user,
                letter=letter,
                expected_version=data["version"],
                unit=data["unit"],
                year=data["year"],
                signed_on=data["signed_on"],
                signer=data["signer"],
                summary=data["summary"],
                as_of=clock.today(),
            ),
            "已保存。",
        )
        if saved is None:
            return redirect(f"{_ledger_url(data['year'])}#letters")
        status = saved
    return _form_page(
        request, form, f"修改承诺书：{letter.unit.short_name}{letter.year}年", "#letters", status
    )


def item_section(item: Item) -> str:
    """On an item's page: its livelihood project's or city pledge's record, with a link."""
    livelihood = Livelihood.objects.filter(pk=item.pk).first() if item.source == Source.LIVELIHOOD else None
    pledge = CityPledge.objects.filter(pk=item.pk).first() if item.source == Source.CITY_PLEDGE else None
    if livelihood is None and pledge is None:
        return ""
    return render_to_string("commitments/_item_section.html", {"livelihood": livelihood, "pledge": pledge})
