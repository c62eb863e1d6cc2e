"""The key projects' pages: thin; the selectors read, the services write, the rules decide."""

from __future__ import annotations

import io
import tempfile
from contextlib import ExitStack
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from luoshi.core import clock
from luoshi.items import rules as item_rules
from luoshi.items.evidence import thumbnail as image_thumbnail
from luoshi.items.http import run_service, sandboxed
from luoshi.items.models import Item, SupervisionAction
from luoshi.items.selectors import (
    item_detail_for,
    item_events,
    item_reports,
    sees_many_regions,
    supervision_list_for,
)
from luoshi.items.services import ServiceError
from luoshi.items.workflow import Action
from luoshi.org.http import AuthedRequest, acting_region
from luoshi.projects import excel, rules, selectors, services
from luoshi.projects.forms import (
    BlockerForm,
    InvestmentImportForm,
    LedgerFilterForm,
    LedgerImportForm,
    PlanForm,
    ProjectForm,
    ReplaceForm,
    SiteVisitForm,
    StageForm,
)
from luoshi.projects.models import Blocker, Project, SitePhoto, Stage
from luoshi.projects.sign import Sign, sign_url, signs_pdf

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _project(request: AuthedRequest, pk: int) -> Project:
    try:
        return selectors.project_detail_for(request.user, pk)
    except Project.DoesNotExist:
        raise Http404 from None


def _stage_choices(user: Any) -> list[tuple[str, str]]:
    """The stages of the regions the user sees (one region: its own pipeline, in order)."""
    regions = selectors.project_list_for(user).values("item__region_id")
    seen: dict[str, str] = {}
    for stage in Stage.objects.filter(region_id__in=regions).order_by("region_id", "sort_order"):
        seen.setdefault(stage.key, stage.label)
    return list(seen.items())


def _filtered(
    request: AuthedRequest,
) -> tuple[LedgerFilterForm, selectors.LedgerFilters, list[selectors.Row], list[selectors.Row], date]:
    """The ledger's form, filters, rows of the year and rows chosen, as the query string asks."""
    user = request.user
    as_of = clock.today()
    form = LedgerFilterForm(request.GET or None, user=user, stages=_stage_choices(user))
    filters = form.filters()
    filters.year = filters.year or as_of.year
    rows = selectors.ledger_rows(user, as_of=as_of, year=filters.year, region=filters.region)
    return form, filters, rows, selectors.rows_filter(rows, filters), as_of


def _office_region(request: AuthedRequest) -> Any:
    try:
        return acting_region(request)
    except PermissionError:
        return None


def ledger(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form, filters, rows, chosen, as_of = _filtered(request)
    year = filters.year or as_of.year
    summary = selectors.ledger_summary(rows, filters, year=year, as_of=as_of)
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "summary": summary,
        "page": page,
        "count": len(chosen),
        "year": year,
        "as_of": as_of,
        "month": rules.reporting_month(year, as_of),
        "completed_label": rules.completed_label(rules.reporting_month(year, as_of)),
        "pending": sum(1 for row in rows if row.pending),
        "many_regions": sees_many_regions(user),
        "query": request.GET.urlencode(),
        "is_reserve": year > as_of.year,
        "may_import": _office_region(request) is not None,
    }
    return render(request, "projects/ledger.html", context)


def ledger_export(request: AuthedRequest) -> FileResponse:
    """The ledger as filtered on screen, as the user may see it, in the import's columns. Written
    to a temporary file (deleted once sent), not built in memory."""
    _form, filters, _rows, chosen, as_of = _filtered(request)
    with ExitStack() as closing:
        file = closing.enter_context(tempfile.TemporaryFile(suffix=".xlsx"))
        excel.export_ledger(chosen, file, month=rules.reporting_month(filters.year or as_of.year, as_of))
        file.seek(0)
        closing.pop_all()  # the response closes (and so deletes) it once sent
    return FileResponse(
        file, as_attachment=True, filename=f"重点项目台账_{as_of:%Y%m%d}.xlsx", content_type=XLSX
    )


