"""Investment attraction (招商引资): the region's industry chains and task forces, the four lists,
and the leads with their follow-up log and stage history.

A lead is watched, not assigned: it is not an item. When work is assigned about it (a signed lead
that has not landed), an item of kind "investment" is opened and the lead points to it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from luoshi.core import clock
from luoshi.investment.stages import CHOICES as STAGE_CHOICES
from luoshi.investment.stages import Stage
from luoshi.items.models import Item
from luoshi.org.models import Leader, Person, Region, Unit, mask_phone

KIND = "investment"  # the item kind of a signed lead's landing


class IndustryChain(models.Model):
    """One of a region's industry chains (产业链): data, per region."""

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("产业链", max_length=40)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "产业链"
        verbose_name_plural = "产业链"
        ordering = ["region", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="investment_chain_unique")]

    def __str__(self) -> str:
        return self.name


class TaskForce(models.Model):
    """A chain's investment task force (招商专班): its leader and the unit that runs it."""

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("专班", max_length=60)
    chain = models.ForeignKey(
        IndustryChain,
        verbose_name="产业链",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader = models.ForeignKey(
        Leader, verbose_name="牵头领导", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="牵头单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "招商专班"
        verbose_name_plural = "招商专班"
        ordering = ["region", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="investment_task_force_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ListKind(models.TextChoices):
    """The four lists (四个清单)."""

    ACTIVITY = "activity", "招商活动"
    OPPORTUNITY = "opportunity", "投资机会"
    TARGET = "target", "目标企业"
    POLICY = "policy", "定制化政策"


class ListEntry(models.Model):
    """A row of one of the four lists; leads link to the rows they came from or rely on."""

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("清单", max_length=20, choices=ListKind.choices)
    title = models.CharField("名称", max_length=120)
    chain = models.ForeignKey(
        IndustryChain,
        verbose_name="产业链",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField("内容", blank=True)
    held_on = models.DateField("日期", null=True, blank=True)  # an activity's day
    amount = models.DecimalField(  # an opportunity's investment, 万元
        "投资额（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "四个清单条目"
        verbose_name_plural = "四个清单"
        ordering = ["region", "kind", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"


class Lead(models.Model):
    """A prospective investor (招商线索), from first contact to production, or lost."""

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="+")
    company = models.CharField("企业", max_length=120)
    project = models.CharField("意向项目", max_length=120, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    chain = models.ForeignKey(
        IndustryChain, verbose_name="产业链", on_delete=models.PROTECT, related_name="leads"
    )
    amount = models.DecimalField(
        "意向投资（万元）",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    stage = models.CharField("阶段", max_length=20, choices=STAGE_CHOICES, default=Stage.CONTACT)
    task_force = models.ForeignKey(
        TaskForce,
        verbose_name="招商专班",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    unit = models.ForeignKey(  # the unit following it: it sees the lead and records its follow-ups
        Unit, verbose_name="跟进单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follower = models.ForeignKey(
        Person, verbose_name="跟进人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lists = models.ManyToManyField(ListEntry, verbose_name="四个清单", blank=True, related_name="leads")
    contacted_on = models.DateField("首次接触")
    negotiating_on = models.DateField("开始洽谈", null=True, blank=True)
    signed_on = models.DateField("签约日期", null=True, blank=True)
    landed_on = models.DateField("落地日期", null=True, blank=True)
    producing_on = models.DateField("投产日期", null=True, blank=True)
    lost_on = models.DateField("流失日期", null=True, blank=True)
    lost_reason = models.CharField("流失原因", max_length=200, blank=True)
    # The daily watch's memory, so that a rerun tells nobody twice.
    reminded_on = models.DateField("最近催促跟进", null=True, blank=True)
    landing_warning = models.CharField("落地预警", max_length=10, blank=True)
    landing_item = models.OneToOneField(
        Item, verbose_name="落地督办事项", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = "招商线索"
        verbose_name_plural = "招商线索"
        ordering = ["region", "-contacted_on", "pk"]
        indexes = [models.Index(fields=["region", "stage"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(stage=Stage.LOST) | ~models.Q(lost_reason=""),
                name="investment_lost_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.company

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def masked_name(self) -> str:
        return f"{self.contact_name[:1]}**" if self.contact_name else ""


class FollowUpKind(models.TextChoices):
    VISIT = "visit", "上门拜访"
    CALL = "call", "电话联系"
    MEETING = "meeting", "会谈"
    OTHER = "other", "其他"


class FollowUp(models.Model):
    """One follow-up of a lead (跟踪服务): what happened, the next step and its date."""

    lead = models.ForeignKey(Lead, verbose_name="线索", on_delete=models.CASCADE, related_name="follow_ups")
    on = models.DateField("日期")
    kind = models.CharField("方式", max_length=20, choices=FollowUpKind.choices)
    summary = models.TextField("情况")
    next_step = models.CharField("下一步", max_length=200, blank=True)
    next_on = models.DateField("下一步日期", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = "跟进记录"
        verbose_name_plural = "跟进记录"
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.lead} {self.on}"


class StageChange(models.Model):
    """A lead's move from one stage to another, with its date and, for a lost lead, the reason."""

    lead = models.ForeignKey(
        Lead, verbose_name="线索", on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField("原阶段", max_length=20, choices=STAGE_CHOICES, blank=True)
    to_stage = models.CharField("新阶段", max_length=20, choices=STAGE_CHOICES)
    on = models.DateField("日期")
    reason = models.CharField("原因", max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = "阶段变化"
        verbose_name_plural = "阶段变化"
        ordering = ["lead", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.lead} → {self.get_to_stage_display()}"
