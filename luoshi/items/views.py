"""Thin views: parse the request, call a selector or a service, render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from luoshi.audit.http import out_of_scope, scoped_object_or_404
from luoshi.core import clock
from luoshi.core.selectors import work_calendar
from luoshi.items import rules, selectors, services
from luoshi.items.forms import (
    InstructionForm,
    ItemFilterForm,
    ItemForm,
    MilestoneFormSet,
    RectificationForm,
    RejectForm,
    ReportForm,
    SupervisionActionForm,
    TransitionForm,
    VerifyForm,
    milestones_from,
)
from luoshi.items.hooks import item_page_sections, supervision_page_sections
from luoshi.items.http import evidence_response, run_service
from luoshi.items.models import (
    DONE_STATUSES,
    Evidence,
    Item,
    ProgressReport,
    ReportStatus,
    Status,
    SupervisionAction,
)
from luoshi.items.reporting import item_reporting_state
from luoshi.items.schedule import Period
from luoshi.items.services.reports import latest_report_found_untrue
from luoshi.items.workflow import TRANSITIONS, Action
from luoshi.org.http import AuthedRequest, acting_region
from luoshi.org.models import Role
from luoshi.org.selectors import leader_list_for, region_list_for, scope_for, unit_list_for

PAGE_SIZE = 30


def _item(request: AuthedRequest, pk: int) -> Item:
    try:
        return selectors.item_detail_for(request.user, pk)
    except Item.DoesNotExist:
        out_of_scope(Item, pk=pk)
        raise Http404 from None


# ---------------------------------------------------------------------------------------------
# List and export


def _filter_form(request: AuthedRequest) -> ItemFilterForm:
    return ItemFilterForm(
        request.GET or None,
        units=unit_list_for(request.user).filter(is_active=True),
        leaders=leader_list_for(request.user).filter(is_active=True),
        regions=region_list_for(request.user),
        many_regions=selectors.sees_many_regions(request.user),
    )


def filtered_items(request: AuthedRequest) -> tuple[ItemFilterForm, Any]:
    form = _filter_form(request)
    filters = form.filters()
    items = selectors.item_list_filtered(request.user, filters, today=clock.today())
    # Work under way first, then by deadline: what is done sinks to the end of the list.
    ended = list(DONE_STATUSES | {Status.WITHDRAWN, Status.REPLACED})
    finished = Case(When(status__in=ended, then=1), default=0)
    return form, items.order_by(finished, "deadline", "code")


def item_list(request: AuthedRequest) -> HttpResponse:
    form, items = filtered_items(request)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "today": clock.today(),
        "query": request.GET.urlencode(),
        "can_create": any(s.role == Role.SUPERVISOR for s in scope_for(request.user).seats),
        "many_regions": form.many_regions,
        "partial": bool(request.headers.get("HX-Request")),
    }
    template = "items/_item_table.html" if request.headers.get("HX-Request") else "items/item_list.html"
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------
# Item page


def _periods_to_offer(item: Item, as_of: Any) -> list[Period]:
    return selectors.report_periods_to_offer(item, as_of=as_of, calendar=work_calendar())


@dataclass(frozen=True)
class ReportCard:
    report: ProgressReport
    can_verify: bool
    can_approve: bool
    can_correct: bool


def item_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    user = request.user
    as_of = clock.today()
    reports = list(selectors.item_reports(item))
    cards = [
        ReportCard(
            report,
            can_verify=rules.can_verify(user, report),
            can_approve=rules.can_approve_report(user, report),
            can_correct=rules.can_correct_report(user, report),
        )
        for report in reports
    ]
    instructions = list(item.instructions.select_related("leader__person", "acknowledged_by"))
    reported = {r.period_start for r in reports if r.status != ReportStatus.REJECTED}
    state = item_reporting_state(item, reported, as_of=as_of, calendar=work_calendar())
    context = {
        "item": item,
        "today": as_of,
        "transitions": rules.allowed_transitions(user, item),
        "deadline_passed": item.deadline is not None and item.deadline < as_of,
        "untrue_report": latest_report_found_untrue(reports),
        "can_edit": rules.can_edit_item(user, item),
        "can_report": rules.can_report(user, item),
        "can_instruct": rules.can_instruct(user, item),
        "can_acknowledge": rules.can_acknowledge_instruction(user, item),
        "cards": cards,
        "instructions": instructions,
        "open_instructions": [i for i in instructions if i.acknowledged_at is None],
        "milestones": list(item.milestones.all()),
        "events": selectors.item_events(item)[:200],
        "reporting": state,
        "transition_form": TransitionForm(),
        "instruction_form": InstructionForm(),
        "actions": item.supervision_actions.all(),
        "sections": [section for section in item_page_sections.collect(item) if section],
    }
    return render(request, "items/item_detail.html", context)


@require_POST
def item_act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    item = _item(request, pk)
    if action not in Action.__members__.values():
        raise Http404
    form = TransitionForm(request.POST)
    form.is_valid()
    successor = None
    code = (form.cleaned_data.get("successor") or "").strip()
    if code:
        successor = selectors.item_list_for(request.user).filter(region=item.region, code=code).first()
        if successor is None:
            messages.error(request, f"找不到编号为 {code} 的事项。")
            return redirect(item_url(item))
    label = TRANSITIONS[Action(action)].label
    run_service(
        request,
        lambda: services.item_take(
            actor=request.user,
            item=item,
            action=action,
            as_of=clock.today(),
            reason=form.cleaned_data.get("reason") or "",
            successor=successor,
            confirm_past_deadline=bool(form.cleaned_data.get("confirm_past_deadline")),
        ),
        f"已{label}。",
    )
    return redirect(item_url(item))


def item_url(item: Item) -> str:
    return reverse("items:detail", args=[item.pk])


# ---------------------------------------------------------------------------------------------
# Create and edit


def item_create(request: AuthedRequest) -> HttpResponse:
    try:
        region = acting_region(request)
    except PermissionError:
        return render(request, "items/refused.html", {"message": "只有督查办可以立项。"}, status=403)
    form = ItemForm(request.POST or None, region=region, initial={"year": clock.today().year})
    formset = MilestoneFormSet(request.POST or None, prefix="milestones")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        created: list[Item] = []

        def create() -> None:
            item = services.item_create(
                actor=request.user, region=region, data=form.to_input(milestones_from(formset))
            )
            created.append(item)
            if request.POST.get("assign"):
                services.item_take(actor=request.user, item=item, action=Action.ASSIGN, as_of=clock.today())

        if run_service(
            request, create, "事项已创建。" + ("并已交办。" if request.POST.get("assign") else "")
        ):
            return redirect(item_url(created[0]))
    return render(request, "items/item_form.html", {"form": form, "formset": formset, "region": region})


def item_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    if not rules.can_edit_item(request.user, item):
        message = rules.cannot_edit_reason(request.user, item)
        return render(request, "items/refused.html", {"message": message, "item": item}, status=403)
    as_of = clock.today()
    milestones = [
        {"id": m.pk, "name": m.name, "due": m.due, "done_on": m.done_on} for m in item.milestones.all()
    ]
    form = ItemForm(
        request.POST or None, region=item.region, initial=ItemForm.initial_from(item), as_of=as_of
    )
    formset = MilestoneFormSet(request.POST or None, prefix="milestones", initial=milestones)
    status = 200
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        expected = form.cleaned_data.get("version") or 0
        try:
            services.item_update(
                actor=request.user,
                item=item,
                expected_version=expected,
                data=form.to_input(milestones_from(formset)),
                as_of=as_of,
            )
        except services.Conflict as conflict:
            messages.error(request, conflict.message)
            status = 409
        except services.ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "修改已保存。")
            if form.deadline_notice:
                messages.warning(request, form.deadline_notice)
            return redirect(item_url(item))
    return render(
        request,
        "items/item_form.html",
        {"form": form, "formset": formset, "item": item, "region": item.region},
        status=status,
    )


# ---------------------------------------------------------------------------------------------
# Reports, evidence, verification


def report_create(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    if not rules.can_report(request.user, item):
        return render(
            request,
            "items/refused.html",
            {"message": services.cannot_report_reason(item), "item": item},
            status=403,
        )
    return _report_form(request, item, correcting=None)


def report_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    report = scoped_object_or_404(selectors.report_list_for(request.user), pk=pk)
    item = _item(request, report.item_id)
    if not rules.can_correct_report(request.user, report):
        return render(
            request,
            "items/refused.html",
            {"message": "这份报告已核实或已被更正，不能再更正。", "item": item},
            status=403,
        )
    return _report_form(request, item, correcting=report)


def _report_form(request: AuthedRequest, item: Item, *, correcting: ProgressReport | None) -> HttpResponse:
    as_of = clock.today()
    if correcting is not None:
        periods = [Period(correcting.period_start, correcting.period_end, correcting.due_on)]
        initial = {
            "period_start": correcting.period_start.isoformat(),
            "done": correcting.done,
            "problems": correcting.problems,
            "next_steps": correcting.next_steps,
            "percent": correcting.percent,
            "value": correcting.value,
            "confidence": correcting.confidence,
        }
    else:
        periods = _periods_to_offer(item, as_of)
        overdue = [p for p in periods if p.due < as_of]
        initial = (
            {"period_start": (overdue[-1] if overdue else periods[0]).start.isoformat()} if periods else {}
        )
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        item=item,
        periods=periods,
        correcting=correcting is not None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        files = form.cleaned_data.get("evidence") or []
        done = run_service(
            request,
            lambda: services.report_submit(
                actor=request.user,
                item=item,
                data=form.to_input(),
                files=files,
                as_of=as_of,
                supersedes=correcting,
            ),
            "进度已更正。" if correcting else "进度已报送。",
        )
        if done:
            return redirect(item_url(item))
    return render(
        request,
        "items/report_form.html",
        {"form": form, "item": item, "correcting": correcting, "today": as_of},
    )


def report_verify(request: AuthedRequest, pk: int) -> HttpResponse:
    report = scoped_object_or_404(selectors.report_list_for(request.user).prefetch_related("evidence"), pk=pk)
    if not rules.can_verify(request.user, report):
        return render(
            request,
            "items/refused.html",
            {"message": rules.cannot_verify_reason(request.user, report), "item": report.item},
            status=403,
        )
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_service(
            request,
            lambda: services.report_verify(
                actor=request.user,
                report=report,
                method=d["method"],
                verdict=d["verdict"],
                note=d["note"],
                as_of=clock.today(),
            ),
            "核实结果已记录。",
        )
        if done:
            next_url = request.POST.get("next") or ""
            return redirect(
                next_url
                if next_url.startswith("/") and not next_url.startswith("//")
                else item_url(report.item)
            )
    return render(request, "items/verify_form.html", {"form": form, "report": report, "item": report.item})


@require_POST
def report_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    report = scoped_object_or_404(selectors.report_list_for(request.user), pk=pk)
    run_service(
        request,
        lambda: services.report_approve(actor=request.user, report=report, as_of=clock.today()),
        "已审核通过并报送督查办。",
    )
    return redirect(item_url(report.item))


@require_POST
def report_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    report = scoped_object_or_404(selectors.report_list_for(request.user), pk=pk)
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_service(
        request,
        lambda: services.report_reject(actor=request.user, report=report, reason=reason),
        "已退回填报人修改。",
    )
    return redirect(item_url(report.item))


def evidence_file(request: AuthedRequest, pk: int, thumbnail: bool = False) -> HttpResponseBase:
    """Evidence is served only here, after the permission check of the item it belongs to."""
    evidence = scoped_object_or_404(
        Evidence.objects.select_related("report").filter(
            report__item__in=selectors.item_list_for(request.user).values("pk")
        ),
        pk=pk,
    )
    return evidence_response(evidence, thumbnail=thumbnail)


# ---------------------------------------------------------------------------------------------
# Instructions


@require_POST
def instruction_create(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = InstructionForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    run_service(
        request,
        lambda: services.instruction_give(actor=request.user, item=item, text=text, as_of=clock.today()),
        "批示已送达牵头单位。",
    )
    return redirect(item_url(item))


@require_POST
def instruction_acknowledge(request: AuthedRequest, pk: int) -> HttpResponse:
    instruction = scoped_object_or_404(selectors.instruction_list_for(request.user), pk=pk)
    run_service(
        request, lambda: services.instruction_acknowledge(actor=request.user, instruction=instruction), ""
    )
    if request.headers.get("HX-Request"):
        return HttpResponse("")
    return redirect(item_url(instruction.item))


# ---------------------------------------------------------------------------------------------
# Supervision actions


def supervision_list(request: AuthedRequest) -> HttpResponse:
    actions = selectors.supervision_list_for(request.user)
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    can_record = (
        any(s.role == Role.SUPERVISOR for s in scope_for(request.user).seats)
        or scope_for(request.user).everything
    )
    return render(request, "items/supervision_list.html", {"page": page, "can_record": can_record})


def supervision_create(request: AuthedRequest) -> HttpResponse:
    try:
        region = acting_region(request)
    except PermissionError:
        return render(request, "items/refused.html", {"message": "只有督查办可以记录督办。"}, status=403)
    initial: dict[str, Any] = {"held_on": clock.today()}
    if request.GET.get("item"):
        initial["items"] = selectors.item_list_for(request.user).filter(pk=request.GET["item"])
    form = SupervisionActionForm(
        request.POST or None, region=region, items=selectors.item_list_for(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        recorded: list[SupervisionAction] = []
        done = run_service(
            request,
            lambda: recorded.append(
                services.supervision_action_record(
                    actor=request.user,
                    region=region,
                    kind=d["kind"],
                    title=d["title"],
                    held_on=d["held_on"],
                    items=list(d["items"]),
                    units=list(d["units"]),
                    findings=d["findings"],
                    demands=d["demands"],
                    respond_by=d["respond_by"],
                )
            ),
            "督办已记录，涉及单位已收到通知。",
        )
        if done:
            return redirect("items:supervision_detail", pk=recorded[0].pk)
    return render(request, "items/supervision_form.html", {"form": form})


def supervision_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    action = scoped_object_or_404(selectors.supervision_list_for(request.user), pk=pk)
    can_open = rules.can_record_supervision(request.user, action.region_id)
    form = RectificationForm(request.POST or None, region=action.region) if can_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        d = form.cleaned_data
        opened: list[Item] = []
        data = services.ItemInput(
            title=d["title"],
            description=d["description"],
            year=d["deadline"].year,
            lead_unit=d["lead_unit"],
            deadline=d["deadline"],
        )
        done = run_service(
            request,
            lambda: opened.append(
                services.supervision_action_open_item(
                    actor=request.user, action=action, data=data, assign=d["assign"], as_of=clock.today()
                )
            ),
            "整改事项已建立。",
        )
        if done:
            return redirect(item_url(opened[0]))
    visible_items = selectors.item_list_for(request.user)
    return render(
        request,
        "items/supervision_detail.html",
        {
            "action": action,
            "form": form,
            "items": visible_items.filter(pk__in=action.items.values("pk")),
            "opened": visible_items.filter(origin_action=action),
            "sections": [section for section in supervision_page_sections.collect(action) if section],
        },
    )


# ---------------------------------------------------------------------------------------------
# 我的工作


# A long list on 我的工作 shows its first rows and opens the item list for the rest (a city's
# office may have thousands of items without this period's report).
WORK_ROWS = 50


def my_work(request: AuthedRequest) -> HttpResponse:
    as_of = clock.today()
    work = selectors.work_for(request.user, as_of=as_of, calendar=work_calendar())
    scope = scope_for(request.user)
    context = {
        "work": work,
        "today": as_of,
        "scope_is_empty": scope.is_empty,
        "many_regions": selectors.sees_many_regions(request.user),
        "work_rows": WORK_ROWS,
    }
    return render(request, "items/work.html", context)
