from __future__ import annotations

from django import forms

from luoshi.core.forms import BootstrapFormMixin


class TaxImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="重点税源企业纳税情况（.xlsx）")
    month = forms.DateField(
        label="月份",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text="表格中的税收是哪个月的，如 2023-06",
    )
