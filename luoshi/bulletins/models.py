"""Supervision bulletins (督查通报): a draft drafted from the data, edited by the supervision office,
then published with the next number of its region's year and frozen (its files are stored)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from luoshi.core import clock
from luoshi.items.models import Item
from luoshi.org.models import Leader, Region, Unit


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
    # Counts the changes: an edit made on an older version (another user saved meanwhile) is refused.
    version = models.PositiveIntegerField("版本", default=1, editable=False)

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


# ---------------------------------------------------------------------------------------------
# The meeting pack (调度会材料) and what the meeting decided (会议交办)


class MeetingKind(models.TextChoices):
    DISPATCH = "dispatch", "调度会"
    PLENARY = "plenary", "全体会议"
    TOPICAL = "topical", "专题会"


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "准备中"
    FINAL = "final", "已定稿"


class Meeting(models.Model):
    """A 调度会, plenary or topical meeting of a region and its pack: what needs the meeting's
    decision, each attending leader's items, stale reports, and the last meeting's decisions with their
    follow-up, read from the data as of `as_of` (stored, so the pack reads the same until the office
    refreshes it) and frozen, Word file and all, when the office finalises it."""

    region = models.ForeignKey(
        Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(
        "会议类型", max_length=20, choices=MeetingKind.choices, default=MeetingKind.DISPATCH
    )
    held_on = models.DateField("会议日期")
    title = models.CharField("会议名称", max_length=200)
    leaders = models.ManyToManyField(Leader, verbose_name="出席领导", related_name="meetings")
    as_of = models.DateField("数据截至")
    status = models.CharField(
        "状态", max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    data = models.JSONField("材料数据", default=dict, blank=True)
    docx = models.BinaryField("Word 文件", null=True, blank=True, editable=False)
    finalised_on = models.DateField("定稿日期", null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="定稿人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=clock.now)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = "会议材料"
        verbose_name_plural = "会议材料"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(as_of__lte=models.F("held_on")), name="bulletins_meeting_as_of_before_meeting"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(finalised_on__isnull=False),
                name="bulletins_meeting_final_has_date",
            ),
        ]
        indexes = [models.Index(fields=["region", "-held_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_final(self) -> bool:
        return self.status == MeetingStatus.FINAL


class Decision(models.Model):
    """A decision taken at a meeting: the work it assigns, to whom, by when. 交办 makes it an item
    (source 会议交办) assigned to its lead unit; the item links back through `item`."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="decisions"
    )
    text = models.CharField("议定事项", max_length=200)
    detail = models.TextField("具体要求", blank=True)
    patron_leader = models.ForeignKey(
        Leader, verbose_name="包抓县级领导", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(Unit, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="+")
    support_units = models.ManyToManyField(Unit, verbose_name="配合单位", blank=True, related_name="+")
    deadline = models.DateField("完成时限")
    item = models.OneToOneField(
        Item,
        verbose_name="督办事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_decision",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", default=clock.now)

    class Meta:
        verbose_name = "会议议定事项"
        verbose_name_plural = "会议议定事项"
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_assigned(self) -> bool:
        return self.item_id is not None
