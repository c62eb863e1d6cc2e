"""The investment pages' forms: a lead, a follow-up, a move of stage."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from luoshi.core.forms import BootstrapFormMixin
from luoshi.investment.models import FollowUpKind, IndustryChain, ListEntry, TaskForce
from luoshi.investment.setup import BaseData
from luoshi.investment.stages import LABELS, Stage, allowed_targets
from luoshi.org.models import Leader, Person, Region, Role, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Who never follows a lead: the auditor sees none of the work, observers and admins do none of it.
NOT_FOLLOWERS = (Role.AUDITOR, Role.VIEWER, Role.ADMIN)
LARGEST_AMOUNT = 10**8  # 万元: 1万亿元, far above any county's project


class FollowerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name}（{obj.unit.short_name}）" if obj.unit else obj.name


class LeadForm(BootstrapFormMixin, forms.Form):
    company = forms.CharField(label="企业", max_length=120)
    project = forms.CharField(label="意向项目", max_length=120, required=False)
    chain = forms.ModelChoiceField(label="产业链", queryset=IndustryChain.objects.none())
    amount = forms.DecimalField(
        label="意向投资（万元）",
        min_value=0,
        max_value=LARGEST_AMOUNT,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    contact_name = forms.CharField(label="联系人", max_length=40, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    contacted_on = forms.DateField(label="首次接触", widget=DATE)
    task_force = forms.ModelChoiceField(label="招商专班", queryset=TaskForce.objects.none(), required=False)
    unit = forms.ModelChoiceField(label="跟进单位", queryset=Unit.objects.none(), required=False)
    follower = FollowerField(
        label="跟进人", queryset=Person.objects.none(), required=False, help_text="须是跟进单位的人员"
    )
    lists = forms.ModelMultipleChoiceField(
        label="四个清单", queryset=ListEntry.objects.none(), required=False, widget=forms.SelectMultiple
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = IndustryChain.objects.filter(region=region)
        self.fields["task_force"].queryset = TaskForce.objects.filter(region=region)
        self.fields["unit"].queryset = Unit.objects.filter(region=region, is_active=True)
        self.fields["follower"].queryset = (
            Person.objects.filter(unit__region=region, unit__is_active=True, is_active=True)
            .exclude(user__memberships__role__in=NOT_FOLLOWERS)
            .select_related("unit")
            .order_by("unit__sort_order", "unit_id", "pk")
        )
        self.fields["lists"].queryset = ListEntry.objects.filter(region=region)


class FollowUpForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label="日期", widget=DATE)
    kind = forms.ChoiceField(label="方式", choices=FollowUpKind.choices)
    summary = forms.CharField(label="情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label="下一步", max_length=200, required=False)
    next_on = forms.DateField(label="下一步日期", widget=DATE, required=False)


class StageForm(BootstrapFormMixin, forms.Form):
    target = forms.ChoiceField(label="新阶段")
    on = forms.DateField(label="日期", widget=DATE)
    reason = forms.CharField(label="流失原因", max_length=200, required=False)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(s.value, LABELS[s]) for s in allowed_targets(Stage(current))]


def base_data_form(
    kind: BaseData, *, region: Region, data: Any = None, instance: models.Model
) -> forms.ModelForm:
    """The form of a row of base data, its choices the region's own (active units and leaders)."""
    form_class = forms.modelform_factory(
        kind.model,
        form=type("BaseDataForm", (BootstrapFormMixin, forms.ModelForm), {}),
        fields=kind.fields,
        widgets={"held_on": DATE, "description": forms.Textarea(attrs={"rows": 3})},
    )
    form = form_class(data, instance=instance)
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
            chosen = field.queryset.model
            if chosen in (Unit, Leader):
                field.queryset = chosen.objects.filter(region=region, is_active=True)
            else:
                field.queryset = chosen.objects.filter(region=region)
    return form
