from __future__ import annotations

from typing import Any

from django import forms

from luoshi.core.forms import BootstrapFormMixin
from luoshi.extraction import llm
from luoshi.extraction.models import DocumentKind, ProposedTask
from luoshi.extraction.reading import ACCEPTED
from luoshi.items.forms import DATE_WIDGET, limit_to_region
from luoshi.items.models import Kind
from luoshi.org.models import Region


class DocumentForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(
        label="会议或文件名称", max_length=200, help_text="如“县政府2023年第二次全体会议”"
    )
    kind = forms.ChoiceField(label="类型", choices=DocumentKind.choices)
    meeting_date = forms.DateField(
        label="会议日期", widget=DATE_WIDGET, help_text="“8月底前”“年底前”等时限按这一天推算"
    )
    file = forms.FileField(
        label="上传文件", required=False, help_text=f"{'、'.join(ACCEPTED)}（PDF 需有文字层）"
    )
    text = forms.CharField(label="或粘贴全文", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    use_model = forms.BooleanField(label="同时使用本地大模型", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not llm.configured():
            del self.fields["use_model"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("请上传文件，或把全文粘贴进来。")
        return data


class ProposedTaskForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ProposedTask
        fields = [
            "title",
            "kind",
            "patron_leader",
            "lead_unit",
            "support_units",
            "deadline",
            "target_value",
            "value_unit",
        ]
        widgets = {"deadline": DATE_WIDGET, "support_units": forms.SelectMultiple(attrs={"size": 4})}

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Kind.choices
        limit_to_region(self, region, leaders=("patron_leader",), units=("lead_unit", "support_units"))
