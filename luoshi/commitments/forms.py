"""The commitments' forms: parse input only (the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms

from luoshi.core.forms import BootstrapFormMixin
from luoshi.items.forms import DATE_WIDGET, limit_to_region
from luoshi.org.models import Leader, Region, Unit


class ProgressForm(BootstrapFormMixin, forms.Form):
    started_on = forms.DateField(label="开工日期", required=False, widget=DATE_WIDGET)
    completed_on = forms.DateField(label="建成日期", required=False, widget=DATE_WIDGET)


class SurveyForm(BootstrapFormMixin, forms.Form):
    surveyed_on = forms.DateField(label="测评日期", widget=DATE_WIDGET)
    deputies = forms.IntegerField(label="代表总数（人）", min_value=1)
    respondents = forms.IntegerField(label="参加测评代表（人）", min_value=0)
    satisfied = forms.IntegerField(label="满意（票）", min_value=0)
    basically_satisfied = forms.IntegerField(label="基本满意（票）", min_value=0)
    dissatisfied = forms.IntegerField(label="不满意（票）", min_value=0)
    note = forms.CharField(label="说明", required=False, max_length=300)


def _region_choices(form: forms.Form, region: Region, *, units: tuple[str, ...]) -> None:
    leaders = ("patron_leader",) if "patron_leader" in form.fields else ()
    limit_to_region(form, region, leaders=leaders, units=units)
    if leaders:
        form.fields["patron_leader"].label_from_instance = lambda leader: leader.person.name


class _CommitmentForm(BootstrapFormMixin, forms.Form):
    """What a commitment's item has: its name, year, lead unit and patron, its deadline."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, region: Region, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _region_choices(self, region, units=("lead_unit",))
        if editing:
            self.fields["year"].disabled = True
            self.fields["version"].required = True  # an edit is saved only on the version it was read at


class LivelihoodForm(_CommitmentForm):
    title = forms.CharField(label="项目名称", max_length=200)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    description = forms.CharField(label="建设内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none())
    patron_leader = forms.ModelChoiceField(
        label="包抓县级领导", queryset=Leader.objects.none(), required=False
    )
    planned_investment = forms.DecimalField(
        label="计划投资（万元）", min_value=0, max_digits=14, decimal_places=2
    )
    planned_start = forms.DateField(label="计划开工", required=False, widget=DATE_WIDGET)
    deadline = forms.DateField(label="计划建成", widget=DATE_WIDGET, help_text="事项的完成时限")
    voted = forms.BooleanField(
        label="经人大代表票决", required=False, initial=True, help_text="县人大常委会会议票决确定的项目"
    )
    field_order = [
        "title",
        "year",
        "description",
        "lead_unit",
        "patron_leader",
        "planned_investment",
        "planned_start",
        "deadline",
        "voted",
    ]


class PledgeForm(_CommitmentForm):
    title = forms.CharField(label="任务", max_length=200)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    demand = forms.CharField(label="市上要求", widget=forms.Textarea(attrs={"rows": 3}))
    standard = forms.CharField(label="完成标准", max_length=300)
    deadline = forms.DateField(label="完成时限", widget=DATE_WIDGET)
    lead_unit = forms.ModelChoiceField(label="签订单位（牵头单位）", queryset=Unit.objects.none())
    patron_leader = forms.ModelChoiceField(
        label="签订的县级领导", queryset=Leader.objects.none(), required=False, help_text="包抓这项任务"
    )
    field_order = ["title", "year", "demand", "standard", "deadline", "lead_unit", "patron_leader"]


class LetterForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label="承诺单位", queryset=Unit.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    signed_on = forms.DateField(label="签订日期", widget=DATE_WIDGET)
    signer = forms.CharField(label="签订人", max_length=40, help_text="单位主要负责人")
    summary = forms.CharField(label="承诺内容", widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _region_choices(self, region, units=("unit",))