def _refused(request: AuthedRequest, message: str) -> HttpResponse:
    return render(request, "items/refused.html", {"message": message}, status=403)


def ledger_template(request: AuthedRequest) -> HttpResponse:
    region = _office_region(request)
    if region is None:
        return _refused(request, "只有督查办可以导入重点项目。")
    as_of = clock.today()
    services.stage_set_ensure(region=region)
    content = excel.template_ledger(region, month=rules.reporting_month(as_of.year, as_of))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('重点项目导入模板.xlsx')}"
    return response


def ledger_import(request: AuthedRequest) -> HttpResponse:
    """A ledger sheet: rows with a project's code update it, rows without one are new projects,
    assigned to their lead units at once; all or nothing."""
    region = _office_region(request)
    if region is None:
        return _refused(request, "只有督查办可以导入重点项目。")
    as_of = clock.today()
    form = LedgerImportForm(request.POST or None, request.FILES or None, initial={"year": as_of.year})
    errors: list[object] = []
    checked = ""
    if request.method == "POST" and form.is_valid():
        services.stage_set_ensure(region=region)
        result = excel.read_ledger(
            form.cleaned_data["file"], region=region, year=form.cleaned_data["year"], as_of=as_of
        )
        errors = list(result.errors)
        dry_run = bool(request.POST.get("dry_run"))
        if result.ok:
            try:
                counts = services.projects_import(
                    actor=request.user,
                    region=region,
                    creates=result.creates,
                    updates=result.updates,
                    unchanged=len(result.unchanged),
                    as_of=as_of,
                    dry_run=dry_run,
                )
            except ServiceError as error:
                errors = [error.message]
            else:
                if dry_run:
                    checked = f"检查通过（尚未导入）：{counts.summary()}。"
                else:
                    messages.success(request, f"已导入：{counts.summary()}。")
                    return redirect("projects:ledger")
    context = {"form": form, "errors": errors, "checked": checked, "region": region, "kind": "ledger"}
    return render(request, "projects/import.html", context, status=400 if errors else 200)


def investments_import(request: AuthedRequest) -> HttpResponse:
    """The month's investment of all projects at once: each row the project's monthly report."""
    region = _office_region(request)
    if region is None:
        return _refused(request, "只有督查办可以导入月度投资。")
    as_of = clock.today()
    last = rules.reporting_month(as_of.year, as_of)
    initial = {"month": date(as_of.year, last, 1)} if last else {}
    form = InvestmentImportForm(request.POST or None, request.FILES or None, initial=initial)
    errors: list[object] = []
    checked = ""
    if request.method == "POST" and form.is_valid():
        result = excel.read_investments(
            form.cleaned_data["file"], region=region, month=form.cleaned_data["month"], as_of=as_of
        )
        errors = list(result.errors)
        dry_run = bool(request.POST.get("dry_run"))
        if result.ok:
            try:
                count = services.investments_import(
                    actor=request.user, region=region, rows=result.rows, as_of=as_of, dry_run=dry_run
                )
            except ServiceError as error:
                errors = [error.message]
            else:
                same = f"，{result.unchanged} 个与已报送的相同" if result.unchanged else ""
                if dry_run:
                    checked = f"检查通过：{count} 个项目的月度投资可以导入{same}（尚未导入）。"
                else:
                    messages.success(request, f"已导入 {count} 个项目的月度投资{same}。")
                    return redirect("projects:ledger")
    context = {"form": form, "errors": errors, "checked": checked, "region": region, "kind": "investments"}
    return render(request, "projects/import.html", context, status=400 if errors else 200)


def reserve(request: AuthedRequest) -> HttpResponse:
    as_of = clock.today()
    pipeline = selectors.reserve_pipeline(request.user, as_of=as_of)
    return render(request, "projects/reserve.html", {"pipeline": pipeline, "as_of": as_of})


