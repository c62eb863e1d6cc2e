"""Template helpers: dates as 2023年8月31日, percentages as 33.3%, colours and statuses as badges."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

ASSESSED_MARKER = mark_safe('<span class="badge text-bg-light border ms-1" title="督查办研判">研判</span>')
COLOUR_LABELS = {"red": "红", "yellow": "黄", "green": "绿"}
STATUS_CLASSES = {
    "draft": "secondary",
    "assigned": "info",
    "accepted": "info",
    "in_progress": "primary",
    "completion_requested": "warning",
    "completed": "success",
    "closed": "dark",
    "suspended": "secondary",
    "replaced": "secondary",
    "returned": "danger",
    "withdrawn": "light",
}


@register.filter
def cn_date(value: date | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_datetime(value: datetime | None) -> str:
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


@register.filter
def number(value: Decimal | float | int | None) -> str:
    """1234.5000 → 1234.5; None → —."""
    if value is None or value == "":
        return "—"
    normalized = Decimal(value).normalize()
    text = f"{normalized:f}"
    return text


@register.filter
def percent(value: Decimal | float | int | str | None) -> str:
    """Every percentage the same way: 60 → 60%, 33.33 → 33.3%, 12.50 → 12.5%; None → —."""
    if value is None or value == "":
        return "—"
    try:
        rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # not a number, infinite or absurdly large
        return "—"
    if rounded.is_nan():
        return "—"
    if rounded == rounded.to_integral_value():
        rounded = rounded.to_integral_value() + 0  # + 0 turns -0 into 0
    return f"{rounded:f}%"


@register.simple_tag
def colour_badge(colour: str, assessed: bool = False, reason: str = "") -> str:
    if not colour:
        return mark_safe(
            '<span class="colour-dot colour-none" title="未评定"></span> '
            '<span class="small text-body-secondary">未评定</span>'
        )
    label = COLOUR_LABELS.get(colour, colour)
    title = reason or ("督查办研判" if assessed else "规则计算")
    marker = ASSESSED_MARKER if assessed else ""
    return format_html(
        '<span class="colour-dot colour-{}" title="{}"></span> {}{}', colour, title, label, marker
    )


@register.simple_tag
def status_badge(status: str, label: str) -> str:
    return format_html(
        '<span class="badge text-bg-{}">{}</span>', STATUS_CLASSES.get(status, "secondary"), label
    )


@register.filter
def filesize(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, size // 1024)} KB"
