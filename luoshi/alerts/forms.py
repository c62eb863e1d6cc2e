from __future__ import annotations

from django import forms

from luoshi.core.forms import BootstrapFormMixin
from luoshi.items.models import Colour


class AssessForm(BootstrapFormMixin, forms.Form):
    colour = forms.ChoiceField(
        label="研判颜色", choices=[("", "按规则计算（撤销研判）"), *Colour.choices], required=False
    )
    reason = forms.CharField(
        label="研判理由", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
