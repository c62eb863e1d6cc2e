"""The investment pages: thin; the selectors read, the services write, stages.py and watch.py decide."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from luoshi.core import clock
from luoshi.investment import rules, selectors, services
from luoshi.investment.forms import FollowUpForm, LeadForm, StageForm
from luoshi.investment.models import Lead, ListKind
from luoshi.investment.stages import CHOICES, LABELS, Stage
from luoshi.items.http import run_service
from luoshi.items.selectors import sees_many_regions
from luoshi.org.http import AuthedRequest, acting_region
from luoshi.org.models import Region


def _lead(request: AuthedRequest, pk: int) -> Lead:
    try:
        return selectors.lead_detail_for(request.user, pk)
    except Lead.DoesNotExist:
        raise Http404 from None


def _refused(request: AuthedRequest, message: str) -> HttpResponse:
    return render(request, "items/refused.html", {"message": message}, status=403)


def leads(request: AuthedRequest) -> HttpResponse:
    """The leads, with their stage, follow-up and landing warnings; contacts masked."""
    as_of = clock.today()
    rows = selectors.lead_list_for(request.user).order_by(
        "chain__sort_order", "chain_id", "-contacted_on", "pk"
    )
    stage, chain = request.GET.get("stage", ""), request.GET.get("chain", "")
    if stage in Stage.__members__.values():
        rows = rows.filter(stage=stage)
    if chain.isdigit():
        rows = rows.filter(chain_id=int(chain))
    context = {
        "rows": selectors.watched(rows, as_of=as_of),
        "stages": CHOICES,
        "chains": selectors.chains_for(request.user),
        "stage": stage,
        "chain": chain,
        "as_of": as_of,
        "many_regions": sees_many_regions(request.user),
        "may_create": _office_region(request) is not None,
    }
    return render(request, "investment/leads.html", context)


def _office_region(request: AuthedRequest) -> Region | None:
    try:
        return acting_region(request)
    except PermissionError:
        return None


def lead_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    as_of = clock.today()
    user = request.user
    context = {
        "lead": lead,
        "row": selectors.watched([lead], as_of=as_of)[0],
        "show_contact": rules.can_see_contact(user, lead),
        "may_follow_up": rules.can_follow_up(user, lead) and Stage(lead.stage) != Stage.PRODUCING,
        "may_open_landing": rules.can_manage(user, lead.region_id)
        and lead.stage == Stage.SIGNED
        and lead.landing_item_id is None,
        "follow_ups": lead.follow_ups.select_related("recorded_by"),
        "changes": lead.stage_changes.all(),
        "lists": lead.lists.all(),
        "labels": LABELS,
    }
    return render(request, "investment/detail.html", context)


def lead_create(request: AuthedRequest) -> HttpResponse:
    region = _office_region(request)
    if region is None:
        return _refused(request, "只有督查办可以登记招商线索。")
    form = LeadForm(request.POST or None, region=region, initial={"contacted_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[Lead] = []
        if run_service(
            request,
            lambda: created.append(
                services.lead_create(
                    actor=request.user,
                    region=region,
                    data=services.LeadInput(
                        **{k: v for k, v in data.items() if k != "lists"}, lists=list(data["lists"])
                    ),
                )
            ),
            "招商线索已登记。",
        ):
            return redirect("investment:detail", pk=created[0].pk)
    return render(request, "investment/form.html", {"form": form, "title": "登记招商线索"})


def follow_up(request: AuthedRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    if not rules.can_follow_up(request.user, lead):
        return _refused(request, "只有跟进单位和督查办可以记录跟进情况。")
    form = FollowUpForm(request.POST or None, initial={"on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = services.FollowUpInput(**form.cleaned_data)
        if run_service(
            request,
            lambda: services.follow_up_record(actor=request.user, lead=lead, data=data, as_of=clock.today()),
            "跟进情况已记录。",
        ):
            return redirect("investment:detail", pk=lead.pk)
    return render(
        request, "investment/form.html", {"form": form, "title": f"{lead.company}：记录跟进", "lead": lead}
    )


def stage(request: AuthedRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    if not rules.can_follow_up(request.user, lead):
        return _refused(request, "只有跟进单位和督查办可以改变线索的阶段。")
    form = StageForm(request.POST or None, current=lead.stage, initial={"on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            request,
            lambda: services.lead_move(
                actor=request.user, lead=lead, target=data["target"], on=data["on"], reason=data["reason"]
            ),
            "线索阶段已更新。",
        ):
            return redirect("investment:detail", pk=lead.pk)
    return render(
        request, "investment/form.html", {"form": form, "title": f"{lead.company}：改变阶段", "lead": lead}
    )


@require_POST
def landing_open(request: AuthedRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    if not rules.can_manage(request.user, lead.region_id):
        return _refused(request, "只有督查办可以建立落地督办事项。")
    run_service(
        request,
        lambda: services.landing_item_open(actor=request.user, lead=lead, as_of=clock.today()),
        "落地督办事项已建立并交办。",
    )
    return redirect("investment:detail", pk=lead.pk)


def funnel(request: AuthedRequest) -> HttpResponse:
    """Conversion from contact to signed to landed, by chain, task force and month; the signed
    leads not landed."""
    as_of = clock.today()
    try:
        year = int(request.GET.get("year", as_of.year))
    except ValueError:
        year = as_of.year
    context = {
        "funnel": selectors.funnel(request.user, year=year, as_of=as_of),
        "waiting": selectors.signed_not_landed(request.user, as_of=as_of),
        "task_forces": selectors.task_forces_for(request.user),
        "year": year,
        "as_of": as_of,
    }
    return render(request, "investment/funnel.html", context)


def lists(request: AuthedRequest) -> HttpResponse:
    """The four lists (四个清单), each with the leads the user may see that link to its rows."""
    entries = selectors.list_entries_for(request.user).order_by("kind", "held_on", "pk")
    visible = selectors.lead_list_for(request.user)
    linked: dict[int, int] = {}
    for entry_id in Lead.lists.through.objects.filter(lead__in=visible.values("pk")).values_list(
        "listentry_id", flat=True
    ):
        linked[entry_id] = linked.get(entry_id, 0) + 1
    groups = [
        (label, [(e, linked.get(e.pk, 0)) for e in entries if e.kind == kind])
        for kind, label in ListKind.choices
    ]
    return render(request, "investment/lists.html", {"groups": groups})
