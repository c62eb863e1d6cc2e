from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from luoshi.bulletins import periods
from luoshi.bulletins.drafting import SECTIONS
from luoshi.core.forms import BootstrapFormMixin


class DraftForm(BootstrapFormMixin, forms.Form):
    period = forms.CharField(
        label="通报期间",
        max_length=40,
        help_text="月份写 2023-07，周写 2023-W30，季度写 2023-Q2，半年写 2023-H1，"
        "专项督查写 special:2023-07-01:2023-07-20",
    )
    as_of = forms.DateField(label="数据截至", widget=forms.DateInput(attrs={"type": "date"}))
    topic = forms.CharField(
        label="专项督查主题", max_length=100, required=False, help_text="只有专项督查需要填写"
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_period(self) -> periods.Period:
        try:
            return periods.parse(self.cleaned_data["period"])
        except periods.PeriodError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_as_of(self) -> date:
        as_of: date = self.cleaned_data["as_of"]
        if as_of > self.today:
            raise forms.ValidationError("数据截至日期不能晚于今天。")
        return as_of


class EditForm(BootstrapFormMixin, forms.Form):
    """The text the office edits: one paragraph a line, plain text (no markup is kept)."""

    title = forms.CharField(label="标题", max_length=200)
    recipients = forms.CharField(label="主送", max_length=300)
    copies_to = forms.CharField(label="抄送", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in SECTIONS:
            self.fields[key] = forms.CharField(
                label=label,
                required=key == "opening",
                widget=forms.Textarea(attrs={"rows": 8 if key != "opening" else 4}),
                help_text="每行一段；以“（一）……。”开头的段落，开头一句排为楷体小标题。",
            )
        for field in self.fields.values():
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} bulletin-text".strip()

    @classmethod
    def initial_for(cls, bulletin: Any) -> dict[str, str]:
        sections = bulletin.sections or {}
        return {
            "title": bulletin.title,
            "recipients": bulletin.recipients,
            "copies_to": bulletin.copies_to,
            **{key: "\n".join(sections.get(key, [])) for key, _label in SECTIONS},
        }


class PublishForm(BootstrapFormMixin, forms.Form):
    confirm = forms.BooleanField(label="我已核对正文和附件，确认印发。印发后通报编号、冻结，不能再修改。")
