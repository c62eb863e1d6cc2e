from __future__ import annotations

import tempfile
from contextlib import ExitStack
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render

from luoshi.audit.models import Action as AuditAction
from luoshi.audit.services import audit_record
from luoshi.core import clock
from luoshi.items import excel, services
from luoshi.items.forms import ImportForm
from luoshi.items.selectors import import_job_for, import_jobs_recent
from luoshi.items.services.import_jobs import import_job_start
from luoshi.items.views import filtered_items
from luoshi.org.http import AuthedRequest, acting_region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename: str) -> str:
    return quote(filename)


def item_template(request: AuthedRequest) -> HttpResponse:
    try:
        region = acting_region(request)
    except PermissionError:
        return _refused(request)
    return _xlsx(excel.template_workbook(region), "督办事项导入模板.xlsx")


def item_export(request: AuthedRequest) -> FileResponse:
    """The list as filtered on screen, as the user may see it, in the import template's columns.

    The workbook is written to a temporary file (deleted once sent), not built in memory.
    """
    _, items = filtered_items(request)
    with ExitStack() as closing:
        file = closing.enter_context(tempfile.TemporaryFile(suffix=".xlsx"))
        written = excel.export_workbook(items, file)
        audit_record(
            action=AuditAction.EXPORTED, summary=f"导出督办事项 {written} 项（{request.get_full_path()}）"
        )
        file.seek(0)
        closing.pop_all()  # kept open for the response, which closes (and so deletes) it once sent
    return FileResponse(
        file, as_attachment=True, filename=f"督办事项_{clock.today():%Y%m%d}.xlsx", content_type=XLSX
    )


def _refused(request: AuthedRequest) -> HttpResponse:
    return render(request, "items/refused.html", {"message": "只有督查办可以导入事项。"}, status=403)


def item_import(request: AuthedRequest) -> HttpResponse:
    """The import page. A sheet of up to LUOSHI_IMPORT_SYNC_ROWS rows is checked and imported while
    the browser waits; a larger one is kept and handed to the job worker, and the browser is sent
    to the job's page, which shows its progress."""
    try:
        region = acting_region(request)
    except PermissionError:
        return _refused(request)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"year": clock.today().year})
    errors: list[object] = []
    errors_not_listed = 0
    checked = ""
    if request.method == "POST" and form.is_valid():
        upload, year = form.cleaned_data["file"], form.cleaned_data["year"]
        dry_run, assign = bool(request.POST.get("dry_run")), form.cleaned_data["assign"]
        limits = excel.ImportLimits.from_settings()
        if excel.rows_more_than(upload, settings.LUOSHI_IMPORT_SYNC_ROWS + 1, limits=limits):  # + the header
            try:
                job = import_job_start(
                    actor=request.user,
                    region=region,
                    upload=upload,
                    year=year,
                    assign=assign,
                    dry_run=dry_run,
                )
            except services.ServiceError as error:
                errors = [error.message]
            else:
                return redirect("items:import_job", job.pk)
        else:
            result = excel.read_sheet(upload, region=region, year=year, limits=limits)
            errors, errors_not_listed = list(result.errors), result.errors_not_listed
            if result.ok:
                try:
                    outcome = services.items_import(
                        actor=request.user,
                        region=region,
                        rows=result.rows,
                        updates=result.updates,
                        assign=assign,
                        as_of=clock.today(),
                        dry_run=dry_run,
                    )
                except services.ServiceError as error:
                    errors = [error.message]
                else:
                    if dry_run:
                        checked = outcome.message(assigned=assign, dry_run=True)
                    else:
                        messages.success(request, outcome.message(assigned=assign, dry_run=False))
                        return redirect("items:list")
    status = 400 if errors else 200
    context = {
        "form": form,
        "errors": errors,
        "errors_not_listed": errors_not_listed,
        "checked": checked,
        "region": region,
        "jobs": import_jobs_recent(region),
    }
    return render(request, "items/import.html", context, status=status)


def import_job(request: AuthedRequest, pk: int) -> HttpResponse:
    """A large import's page: its progress (polled by htmx until it ends), then what it did."""
    try:
        acting_region(request)
    except PermissionError:
        return _refused(request)
    job = import_job_for(request.user, pk)
    if job is None:
        raise Http404
    template = "items/_import_job.html" if request.headers.get("HX-Request") else "items/import_job.html"
    return render(request, template, {"job": job})
