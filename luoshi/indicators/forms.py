"""The indicators' forms: the month entry (all of a unit's indicators at once) and a catch-up item."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from luoshi.core.forms import BootstrapFormMixin
from luoshi.indicators.models import Indicator, Value, ValueCheck
from luoshi.indicators.services import ValueInput
from luoshi.org.models import Leader, Unit


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
                label="佐证材料", max_length=200, required=False, initial=value.evidence if value else ""
            )
            self.fields[f"note_{pk}"] = forms.CharField(label="更正说明", max_length=200, required=False)

    def rows(self) -> list[tuple[Indicator, Value | None, list[forms.BoundField]]]:
        return [
            (
                indicator,
                self.current.get(indicator.pk),
                [self[f"{name}_{indicator.pk}"] for name in ("value", "growth", "evidence", "note")],
            )
            for indicator in self.indicators
        ]

    def entries(self, month: int) -> dict[int, ValueInput]:
        """indicator → what to record (only the indicators given a figure)."""
        data = self.cleaned_data
        chosen = {}
        for indicator in self.indicators:
            value: Decimal | None = data.get(f"value_{indicator.pk}")
            if value is None:
                continue
            chosen[indicator.pk] = ValueInput(
                month=month,
                value=value,
                growth=data.get(f"growth_{indicator.pk}"),
                source=data.get("source") or "",
                evidence=data.get(f"evidence_{indicator.pk}") or "",
                note=data.get(f"note_{indicator.pk}") or "",
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
