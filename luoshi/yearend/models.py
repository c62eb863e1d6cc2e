"""The year's turn: which item of a year went on as which item of the next (结转), each closing of a
year, and the rule set a year adopted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from luoshi.alerts.models import RuleSet
from luoshi.core import clock
from luoshi.items.models import Item
from luoshi.org.models import Region


class Carryover(models.Model):
    """An unfinished item carried into the next year: the old one is closed as 结转 (已替换, replaced
    by the new one), the new one is `carried_from` it and shows its history."""

    from_item = models.OneToOneField(
        Item, verbose_name="原事项", on_delete=models.PROTECT, related_name="carried_to"
    )
    to_item = models.OneToOneField(
        Item, verbose_name="结转后的事项", on_delete=models.PROTECT, related_name="carried_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("结转时间", default=clock.now)

    class Meta:
        verbose_name = "年度结转"
        verbose_name_plural = "年度结转"
        constraints = [
            models.CheckConstraint(condition=~Q(from_item=F("to_item")), name="yearend_carryover_not_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.from_item.code} → {self.to_item.code}"


class YearClosing(models.Model):
    """One closing of a region's year that changed something: when, by whom, how many items."""

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    as_of = models.DateField("结转日期")
    carried = models.PositiveIntegerField("结转事项数", default=0)
    closed = models.PositiveIntegerField("关闭事项数", default=0)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", default=clock.now)

    class Meta:
        verbose_name = "年度关闭"
        verbose_name_plural = "年度关闭"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "year"])]

    def __str__(self) -> str:
        return f"{self.region} {self.year}年度关闭"


class YearRules(models.Model):
    """The warning rules a region's year starts with: a version copied from the year before."""

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    rule_set = models.ForeignKey(RuleSet, verbose_name="预警规则", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", default=clock.now)

    class Meta:
        verbose_name = "年度预警规则"
        verbose_name_plural = "年度预警规则"
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="yearend_one_rule_set_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}年度 {self.rule_set}"
