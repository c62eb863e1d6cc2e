"""The ledger's filter form: what the query string may say, read into LedgerFilters."""

from __future__ import annotations

from typing import Any

from django import forms

from luoshi.core.forms import BootstrapFormMixin
from luoshi.items.forms import DATE_WIDGET, limit_to_region
from luoshi.items.selectors import sees_many_regions
from luoshi.org.models import Leader, Region, Unit
from luoshi.org.selectors import leader_list_for, unit_list_for
from luoshi.projects.models import BlockerKind, Level, Project, Stage
from luoshi.projects.rules import STATE_LABELS
from luoshi.projects.selectors import LedgerFilters

YES_NO = [("", "全部"), ("yes", "是"), ("no", "否")]


class LedgerFilterForm(forms.Form):
    text = forms.CharField(label="项目名称", required=False)
    year = forms.IntegerField(label="年度", required=False, widget=forms.HiddenInput)
    region = forms.IntegerField(required=False, widget=forms.HiddenInput)
    level = forms.ChoiceField(label="级别", required=False, choices=[("", "全部"), *Level.choices])
    stage = forms.ChoiceField(label="阶段", required=False)
    phase = forms.CharField(required=False, widget=forms.HiddenInput)
    state = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), *((s.value, label) for s, label in STATE_LABELS.items())],
    )
    leader = forms.ModelChoiceField(label="包抓县级领导", required=False, queryset=Leader.objects.none())
    unit = forms.ModelChoiceField(label="责任单位", required=False, queryset=Unit.objects.none())
    in_statistics = forms.ChoiceField(label="入库", required=False, choices=YES_NO)
    showcase = forms.ChoiceField(label="观摩", required=False, choices=YES_NO)
    blocker = forms.ChoiceField(
        label="存在问题",
        required=False,
        choices=[("", "全部"), ("any", "有待解决问题"), *BlockerKind.choices],
    )
    set_aside = forms.BooleanField(label="已替换或撤销的项目", required=False)
    pending = forms.BooleanField(label="未交办的项目", required=False)

    def __init__(self, *args: Any, user: Any, stages: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "全部"), *stages]
        self.fields["leader"].empty_label = "全部"
        self.fields["unit"].empty_label = "全部"
        if sees_many_regions(user):  # a city's office: the leaders are the counties'
            self.fields["leader"].label = "包抓领导"
        self.fields["leader"].queryset = leader_list_for(user).select_related("person")
        self.fields["leader"].label_from_instance = lambda leader: leader.person.name
        self.fields["unit"].queryset = unit_list_for(user)

    def filters(self) -> LedgerFilters:
        data = self.cleaned_data if self.is_valid() else {}
        leader, unit = data.get("leader"), data.get("unit")
        return LedgerFilters(
            year=data.get("year"),
            region=data.get("region"),
            level=data.get("level", ""),
            stage=data.get("stage", ""),
            phase=data.get("phase", ""),
            state=data.get("state", ""),
            leader=leader.pk if leader else None,
            unit=unit.pk if unit else None,
            in_statistics=data.get("in_statistics", ""),
            showcase=data.get("showcase", ""),
            blocker=data.get("blocker", ""),
            text=data.get("text", ""),
            set_aside=bool(data.get("set_aside")),
            pending=bool(data.get("pending")),
        )


class ReplaceForm(forms.Form):
    successor = forms.ModelChoiceField(label="替换为", queryset=Project.objects.none())
    reason = forms.CharField(
        label="替换理由", max_length=300, help_text="如：用地无法落实，年内不具备开工条件"
    )

    def __init__(self, *args: Any, candidates: list[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["successor"]
        field.queryset = Project.objects.filter(pk__in=[c.pk for c in candidates]).select_related("item")
        field.label_from_instance = lambda project: f"{project.item.code} {project.item.title}"


class SiteVisitForm(forms.Form):
    findings = forms.CharField(
        label="现场情况",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请写明现场看到的情况。"},
    )
    unannounced = forms.BooleanField(label="暗访（不打招呼）", required=False, initial=True)


class LedgerImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="重点项目台账（.xlsx）")
    year = forms.IntegerField(
        label="新增项目的年度",
        min_value=2000,
        max_value=2100,
        help_text="已有项目（有项目编码的行）保持原年度",
    )


class InvestmentImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="月度投资表（.xlsx）")
    month = forms.DateField(
        label="月份",
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text="表格中没有“月份”列、投资列也没写明“1-X月”时，按这个月份导入",
    )


