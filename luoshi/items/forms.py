from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet

from luoshi.core import clock, registry
from luoshi.core.forms import BootstrapFormMixin
from luoshi.items.models import (
    ActionKind,
    Colour,
    Confidence,
    Item,
    Kind,
    Measure,
    Method,
    ReportCycle,
    Source,
    Status,
    Verdict,
)
from luoshi.items.schedule import Period, period_label
from luoshi.items.selectors import ItemFilters
from luoshi.items.services import ItemInput, MilestoneInput, ReportInput
from luoshi.org.models import Leader, Person, Region, Unit

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def limit_to_region(
    form: forms.BaseForm, region: Region, *, leaders: tuple[str, ...] = (), units: tuple[str, ...] = ()
) -> None:
    """Offer only the region's active leaders and units in the named fields."""
    for name in leaders:
        form.fields[name].queryset = Leader.objects.filter(region=region, is_active=True).select_related(
            "person"
        )
    for name in units:
        form.fields[name].queryset = Unit.objects.filter(region=region, is_active=True)


class ItemForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(
        label="编号", max_length=30, required=False, help_text="留空时自动编号，如 DB-2023-0042"
    )
    title = forms.CharField(label="事项名称", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=registry.plain_kind_choices, initial=Kind.TASK)
    source = forms.ChoiceField(label="来源", choices=Source.choices, initial=Source.MEETING)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    description = forms.CharField(label="具体内容", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    patron_leader = forms.ModelChoiceField(
        label="包抓县级领导", queryset=Leader.objects.none(), required=False
    )
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none(), required=False)
    support_units = forms.ModelMultipleChoiceField(
        label="配合单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    responsible_person = forms.ModelChoiceField(
        label="责任人", queryset=Person.objects.none(), required=False
    )
    planned_start = forms.DateField(label="计划开始", required=False, widget=DATE_WIDGET)
    deadline = forms.DateField(label="完成时限", required=False, widget=DATE_WIDGET)
    measure = forms.ChoiceField(label="衡量方式", choices=Measure.choices, initial=Measure.PERCENT)
    target_value = forms.DecimalField(label="目标值", required=False, max_digits=16, decimal_places=4)
    value_unit = forms.CharField(label="计量单位", max_length=20, required=False)
    target_text = forms.CharField(label="目标原文", max_length=100, required=False)
    report_cycle = forms.ChoiceField(
        label="报送周期", choices=ReportCycle.choices, initial=ReportCycle.MONTHLY
    )
    report_due_day = forms.IntegerField(
        label="报送日",
        min_value=0,
        max_value=31,
        initial=25,
        help_text="每月几号；每周星期几（1—7）；每半月上半月几号",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set by the "保存并交办" button of a new item; never rendered as a field.
    assign = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, region: Region, as_of: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region = region
        self.as_of = as_of or clock.today()
        limit_to_region(self, region, leaders=("patron_leader",), units=("lead_unit", "support_units"))
        self.fields["responsible_person"].queryset = Person.objects.filter(
            unit__region=region, is_active=True
        ).select_related("unit")
        self.fields["responsible_person"].label_from_instance = lambda p: f"{p.name}（{p.unit}）"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, deadline = data.get("planned_start"), data.get("deadline")
        if start and deadline and start > deadline:
            self.add_error("deadline", "完成时限不能早于计划开始。")
        if data.get("measure") == Measure.VALUE and not data.get("target_value"):
            self.add_error("target_value", "按数值衡量的事项需要目标值。")
        lead, support = data.get("lead_unit"), data.get("support_units") or []
        if lead and lead in support:
            self.add_error("support_units", "牵头单位不必再列为配合单位。")
        if data.get("assign") and deadline and deadline < self.as_of:
            # 交办 with a past deadline needs the office's confirmation, which the item page asks for.
            self.add_error(
                "deadline",
                f"完成时限{_cn_date(deadline)}已过，不能直接交办。"
                "请修改完成时限；或先保存，再在事项页勾选确认后交办。",
            )
        return data

    @property
    def deadline_notice(self) -> str:
        """A deadline already past is saved all the same; the office is told so (not blocked)."""
        if self.is_bound:
            deadline = getattr(self, "cleaned_data", {}).get("deadline")
        else:
            deadline = self.initial.get("deadline")
        if not isinstance(deadline, date) or deadline >= self.as_of:
            return ""
        return (
            f"完成时限{_cn_date(deadline)}已过（今天是{_cn_date(self.as_of)}）：事项交办当天即为逾期，"
            "请核对完成时限。"
        )

    def to_input(self, milestones: list[MilestoneInput]) -> ItemInput:
        d = self.cleaned_data
        return ItemInput(
            title=d["title"],
            year=d["year"],
            kind=d["kind"],
            source=d["source"],
            code=d.get("code") or "",
            description=d.get("description") or "",
            patron_leader=d.get("patron_leader"),
            lead_unit=d.get("lead_unit"),
            support_units=list(d.get("support_units") or []),
            responsible_person=d.get("responsible_person"),
            planned_start=d.get("planned_start"),
            deadline=d.get("deadline"),
            measure=d["measure"],
            target_value=d.get("target_value"),
            value_unit=d.get("value_unit") or "",
            target_text=d.get("target_text") or "",
            report_cycle=d["report_cycle"],
            report_due_day=d["report_due_day"],
            milestones=milestones,
        )

    @staticmethod
    def initial_from(item: Item) -> dict[str, Any]:
        initial = {
            name: getattr(item, name) for name in ItemInput.__dataclass_fields__ if hasattr(item, name)
        }
        initial["support_units"] = list(item.support_units.all())
        initial["version"] = item.version
        initial.pop("milestones", None)
        return initial


class MilestoneForm(BootstrapFormMixin, forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="节点", max_length=200)
    due = forms.DateField(label="计划完成", widget=DATE_WIDGET)
    done_on = forms.DateField(label="实际完成", required=False, widget=DATE_WIDGET)


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, can_delete=True)


