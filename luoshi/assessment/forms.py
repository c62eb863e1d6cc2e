"""The assessment's forms: parse input only; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from luoshi.assessment import scoring
from luoshi.assessment.models import Criterion, GroupKind, Scheme
from luoshi.core import registry
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


class SchemeForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="方案名称", max_length=100)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class GroupForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="考核组", max_length=50, help_text="如“镇（街道）”“经济发展部门”")
    kind = forms.ChoiceField(label="类别", choices=GroupKind.choices)
    units = forms.ModelMultipleChoiceField(
        label="参加考核的单位", queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=32767, initial=0)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(
            region_id=scheme.region_id, is_active=True
        ).order_by("sort_order", "pk")
        self.fields["units"].label_from_instance = lambda unit: unit.short_name


# Each method's parameters as fields (the form builds Criterion.params from those of its method).
PARAM_FIELDS: dict[str, tuple[str, ...]] = {
    scoring.Method.TARGET_COMPLETION: ("indicators", "cap", "pro_rata"),
    scoring.Method.PEER_RANK: ("indicators", "step_percent"),
    scoring.Method.ITEM_OUTCOMES: ("kinds", "red", "yellow", "overdue", "untrue"),
    scoring.Method.RECORDS: ("base", "bonus_cap", "deduction_cap"),
}
NAME_SEPARATORS = ("、", "，", ",", ";", "；", "\n")


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def params_initial(method: str, params: dict[str, Any]) -> dict[str, Any]:
    """The form's initial values of a criterion's parameters."""
    initial: dict[str, Any] = {}
    for key, value in params.items():
        if key == "indicators":
            initial[key] = "、".join(value)
        else:
            initial[key] = value
    return initial


def _param(label: str, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, max_digits=7, decimal_places=2, help_text=help_text
    )


class CriterionForm(BootstrapFormMixin, forms.Form):
    """A criterion with its method's parameters, checked by the rules the scoring uses."""

    name = forms.CharField(label="考核内容", max_length=100)
    max_points = forms.DecimalField(label="分值", max_digits=7, decimal_places=2)
    method = forms.ChoiceField(label="计分方法", choices=[(m.value, m.label) for m in scoring.Method])
    source = forms.CharField(label="数据来源", max_length=200, required=False)
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=32767, initial=0)
    # 目标完成计分法、争先进位计分法
    indicators = forms.CharField(
        label="考核指标",
        required=False,
        max_length=1000,
        help_text="目标完成、争先进位：指标名称，多个用顿号分隔；不填为本单位牵头的全部指标",
    )
    cap = _param("满分完成率（%）", "目标完成：完成序时目标的这一比例得满分，不填为100")
    pro_rata = forms.BooleanField(
        label="目标完成：按序时进度（不勾选则按全年目标）", required=False, initial=True
    )
    step_percent = _param(
        "每降一位减（%）", "争先进位：第一名得满分，每降一位减该指标分值的这一比例，不填为10"
    )
    # 事项实绩
    kinds = forms.MultipleChoiceField(
        label="事项类型",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="事项实绩：只计这些类型的事项；不选为全部",
    )
    red = _param("红色每项扣分", "事项实绩：不填为2")
    yellow = _param("黄色每项扣分", "事项实绩：不填为1")
    overdue = _param("超过完成时限每项扣分", "事项实绩：不填为1")
    untrue = _param("核实不属实每次扣分", "事项实绩：不填为3")
    # 加减分纪实
    base = _param("基础分", "加减分纪实：不填为0")
    bonus_cap = _param("加分上限", "加减分纪实：不填为不超过本项分值")
    deduction_cap = _param("减分上限", "加减分纪实：不填为扣到0分为止")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = registry.kind_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("method")
        if method not in PARAM_FIELDS:
            return data
        params: dict[str, Any] = {}
        for key in PARAM_FIELDS[method]:
            value = data.get(key)
            if key == "indicators":
                text = value or ""
                for separator in NAME_SEPARATORS[1:]:
                    text = text.replace(separator, NAME_SEPARATORS[0])
                names = [name.strip() for name in text.split(NAME_SEPARATORS[0]) if name.strip()]
                if names:
                    params[key] = names
            elif key == "kinds":
                if value:
                    params[key] = list(value)
            elif key == "pro_rata":
                params[key] = bool(value)
            elif value is not None:
                params[key] = _number(value)
        problems = scoring.params_problems(method, params, max_points=data.get("max_points"))
        for problem in problems:
            self.add_error(None, problem)
        data["params"] = params
        return data
