from __future__ import annotations

from enum import StrEnum
from typing import Any

from django import forms

from luoshi.core import registry
from luoshi.core.forms import BootstrapFormMixin
from luoshi.extraction import llm
from luoshi.extraction.models import DocumentKind, ProposedTask
from luoshi.extraction.reading import ACCEPTED
from luoshi.extraction.selectors import ReviewOptions
from luoshi.extraction.services import NEEDS_LEAD_UNIT
from luoshi.items.forms import DATE_WIDGET, limit_to_region
from luoshi.org.models import Region


class DocumentForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(
        label="会议或文件名称", max_length=200, help_text="如“县政府2023年第二次全体会议”"
    )
    kind = forms.ChoiceField(label="类型", choices=DocumentKind.choices)
    meeting_date = forms.DateField(
        label="会议日期", widget=DATE_WIDGET, help_text="“8月底前”“年底前”等时限按这一天推算"
    )
    file = forms.FileField(
        label="上传文件", required=False, help_text=f"{'、'.join(ACCEPTED)}（PDF 需有文字层）"
    )
    text = forms.CharField(label="或粘贴全文", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    use_model = forms.BooleanField(label="同时使用本地大模型", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not llm.configured():
            del self.fields["use_model"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("请上传文件，或把全文粘贴进来。")
        return data


class SharedOptionsMixin:
    """A select that carries only its chosen options; the page writes the full list once, in
    <template id="options-KEY">, and its script copies it into each select. A long speech has
    dozens of cards and a county dozens of units: a list in every card made the page megabytes."""

    allow_multiple_selected: bool
    attrs: dict[str, Any]

    def __init__(self, key: str, labels: dict[str, str], attrs: dict[str, Any] | None = None) -> None:
        super().__init__({**(attrs or {}), "data-options": key})  # type: ignore[call-arg]
        self.labels = labels
        self.choices: Any = ()  # nothing to iterate, not even to decide on `required`

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None) -> list[Any]:
        chosen = [v for v in value if v]
        options = [] if self.allow_multiple_selected else [("", "---------", not chosen)]
        options += [(v, self.labels.get(v, v), True) for v in chosen]
        return [
            (None, [self.create_option(name, v, label, selected, i, attrs=attrs)], i)
            for i, (v, label, selected) in enumerate(options)
        ]


class SharedOptionsSelect(SharedOptionsMixin, forms.Select):
    pass


class SharedOptionsSelectMultiple(SharedOptionsMixin, forms.SelectMultiple):
    pass


class ProposedTaskForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ProposedTask
        fields = [
            "title",
            "kind",
            "patron_leader",
            "lead_unit",
            "support_units",
            "deadline",
            "target_value",
            "value_unit",
        ]
        widgets = {"deadline": DATE_WIDGET, "support_units": forms.SelectMultiple(attrs={"size": 4})}

    def __init__(
        self,
        *args: Any,
        region: Region,
        options: ReviewOptions | None = None,
        assigning: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.assigning = assigning
        self.fields["kind"].choices = registry.plain_kind_choices()
        limit_to_region(self, region, leaders=("patron_leader",), units=("lead_unit", "support_units"))
        if options is not None:
            for name, key, labels, widget in (
                ("lead_unit", "units", options.unit_labels, SharedOptionsSelect),
                ("support_units", "units", options.unit_labels, SharedOptionsSelectMultiple),
                ("patron_leader", "leaders", options.leader_labels, SharedOptionsSelect),
            ):
                field = self.fields[name]
                field.widget = widget(key, labels, attrs=field.widget.attrs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.assigning and not data.get("lead_unit") and "lead_unit" not in self.errors:
            self.add_error("lead_unit", NEEDS_LEAD_UNIT)
        return data

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class ReviewAction(StrEnum):
    """What a reviewer does with a proposed task (the button pressed on its card)."""

    SAVE = "save"  # keep the edits, decide later
    ACCEPT = "accept"  # make it an item (a draft)
    ASSIGN = "assign"  # make it an item and assign it (采纳并交办)
    REJECT = "reject"

    @classmethod
    def of(cls, value: str | None) -> ReviewAction:
        try:
            return cls(value or cls.SAVE)
        except ValueError:
            return cls.SAVE

    @property
    def accepts(self) -> bool:
        return self in (ReviewAction.ACCEPT, ReviewAction.ASSIGN)

    @property
    def assigns(self) -> bool:
        return self == ReviewAction.ASSIGN
