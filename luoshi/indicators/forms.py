"""The indicators' forms: an indicator, the month entry (all of a unit's indicators at once), the
peers' figures, a catch-up item, the statistics sheet and the office's verdict."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from luoshi.core.forms import BootstrapFormMixin
from luoshi.indicators.compute import Type
from luoshi.indicators.models import UNITS, Direction, Indicator, Value, ValueCheck
from luoshi.indicators.services import IndicatorInput, PeerInput, ValueInput
from luoshi.items.forms import MultipleFileField, limit_to_region
from luoshi.org.models import Leader, Region, Unit


class MonthPickForm(forms.Form):
    month = forms.IntegerField(label="月份", min_value=1, max_value=12)


class MonthEntryForm(forms.Form):
    """One row per indicator: the month's figure, its published growth, evidence, and the reason
    where it corrects a figure already entered."""

    source = forms.CharField(label="数据来源", max_length=100, required=False, initial="县统计局月报")

    def __init__(
        self, *args: Any, indicators: Sequence[Indicator], current: dict[int, Value], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.current = current
        for indicator in self.indicators:
            value = current.get(indicator.pk)
            pk = indicator.pk
            self.fields[f"value_{pk}"] = forms.DecimalField(
                label=f"{indicator.item.title}（{indicator.unit}）",
                initial=value.value if value else None,
                max_digits=16,
                decimal_places=4,
                required=False,
            )
            self.fields[f"growth_{pk}"] = forms.DecimalField(
                label="同比增长（%）",
                initial=value.growth if value else None,
                max_digits=10,
                decimal_places=2,
                required=False,
            )
            self.fields[f"evidence_{pk}"] = forms.CharField(
                label="佐证材料说明", max_length=200, required=False, initial=value.evidence if value else ""
            )
            self.fields[f"files_{pk}"] = MultipleFileField(label="佐证材料文件", required=False)
            self.fields[f"note_{pk}"] = forms.CharField(label="更正说明", max_length=200, required=False)

    def rows(self) -> list[tuple[Indicator, Value | None, list[forms.BoundField]]]:
        return [
            (
                indicator,
                self.current.get(indicator.pk),
                [self[f"{name}_{indicator.pk}"] for name in ("value", "growth", "evidence", "files", "note")],
            )
            for indicator in self.indicators
        ]

    def entries(self, month: int) -> dict[int, ValueInput]:
        """indicator → what to record (the indicators given a figure; a file without a figure is
        for the figure already entered)."""
        data = self.cleaned_data
        chosen = {}
        for indicator in self.indicators:
            value: Decimal | None = data.get(f"value_{indicator.pk}")
            files = data.get(f"files_{indicator.pk}") or []
            current = self.current.get(indicator.pk)
            if value is None and files and current is not None:
                value = current.value
            if value is None:
                continue
            chosen[indicator.pk] = ValueInput(
                month=month,
                value=value,
                growth=data.get(f"growth_{indicator.pk}"),
                source=data.get("source") or "",
                evidence=data.get(f"evidence_{indicator.pk}") or "",
                note=data.get(f"note_{indicator.pk}") or "",
                files=files,
            )
        return chosen


class CatchUpForm(forms.Form):
    measures = forms.CharField(label="赶超举措", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    patron_leader = forms.ModelChoiceField(
        label="包抓县级领导", queryset=Leader.objects.none(), required=False
    )
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none())
    support_units = forms.ModelMultipleChoiceField(
        label="配合单位", queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args: Any, region_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patron_leader"].queryset = Leader.objects.filter(region_id=region_id).select_related(
            "person"
        )
        units = Unit.objects.filter(region_id=region_id).order_by("sort_order", "pk")
        self.fields["lead_unit"].queryset = units
        self.fields["support_units"].queryset = units


class StatisticsImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="统计月报（.xlsx）")
    month = forms.DateField(
        label="月份",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text="表格中的数据是哪个月的（如 2023-06，即1-6月）",
    )


class ValueVerifyForm(forms.Form):
    """The office's verdict on a month's current figure; 部分属实 or 不属实 needs what it found."""

    year = forms.IntegerField(widget=forms.HiddenInput)
    month = forms.IntegerField(min_value=1, max_value=12, widget=forms.HiddenInput)
    verdict = forms.ChoiceField(
        label="核实结论", choices=[(c.value, c.label) for c in ValueCheck if c != ValueCheck.UNCHECKED]
    )
    note = forms.CharField(label="核实情况", max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needs_note = data.get("verdict") in (ValueCheck.PARTLY, ValueCheck.UNTRUE)
        if needs_note and not (data.get("note") or "").strip():
            self.add_error("note", "部分属实或不属实时，请写明核实发现的情况。")
        return data


def _figure(label: str, *, required: bool = False, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=16, decimal_places=4, required=required, help_text=help_text
    )


class IndicatorForm(BootstrapFormMixin, forms.Form):
    """An indicator with its target and last year's monthly figures (the base of its growth and of
    its year-end projection)."""

    title = forms.CharField(label="指标名称", max_length=200)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    type = forms.ChoiceField(
        label="类型", choices=[(t.value, t.label) for t in Type], initial=Type.CUMULATIVE
    )
    direction = forms.ChoiceField(label="方向", choices=Direction.choices, initial=Direction.HIGHER)
    unit = forms.CharField(
        label="计量单位",
        max_length=10,
        help_text="如 " + "、".join(UNITS),
        widget=forms.TextInput(attrs={"list": "indicator-units"}),
    )
    target_value = _figure("年度目标值", help_text="累计指标为全年目标；增速指标为目标增速（%）")
    target_growth = forms.DecimalField(
        label="年度目标增速（%）",
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text="目标值和目标增速至少填一项",
    )
    patron_leader = forms.ModelChoiceField(
        label="包抓县级领导", queryset=Leader.objects.none(), required=False
    )
    lead_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none())
    support_units = forms.ModelMultipleChoiceField(
        label="配合单位", queryset=Unit.objects.none(), required=False
    )
    description = forms.CharField(
        label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="口径、考核办法等"
    )
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=32767, initial=0, required=False)
    assign = forms.BooleanField(label="保存后交办给责任单位", required=False, initial=True)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, region: Region, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_region(self, region, leaders=("patron_leader",), units=("lead_unit", "support_units"))
        self.fields["patron_leader"].label_from_instance = lambda leader: leader.person.name
        for month in range(1, 13):
            self.fields[f"last_{month}"] = _figure(f"上年{month}月")
            self.fields[f"last_{month}"].widget.attrs["class"] = "form-control form-control-sm"
        if editing:
            del self.fields["assign"]
            self.fields["year"].disabled = True
            self.fields["version"].required = True
            self.fields["last_note"] = forms.CharField(
                label="上年数据更正说明",
                max_length=200,
                required=False,
                help_text="修改已填的上年数据时必填",
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def main_fields(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if not field.name.startswith("last_")]

    def last_year_fields(self) -> list[forms.BoundField]:
        return [self[f"last_{month}"] for month in range(1, 13)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target_value") is None and data.get("target_growth") is None:
            self.add_error("target_value", "目标值和目标增速至少填一项。")
        return data

    def indicator_input(self, *, year: int, code: str = "") -> IndicatorInput:
        data = self.cleaned_data
        return IndicatorInput(
            title=data["title"],
            year=year,
            type=Type(data["type"]),
            unit=data["unit"].strip(),
            target_value=data.get("target_value"),
            target_growth=data.get("target_growth"),
            direction=data["direction"],
            patron_leader=data.get("patron_leader"),
            lead_unit=data["lead_unit"],
            support_units=list(data.get("support_units") or []),
            description=data.get("description") or "",
            sort_order=data.get("sort_order") or 0,
            code=code,
        )

    def last_year(self, *, source: str = "") -> list[ValueInput]:
        """Last year's figures as given (a month left empty is not entered); `source` only for new
        figures, so that an edit that keeps a figure changes nothing."""
        note = self.cleaned_data.get("last_note") or ""
        return [
            ValueInput(month=month, value=value, source=source, note=note)
            for month in range(1, 13)
            if (value := self.cleaned_data.get(f"last_{month}")) is not None
        ]


EXTRA_PEER_ROWS = 3


class PeerEntryForm(forms.Form):
    """A month of the city's ranking table for one indicator: each peer's figure and growth; blank
    rows for a county not listed yet. A row of a county that keeps its own ledger here is shown
    and not entered (its figures come from its ledger)."""

    def __init__(self, *args: Any, lines: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if not line.computed]
        self.computed = [line for line in lines if line.computed]
        for index in range(len(self.lines) + EXTRA_PEER_ROWS):
            line = self.lines[index] if index < len(self.lines) else None
            self.fields[f"name_{index}"] = forms.CharField(
                label="县区", max_length=50, required=False, initial=line.region_name if line else ""
            )
            self.fields[f"value_{index}"] = forms.DecimalField(
                label="本月数",
                max_digits=16,
                decimal_places=4,
                required=False,
                initial=line.value if line else None,
            )
            self.fields[f"growth_{index}"] = forms.DecimalField(
                label="同比增长（%）",
                max_digits=10,
                decimal_places=2,
                required=False,
                initial=line.growth if line else None,
            )
            for name in ("name", "value", "growth"):
                self.fields[f"{name}_{index}"].widget.attrs["class"] = "form-control form-control-sm"
        self.size = len(self.lines) + EXTRA_PEER_ROWS

    def rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"{name}_{i}"] for name in ("name", "value", "growth")] for i in range(self.size)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: set[str] = set()
        refused = {line.region_name for line in self.computed}
        for index in range(self.size):
            name = (data.get(f"name_{index}") or "").strip()
            if not name:
                if data.get(f"value_{index}") is not None or data.get(f"growth_{index}") is not None:
                    self.add_error(f"name_{index}", "请填写县区名称。")
                continue
            if name in seen:
                self.add_error(f"name_{index}", f"“{name}”填了两次。")
            if name in refused:
                self.add_error(f"name_{index}", f"“{name}”的数据来自其本身的台账，无需录入。")
            seen.add(name)
        return data

    def entries(self, month: int) -> list[PeerInput]:
        data = self.cleaned_data
        return [
            PeerInput(
                region_name=name,
                month=month,
                value=data.get(f"value_{index}"),
                growth=data.get(f"growth_{index}"),
            )
            for index in range(self.size)
            if (name := (data.get(f"name_{index}") or "").strip())
        ]
