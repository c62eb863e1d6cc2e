"""审计日志: the auditor's page and its export.

三员分立: the auditor (审计员) reads and exports the log of his region and the regions under it, and
does nothing else; nobody else reads it here — not the system administrator (管理员), not the
supervision office, not a leader. Nobody edits it (luoshi.audit: the model and the database refuse).
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from luoshi.audit.excel import export_workbook
from luoshi.audit.models import Action, AuditEvent
from luoshi.audit.selectors import AuditFilters, audit_event_list, field_label, object_type_choices
from luoshi.audit.selectors import object_type_label as type_label
from luoshi.audit.services import audit_record
from luoshi.core import clock
from luoshi.core.forms import BootstrapFormMixin
from luoshi.org.http import AuthedRequest
from luoshi.org.models import Region
from luoshi.org.rules import audited_region_ids, can_audit

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    start = forms.DateField(label="起始日期", required=False, widget=DATE_WIDGET)
    end = forms.DateField(label="截止日期", required=False, widget=DATE_WIDGET)
    actor = forms.CharField(
        label="操作人",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": "账号或姓名"}),
    )
    action = forms.ChoiceField(label="操作", choices=[("", "全部操作"), *Action.choices], required=False)
    object_type = forms.ChoiceField(
        label="对象类型", choices=lambda: [("", "全部对象"), *object_type_choices()], required=False
    )
    text = forms.CharField(
        label="关键词",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "摘要、对象、编号或页面地址中的文字"}),
    )
    client_ip = forms.CharField(
        label="来源地址",
        required=False,
        max_length=45,
        widget=forms.TextInput(attrs={"placeholder": "如 10.0.3. 开头"}),
    )
    region = forms.ModelChoiceField(
        label="行政区", queryset=Region.objects.none(), required=False, empty_label="全部行政区"
    )

    def __init__(self, *args: Any, region_ids: frozenset[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.many_regions = len(region_ids) > 1
        regions = self.fields["region"]
        assert isinstance(regions, forms.ModelChoiceField)
        regions.queryset = Region.objects.filter(pk__in=region_ids)

    def filters(self) -> AuditFilters:
        if not self.is_bound or not self.is_valid():
            return AuditFilters()
        d = self.cleaned_data
        return AuditFilters(
            start=d["start"],
            end=d["end"],
            actor=d["actor"].strip(),
            action=d["action"],
            object_type=d["object_type"],
            text=d["text"].strip(),
            client_ip=d["client_ip"].strip(),
            region_id=d["region"].pk if d["region"] else None,
        )

    def described(self) -> str:
        """The filters in words, for the export's row of the audit log."""
        if not self.is_bound or not self.is_valid():
            return "全部"
        parts = []
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            field = self.fields[name]
            shown = dict(getattr(field, "choices", ())).get(value, value) if name != "region" else value
            parts.append(f"{field.label}：{shown}")
        return "，".join(parts) or "全部"


@dataclass(frozen=True)
class Change:
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Row:
    event: AuditEvent
    object_type: str
    changes: list[Change]


def _row(event: AuditEvent) -> Row:
    changes = []
    for name, pair in (event.changes or {}).items():
        old, new = [*pair, None, None][:2] if isinstance(pair, list | tuple) else (None, pair)
        changes.append(Change(field_label(event.object_type, name), old, new))
    return Row(event, type_label(event.object_type), changes)


def _auditor_regions(request: AuthedRequest) -> frozenset[int]:
    if not can_audit(request.user):
        raise PermissionDenied("只有审计员可以查看审计日志。")
    return audited_region_ids(request.user)


def _filtered(request: AuthedRequest, region_ids: frozenset[int]) -> tuple[AuditFilterForm, Any]:
    form = AuditFilterForm(request.GET or None, region_ids=region_ids)
    return form, audit_event_list(region_ids=region_ids, filters=form.filters())


@require_GET
def audit_log(request: AuthedRequest) -> HttpResponse:
    region_ids = _auditor_regions(request)
    form, events = _filtered(request, region_ids)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [_row(event) for event in page.object_list],
        "query": request.GET.urlencode(),
    }
    return render(request, "web/audit_log.html", context)


@require_GET
def audit_export(request: AuthedRequest) -> FileResponse:
    """The rows as filtered on screen, as an Excel file written to a temporary file (deleted once
    sent). The export is itself a row of the audit log."""
    region_ids = _auditor_regions(request)
    form, events = _filtered(request, region_ids)
    with ExitStack() as closing:
        file = closing.enter_context(tempfile.TemporaryFile(suffix=".xlsx"))
        written = export_workbook(events, file)
        audit_record(
            action=Action.EXPORTED,
            object_type=AuditEvent._meta.label,
            summary=f"导出审计日志 {written} 条（筛选：{form.described()}）",
        )
        file.seek(0)
        closing.pop_all()  # kept open for the response, which closes (and so deletes) it once sent
    return FileResponse(
        file, as_attachment=True, filename=f"审计日志_{clock.today():%Y%m%d}.xlsx", content_type=XLSX
    )