def milestones_from(formset: forms.BaseFormSet) -> list[MilestoneInput]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not data.get("name"):
            continue
        rows.append(
            MilestoneInput(name=data["name"], due=data["due"], done_on=data.get("done_on"), pk=data.get("id"))
        )
    return rows


class TransitionForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label="理由", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )
    successor = forms.CharField(label="接替事项编号", required=False, max_length=30)
    confirm_past_deadline = forms.BooleanField(label="完成时限已过，仍确认交办", required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReportForm(BootstrapFormMixin, forms.Form):
    period_start = forms.TypedChoiceField(label="报送期", coerce=date.fromisoformat)
    done = forms.CharField(label="本期完成情况", widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(label="存在问题", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    next_steps = forms.CharField(label="下步打算", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    percent = forms.DecimalField(
        label="完成进度（%）", min_value=0, max_value=100, decimal_places=2, required=False
    )
    value = forms.DecimalField(label="累计完成值", max_digits=16, decimal_places=4, required=False)
    confidence = forms.ChoiceField(
        label="按期完成的把握", choices=Confidence.choices, widget=forms.RadioSelect, initial=Confidence.GREEN
    )
    milestones_done = forms.TypedMultipleChoiceField(
        label="本期完成的节点", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    evidence = MultipleFileField(
        label="佐证材料", required=False, help_text="照片、PDF、Word、Excel、WPS 文件，可选多个"
    )

    def __init__(
        self, *args: Any, item: Item, periods: list[Period], correcting: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["period_start"].choices = [
            (
                p.start.isoformat(),
                f"{period_label(item.report_cycle, p.start)}（{p.due.month}月{p.due.day}日前报送）",
            )
            for p in periods
        ]
        if correcting:
            self.fields["period_start"].disabled = True
        self.fields["milestones_done"].choices = [
            (m.pk, f"{m.name}（计划{m.due.month}月{m.due.day}日）")
            for m in item.milestones.all()
            if m.done_on is None
        ]
        if not self.fields["milestones_done"].choices:
            del self.fields["milestones_done"]
        if item.measure != Measure.PERCENT:
            self.fields["percent"].required = False
            if item.measure != Measure.MILESTONES:
                del self.fields["percent"]
        else:
            self.fields["percent"].required = True
        if item.measure == Measure.VALUE:
            self.fields["value"].required = True
            self.fields["value"].label = (
                f"累计完成值（{item.value_unit}）" if item.value_unit else "累计完成值"
            )
        else:
            del self.fields["value"]

    def to_input(self) -> ReportInput:
        d = self.cleaned_data
        return ReportInput(
            period_start=d["period_start"],
            done=d["done"],
            problems=d.get("problems") or "",
            next_steps=d.get("next_steps") or "",
            percent=d.get("percent"),
            value=d.get("value"),
            confidence=d["confidence"],
            milestones_done=d.get("milestones_done") or [],
        )


class VerifyForm(BootstrapFormMixin, forms.Form):
    method = forms.ChoiceField(
        label="核实方式", choices=Method.choices, widget=forms.RadioSelect, initial=Method.DOCUMENTS
    )
    verdict = forms.ChoiceField(label="核实结论", choices=Verdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="核实情况",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="部分属实或不属实时必须写明",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("verdict") in (Verdict.PARTLY, Verdict.UNTRUE) and not (data.get("note") or "").strip():
            self.add_error("note", "部分属实或不属实时，请写明核实发现的情况。")
        return data


class RejectForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=300)


class InstructionForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="批示内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class SupervisionActionForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="督办方式", choices=ActionKind.choices)
    title = forms.CharField(label="督办主题", max_length=200)
    held_on = forms.DateField(label="督办日期", widget=DATE_WIDGET)
    items = forms.ModelMultipleChoiceField(
        label="涉及事项",
        queryset=Item.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    units = forms.ModelMultipleChoiceField(
        label="涉及单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    findings = forms.CharField(label="发现问题", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    demands = forms.CharField(label="整改要求", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    respond_by = forms.DateField(label="反馈时限", required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, region: Region, items: QuerySet[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = (
            items.filter(region=region).exclude(status=Status.DRAFT).order_by("code")
        )
        limit_to_region(self, region, units=("units",))


class RectificationForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="问题及整改事项", max_length=200)
    description = forms.CharField(label="整改要求", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lead_unit = forms.ModelChoiceField(label="整改责任单位", queryset=Unit.objects.none())
    deadline = forms.DateField(label="整改时限", widget=DATE_WIDGET)
    assign = forms.BooleanField(label="立即交办", required=False, initial=True)

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_region(self, region, units=("lead_unit",))


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="Excel 台账（.xlsx）")
    year = forms.IntegerField(
        label="表格年度", min_value=2000, max_value=2100, help_text="“8月底前”这类时限按这一年解析"
    )
    assign = forms.BooleanField(label="导入后直接交办", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"最大 {settings.LUOSHI_IMPORT_MAX_MB} MB，每次最多 {settings.LUOSHI_IMPORT_MAX_ROWS:,} 行；"
            f"超过 {settings.LUOSHI_IMPORT_SYNC_ROWS:,} 行的表格在后台检查和导入，页面显示进度"
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.LUOSHI_IMPORT_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                f"文件有 {upload.size / (1024 * 1024):.1f} MB，超过导入上限 {limit} MB。"
                "请删除多余的行、列、图片和工作表，或分成几个表格分批导入。"
            )
        return upload


class ItemFilterForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="关键词", required=False)
    kind = forms.ChoiceField(
        label="类型", choices=lambda: [("", "全部类型"), *registry.kind_choices()], required=False
    )
    source = forms.ChoiceField(label="来源", choices=[("", "全部来源"), *Source.choices], required=False)
    status = forms.ChoiceField(
        label="状态",
        choices=[("", "全部状态"), ("active", "正在督办"), ("done", "已办结或销号"), *Status.choices],
        required=False,
    )
    colour = forms.ChoiceField(
        label="预警", choices=[("", "全部预警"), *Colour.choices, ("none", "未评定")], required=False
    )
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.none(), required=False, empty_label="全部单位"
    )
    leader = forms.ModelChoiceField(
        label="包抓领导", queryset=Leader.objects.none(), required=False, empty_label="全部领导"
    )
    deadline_from = forms.DateField(label="时限自", required=False, widget=DATE_WIDGET)
    deadline_to = forms.DateField(label="时限至", required=False, widget=DATE_WIDGET)
    # Set by the dashboard's links: a month's snapshot and the lead unit only.
    month = forms.DateField(
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "hidden"}, format="%Y-%m"),
    )
    overdue = forms.BooleanField(required=False, widget=forms.HiddenInput)
    report = forms.ChoiceField(
        choices=[("", ""), ("overdue", "逾期未报")], required=False, widget=forms.HiddenInput
    )
    lead = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False, widget=forms.HiddenInput)
    # Offered to a user who sees more than one region (a city's office); hidden for everyone else.
    region = forms.ModelChoiceField(
        label="行政区", queryset=Region.objects.none(), required=False, empty_label="全部行政区"
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        leaders: QuerySet[Leader],
        regions: QuerySet[Region],
        many_regions: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.many_regions = many_regions
        self.fields["unit"].queryset = units
        self.fields["lead"].queryset = units
        self.fields["leader"].queryset = leaders
        self.fields["region"].queryset = regions
        if many_regions:
            self.fields["unit"].label_from_instance = self.unit_label

    def unit_label(self, unit: Unit) -> str:
        """Two counties each have a 县发改局: a user who sees both reads which is which."""
        return f"{unit.region.name} {unit}" if self.many_regions else str(unit)

    def month_description(self) -> str:
        """What the dashboard's filters mean, for the banner above the list."""
        if not self.is_valid():
            return ""
        d = self.cleaned_data
        parts = []
        if d.get("month"):
            month = f"{d['month'].year}年{d['month'].month}月"
            parts.append(month if d.get("report") else f"{month}的预警")
        if d.get("overdue"):
            parts.append("超过完成时限")
        if d.get("report"):
            parts.append("本期逾期未报")
        if d.get("lead"):
            parts.append(f"{self.unit_label(d['lead'])}牵头")
        return "、".join(parts)

    def filters(self) -> ItemFilters:
        if not self.is_valid():
            return ItemFilters()
        d = self.cleaned_data
        return ItemFilters(
            kind=d.get("kind") or "",
            source=d.get("source") or "",
            unit=d["unit"].pk if d.get("unit") else None,
            leader=d["leader"].pk if d.get("leader") else None,
            status=d.get("status") or "",
            colour=d.get("colour") or "",
            deadline_from=d.get("deadline_from"),
            deadline_to=d.get("deadline_to"),
            text=(d.get("text") or "").strip(),
            lead_unit=d["lead"].pk if d.get("lead") else None,
            region=d["region"].pk if d.get("region") else None,
            month=d.get("month"),
            overdue=bool(d.get("overdue")),
            report_overdue=d.get("report") == "overdue",
        )
