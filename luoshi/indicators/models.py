"""Indicators (考核指标): each an item of kind "indicator" with its detail, its monthly values
(this year's and last year's, each a version that a correction supersedes) and its peers' figures.

A value is never edited in place: a correction is a new row that supersedes the old one, so the
indicator page shows who changed what, from what, and when (the audit log keeps the same, for the
auditor; the ledger shows it to its readers).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from luoshi.core import clock
from luoshi.indicators.compute import Type
from luoshi.items.models import Item, StoredEvidence
from luoshi.org.models import Region

KIND = "indicator"
FIGURE = {"max_digits": 16, "decimal_places": 4}
UNITS = ("万元", "亿元", "元", "%", "天", "家", "个", "户", "人", "吨")
# Units of things counted: a negative figure is a mistake.
COUNTED = ("家", "个", "户", "人", "天")


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"


class Indicator(models.Model):
    item = models.OneToOneField(
        Item, verbose_name="督办事项", primary_key=True, on_delete=models.PROTECT, related_name="indicator"
    )
    type = models.CharField(
        "类型", max_length=20, choices=[(t.value, t.label) for t in Type], default=Type.CUMULATIVE
    )
    direction = models.CharField("方向", max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    unit = models.CharField("计量单位", max_length=10)
    target_value = models.DecimalField("年度目标值", null=True, blank=True, **FIGURE)  # type: ignore[arg-type]
    target_growth = models.DecimalField(
        "年度目标增速（%）", null=True, blank=True, max_digits=8, decimal_places=2
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    illustrative = models.BooleanField(
        "示意数据", default=False, help_text="演示县中按讲话数字生成的月度数据，细节为示意"
    )
    catch_up_item = models.OneToOneField(
        Item,
        verbose_name="赶超事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="caught_up_indicator",
    )

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__isnull=False) | Q(target_growth__isnull=False),
                name="indicators_indicator_has_a_target",
            ),
        ]

    def __str__(self) -> str:
        return self.item.title

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER


class ValueCheck(models.TextChoices):
    """The office's verdict on a figure, in the words of a progress report's verification."""

    UNCHECKED = "unchecked", "未核实"
    TRUE = "true", "属实"
    PARTLY = "partly", "部分属实"
    UNTRUE = "untrue", "不属实"


class Value(models.Model):
    """One month's figure of an indicator (this year's or last year's), one version of it.

    The current version is the one marked current; a correction is a new row that `supersedes` it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    value = models.DecimalField("本月数（累计指标为1至本月累计）", **FIGURE)  # type: ignore[arg-type]
    growth = models.DecimalField(
        "同比增长（%）",
        null=True,
        blank=True,
        max_digits=10,
        decimal_places=2,
        help_text="统计部门公布的增速",
    )
    source = models.CharField("数据来源", max_length=100, blank=True, help_text="如 县统计局月报")
    evidence = models.CharField("佐证材料说明", max_length=200, blank=True)
    verification = models.CharField(
        "核实", max_length=20, choices=ValueCheck.choices, default=ValueCheck.UNCHECKED
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    verification_note = models.CharField(
        "核实情况", max_length=300, blank=True, help_text="部分属实或不属实时必须写明"
    )
    note = models.CharField("更正说明", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=clock.now)
    is_current = models.BooleanField("当前版本", default=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        verbose_name = "指标月度数据"
        verbose_name_plural = "指标月度数据"
        ordering = ["indicator", "year", "month", "entered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "month"],
                condition=Q(is_current=True),
                name="indicators_value_one_current_per_month",
            ),
            models.CheckConstraint(
                condition=Q(verification__in=[ValueCheck.UNCHECKED, ValueCheck.TRUE])
                | ~Q(verification_note=""),
                name="indicators_value_verdict_not_true_has_note",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="indicators_value_month_in_year"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year", "month"], name="indicators_value_month")]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月 {self.value}"


class ValueEvidence(StoredEvidence):
    """A file proving a month's figure (the statistics bureau's table, a tax statement…), kept with
    the version of the figure it was given for."""

    value = models.ForeignKey(Value, verbose_name="指标数据", on_delete=models.PROTECT, related_name="files")

    class Meta:
        verbose_name = "指标数据佐证材料"
        verbose_name_plural = "指标数据佐证材料"
        ordering = ["id"]


class PeerValue(models.Model):
    """A peer region's figure for an indicator and month (entered from the city's ranking table, or
    imported), where that region keeps no ledger of its own here."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="peer_values")
    region_name = models.CharField("县区", max_length=50)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    value = models.DecimalField("本月数", null=True, blank=True, **FIGURE)  # type: ignore[arg-type]
    growth = models.DecimalField("同比增长（%）", null=True, blank=True, max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "同级县区数据"
        verbose_name_plural = "同级县区数据"
        ordering = ["indicator", "year", "month", "region_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "month", "region_name"], name="indicators_peer_one_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_name} {self.year}年{self.month}月"
