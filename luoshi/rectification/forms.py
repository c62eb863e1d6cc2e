"""The rectification ledger's forms: parse input only (the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms

from luoshi.core.forms import BootstrapFormMixin
from luoshi.items.forms import DATE_WIDGET, limit_to_region
from luoshi.items.models import Status
from luoshi.org.models import Leader, Region, Unit
from luoshi.rectification.models import TOPICS, Problem
from luoshi.rectification.services import SOURCES, ProblemInput

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


class ProblemForm(BootstrapFormMixin, forms.Form):
    """One problem, as the office records it (the sheet's columns, one row)."""

    title = forms.CharField(label="问题", max_length=200, help_text="简称，如 疑似图斑 610933-2023-017")
    problem = forms.CharField(
        label="问题描述", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="留空时同“问题”"
    )
    source = forms.ChoiceField(label="来源", choices=[(s.value, s.label) for s in SOURCES])
    topic = forms.CharField(
        label="问题类别",
        max_length=40,
        required=False,
        help_text="如 " + "、".join(TOPICS[:4]),
        widget=forms.TextInput(attrs={"list": "topics"}),
    )
    place = forms.CharField(label="地点", max_length=200, required=False)
    reference = forms.CharField(
        label="问题编号", max_length=60, required=False, help_text="如 图斑编号、反馈清单序号"
    )
    measures = forms.CharField(label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    found_on = forms.DateField(label="反馈或发现日期", required=False, widget=DATE_WIDGET)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    lead_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none())
    patron_leader = forms.ModelChoiceField(
        label="包抓县级领导", queryset=Leader.objects.none(), required=False
    )
    deadline = forms.DateField(label="整改时限", widget=DATE_WIDGET)
    assign = forms.BooleanField(label="保存后交办给责任单位", required=False, initial=True)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, region: Region, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_region(self, region, leaders=("patron_leader",), units=("lead_unit",))
        self.fields["patron_leader"].label_from_instance = lambda leader: leader.person.name
        if editing:
            del self.fields["assign"]
            self.fields["year"].disabled = True
            self.fields["version"].required = True  # an edit is saved only on the version it was read at

    def to_input(self, *, year: int | None = None) -> ProblemInput:
        data = self.cleaned_data
        return ProblemInput(
            title=data["title"],
            year=year or data["year"],
            source=data["source"],
            problem=data["problem"] or data["title"],
            lead_unit=data["lead_unit"],
            deadline=data["deadline"],
            topic=data["topic"],
            place=data["place"],
            reference=data["reference"],
            measures=data["measures"],
            found_on=data["found_on"],
            patron_leader=data["patron_leader"],
        )

    @staticmethod
    def initial_from(problem: Problem) -> dict[str, Any]:
        item = problem.item
        return {
            "title": item.title,
            "problem": problem.problem,
            "source": item.source,
            "topic": problem.topic,
            "place": problem.place,
            "reference": problem.reference,
            "measures": problem.measures,
            "found_on": problem.found_on,
            "year": item.year,
            "lead_unit": item.lead_unit,
            "patron_leader": item.patron_leader,
            "deadline": item.deadline,
            "version": item.version,
        }
