"""The creations' and on-site meetings' pages: thin; the selectors read, the services write.

An object asked for by id that is out of the user's scope is a 404, recorded in the audit log as a
refusal when it exists (audit.http.out_of_scope), as the items' pages do."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from luoshi.audit.http import out_of_scope
from luoshi.core import clock
from luoshi.creations import selectors, services
from luoshi.creations.forms import (
    CancelForm,
    CreationForm,
    HeldForm,
    MeetingForm,
    MoveForm,
    PlansForm,
    ReapplyForm,
    SiteFormSet,
    TemplateForm,
    TickForm,
    checks_text,
)
from luoshi.creations.models import (
    KIND,
    MEETING_KIND,
    Creation,
    Material,
    OnSiteMeeting,
    ReadinessCheck,
    StageTemplate,
)
from luoshi.creations.stages import GROUP_LABELS, Stage, late, may_fail, next_stages, open_steps
from luoshi.items import rules as item_rules
from luoshi.items.http import run_service
from luoshi.items.models import EventKind, Evidence, Item, Status
from luoshi.items.selectors import item_list_for
from luoshi.org.http import AuthedRequest, acting_region
from luoshi.org.models import Region


def _year(request: AuthedRequest, default: int) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else default


def _refused(request: AuthedRequest, message: str, item: Item | None = None) -> HttpResponse:
    return render(request, "items/refused.html", {"message": message, "item": item}, status=403)


def _office_region(request: AuthedRequest) -> Region | None:
    try:
        return acting_region(request)
    except PermissionError:
        return None


def _acting_region_id(request: AuthedRequest) -> int:
    region = _office_region(request)
    return region.pk if region else 0


def _in_scope(queryset: Any, model: type[Model], pk: int) -> Any:
    """The object `pk` of the user's scope; 404 otherwise, the attempt recorded when it exists."""
    try:
        return queryset.get(pk=pk)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        out_of_scope(model, pk=pk)
        raise Http404 from None


def _form_errors(request: AuthedRequest, form: forms.BaseForm) -> None:
    messages.error(request, "；".join(str(message) for errors in form.errors.values() for message in errors))


# ---------------------------------------------------------------------------------------------
# Creations


def ledger(request: AuthedRequest) -> HttpResponse:
    as_of = clock.today()
    year = _year(request, as_of.year)
    rows = selectors.creation_rows(request.user, as_of=as_of, year=year)
    may_create = item_rules.can_create_item(request.user, _acting_region_id(request))
    context = {
        "may_create": may_create,
        "groups": [(group, GROUP_LABELS[group], members) for group, members in selectors.grouped(rows)],
        "total": len(rows),
        "late": sum(row.late is not None for row in rows),
        "year": year,
        "as_of": as_of,
    }
    return render(request, "creations/ledger.html", context)


def create(request: AuthedRequest) -> HttpResponse:
    """录入 a creation (the office): its item is assigned to its lead unit at once."""
    region = _office_region(request)
    if region is None:
        return _refused(request, "只有督查办可以录入示范创建。")
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


def _creation(request: AuthedRequest, pk: int) -> Creation:
    queryset = selectors.creation_list_for(request.user).select_related(
        "item__region", "item__lead_unit", "item__patron_leader__person", "template", "previous__item"
    )
    creation: Creation = _in_scope(queryset, Creation, pk)
    return creation


def _evidence(creation: Creation) -> object:
    return Evidence.objects.filter(report__item=creation.item).order_by("-uploaded_at")


def _set_aside_reason(item: Item) -> str:
    event = item.events.filter(kind__in=(EventKind.WITHDRAWN, EventKind.REPLACED)).first()
    return event.note if event else ""


