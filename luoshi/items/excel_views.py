from __future__ import annotations

import tempfile
from contextlib import ExitStack
from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render

from luoshi.audit.models import Action as AuditAction
from luoshi.audit.services import audit_record
from luoshi.core import clock
from luoshi.items import excel, services
from luoshi.items.forms import ImportForm
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
        return render(request, "items/refused.html", {"message": "只有督查办可以导入事项。"}, status=403)
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


def item_import(request: AuthedRequest) -> HttpResponse:
    try:
        region = acting_region(request)
    except PermissionError:
        return render(request, "items/refused.html", {"message": "只有督查办可以导入事项。"}, status=403)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"year": clock.today().year})
    errors: list[object] = []
    checked = ""
    if request.method == "POST" and form.is_valid():
        result = excel.read_sheet(form.cleaned_data["file"], region=region, year=form.cleaned_data["year"])
        errors = list(result.errors)
        dry_run, assign = bool(request.POST.get("dry_run")), form.cleaned_data["assign"]
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
                    rows = len(result.rows) + len(result.updates)
                    checked = (
                        f"检查通过：{rows} 项都可以导入，将{outcome.summary(assigned=assign)}（尚未导入）。"
                    )
                else:
                    messages.success(request, f"已导入：{outcome.summary(assigned=assign)}。")
                    return redirect("items:list")
    status = 400 if errors else 200
    return render(
        request,
        "items/import.html",
        {"form": form, "errors": errors, "checked": checked, "region": region},
        status=status,
    )
