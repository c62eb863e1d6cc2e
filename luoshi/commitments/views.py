"""The commitments' pages: thin; the selectors read, the services write, the rules decide."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from luoshi.commitments import rules, selectors, services
from luoshi.commitments.forms import ProgressForm, SurveyForm
from luoshi.commitments.models import CityPledge, Livelihood
from luoshi.core import clock
from luoshi.items import rules as item_rules
from luoshi.items.http import run_service
from luoshi.items.models import Item, Source
from luoshi.org.http import AuthedRequest


def ledger(request: AuthedRequest) -> HttpResponse:
    as_of = clock.today()
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else as_of.year
    context = {
        "year": year,
        "as_of": as_of,
        "pledges": selectors.pledge_rows(request.user, year=year),
        "livelihood": selectors.livelihood_rows(request.user, as_of=as_of, year=year),
        "figures": selectors.livelihood_stats(user=request.user, as_of=as_of) if year == as_of.year else None,
        "letters": selectors.letter_rows(request.user, year=year, as_of=as_of),
        "letter_source": Source.COMMITMENT.value,
    }
    return render(request, "commitments/ledger.html", context)


def _livelihood(request: AuthedRequest, pk: int) -> Livelihood:
    try:
        return selectors.livelihood_detail_for(request.user, pk)
    except Livelihood.DoesNotExist:
        raise Http404 from None


def livelihood_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    livelihood = _livelihood(request, pk)
    item = livelihood.item
    as_of = clock.today()
    row = selectors.livelihood_row(livelihood, as_of=as_of)
    may_survey = (
        rules.can_record_survey(request.user, item)
        and rules.survey_open(item.year, as_of)
        and not livelihood.surveys.filter(year=item.year).exists()
    )
    context = {
        "livelihood": livelihood,
        "item": item,
        "row": row,
        "surveys": list(livelihood.surveys.order_by("-year")),
        "progress_form": ProgressForm(
            initial={"started_on": livelihood.started_on, "completed_on": livelihood.completed_on}
        )
        if item_rules.is_supervisor_of(request.user, item.region_id)
        else None,
        "survey_form": SurveyForm(initial={"surveyed_on": as_of}) if may_survey else None,
        "survey_unit": rules.survey_unit_name(),
    }
    return render(request, "commitments/livelihood.html", context)


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


@require_POST
def survey(request: AuthedRequest, pk: int) -> HttpResponse:
    livelihood = _livelihood(request, pk)
    if not rules.can_record_survey(request.user, livelihood.item):
        return HttpResponse(f"满意度测评由{rules.survey_unit_name()}或督查办录入。", status=403)
    form = SurveyForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: services.survey_record(
                actor=request.user,
                livelihood=livelihood,
                data=services.SurveyInput(**form.cleaned_data),
                as_of=clock.today(),
            ),
            "已录入满意度测评。",
        )
    else:
        _form_errors(request, form)
    return redirect("commitments:livelihood", pk=pk)


def item_section(item: Item) -> str:
    """On an item's page: its livelihood project's or city pledge's record, with a link."""
    livelihood = Livelihood.objects.filter(pk=item.pk).first() if item.source == Source.LIVELIHOOD else None
    pledge = CityPledge.objects.filter(pk=item.pk).first() if item.source == Source.CITY_PLEDGE else None
    if livelihood is None and pledge is None:
        return ""
    return render_to_string("commitments/_item_section.html", {"livelihood": livelihood, "pledge": pledge})