def _money(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=f"{label}（万元）",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        **kwargs,
    )


class ProjectForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="项目名称", max_length=200)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    level = forms.ChoiceField(label="级别", choices=Level.choices, initial=Level.COUNTY)
    stage = forms.ModelChoiceField(label="阶段", queryset=Stage.objects.none())
    description = forms.CharField(label="建设内容", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    total_investment = _money("总投资")
    planned_investment = _money("年度计划投资")
    patron_leader = forms.ModelChoiceField(
        label="包抓县级领导", queryset=Leader.objects.none(), required=False
    )
    lead_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none())
    support_units = forms.ModelMultipleChoiceField(
        label="配合单位", queryset=Unit.objects.none(), required=False
    )
    planned_start = forms.DateField(label="计划开工", required=False, widget=DATE_WIDGET)
    actual_start = forms.DateField(label="实际开工", required=False, widget=DATE_WIDGET)
    in_statistics_on = forms.DateField(
        label="入库日期", required=False, widget=DATE_WIDGET, help_text="未入库留空"
    )
    showcase_ready_by = forms.DateField(
        label="观摩准备就绪时限", required=False, widget=DATE_WIDGET, help_text="不是观摩项目留空"
    )
    project_code = forms.CharField(
        label="项目代码", max_length=40, required=False, help_text="投资项目在线审批监管平台代码"
    )
    category = forms.CharField(label="类别", max_length=30, required=False)
    industry_chain = forms.CharField(label="产业链", max_length=30, required=False)
    assign = forms.BooleanField(label="保存后交办给责任单位", required=False, initial=True)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, region: Region, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_region(self, region, leaders=("patron_leader",), units=("lead_unit", "support_units"))
        self.fields["patron_leader"].label_from_instance = lambda leader: leader.person.name
        self.fields["stage"].queryset = Stage.objects.filter(region=region).order_by("sort_order", "pk")
        if editing:
            del self.fields["assign"]
            self.fields["year"].disabled = True
            self.fields["version"].required = True  # an edit is saved only on the version it was read at


class BlockerForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="问题类型", choices=BlockerKind.choices)
    description = forms.CharField(label="问题", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    owner_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none())
    owner_leader = forms.ModelChoiceField(label="协调领导", queryset=Leader.objects.none(), required=False)
    deadline = forms.DateField(label="解决时限", widget=DATE_WIDGET)

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_region(self, region, leaders=("owner_leader",), units=("owner_unit",))
        self.fields["owner_leader"].label_from_instance = lambda leader: leader.person.name


class StageForm(BootstrapFormMixin, forms.Form):
    stage = forms.ModelChoiceField(label="阶段", queryset=Stage.objects.none())
    actual_start = forms.DateField(
        label="实际开工", required=False, widget=DATE_WIDGET, help_text="进入建设阶段须填写"
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = Stage.objects.filter(region=region).order_by("sort_order", "pk")


class PlanForm(BootstrapFormMixin, forms.Form):
    """The twelve months' planned investment."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for month in range(1, 13):
            self.fields[f"month_{month}"] = _money(f"{month}月", required=False)

    def plan(self) -> dict[int, Any]:
        return {
            m: self.cleaned_data[f"month_{m}"] for m in range(1, 13) if self.cleaned_data.get(f"month_{m}")
        }
