from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from luoshi.alerts import selectors, services
from luoshi.alerts.forms import AssessForm, ConsequencesForm, ProposalDecisionForm
from luoshi.audit.http import out_of_scope
from luoshi.core import clock
from luoshi.items import rules
from luoshi.items.models import Item
from luoshi.items.selectors import item_list_for
from luoshi.items.services import ServiceError
from luoshi.org.http import AuthedRequest, acting_region, next_url


def _item(request: AuthedRequest, pk: int) -> Item:
    try:
        return item_list_for(request.user).get(pk=pk)
    except Item.DoesNotExist:
        out_of_scope(Item, pk=pk)
        raise Http404 from None


def item_colours(request: AuthedRequest, pk: int) -> HttpResponse:
    """The item page's colour panel (loaded with htmx): months, and the office's assessment."""
    item = _item(request, pk)
    can_assess = rules.is_supervisor_of(request.user, item.region_id) and item.is_active
    form = (
        AssessForm(initial={"colour": item.assessed_colour, "reason": item.assessed_reason})
        if can_assess
        else None
    )
    context = {"item": item, "months": selectors.colour_history(item), "form": form}
    return render(request, "alerts/_item_colours.html", context)


@require_POST
def item_assess(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = AssessForm(request.POST)
    if form.is_valid():
        try:
            services.item_colour_assess(
                actor=request.user,
                item=item,
                colour=form.cleaned_data["colour"],
                reason=form.cleaned_data["reason"],
                as_of=clock.today(),
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "研判已保存。")
    return redirect("items:detail", pk=item.pk)


@require_POST
def proposal_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(selectors.pending_proposals_for(request.user), pk=pk)
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponse("请选择确认或不采纳。", status=400)
    try:
        services.proposal_decide(
            actor=request.user, proposal=proposal, confirm=form.confirmed, as_of=clock.today()
        )
    except ServiceError as error:
        messages.error(request, error.message)
    if request.headers.get("HX-Request"):
        return render(request, "alerts/_proposal_decided.html", {"confirmed": form.confirmed})
    return redirect(next_url(request, "dashboard:index"))


def consequences(request: AuthedRequest) -> HttpResponse:
    """The supervision office says what each colour brings."""
    try:
        region = acting_region(request)
    except PermissionError:
        return render(request, "items/refused.html", {"message": "只有督查办可以设置预警处置。"}, status=403)
    form = ConsequencesForm(request.POST or None, configured=services.consequences_for(region.pk))
    if form.is_valid():
        services.consequences_save(actor=request.user, region=region, chosen=form.chosen())
        messages.success(request, "预警处置已保存，今后达到相应颜色的事项会自动提出处置建议。")
        return redirect("alerts:consequences")
    return render(
        request,
        "alerts/consequences.html",
        {
            "form": form,
            "region": region,
            "rule_set": services.current_rule_set(region),
            "proposals": selectors.pending_proposals_for(request.user),
        },
    )


def item_colours_section(item: Item) -> str:
    """On an item's page: its colours, loaded after the page (they are the alerts app's)."""
    return render_to_string("alerts/_item_colours_loader.html", {"item": item})
