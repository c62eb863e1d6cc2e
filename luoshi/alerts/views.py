from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from luoshi.alerts import selectors, services
from luoshi.alerts.forms import AssessForm
from luoshi.alerts.models import ConsequenceAction
from luoshi.core import clock
from luoshi.items import rules
from luoshi.items.models import Colour, Item
from luoshi.items.selectors import item_list_for
from luoshi.items.services import ServiceError
from luoshi.org.http import AuthedRequest, acting_region


def _item(request: AuthedRequest, pk: int) -> Item:
    try:
        return item_list_for(request.user).get(pk=pk)
    except Item.DoesNotExist:
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
    confirm = request.POST.get("decision") == "confirm"
    try:
        services.proposal_decide(actor=request.user, proposal=proposal, confirm=confirm, as_of=clock.today())
    except ServiceError as error:
        messages.error(request, error.message)
    if request.headers.get("HX-Request"):
        return HttpResponse(
            '<li class="list-group-item small text-body-secondary">已'
            + ("确认" if confirm else "不采纳")
            + "</li>"
        )
    return redirect(request.POST.get("next") or "dashboard:index")


def consequences(request: AuthedRequest) -> HttpResponse:
    """The supervision office says what each colour brings."""
    try:
        region = acting_region(request)
    except PermissionError:
        return render(request, "items/refused.html", {"message": "只有督查办可以设置预警处置。"}, status=403)
    if request.method == "POST":
        chosen: dict[str, dict[str, Decimal | None]] = {}
        for colour in (Colour.YELLOW, Colour.RED):
            for action in ConsequenceAction.values:
                if request.POST.get(f"{colour}-{action}"):
                    try:
                        points = Decimal(request.POST.get(f"{colour}-{action}-points") or "0") or None
                    except InvalidOperation:
                        points = None
                    chosen.setdefault(colour, {})[action] = points
        services.consequences_save(actor=request.user, region=region, chosen=chosen)
        messages.success(request, "预警处置已保存，今后达到相应颜色的事项会自动提出处置建议。")
        return redirect("alerts:consequences")
    configured = services.consequences_for(region.pk)
    rows = [
        {
            "colour": colour,
            "label": label,
            "actions": [
                {
                    "value": action,
                    "label": action_label,
                    "on": any(c.action == action for c in configured.get(colour, [])),
                    "points": next(
                        (c.points for c in configured.get(colour, []) if c.action == action), None
                    ),
                }
                for action, action_label in ConsequenceAction.choices
            ],
        }
        for colour, label in Colour.choices
        if colour != Colour.GREEN
    ]
    return render(
        request,
        "alerts/consequences.html",
        {
            "rows": rows,
            "region": region,
            "rule_set": services.current_rule_set(region),
            "proposals": selectors.pending_proposals_for(request.user),
        },
    )


def item_colours_section(item: Item) -> str:
    """On an item's page: its colours, loaded after the page (they are the alerts app's)."""
    return render_to_string("alerts/_item_colours_loader.html", {"item": item})
