"""The closing page's choices, read from its form into a Plan; the breakdown table's upload."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django import forms
from django.conf import settings

from luoshi.core.forms import BootstrapFormMixin
from luoshi.items.models import Item
from luoshi.yearend.services import DECISION_LABELS, Choice, Decision, Milestones, Plan

DEFAULT = "default"  # an item's choice that follows the bulk choice


def plan_from_form(data: Mapping[str, Any], items: Iterable[Item]) -> tuple[Plan, list[str]]:
    """The plan the page's form describes, and the fields it could not read.

    The bulk choice (`decision`, `reason`, `milestones`) applies to every item whose own choice is
    `default`; an item's own choice (`decision-<pk>`, `reason-<pk>`, `deadline-<pk>`) overrides it.
    Every item carries the version the page showed (`version-<pk>`)."""
    errors: list[str] = []

    def decision(value: str, fallback: Decision) -> Decision:
        try:
            return Decision(value) if value and value != DEFAULT else fallback
        except ValueError:
            errors.append(f"无法识别的处理方式“{value}”")
            return fallback

    policy = Milestones.KEEP if data.get("milestones") == Milestones.KEEP else Milestones.SHIFT
    bulk = decision(data.get("decision", ""), Decision.KEEP)
    bulk_reason = str(data.get("reason", "")).strip()
    choices: dict[str, Choice] = {}
    for item in items:
        own = str(data.get(f"decision-{item.pk}", DEFAULT))
        reason = str(data.get(f"reason-{item.pk}", "")).strip() or bulk_reason
        version_text = str(data.get(f"version-{item.pk}", ""))
        deadline: date | None = None
        deadline_text = str(data.get(f"deadline-{item.pk}", "")).strip()
        if deadline_text:
            try:
                deadline = date.fromisoformat(deadline_text)
            except ValueError:
                errors.append(f"{item.code} 的完成时限“{deadline_text}”不是日期")
        choices[item.code] = Choice(
            decision=decision(own, bulk),
            reason=reason,
            version=int(version_text) if version_text.isdigit() else None,
            milestones=policy,
            deadline=deadline,
        )
    return Plan(default=Choice(bulk, bulk_reason, milestones=policy), choices=choices), errors


DECISION_CHOICES = [(DEFAULT, "按统一选择"), *((d.value, label) for d, label in DECISION_LABELS.items())]


class BreakdownImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="任务分解表（.xlsx）")
    year = forms.IntegerField(
        label="事项年度", min_value=2000, max_value=2100, help_text="“6月底前”这类时限按这一年解析"
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.LUOSHI_IMPORT_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                f"文件有 {upload.size / (1024 * 1024):.1f} MB，超过导入上限 {limit} MB。"
            )
        return upload


def plan_from_json(data: Any) -> Plan:
    """A plan file of `luoshi year close --plan FILE`:

        {"default": "carry", "reason": "", "milestones": "shift",
         "items": {"DB-2023-0042": {"decision": "close", "reason": "上级政策调整，不再实施"},
                   "DB-2023-0043": {"decision": "carry", "deadline": "2024-06-30"}}}

    ValueError, in words, for anything it cannot read."""
    if not isinstance(data, dict):
        raise ValueError("计划文件应为一个 JSON 对象。")

    def choice(entry: Any, fallback: Choice, where: str) -> Choice:
        if not isinstance(entry, dict):
            raise ValueError(f"{where}应为一个 JSON 对象。")
        try:
            decision = Decision(entry.get("decision", fallback.decision))
            milestones = Milestones(entry.get("milestones", fallback.milestones))
        except ValueError:
            raise ValueError(
                f"{where}的 decision 应为 carry、close 或 keep，milestones 应为 shift 或 keep。"
            ) from None
        deadline = entry.get("deadline")
        try:
            parsed = date.fromisoformat(deadline) if deadline else None
        except (TypeError, ValueError):
            raise ValueError(f"{where}的 deadline“{deadline}”不是日期（应为 2024-06-30）。") from None
        version = entry.get("version")
        if version is not None and not isinstance(version, int):
            raise ValueError(f"{where}的 version 应为整数。")
        return Choice(
            decision=decision,
            reason=str(entry.get("reason", fallback.reason) or ""),
            version=version,
            milestones=milestones,
            deadline=parsed,
        )

    default = choice(
        {k: data[k] for k in ("decision", "reason", "milestones") if k in data}
        | ({"decision": data["default"]} if "default" in data else {}),
        Choice(Decision.KEEP),
        "计划",
    )
    items = data.get("items", {})
    if not isinstance(items, dict):
        raise ValueError("items 应为“编号: 处理方式”的 JSON 对象。")
    return Plan(
        default=default,
        choices={str(code): choice(entry, default, str(code)) for code, entry in items.items()},
    )


class YearRulesForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, widget=forms.HiddenInput)
