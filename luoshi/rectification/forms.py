"""The rectification ledger's forms: parse input only (the services decide)."""

from __future__ import annotations

from django import forms

from luoshi.core.forms import BootstrapFormMixin
from luoshi.items.forms import DATE_WIDGET
from luoshi.items.models import Status
from luoshi.rectification.services import SOURCES

STATUS_CHOICES = [
    ("", "全部"),
    ("open", "未销号（整改中）"),
    ("overdue", "逾期未整改"),
    (Status.COMPLETION_REQUESTED.value, "已申请销号待核实"),
    ("closed", "已销号"),
]


class FilterForm(BootstrapFormMixin, forms.Form):
    source = forms.ChoiceField(
        label="来源", required=False, choices=[("", "全部"), *[(s.value, s.label) for s in SOURCES]]
    )
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)
    topic = forms.CharField(label="问题类别", required=False, max_length=40)


class ReopenForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="重新整改原因", max_length=300)
    deadline = forms.DateField(label="整改时限", widget=DATE_WIDGET)


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="问题清单（.xlsx）")
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, help_text="“9月底前”这类时限按这一年解析"
    )
    assign = forms.BooleanField(label="导入后直接交办给责任单位", required=False, initial=True)