def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    creation = _creation(request, pk)
    item = creation.item
    user = request.user
    as_of = clock.today()
    template = creation.template.template
    current = Stage(creation.stage)
    history = list(creation.history.select_related("actor").order_by("on", "pk"))
    reached = {change.to_stage: change.on for change in history}
    plans = {plan.stage: plan.expected_on for plan in creation.plans.all()}
    ahead = open_steps(template, current)
    steps = [
        (step, plans.get(step), reached.get(step), step in ahead and plans.get(step, as_of) < as_of)
        for step in template.steps
    ]
    set_aside = creation.set_aside
    is_office = item_rules.is_supervisor_of(user, item.region_id)
    moving = is_office and not set_aside and item.status != Status.DRAFT
    choices = next_stages(template, current) + ([Stage.FAILED] if may_fail(template, current) else [])
    context = {
        "creation": creation,
        "item": item,
        "template": template,
        "steps": steps,
        "late": None if set_aside else late(template, current, plans, as_of),
        "set_aside": set_aside,
        "set_aside_reason": _set_aside_reason(item) if set_aside else "",
        "history": history,
        "materials": list(creation.materials.select_related("evidence")),
        "lineage": services.lineage(creation),
        "reapplication": Creation.objects.filter(previous=creation).select_related("item").first(),
        "related": list(item_list_for(user).filter(concerned_creations=creation).order_by("code")),
        "sees_item": item_rules.can_view_item(user, item),
        "may_plan": moving and bool(ahead),
        "move_form": MoveForm(choices=choices, initial={"on": as_of}) if moving and choices else None,
        "reapply_form": ReapplyForm(initial={"year": item.year + 1})
        if is_office and current == Stage.FAILED and not hasattr(creation, "reapplication")
        else None,
        "tick_form": TickForm(evidence=_evidence(creation)) if services.can_tick(user, creation) else None,
    }
    return render(request, "creations/detail.html", context)


def plans(request: AuthedRequest, pk: int) -> HttpResponse:
    """The expected day of each stage still ahead of the creation (the office)."""
    creation = _creation(request, pk)
    item = creation.item
    if not item_rules.is_supervisor_of(request.user, item.region_id):
        return _refused(
            request, item_rules.office_only_reason(request.user, item, "设定创建的预计时间"), item
        )
    ahead = open_steps(creation.template.template, Stage(creation.stage))
    current = {plan.stage: plan.expected_on for plan in creation.plans.all()}
    form = PlansForm(request.POST or None, stages=ahead, initial={s.value: current.get(s) for s in ahead})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            lambda: services.creation_plans_set(
                actor=request.user,
                creation=creation,
                plans={stage: form.cleaned_data[stage.value] for stage in ahead},
                as_of=clock.today(),
            ),
            "已保存预计时间。",
        )
    ):
        return redirect("creations:detail", pk=pk)
    reached = list(creation.history.order_by("on", "pk"))
    context = {"form": form, "creation": creation, "item": item, "reached": reached, "ahead": ahead}
    return render(request, "creations/plans.html", context)


@require_POST
def move(request: AuthedRequest, pk: int) -> HttpResponse:
    creation = _creation(request, pk)
    if not item_rules.is_supervisor_of(request.user, creation.item.region_id):
        return _refused(request, "只有督查办可以登记创建阶段。", creation.item)
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


@require_POST
def reapply(request: AuthedRequest, pk: int) -> HttpResponse:
    creation = _creation(request, pk)
    if not item_rules.is_supervisor_of(request.user, creation.item.region_id):
        return _refused(request, "只有督查办可以重新申报创建。", creation.item)
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
    queryset = Material.objects.select_related("creation__item").filter(
        creation__in=selectors.creation_list_for(request.user)
    )
    material: Material = _in_scope(queryset, Material, pk)
    creation = material.creation
    if creation.set_aside:
        messages.error(request, "该创建已撤销，不能再登记档案资料。")
        return redirect("creations:detail", pk=creation.pk)
    if not services.can_tick(request.user, creation):
        return _refused(request, "只有牵头单位或督查办可以登记档案资料。")
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
# Stage templates (the office's own)


def templates(request: AuthedRequest) -> HttpResponse:
    region = _office_region(request)
    if region is None:
        return _refused(request, "只有督查办可以维护创建阶段模板。")
    services.templates_ensure(region=region)
    rows = [
        (template, template.template, template.creations.count())
        for template in StageTemplate.objects.filter(region=region).order_by("pk")
    ]
    return render(request, "creations/templates.html", {"rows": rows, "region": region})


