"""The enterprises' base data the office keeps on its pages (/enterprises/setup/<kind>/): which
models, which of their fields, in what words. Data only: the views, forms and services read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models

from luoshi.enterprises.models import CultivationTarget, Enterprise, Threshold


@dataclass(frozen=True)
class BaseData:
    slug: str
    model: type[models.Model]
    label: str
    fields: tuple[str, ...]  # the form's, in order; the list shows them too


KINDS: dict[str, BaseData] = {
    kind.slug: kind
    for kind in (
        BaseData(
            "enterprises",
            Enterprise,
            "企业",
            (
                "name",
                "category",
                "sub_trade",
                "unit",
                "in_statistics",
                "in_statistics_on",
                "candidate_year",
                "revenue",
                "key_taxpayer",
            ),
        ),
        BaseData("thresholds", Threshold, "入统标准", ("category", "sub_trade", "measure", "amount")),
        BaseData("targets", CultivationTarget, "培育目标", ("year", "count")),
    )
}


def field_text(row: models.Model, name: str) -> str:
    """A field's value as the list shows it: choices by label, dates as 2023年7月13日, — for none."""
    field = row._meta.get_field(name)
    value = getattr(row, name)
    if value is None or value == "":
        return "—"
    if getattr(field, "choices", None):
        return str(getattr(row, f"get_{name}_display")())
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    text = str(value)
    return text if len(text) <= 60 else f"{text[:60]}…"


def field_labels(kind: BaseData) -> list[tuple[str, str]]:
    """The list's columns: each field's name and its words."""
    return [
        (name, str(getattr(kind.model._meta.get_field(name), "verbose_name", name))) for name in kind.fields
    ]
