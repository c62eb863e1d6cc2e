"""Enterprises (五上企业): those in the statistics by category, the year's cultivation candidates
(培育库) with their gap to their category's threshold, and the key taxpayers (重点税源) with their
monthly tax.

An enterprise is watched, not assigned: it is not an item. Cultivating a candidate into the
statistics is work assigned about it: an item of kind "enterprise", to which the enterprise points.
The thresholds are data per region and category, not code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models

from luoshi.core import clock
from luoshi.items.models import Item
from luoshi.org.models import Region, Unit

KIND = "enterprise"  # the item kind of a candidate's cultivation into the statistics
MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class Category(models.TextChoices):
    INDUSTRY = "industry", "规上工业"
    TRADE = "trade", "限上批零住餐"
    CONSTRUCTION = "construction", "资质等级建筑业"
    REAL_ESTATE = "real_estate", "房地产开发"
    SERVICES = "services", "规上服务业"


class SubTrade(models.TextChoices):
    """The trades of 限上批零住餐, each with its own threshold (批发 2000万, 零售 500万, 住宿餐饮 200万)."""

    WHOLESALE = "wholesale", "批发业"
    RETAIL = "retail", "零售业"
    LODGING = "lodging", "住宿业"
    CATERING = "catering", "餐饮业"


class Threshold(models.Model):
    """What a category asks of an enterprise to enter the statistics (e.g. 年主营业务收入2000万元);
    a category without an amount (a qualification) has no gap to show. A category whose trades ask
    different amounts (限上批零住餐) has a row per trade; a row with no trade is the category's own,
    for the enterprises whose trade is not given."""

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.CASCADE, related_name="+")
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    sub_trade = models.CharField("行业", max_length=20, choices=SubTrade.choices, blank=True)
    measure = models.CharField("标准", max_length=60)
    amount = models.DecimalField("标准值（万元）", null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = "入统标准"
        verbose_name_plural = "入统标准"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "category", "sub_trade"], name="enterprises_threshold_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(sub_trade="") | models.Q(category="trade"),
                name="enterprises_threshold_sub_trade",
            ),
        ]

    def __str__(self) -> str:
        trade = f"（{self.get_sub_trade_display()}）" if self.sub_trade else ""
        return f"{self.get_category_display()}{trade}：{self.measure}"


class CultivationTarget(models.Model):
    """The year's target of enterprises to bring into the statistics (新增五上企业)."""

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    count = models.PositiveIntegerField("目标（家）")

    class Meta:
        verbose_name = "培育目标"
        verbose_name_plural = "培育目标"
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="enterprises_target_unique")]

    def __str__(self) -> str:
        return f"{self.year}年新增{self.count}家"


class Enterprise(models.Model):
    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("企业名称", max_length=120)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    sub_trade = models.CharField(  # which of the trade's thresholds applies
        "行业", max_length=20, choices=SubTrade.choices, blank=True, help_text="限上批零住餐企业填写"
    )
    unit = models.ForeignKey(  # the town or department that serves it (包抓服务)
        Unit, verbose_name="服务单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    in_statistics = models.BooleanField("在库", default=False)
    in_statistics_on = models.DateField("入库日期", null=True, blank=True)
    candidate_year = models.PositiveSmallIntegerField("列入培育库年度", null=True, blank=True)
    revenue = models.DecimalField(  # the latest annual figure measured against the threshold
        "营业收入（万元）", null=True, blank=True, validators=[MinValueValidator(Decimal(0))], **MONEY
    )
    key_taxpayer = models.BooleanField("重点税源", default=False)
    cultivation_item = models.OneToOneField(
        Item, verbose_name="培育督办事项", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["region", "category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="enterprises_enterprise_unique"),
            models.CheckConstraint(
                condition=models.Q(in_statistics=False) | models.Q(in_statistics_on__isnull=False),
                name="enterprises_in_statistics_dated",
            ),
            models.CheckConstraint(
                condition=models.Q(sub_trade="") | models.Q(category="trade"),
                name="enterprises_enterprise_sub_trade",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TaxRecord(models.Model):
    """An enterprise's tax paid in a month (入库税收), and the same month of last year."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="taxes"
    )
    month = models.DateField("月份")  # the first day of the month
    amount = models.DecimalField("本月税收（万元）", **MONEY)
    last_year = models.DecimalField("上年同月（万元）", null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = "月度税收"
        verbose_name_plural = "月度税收"
        ordering = ["enterprise", "month"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "month"], name="enterprises_tax_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.month:%Y-%m}"
