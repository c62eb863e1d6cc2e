"""The creations' and meetings' small forms: parse input only (the services decide)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from django import forms

from luoshi.core.forms import BootstrapFormMixin
from luoshi.creations.models import PROJECT_KIND, SET_ASIDE, Level, MeetingLevel, Origin, Site, StageTemplate
from luoshi.creations.services import SiteInput
from luoshi.creations.stages import STEPS, Stage, Template, TemplateError
from luoshi.items.forms import DATE_WIDGET, limit_to_region
from luoshi.items.models import Evidence, Item, Status
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


class TemplateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label="模板名称（称号类别）", max_length=30, help_text="如 国家级旅游度假区、省级示范县"
    )
    steps = forms.MultipleChoiceField(
        label="阶段（按谋划→授牌命名的顺序）",
        choices=[(step.value, step.label) for step in STEPS],
        widget=forms.CheckboxSelectMultiple,
        help_text="勾选该类称号的程序包含的阶段；须以授牌命名结束。",
    )
    review = forms.BooleanField(label="授牌命名后实行动态复审", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "steps" in data:
            data["steps"] = sorted(data["steps"], key=[step.value for step in STEPS].index)
            try:
                Template.of(data["steps"], data.get("review", False))
            except TemplateError as error:
                self.add_error("steps", str(error))
        return data


class PlansForm(BootstrapFormMixin, forms.Form):
    """The expected day of each stage still ahead of a creation (blank: none)."""

    def __init__(self, *args: Any, stages: Sequence[Stage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for stage in stages:
            self.fields[stage.value] = forms.DateField(
                label=f"预计{stage.label}", required=False, widget=DATE_WIDGET
            )


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200)


CHECK_LINE = re.compile(
    r"^(?P<name>.+?)[\s,，、：:]*(?P<day>\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)?$"
)


def checks_parse(text: str) -> list[tuple[str, date | None]]:
    """A site's readiness checklist as the office types it, one a line: 准备事项, then its day if it
    has one (环境整治 2023-09-10, 解说词，2023年9月10日). ValueError says which line is unreadable."""
    checks: list[tuple[str, date | None]] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        match = CHECK_LINE.match(line)
        assert match is not None  # the name takes any line
        day: date | None = None
        if match["day"]:
            numbers = [int(n) for n in re.findall(r"\d+", match["day"])]
            try:
                day = date(*numbers)
            except ValueError:
                raise ValueError(f"“{line}”中的日期无法识别，请写成 2023-09-10。") from None
        checks.append((match["name"].strip(), day))
    return checks


def checks_text(site: Site) -> str:
    """A site's checklist as checks_parse reads it back (for the edit form)."""
    return "\n".join(
        f"{check.name} {check.due.isoformat()}" if check.due else check.name for check in site.checks.all()
    )


class MeetingForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="现场会（观摩）主题", max_length=200)
    level = forms.ChoiceField(label="级别", choices=MeetingLevel.choices)
    planned_on = forms.DateField(label="计划召开", widget=DATE_WIDGET)
    lead_unit = forms.ModelChoiceField(label="牵头筹备单位", queryset=Unit.objects.none())
    patron_leader = forms.ModelChoiceField(
        label="包抓县级领导", queryset=Leader.objects.none(), required=False
    )
    support_units = forms.ModelMultipleChoiceField(
        label="配合单位", queryset=Unit.objects.none(), required=False
    )
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_region(self, region, leaders=("patron_leader",), units=("lead_unit", "support_units"))
        self.fields["patron_leader"].label_from_instance = lambda leader: leader.person.name


class SiteForm(BootstrapFormMixin, forms.Form):
    """One site: a key project of the county or a place, the unit that readies it, its checklist."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    project_item = forms.ModelChoiceField(
        label="重点项目", queryset=Item.objects.none(), required=False, help_text="或在下面填写地点"
    )
    place = forms.CharField(label="地点", max_length=200, required=False)
    unit = forms.ModelChoiceField(
        label="负责单位（镇办、部门）",
        queryset=Unit.objects.none(),
        required=False,
        help_text="重点项目留空时为项目的责任单位",
    )
    checks = forms.CharField(
        label="准备事项",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一项，可在后面写完成时限，如 环境整治 2023-09-10",
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project_item"].queryset = (
            Item.objects.filter(region=region, kind=PROJECT_KIND)
            .exclude(status__in=(*SET_ASIDE, Status.DRAFT))
            .order_by("code")
        )
        self.fields["project_item"].label_from_instance = lambda item: f"{item.code} {item.title}"
        self.fields["unit"].queryset = Unit.objects.filter(region=region, is_active=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.cleaned_data.get("DELETE"):
            return data
        if not data.get("project_item") and not (data.get("place") or "").strip():
            raise forms.ValidationError("观摩点须是重点项目或填写地点。")
        try:
            data["parsed_checks"] = checks_parse(data.get("checks") or "")
        except ValueError as error:
            self.add_error("checks", str(error))
        return data


class BaseSiteFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        self.region = region
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "region": self.region}

    def sites(self) -> list[SiteInput]:
        """The sites kept, as the services take them (the forms valid)."""
        return [
            SiteInput(
                pk=data.get("id"),
                project_item=data.get("project_item"),
                place=data.get("place") or "",
                unit=data.get("unit"),
                checks=data.get("parsed_checks", []),
            )
            for form in self.forms
            if (data := form.cleaned_data) and not data.get("DELETE")
        ]


SiteFormSet = cast(
    "type[BaseSiteFormSet]",
    forms.formset_factory(SiteForm, formset=BaseSiteFormSet, extra=2, can_delete=True),
)
