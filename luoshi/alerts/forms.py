from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms

from luoshi.alerts.models import Consequence, ConsequenceAction
from luoshi.core.forms import BootstrapFormMixin
from luoshi.items.models import Colour


class AssessForm(BootstrapFormMixin, forms.Form):
    colour = forms.ChoiceField(
        label="研判颜色", choices=[("", "按规则计算（撤销研判）"), *Colour.choices], required=False
    )
    reason = forms.CharField(
        label="研判理由", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConsequencesForm(BootstrapFormMixin, forms.Form):
    """What each warning colour brings (提醒, 督办函, 约谈, 扣分…): a checkbox per colour and action,
    and the points a deduction costs."""

    COLOURS = (Colour.YELLOW, Colour.RED)

    def __init__(self, *args: Any, configured: Mapping[str, Sequence[Consequence]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for colour in self.COLOURS:
            chosen = {c.action: c for c in configured.get(colour, [])}
            for action, label in ConsequenceAction.choices:
                self.fields[f"{colour}-{action}"] = forms.BooleanField(
                    label=label, required=False, initial=action in chosen
                )
                if action == ConsequenceAction.DEDUCT:
                    self.fields[f"{colour}-{action}-points"] = forms.DecimalField(
                        label="扣分",
                        required=False,
                        min_value=Decimal(0),
                        max_digits=5,
                        decimal_places=2,
                        initial=chosen[action].points if action in chosen else None,
                    )

    def rows(self) -> list[dict[str, Any]]:
        """For the template: per colour, its actions with their checkbox and points field."""
        return [
            {
                "colour": colour,
                "actions": [
                    {
                        "value": action,
                        "field": self[f"{colour}-{action}"],
                        "points": self[f"{colour}-{action}-points"]
                        if action == ConsequenceAction.DEDUCT
                        else None,
                    }
                    for action in ConsequenceAction.values
                ],
            }
            for colour in self.COLOURS
        ]

    def chosen(self) -> dict[str, dict[str, Decimal | None]]:
        data = self.cleaned_data
        return {
            colour: {
                action: (data.get(f"{colour}-{action}-points") or None)
                if action == ConsequenceAction.DEDUCT
                else None
                for action in ConsequenceAction.values
                if data.get(f"{colour}-{action}")
            }
            for colour in self.COLOURS
            if any(data.get(f"{colour}-{action}") for action in ConsequenceAction.values)
        }


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", "确认"), ("dismiss", "不采纳")])

    @property
    def confirmed(self) -> bool:
        return self.cleaned_data["decision"] == "confirm"
