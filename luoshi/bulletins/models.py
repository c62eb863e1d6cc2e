"""Supervision bulletins (督查通报): a draft drafted from the data, edited by the supervision office,
then published with the next number of its region's year and frozen (its files are stored)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from luoshi.core import clock
from luoshi.org.models import Region


class PeriodKind(models.TextChoices):
    WEEK = "week", "周"
    MONTH = "month", "月"
    QUARTER = "quarter", "季度"
    HALF_YEAR = "half_year", "半年"
    SPECIAL = "special", "专项督查"


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已印发"


class BulletinSettings(models.Model):
    """How a region's bulletins are headed, numbered, sent and signed (the county's own words)."""

    region = models.OneToOneField(
        Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="bulletin_settings"
    )
    issuer = models.CharField("发文机关", max_length=60, help_text="如“柞水县人民政府督查室”")
    number_prefix = models.CharField(
        "发文字号前缀", max_length=20, help_text="如“柞政督”，文号为 柞政督〔2023〕5号"
    )
    recipients = models.CharField(
        "主送", max_length=300, help_text="如“各镇人民政府，乾佑街道办事处，县政府各工作部门、事业机构”"
    )
    copies_to = models.CharField("抄送", max_length=300, blank=True)
    printer = models.CharField("印发机关", max_length=60, help_text="版记中的印发机关")

    class Meta:
        verbose_name = "通报设置"
        verbose_name_plural = "通报设置"

    def __str__(self) -> str:
        return f"{self.region} 通报设置"


class Bulletin(models.Model):
    region = models.ForeignKey(
        Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="bulletins"
    )
    period_kind = models.CharField("通报周期", max_length=20, choices=PeriodKind.choices)
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    as_of = models.DateField("数据截至")
    topic = models.CharField("专项督查主题", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT
    )
    title = models.CharField("标题", max_length=200)
    recipients = models.CharField("主送", max_length=300)
    copies_to = models.CharField("抄送", max_length=300, blank=True)
    issuer = models.CharField("发文机关", max_length=60)
    printer = models.CharField("印发机关", max_length=60)
    number_prefix = models.CharField("发文字号前缀", max_length=20)
    # The figures and lists drafted from the data as of `as_of` (see drafting.Content), and the
    # text the office edits: section → paragraphs (plain text).
    data = models.JSONField("数据", default=dict)
    sections = models.JSONField("正文", default=dict)
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveIntegerField("序号", null=True, blank=True)
    published_on = models.DateField("印发日期", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="印发人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What was published, kept as it was: a published bulletin never changes with the data.
    docx = models.BinaryField("Word 文件", null=True, blank=True, editable=False)
    html = models.TextField("网页", blank=True, editable=False)
    pdf = models.BinaryField("PDF 文件", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="起草人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("起草时间", default=clock.now)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = "督查通报"
        verbose_name_plural = "督查通报"
        ordering = ["-year", "-number", "-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "number"],
                condition=Q(number__isnull=False),
                name="bulletins_one_number_per_region_year",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False, published_on__isnull=False),
                name="bulletins_published_has_number",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="bulletins_period_order"
            ),
        ]
        indexes = [models.Index(fields=["region", "status", "-as_of"])]

    def __str__(self) -> str:
        return f"{self.number_label or '草稿'} {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == BulletinStatus.PUBLISHED

    @property
    def number_label(self) -> str:
        """柞政督〔2023〕5号; empty for a draft."""
        if self.number is None:
            return ""
        return f"{self.number_prefix}〔{self.year}〕{self.number}号"
