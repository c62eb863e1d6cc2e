"""The commitments' small forms: parse input only (the services decide)."""

from __future__ import annotations

from django import forms

from luoshi.core.forms import BootstrapFormMixin
from luoshi.items.forms import DATE_WIDGET


class ProgressForm(BootstrapFormMixin, forms.Form):
    started_on = forms.DateField(label="开工日期", required=False, widget=DATE_WIDGET)
    completed_on = forms.DateField(label="建成日期", required=False, widget=DATE_WIDGET)


class SurveyForm(BootstrapFormMixin, forms.Form):
    surveyed_on = forms.DateField(label="测评日期", widget=DATE_WIDGET)
    satisfied = forms.IntegerField(label="满意（票）", min_value=0)
    basically_satisfied = forms.IntegerField(label="基本满意（票）", min_value=0)
    dissatisfied = forms.IntegerField(label="不满意（票）", min_value=0)
    note = forms.CharField(label="说明", required=False, max_length=300)
