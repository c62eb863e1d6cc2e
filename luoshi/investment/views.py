"""The investment pages: thin; the selectors read, the services write, stages.py and watch.py decide."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from luoshi.core import clock
from luoshi.investment import rules, selectors, services
from luoshi.investment.forms import FollowUpForm, LeadForm, StageForm, base_data_form
from luoshi.investment.models import Lead, ListKind
from luoshi.investment.setup import KINDS, BaseData, field_labels, field_text
from luoshi.investment.stages import CHOICES, LABELS, OPEN, Stage
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
    # The leads known by the day, as `luoshi stats` counts them.
    rows = selectors.known_on(selectors.lead_list_for(request.user), as_of).order_by(
        "chain__sort_order", "chain_id", "-contacted_on", "pk"
    )
    stage, chain = request.GET.get("stage", ""), request.GET.get("chain", "")
    if stage in Stage.__members__.values():
        rows = rows.filter(stage=stage)
    chain_id = _number(chain)
    if chain_id is not None:
        rows = rows.filter(chain_id=chain_id)
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


def _number(text: str, *, lowest: int = 1, highest: int = 2**31 - 1) -> int | None:
    """A query string's number within bounds the database can compare, or None (no filter)."""
    text = text.strip()
    if not text.lstrip("-").isdigit() or len(text) > 12:
        return None
    number = int(text)
    return number if lowest <= number <= highest else None


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
        "may_follow_up": rules.can_follow_up(user, lead) and Stage(lead.stage) in OPEN,
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
    as_of = clock.today()
    form = LeadForm(request.POST or None, region=region, initial={"contacted_on": as_of})
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
                    as_of=as_of,
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
                actor=request.user,
                lead=lead,
                target=data["target"],
                on=data["on"],
                reason=data["reason"],
                as_of=clock.today(),
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
        "落地督办事项已建立并交办。"
        if lead.unit_id
        else "落地督办事项已建立（草稿，尚无跟进单位，请指定后交办）。",
    )
    return redirect("investment:detail", pk=lead.pk)


def funnel(request: AuthedRequest) -> HttpResponse:
    """Conversion from contact to signed to landed, by chain, task force and month; the signed
    leads not landed."""
    as_of = clock.today()
    # A year the funnel can count (and a date can hold); anything else is this year.
    year = _number(request.GET.get("year", ""), lowest=2000, highest=as_of.year + 1) or as_of.year
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


# -- The base data the office keeps: chains, task forces, the four lists' entries ------------------


def _base_data(request: AuthedRequest, kind: str) -> tuple[BaseData, Region] | HttpResponse:
    found = KINDS.get(kind)
    if found is None:
        raise Http404
    region = _office_region(request)
    if region is None or not rules.can_manage(request.user, region.pk):
        return _refused(request, "只有督查办可以维护招商引资的基础数据。")
    return found, region


def setup_list(request: AuthedRequest, kind: str) -> HttpResponse:
    """A kind of base data of the office's region, each row with its edit link."""
    checked = _base_data(request, kind)
    if isinstance(checked, HttpResponse):
        return checked
    found, region = checked
    rows = [
        (row, [field_text(row, name) for name in found.fields])
        for row in found.model._default_manager.filter(region=region).select_related(*_related(found))
    ]
    context = {
        "kind": found,
        "kinds": KINDS.values(),
        "region": region,
        "rows": rows,
        "fields": field_labels(found),
    }
    return render(request, "investment/setup_list.html", context)


def setup_edit(request: AuthedRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """Create (no pk) or change a row of the office's own region."""
    checked = _base_data(request, kind)
    if isinstance(checked, HttpResponse):
        return checked
    found, region = checked
    manager = found.model._default_manager
    try:
        instance = manager.get(pk=pk, region=region) if pk is not None else found.model(region=region)
    except found.model.DoesNotExist:  # type: ignore[attr-defined]
        raise Http404 from None
    form = base_data_form(found, region=region, data=request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        if run_service(
            request,
            lambda: services.base_data_save(actor=request.user, region=region, row=row),
            f"{found.label}已保存。",
        ):
            return redirect("investment:setup", kind=found.slug)
    title = f"{'修改' if pk else '新增'}{found.label}"
    return render(request, "investment/setup_form.html", {"form": form, "title": title, "kind": found})


def _related(kind: BaseData) -> list[str]:
    return [name for name in kind.fields if kind.model._meta.get_field(name).is_relation]
