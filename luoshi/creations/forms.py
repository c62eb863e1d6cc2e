"""The creations' and meetings' small forms: parse input only (the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms

from luoshi.core.forms import BootstrapFormMixin
from luoshi.creations.models import Level, Origin, StageTemplate
from luoshi.creations.stages import STEPS, Stage
from luoshi.items.forms import DATE_WIDGET, limit_to_region
from luoshi.items.models import Evidence
from luoshi.org.models import Leader, Region, Unit


class CreationForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="创建名称", max_length=200)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    template = forms.ModelChoiceField(label="阶段模板", queryset=StageTemplate.objects.none())
    stage = forms.ChoiceField(label="录入时已到达的阶段", required=False, help_text="留空为模板的第一个阶段")
    origin = forms.ChoiceField(label="来源", choices=Origin.choices)
    expected_award = forms.DateField(label="预计授牌命名", required=False, widget=DATE_WIDGET)
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none())
    patron_leader = forms.ModelChoiceField(
        label="包抓县级领导", queryset=Leader.objects.none(), required=False
    )
    support_units = forms.ModelMultipleChoiceField(
        label="配合单位", queryset=Unit.objects.none(), required=False
    )
    materials = forms.CharField(
        label="档案资料清单",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一项，如 创建工作实施方案",
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_region(self, region, leaders=("patron_leader",), units=("lead_unit", "support_units"))
        self.fields["patron_leader"].label_from_instance = lambda leader: leader.person.name
        self.fields["template"].queryset = StageTemplate.objects.filter(region=region)
        stages = [*STEPS, Stage.REVIEW]
        self.fields["stage"].choices = [("", "—"), *[(stage.value, stage.label) for stage in stages]]

    def material_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["materials"].splitlines() if line.strip()]


class MoveForm(BootstrapFormMixin, forms.Form):
    target = forms.ChoiceField(label="阶段")
    on = forms.DateField(label="日期", widget=DATE_WIDGET)
    reason = forms.CharField(label="说明（未通过须写明原因）", required=False, max_length=300)

    def __init__(self, *args: Any, choices: list[Stage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(stage.value, stage.label) for stage in choices]


class ReapplyForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label="重新申报年度", min_value=2000, max_value=2100)
    expected_award = forms.DateField(label="预计授牌命名", required=False, widget=DATE_WIDGET)


class TickForm(BootstrapFormMixin, forms.Form):
    evidence = forms.ModelChoiceField(label="佐证材料", queryset=Evidence.objects.none(), required=False)
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args: Any, evidence: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = evidence


class HeldForm(BootstrapFormMixin, forms.Form):
    held_on = forms.DateField(label="召开日期", widget=DATE_WIDGET)
