"""The assessment's forms: parse input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from luoshi.assessment.models import Criterion
from luoshi.core.forms import BootstrapFormMixin
from luoshi.org.models import Unit


class RecordForm(BootstrapFormMixin, forms.Form):
    criterion = forms.ModelChoiceField(label="考核内容", queryset=Criterion.objects.none())
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none())
    points = forms.DecimalField(
        label="加减分", max_digits=7, decimal_places=2, help_text="加分为正数，减分为负数"
    )
    basis = forms.CharField(label="依据", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    occurred_on = forms.DateField(label="发生日期", widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label="佐证材料", required=False)
    approve = forms.BooleanField(label="登记后直接审核同意", required=False)

    def __init__(self, *args: Any, criteria: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria
        self.fields["criterion"].label_from_instance = lambda c: (
            f"{c.group.scheme.year}年 {c.group.name} · {c}"
        )
        units = Unit.objects.filter(pk__in=criteria.values("group__units")).order_by("sort_order", "pk")
        self.fields["unit"].queryset = units
        first = criteria.first()
        if first is not None and not self.is_bound:
            self.initial.setdefault("criterion", first.pk)
            member = first.group.units.order_by("sort_order", "pk").first()
            if member is not None:
                self.initial.setdefault("unit", member.pk)


class AppealForm(BootstrapFormMixin, forms.Form):
    reasons = forms.CharField(label="申请理由", widget=forms.Textarea(attrs={"rows": 5}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "同意"), ("reject", "不同意")])
    reason = forms.CharField(required=False, max_length=2000)