def template_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Create (no pk; ?from=<pk> starts from a copy) or change a stage template of the office's
    region."""
    region = _office_region(request)
    if region is None:
        if pk is not None:  # an object of the URL: out of scope for everyone but an office
            _in_scope(StageTemplate.objects.none(), StageTemplate, pk)
        return _refused(request, "只有督查办可以维护创建阶段模板。")
    mine = StageTemplate.objects.filter(region=region)
    template: StageTemplate | None = _in_scope(mine, StageTemplate, pk) if pk is not None else None
    source = template
    copied = request.GET.get("from", "")
    if template is None and copied.isdigit():
        source = mine.filter(pk=int(copied)).first()
    initial: dict[str, Any] = {"steps": [step.value for step in services.DEFAULT_STEPS]}
    if source is not None:
        initial = {"name": source.name if template else "", "steps": source.steps, "review": source.review}
    form = TemplateForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            lambda: services.template_save(
                actor=request.user,
                region=region,
                template=template,
                name=form.cleaned_data["name"],
                steps=form.cleaned_data["steps"],
                review=form.cleaned_data["review"],
            ),
            "已保存阶段模板。",
        )
    ):
        return redirect("creations:templates")
    in_use = template.creations.count() if template else 0
    title = f"修改阶段模板：{template.name}" if template else "新建阶段模板"
    return render(
        request,
        "creations/template_form.html",
        {"form": form, "title": title, "template": template, "in_use": in_use},
    )


# ---------------------------------------------------------------------------------------------
# On-site meetings


def meetings(request: AuthedRequest) -> HttpResponse:
    as_of = clock.today()
    year = _year(request, as_of.year)
    rows = selectors.meeting_rows(request.user, as_of=as_of, year=year)
    context = {
        "rows": [(meeting, selectors.held_by(meeting, as_of)) for meeting in rows],
        "figures": selectors.onsite_stats(user=request.user, as_of=as_of) if year == as_of.year else None,
        "may_create": item_rules.can_create_item(request.user, _acting_region_id(request)),
        "year": year,
        "as_of": as_of,
    }
    return render(request, "creations/meetings.html", context)


def _meeting(request: AuthedRequest, pk: int) -> OnSiteMeeting:
    queryset = selectors.meeting_list_for(request.user).select_related(
        "item__region", "item__lead_unit", "item__patron_leader__person"
    )
    meeting: OnSiteMeeting = _in_scope(queryset, OnSiteMeeting, pk)
    return meeting


def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    item = meeting.item
    user = request.user
    sites = list(meeting.sites.select_related("project_item", "unit").prefetch_related("checks"))
    is_office = item_rules.is_supervisor_of(user, item.region_id)
    open_ = not meeting.cancelled and meeting.held_on is None
    # services.can_ready, site by site: the office and the lead unit ready every site, a site's own
    # unit its own.
    everywhere = is_office or item_rules.can_report(user, item)
    context = {
        "meeting": meeting,
        "item": item,
        "sites": [
            (site, open_ and (everywhere or item_rules.works_in(user, site.unit_id))) for site in sites
        ],
        "visible_projects": set(
            item_list_for(user)
            .filter(pk__in=[s.project_item_id for s in sites if s.project_item_id])
            .values_list("pk", flat=True)
        ),
        "sees_item": item_rules.can_view_item(user, item),
        "cancel_reason": services.cancel_reason(meeting) if meeting.cancelled else "",
        "may_edit": is_office and open_,
        "held_form": HeldForm(initial={"held_on": clock.today()})
        if is_office and open_ and item.status != Status.DRAFT
        else None,
        "cancel_form": CancelForm() if is_office and open_ else None,
    }
    return render(request, "creations/meeting_detail.html", context)


def _meeting_input(form: MeetingForm, formset: Any, *, year: int) -> services.MeetingInput:
    data = form.cleaned_data
    return services.MeetingInput(
        title=data["title"],
        year=year,
        level=data["level"],
        planned_on=data["planned_on"],
        lead_unit=data["lead_unit"],
        patron_leader=data["patron_leader"],
        support_units=list(data["support_units"]),
        description=data["description"],
        sites=formset.sites(),
    )


def meeting_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """录入 (no pk) or change an on-site meeting with its sites and their checklists (the office)."""
    meeting = _meeting(request, pk) if pk is not None else None
    item = meeting.item if meeting else None
    if meeting is not None and item is not None:
        if not item_rules.is_supervisor_of(request.user, item.region_id):
            return _refused(request, item_rules.office_only_reason(request.user, item, "修改现场会"))
        region = item.region
        if meeting.cancelled or meeting.held_on is not None:
            state = "已取消" if meeting.cancelled else "已召开"
            return _refused(request, f"该现场会{state}，不能再修改。")
    else:
        found = _office_region(request)
        if found is None:
            return _refused(request, "只有督查办可以录入现场会。")
        region = found
    as_of = clock.today()
    if meeting is not None and item is not None:
        initial: dict[str, Any] = {
            "title": item.title,
            "level": meeting.level,
            "planned_on": meeting.planned_on,
            "lead_unit": item.lead_unit,
            "patron_leader": item.patron_leader,
            "support_units": list(item.support_units.all()),
            "description": item.description,
            "version": item.version,
        }
        site_initial = [
            {
                "id": site.pk,
                "project_item": site.project_item_id,
                "place": site.place,
                "unit": site.unit_id,
                "checks": checks_text(site),
            }
            for site in meeting.sites.prefetch_related("checks")
        ]
    else:
        initial, site_initial = {"level": "municipal"}, []
    form = MeetingForm(request.POST or None, region=region, initial=initial)
    if meeting is not None:
        form.fields["version"].required = True  # an edit is saved only on the version it was read at
    formset = SiteFormSet(request.POST or None, region=region, initial=site_initial, prefix="sites")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        done: list[OnSiteMeeting] = []
        if meeting is not None and item is not None:
            data = _meeting_input(form, formset, year=item.year)
            saved = run_service(
                request,
                lambda: done.append(
                    services.meeting_update(
                        actor=request.user,
                        meeting=meeting,
                        data=data,
                        as_of=as_of,
                        expected_version=form.cleaned_data["version"],
                    )
                ),
                "已保存现场会。",
            )
        else:
            data = _meeting_input(form, formset, year=form.cleaned_data["planned_on"].year)
            saved = run_service(
                request,
                lambda: done.append(
                    services.meeting_create(actor=request.user, region=region, data=data, as_of=as_of)
                ),
                "已录入现场会，并交办给牵头筹备单位。",
            )
        if saved:
            return redirect("creations:meeting", pk=done[0].pk)
    elif request.method == "POST" and not formset.is_valid():
        messages.error(request, "观摩点有误，请按提示修改。")
    title = f"修改现场会：{item.title}" if item else "录入现场会"
    context = {"form": form, "formset": formset, "title": title, "meeting": meeting}
    return render(request, "creations/meeting_form.html", context)


@require_POST
def meeting_held(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not item_rules.is_supervisor_of(request.user, meeting.item.region_id):
        return _refused(request, "只有督查办可以登记现场会召开。")
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
def meeting_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not item_rules.is_supervisor_of(request.user, meeting.item.region_id):
        return _refused(request, "只有督查办可以取消现场会。")
    form = CancelForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: services.meeting_cancel(
                actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"], as_of=clock.today()
            ),
            "已取消现场会。",
        )
    else:
        _form_errors(request, form)
    return redirect("creations:meeting", pk=pk)


@require_POST
def check_done(request: AuthedRequest, pk: int) -> HttpResponse:
    queryset = ReadinessCheck.objects.select_related("site__meeting__item", "site__unit").filter(
        site__meeting__in=selectors.meeting_list_for(request.user)
    )
    check: ReadinessCheck = _in_scope(queryset, ReadinessCheck, pk)
    meeting = check.site.meeting
    if not services.can_ready(request.user, check):
        if meeting.cancelled or meeting.held_on is not None:
            messages.error(request, "该现场会已取消或已召开，不再登记观摩准备。")
            return redirect("creations:meeting", pk=meeting.pk)
        return _refused(request, "只有督查办、牵头单位或该观摩点的负责单位可以登记观摩准备。")
    run_service(
        request,
        lambda: services.check_done(actor=request.user, check=check, as_of=clock.today()),
        f"已完成：{check.name}。",
    )
    return redirect("creations:meeting", pk=meeting.pk)


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