def _investment_chart(project: Project, row: selectors.Row, reports: list[Any]) -> dict[str, Any]:
    """The cumulative investment reported month by month against the cumulative plan (万元)."""
    year = row.year
    plan = {p.month.month: p.amount for p in project.monthly_plan.filter(month__year=year)}
    months = list(range(1, 13))
    cumulative_plan: list[str] = []
    running = Decimal(0)
    for month in months:
        if plan:
            running += plan.get(month, Decimal(0))
        else:
            facts = rules.Facts(
                year=year,
                planned_investment=row.planned_investment,
                completed_investment=Decimal(0),
                planned_start=row.planned_start,
                actual_start=row.actual_start,
                finished=False,
            )
            running = rules.plan_to_date(facts, _month_after(year, month))
        cumulative_plan.append(str(running.quantize(Decimal("0.01"))))
    done: dict[int, str] = {}
    for report in reports:
        if report.period_start.year == year and report.value is not None and report.is_current:
            done.setdefault(report.period_start.month, str(report.value.quantize(Decimal("0.01"))))
    return {
        "months": [f"{m}月" for m in months],
        "plan": cumulative_plan,
        "done": [done.get(m) for m in months],
    }


def _month_after(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def project_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    item = project.item
    user = request.user
    as_of = clock.today()
    row = selectors.ledger_rows(user, as_of=as_of, year=item.year, region=item.region_id)
    found = next(r for r in row if r.pk == project.pk)
    reports = list(item_reports(item))
    blockers = list(project.blockers.select_related("owner_unit", "owner_leader__person", "item"))
    is_office = item_rules.is_supervisor_of(user, item.region_id)
    context = {
        "project": project,
        "item": item,
        "row": found,
        "blockers": blockers,
        "events": list(item_events(item)[:30]),
        "related": list(selectors.related_items_for(user, project)),
        "visits": selectors.site_visits_for(user, project),
        "chart": _investment_chart(project, found, reports),
        "is_office": is_office and item.status not in selectors.SET_ASIDE,
        "replaced_by": getattr(item.replaced_by, "project", None) if item.replaced_by_id else None,
        "replaces": list(Project.objects.filter(item__replaced_by=item).select_related("item")),
        "may_assign": item_rules.can_take(user, item, Action.ASSIGN),
        "month": rules.reporting_month(item.year, as_of),
        "completed_label": rules.completed_label(rules.reporting_month(item.year, as_of)),
        "as_of": as_of,
    }
    return render(request, "projects/project_detail.html", context)


def project_replace(request: AuthedRequest, pk: int) -> HttpResponse:
    """Replace a project that cannot start by another of the year's projects (the office only)."""
    project = _project(request, pk)
    if not item_rules.is_supervisor_of(request.user, project.item.region_id):
        return HttpResponse("只有督查办可以替换项目。", status=403)
    form = ReplaceForm(
        request.POST or None, candidates=selectors.replacement_candidates(request.user, project)
    )
    if request.method == "POST" and form.is_valid():
        successor = form.cleaned_data["successor"]
        if run_service(
            request,
            lambda: services.project_replace(
                actor=request.user,
                project=project,
                successor=successor,
                reason=form.cleaned_data["reason"],
                as_of=clock.today(),
            ),
            f"已由“{successor.item.title}”替换，原项目保留全部记录。",
        ):
            return redirect("projects:detail", pk=pk)
    return render(request, "projects/replace.html", {"project": project, "item": project.item, "form": form})


@require_POST
def project_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    """交办 a draft project to its lead unit from its own page (the items service does it)."""
    project = _project(request, pk)
    if not item_rules.can_take(request.user, project.item, Action.ASSIGN):
        return HttpResponse(
            item_rules.office_only_reason(request.user, project.item, "交办重点项目"), status=403
        )
    run_service(
        request,
        lambda: services.project_assign(actor=request.user, project=project, as_of=clock.today()),
        "已交办给责任单位。",
    )
    return redirect("projects:detail", pk=pk)


@require_POST
def blocker_open_item(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        blocker = Blocker.objects.select_related("project").get(
            pk=pk, project__in=selectors.project_list_for(request.user)
        )
    except Blocker.DoesNotExist:
        raise Http404 from None
    if not item_rules.can_create_item(request.user, blocker.project.item.region_id):
        return HttpResponse("只有督查办可以交办项目问题。", status=403)
    run_service(
        request,
        lambda: services.blocker_open_item(actor=request.user, blocker=blocker, as_of=clock.today()),
        "已交办为督办事项。",
    )
    return redirect("projects:detail", pk=blocker.project_id)


def site_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """The page the sign's QR code opens on an inspector's phone; the office records a visit here."""
    project = _project(request, pk)
    item = project.item
    as_of = clock.today()
    rows = selectors.ledger_rows(request.user, as_of=as_of, year=item.year, region=item.region_id)
    row = next(r for r in rows if r.pk == project.pk)
    set_aside = item.status in selectors.SET_ASIDE
    may_record = item_rules.can_record_supervision(request.user, item.region_id)
    form = SiteVisitForm(request.POST or None) if may_record and not set_aside else None
    if request.method == "POST":
        if not may_record:
            return HttpResponse(item_rules.office_only_reason(request.user, item, "记录现场察看"), status=403)
        if form is None:
            messages.error(request, f"项目{item.get_status_display()}，不能再修改。")
            return render(
                request, "projects/site.html", _site_context(request, project, row, None), status=200
            )
        if form.is_valid() and run_service(
            request,
            lambda: services.site_visit_record(
                actor=request.user,
                project=project,
                findings=form.cleaned_data["findings"],
                photos=request.FILES.getlist("photos"),
                unannounced=form.cleaned_data["unannounced"],
                as_of=as_of,
            ),
            "已记录现场察看。",
        ):
            return redirect("projects:site", pk=pk)
    return render(request, "projects/site.html", _site_context(request, project, row, form))


def _site_context(
    request: AuthedRequest, project: Project, row: selectors.Row, form: SiteVisitForm | None
) -> dict[str, Any]:
    item = project.item
    may_record = item_rules.can_record_supervision(request.user, item.region_id)
    return {
        "project": project,
        "item": item,
        "row": row,
        "blockers": [b for b in project.blockers.select_related("owner_unit") if b.is_open],
        "form": form,
        "set_aside": item.status in selectors.SET_ASIDE,
        "replaced_by": getattr(item.replaced_by, "project", None) if item.replaced_by_id else None,
        "who_records": ""
        if may_record
        else item_rules.office_only_reason(request.user, item, "记录现场察看"),
        "month": rules.reporting_month(item.year, clock.today()),
        "completed_label": rules.completed_label(rules.reporting_month(item.year, clock.today())),
    }


def action_photo_section(action: SupervisionAction) -> str:
    """On a supervision action's page: a loader for its site photos (read with the user's scope)."""
    if not SitePhoto.objects.filter(action=action).exists():
        return ""
    return render_to_string("projects/_action_photos_loader.html", {"action": action})


def action_photos(request: AuthedRequest, pk: int) -> HttpResponse:
    """The site photos of a supervision action that the user may see."""
    action = get_object_or_404(supervision_list_for(request.user), pk=pk)
    photos = list(
        selectors.site_photos_for(request.user).filter(action=action).select_related("project__item")
    )
    return render(request, "projects/_action_photos.html", {"action": action, "photos": photos})


def photo_file(request: AuthedRequest, pk: int, thumbnail: bool = False) -> HttpResponseBase:
    """A site photo is served only here, after the permission check of its project."""
    shot = get_object_or_404(selectors.site_photos_for(request.user), pk=pk)
    small = None
    if thumbnail:
        with shot.file.open("rb") as data:
            small = image_thumbnail(data)
    if small is not None:
        response: HttpResponseBase = HttpResponse(small, content_type="image/jpeg")
    else:
        response = FileResponse(shot.file.open("rb"), content_type=shot.content_type)
    return sandboxed(response)


def item_project_section(item: Item) -> str:
    """On an item's page: a loader for the projects it is or concerns (read with the user's scope)."""
    return render_to_string("projects/_item_section_loader.html", {"item": item})


def item_projects(request: AuthedRequest, pk: int) -> HttpResponse:
    """The item page's project section: the project the item is, or the projects it concerns that
    the user may see."""
    try:
        item = item_detail_for(request.user, pk)
    except Item.DoesNotExist:
        raise Http404 from None
    visible = selectors.project_list_for(request.user)
    own = visible.filter(pk=item.pk).first()
    projects = list(visible.filter(related_items=item).select_related("item")) if own is None else []
    blocker = Blocker.objects.filter(item=item, project__in=visible).select_related("project__item").first()
    context = {"item": item, "own": own, "projects": projects, "blocker": blocker}
    return render(request, "projects/_item_section.html", context)


PDF = "application/pdf"


def _pdf(signs: list[Sign], filename: str) -> HttpResponse:
    out = io.BytesIO()
    signs_pdf(signs, out)
    response = HttpResponse(out.getvalue(), content_type=PDF)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


def project_sign(request: AuthedRequest, pk: int) -> HttpResponse:
    """一项目一码: the project's A4 sign, whose QR code opens its phone page."""
    project = _project(request, pk)
    item = project.item
    sign = Sign(
        title=item.title,
        code=item.code,
        level=project.get_level_display(),
        stage=project.stage.label,
        leader=item.patron_leader.person.name if item.patron_leader else "",
        unit=item.lead_unit.short_name if item.lead_unit else "",
        total_investment=project.total_investment,
        planned_investment=project.planned_investment,
        url=sign_url(request, project.pk),
    )
    return _pdf([sign], f"{item.code}.pdf")


def ledger_signs(request: AuthedRequest) -> HttpResponse:
    """The signs of the ledger as filtered on screen, one page per project."""
    _form, _filters, _rows, chosen, as_of = _filtered(request)
    signs = [
        Sign(
            title=row.title,
            code=row.code,
            level=row.level_label,
            stage=row.stage_label,
            leader=row.leader_name,
            unit=row.unit_name,
            total_investment=row.total_investment,
            planned_investment=row.planned_investment,
            url=sign_url(request, row.pk),
        )
        for row in chosen
    ]
    return _pdf(signs, f"重点项目一项目一码_{as_of:%Y%m%d}.pdf")


# -- The ledger's daily work: forms of the office ---------------------------------------------


def _input(data: dict[str, Any], *, year: int) -> services.ProjectInput:
    return services.ProjectInput(
        title=data["title"],
        year=year,
        stage=data["stage"],
        planned_investment=data["planned_investment"],
        total_investment=data["total_investment"],
        level=data["level"],
        description=data["description"],
        project_code=data["project_code"],
        category=data["category"],
        industry_chain=data["industry_chain"],
        patron_leader=data["patron_leader"],
        lead_unit=data["lead_unit"],
        support_units=list(data["support_units"]),
        planned_start=data["planned_start"],
        actual_start=data["actual_start"],
        in_statistics_on=data["in_statistics_on"],
        showcase_ready_by=data["showcase_ready_by"],
    )


def _form_page(request: AuthedRequest, form: Any, title: str, project: Project | None = None) -> HttpResponse:
    return render(request, "projects/form.html", {"form": form, "title": title, "project": project})


def project_create(request: AuthedRequest) -> HttpResponse:
    region = _office_region(request)
    if region is None:
        return _refused(request, "只有督查办可以录入重点项目。")
    services.stage_set_ensure(region=region)
    as_of = clock.today()
    form = ProjectForm(request.POST or None, region=region, initial={"year": as_of.year})
    if request.method == "POST" and form.is_valid():
        data = _input(form.cleaned_data, year=form.cleaned_data["year"])
        created: list[Project] = []
        if run_service(
            request,
            lambda: created.append(
                services.project_create(
                    actor=request.user,
                    region=region,
                    data=data,
                    assign=form.cleaned_data["assign"],
                    as_of=as_of,
                )
            ),
            "已录入重点项目。",
        ):
            return redirect("projects:detail", pk=created[0].pk)
    return _form_page(request, form, "录入重点项目")


def _office_project(request: AuthedRequest, pk: int) -> Project | HttpResponse:
    project = _project(request, pk)
    if not item_rules.is_supervisor_of(request.user, project.item.region_id):
        return HttpResponse(
            item_rules.office_only_reason(request.user, project.item, "修改重点项目"), status=403
        )
    return project


def project_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    project = _office_project(request, pk)
    if isinstance(project, HttpResponse):
        return project
    item = project.item
    current = services.project_input_of(project)
    initial = {**current.__dict__, "version": item.version}
    form = ProjectForm(request.POST or None, region=item.region, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _input(form.cleaned_data, year=item.year)
        data.monthly_plan, data.code = current.monthly_plan, item.code
        if run_service(
            request,
            lambda: services.project_update(
                actor=request.user,
                project=project,
                data=data,
                as_of=clock.today(),
                expected_version=form.cleaned_data["version"],
            ),
            "已保存。",
        ):
            return redirect("projects:detail", pk=pk)
    return _form_page(request, form, f"修改：{item.title}", project)


def blocker_add(request: AuthedRequest, pk: int) -> HttpResponse:
    project = _office_project(request, pk)
    if isinstance(project, HttpResponse):
        return project
    form = BlockerForm(request.POST or None, region=project.item.region)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            lambda: services.blocker_add(actor=request.user, project=project, **form.cleaned_data),
            "已登记存在问题。",
        )
    ):
        return redirect("projects:detail", pk=pk)
    return _form_page(request, form, f"登记存在问题：{project.item.title}", project)


@require_POST
def blocker_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        blocker = Blocker.objects.select_related("project__item").get(
            pk=pk, project__in=selectors.project_list_for(request.user)
        )
    except Blocker.DoesNotExist:
        raise Http404 from None
    if not item_rules.is_supervisor_of(request.user, blocker.project.item.region_id):
        return HttpResponse("只有督查办可以确认问题已解决。", status=403)
    run_service(
        request,
        lambda: services.blocker_resolve(
            actor=request.user,
            blocker=blocker,
            resolution=request.POST.get("resolution", ""),
            as_of=clock.today(),
        ),
        "已确认问题解决。",
    )
    return redirect("projects:detail", pk=blocker.project_id)


def project_plan(request: AuthedRequest, pk: int) -> HttpResponse:
    project = _office_project(request, pk)
    if isinstance(project, HttpResponse):
        return project
    current = services.project_input_of(project).monthly_plan
    form = PlanForm(request.POST or None, initial={f"month_{m}": a for m, a in current.items()})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            lambda: services.project_plan_set(
                actor=request.user, project=project, plan=form.plan(), as_of=clock.today()
            ),
            "已保存月度计划投资。",
        )
    ):
        return redirect("projects:detail", pk=pk)
    title = f"月度计划投资：{project.item.title}（年度计划{rules.amount(project.planned_investment)}万元）"
    return _form_page(request, form, title, project)


def project_stage(request: AuthedRequest, pk: int) -> HttpResponse:
    project = _office_project(request, pk)
    if isinstance(project, HttpResponse):
        return project
    initial = {"stage": project.stage, "actual_start": project.actual_start}
    form = StageForm(request.POST or None, region=project.item.region, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            lambda: services.project_stage_set(
                actor=request.user,
                project=project,
                stage=form.cleaned_data["stage"],
                actual_start=form.cleaned_data["actual_start"],
                as_of=clock.today(),
            ),
            "已修改项目阶段。",
        )
    ):
        return redirect("projects:detail", pk=pk)
    return _form_page(request, form, f"修改阶段：{project.item.title}", project)
