from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from luoshi.core.forms import BootstrapFormMixin
from luoshi.enterprises.setup import BaseData
from luoshi.org.models import Region, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaxImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="重点税源企业纳税情况（.xlsx）")
    month = forms.DateField(
        label="月份",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text="表格中的税收是哪个月的，如 2023-06",
    )


def base_data_form(
    kind: BaseData, *, region: Region, data: Any = None, instance: models.Model
) -> forms.ModelForm:
    """The form of a row of base data, the units to choose the region's active ones."""
    form_class = forms.modelform_factory(
        kind.model,
        form=type("BaseDataForm", (BootstrapFormMixin, forms.ModelForm), {}),
        fields=kind.fields,
        widgets={"in_statistics_on": DATE},
    )
    form = form_class(data, instance=instance)
    unit = form.fields.get("unit")
    if isinstance(unit, forms.ModelChoiceField):
        unit.queryset = Unit.objects.filter(region=region, is_active=True)
    return form
