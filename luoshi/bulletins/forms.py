from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from luoshi.bulletins import periods
from luoshi.bulletins.drafting import SECTIONS
from luoshi.bulletins.models import MeetingKind
from luoshi.bulletins.pack import leader_label
from luoshi.bulletins.selectors import meeting_leaders_for, meeting_units_for
from luoshi.bulletins.services import meeting_title
from luoshi.core.forms import BootstrapFormMixin
from luoshi.org.models import Leader, Region, Unit


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
    # The version the text was opened on: saving it after another user's save is refused.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in SECTIONS:
            self.fields[key] = forms.CharField(
                label=label,
                required=key == "opening",
                widget=forms.Textarea(attrs={"rows": 8 if key != "opening" else 4}),
                help_text="每行一段；以“（一）……。”开头的段落，开头一句排为楷体小标题。",
            )
        for name, field in self.fields.items():
            if name == "version":
                continue
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} bulletin-text".strip()

    @classmethod
    def initial_for(cls, bulletin: Any) -> dict[str, str]:
        sections = bulletin.sections or {}
        return {
            "title": bulletin.title,
            "recipients": bulletin.recipients,
            "copies_to": bulletin.copies_to,
            "version": bulletin.version,
            **{key: "\n".join(sections.get(key, [])) for key, _label in SECTIONS},
        }


class PublishForm(BootstrapFormMixin, forms.Form):
    confirm = forms.BooleanField(label="我已核对正文和附件，确认印发。印发后通报编号、冻结，不能再修改。")


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return leader_label(obj)


class LeadersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return leader_label(obj)


class MeetingForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices, initial=MeetingKind.DISPATCH)
    held_on = forms.DateField(label="会议日期", widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label="会议名称", max_length=200, required=False)
    leaders = LeadersChoiceField(
        label="出席领导", queryset=Leader.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    as_of = forms.DateField(
        label="数据截至",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="留空时为会议日期和今天中较早的一天",
    )

    def __init__(self, *args: Any, region: Region, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        example = meeting_title(region=region, kind=MeetingKind.DISPATCH, held_on=today)
        self.fields["title"].help_text = f"留空时按会议日期和类型命名，如“{example}”"
        leaders = meeting_leaders_for(region)
        field = self.fields["leaders"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = leaders

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        held_on = data.get("held_on")
        if held_on is not None:
            as_of = data.get("as_of") or min(held_on, self.today)
            if as_of > self.today:
                self.add_error("as_of", "数据截至日期不能晚于今天。")
            elif as_of > held_on:
                self.add_error("as_of", "数据截至日期不能晚于会议日期。")
            data["as_of"] = as_of
        return data


class DecisionForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="议定事项", max_length=200, help_text="交办后即为督办事项的名称")
    detail = forms.CharField(label="具体要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    patron_leader = LeaderChoiceField(label="包抓县级领导", queryset=Leader.objects.none(), required=False)
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none())
    support_units = forms.ModelMultipleChoiceField(
        label="配合单位", queryset=Unit.objects.none(), required=False
    )
    deadline = forms.DateField(label="完成时限", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leader = self.fields["patron_leader"]
        assert isinstance(leader, forms.ModelChoiceField)
        leader.queryset = meeting_leaders_for(region)
        units = meeting_units_for(region)
        for name in ("lead_unit", "support_units"):
            unit_field = self.fields[name]
            assert isinstance(unit_field, forms.ModelChoiceField)
            unit_field.queryset = units
