"""The ledger's base data the office keeps on its pages (/investment/setup/<kind>/): which models,
which of their fields, in what words. Data only: the views, forms and services read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models

from luoshi.investment.models import IndustryChain, ListEntry, TaskForce


@dataclass(frozen=True)
class BaseData:
    slug: str
    model: type[models.Model]
    label: str  # 产业链
    fields: tuple[str, ...]  # the form's, in order; the list shows them too


KINDS: dict[str, BaseData] = {
    kind.slug: kind
    for kind in (
        BaseData("chains", IndustryChain, "产业链", ("name", "sort_order")),
        BaseData("task-forces", TaskForce, "招商专班", ("name", "chain", "leader", "unit")),
        BaseData(
            "lists", ListEntry, "四个清单条目", ("kind", "title", "chain", "held_on", "amount", "description")
        ),
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
