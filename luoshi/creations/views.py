"""The creations' and on-site meetings' pages: thin; the selectors read, the services write."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from luoshi.core import clock
from luoshi.creations import selectors, services
from luoshi.creations.forms import CreationForm, HeldForm, MoveForm, ReapplyForm, TickForm
from luoshi.creations.models import KIND, MEETING_KIND, Creation, Material, OnSiteMeeting, ReadinessCheck
from luoshi.creations.stages import GROUP_LABELS, Stage, may_fail, next_stages
from luoshi.items import rules as item_rules
from luoshi.items.http import run_service
from luoshi.items.models import Evidence, Item
from luoshi.items.selectors import item_list_for
from luoshi.org.http import AuthedRequest, acting_region


def _year(request: AuthedRequest, default: int) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else default


def ledger(request: AuthedRequest) -> HttpResponse:
    as_of = clock.today()
    year = _year(request, as_of.year)
    rows = selectors.creation_rows(request.user, as_of=as_of, year=year)
    context = {
        "may_create": item_rules.can_create_item(request.user, _acting_region_id(request)),
        "groups": [(group, GROUP_LABELS[group], members) for group, members in selectors.grouped(rows)],
        "total": len(rows),
        "year": year,
        "as_of": as_of,
    }
    return render(request, "creations/ledger.html", context)


def create(request: AuthedRequest) -> HttpResponse:
    """录入 a creation (the office): its item is assigned to its lead unit at once."""
    try:
        region = acting_region(request)
    except PermissionError:
        return render(request, "items/refused.html", {"message": "只有督查办可以录入示范创建。"}, status=403)
    services.templates_ensure(region=region)
    as_of = clock.today()
    form = CreationForm(request.POST or None, region=region, initial={"year": as_of.year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made: list[Creation] = []
        if run_service(
            request,
            lambda: made.append(
                services.creation_create(
                    actor=request.user,
                    region=region,
                    data=services.CreationInput(
                        title=data["title"],
                        year=data["year"],
                        level=data["level"],
                        template=data["template"],
                        lead_unit=data["lead_unit"],
                        origin=data["origin"],
                        expected_award=data["expected_award"],
                        patron_leader=data["patron_leader"],
                        support_units=list(data["support_units"]),
                        materials=form.material_names(),
                        stage=data["stage"],
                    ),
                    as_of=as_of,
                )
            ),
            "已录入示范创建，并交办给牵头单位。",
        ):
            return redirect("creations:detail", pk=made[0].pk)
    return render(request, "creations/form.html", {"form": form, "title": "录入示范创建"})


def _acting_region_id(request: AuthedRequest) -> int:
    try:
        return acting_region(request).pk
    except PermissionError:
        return 0


def _creation(request: AuthedRequest, pk: int) -> Creation:
    try:
        return selectors.creation_detail_for(request.user, pk)
    except Creation.DoesNotExist:
        raise Http404 from None


def _evidence(creation: Creation) -> object:
    return Evidence.objects.filter(report__item=creation.item).order_by("-uploaded_at")


def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    creation = _creation(request, pk)
    item = creation.item
    user = request.user
    template = creation.template.template
    current = Stage(creation.stage)
    history = list(creation.history.select_related("actor").order_by("on", "pk"))
    reached = {change.to_stage: change.on for change in history}
    plans = {plan.stage: plan.expected_on for plan in creation.plans.all()}
    steps = [(step, plans.get(step), reached.get(step)) for step in template.steps]
    is_office = item_rules.is_supervisor_of(user, item.region_id)
    choices = next_stages(template, current) + ([Stage.FAILED] if may_fail(template, current) else [])
    context = {
        "creation": creation,
        "item": item,
        "template": template,
        "steps": steps,
        "history": history,
        "materials": list(creation.materials.select_related("evidence")),
        "lineage": services.lineage(creation),
        "reapplication": Creation.objects.filter(previous=creation).select_related("item").first(),
        "related": list(item_list_for(user).filter(concerned_creations=creation).order_by("code")),
        "move_form": MoveForm(choices=choices, initial={"on": clock.today()})
        if is_office and choices
        else None,
        "reapply_form": ReapplyForm(initial={"year": item.year + 1})
        if is_office and current == Stage.FAILED and not hasattr(creation, "reapplication")
        else None,
        "tick_form": TickForm(evidence=_evidence(creation)) if services.can_tick(user, creation) else None,
    }
    return render(request, "creations/detail.html", context)


def _refused(message: str) -> HttpResponse:
    return HttpResponse(message, status=403)


@require_POST
def move(request: AuthedRequest, pk: int) -> HttpResponse:
    creation = _creation(request, pk)
    if not item_rules.is_supervisor_of(request.user, creation.item.region_id):
        return _refused("只有督查办可以登记创建阶段。")
    form = MoveForm(request.POST, choices=list(Stage))
    if form.is_valid():
        data = form.cleaned_data
        run_service(
            request,
            lambda: services.creation_move(
                actor=request.user,
                creation=creation,
                target=data["target"],
                on=data["on"],
                reason=data["reason"],
                as_of=clock.today(),
            ),
            f"已登记：{Stage(data['target']).label}。",
        )
    else:
        _form_errors(request, form)
    return redirect("creations:detail", pk=pk)


def _form_errors(request: AuthedRequest, form: forms.Form) -> None:
    messages.error(request, "；".join(str(message) for errors in form.errors.values() for message in errors))


@require_POST
def reapply(request: AuthedRequest, pk: int) -> HttpResponse:
    creation = _creation(request, pk)
    if not item_rules.is_supervisor_of(request.user, creation.item.region_id):
        return _refused("只有督查办可以重新申报创建。")
    form = ReapplyForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("creations:detail", pk=pk)
    made: list[Creation] = []
    if run_service(
        request,
        lambda: made.append(
            services.creation_reapply(
                actor=request.user,
                creation=creation,
                year=form.cleaned_data["year"],
                expected_award=form.cleaned_data["expected_award"],
                as_of=clock.today(),
            )
        ),
        "已重新申报，保留上次申报的全部记录。",
    ):
        return redirect("creations:detail", pk=made[0].pk)
    return redirect("creations:detail", pk=pk)


@require_POST
def tick(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        material = Material.objects.select_related("creation__item").get(
            pk=pk, creation__in=selectors.creation_list_for(request.user)
        )
    except Material.DoesNotExist:
        raise Http404 from None
    creation = material.creation
    if not services.can_tick(request.user, creation):
        return _refused("只有牵头单位或督查办可以登记档案资料。")
    form = TickForm(request.POST, evidence=_evidence(creation))
    if form.is_valid():
        run_service(
            request,
            lambda: services.material_tick(
                actor=request.user,
                material=material,
                evidence=form.cleaned_data["evidence"],
                note=form.cleaned_data["note"],
                as_of=clock.today(),
            ),
            f"已登记档案资料：{material.name}。",
        )
    else:
        _form_errors(request, form)
    return redirect("creations:detail", pk=creation.pk)


# ---------------------------------------------------------------------------------------------
# On-site meetings


def meetings(request: AuthedRequest) -> HttpResponse:
    as_of = clock.today()
    year = _year(request, as_of.year)
    rows = selectors.meeting_rows(request.user, as_of=as_of, year=year)
    context = {
        "rows": [(meeting, selectors.held_by(meeting, as_of)) for meeting in rows],
        "figures": selectors.onsite_stats(user=request.user, as_of=as_of) if year == as_of.year else None,
        "year": year,
        "as_of": as_of,
    }
    return render(request, "creations/meetings.html", context)


def _meeting(request: AuthedRequest, pk: int) -> OnSiteMeeting:
    try:
        return selectors.meeting_detail_for(request.user, pk)
    except OnSiteMeeting.DoesNotExist:
        raise Http404 from None


def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    item = meeting.item
    user = request.user
    sites = list(meeting.sites.select_related("project_item").prefetch_related("checks"))
    context = {
        "meeting": meeting,
        "item": item,
        "sites": sites,
        "visible_projects": set(
            item_list_for(user)
            .filter(pk__in=[s.project_item_id for s in sites if s.project_item_id])
            .values_list("pk", flat=True)
        ),
        "held_form": HeldForm(initial={"held_on": clock.today()})
        if item_rules.is_supervisor_of(user, item.region_id) and meeting.held_on is None
        else None,
        "may_check": item_rules.can_report(user, item) or item_rules.is_supervisor_of(user, item.region_id),
    }
    return render(request, "creations/meeting_detail.html", context)


@require_POST
def meeting_held(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not item_rules.is_supervisor_of(request.user, meeting.item.region_id):
        return _refused("只有督查办可以登记现场会召开。")
    form = HeldForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: services.meeting_held(
                actor=request.user, meeting=meeting, held_on=form.cleaned_data["held_on"], as_of=clock.today()
            ),
            "已登记现场会召开。",
        )
    else:
        _form_errors(request, form)
    return redirect("creations:meeting", pk=pk)


@require_POST
def check_done(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        check = ReadinessCheck.objects.select_related("site__meeting__item").get(
            pk=pk, site__meeting__in=selectors.meeting_list_for(request.user)
        )
    except ReadinessCheck.DoesNotExist:
        raise Http404 from None
    item = check.site.meeting.item
    if not (
        item_rules.can_report(request.user, item) or item_rules.is_supervisor_of(request.user, item.region_id)
    ):
        return _refused("只有牵头单位或督查办可以登记观摩准备。")
    run_service(
        request,
        lambda: services.check_done(actor=request.user, check=check, as_of=clock.today()),
        f"已完成：{check.name}。",
    )
    return redirect("creations:meeting", pk=item.pk)


def item_section(item: Item) -> str:
    """On an item's page: what the item is in these ledgers, with a link to its record (whoever sees
    the item sees the record: the record's visibility is its item's)."""
    if item.kind not in (KIND, MEETING_KIND):
        return ""
    creation = Creation.objects.filter(pk=item.pk).first() if item.kind == KIND else None
    meeting = OnSiteMeeting.objects.filter(pk=item.pk).first() if item.kind == MEETING_KIND else None
    if creation is None and meeting is None:
        return ""
    return render_to_string("creations/_item_section.html", {"creation": creation, "meeting": meeting})
