"""Speeches and minutes (SourceDocument) and the tasks proposed from them, for the office to review."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from luoshi.core import clock, registry
from luoshi.items.models import Kind
from luoshi.org.models import Leader, Region, Unit


class DocumentKind(models.TextChoices):
    SPEECH = "speech", "领导讲话"
    MINUTES = "minutes", "会议纪要"
    NOTICE = "notice", "通知"
    OTHER = "other", "其他"


class SourceDocument(models.Model):
    region = models.ForeignKey(
        Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="source_documents"
    )
    title = models.CharField("会议或文件名称", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=DocumentKind.choices, default=DocumentKind.SPEECH)
    meeting_date = models.DateField("会议日期")
    text = models.TextField("全文", help_text="任务的位置按这段文字计算")
    file_name = models.CharField("原文件名", max_length=200, blank=True)
    backend = models.CharField("分解方式", max_length=40, default="rules")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", default=clock.now)

    class Meta:
        verbose_name = "讲话和会议纪要"
        verbose_name_plural = "讲话和会议纪要"
        ordering = ["-meeting_date", "-id"]

    def __str__(self) -> str:
        return self.title


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "待审核"
    ACCEPTED = "accepted", "已采纳"
    REJECTED = "rejected", "不采纳"


class ProposedTask(models.Model):
    """A task the extractor found, as the office reviews it before it becomes an item."""

    document = models.ForeignKey(
        SourceDocument, verbose_name="来源", on_delete=models.CASCADE, related_name="tasks"
    )
    start = models.PositiveIntegerField("起")
    end = models.PositiveIntegerField("止")
    text = models.TextField("原文")
    owners = models.JSONField("责任主体（原文）", default=list)
    cooperators = models.JSONField("配合（原文）", default=list)
    deadline_text = models.CharField("时限（原文）", max_length=60, blank=True)
    targets = models.JSONField("目标（原文）", default=list)
    # What the reviewer makes of it (proposed from the directory, editable):
    title = models.CharField("事项名称", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=registry.kind_choices, default=Kind.TASK)
    patron_leader = models.ForeignKey(
        Leader,
        verbose_name="包抓县级领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_unit = models.ForeignKey(
        Unit, verbose_name="牵头单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    support_units = models.ManyToManyField(Unit, verbose_name="配合单位", blank=True, related_name="+")
    deadline = models.DateField("完成时限", null=True, blank=True)
    target_value = models.DecimalField("目标值", max_digits=16, decimal_places=4, null=True, blank=True)
    value_unit = models.CharField("计量单位", max_length=20, blank=True)
    unresolved = models.JSONField("未能对应的责任主体", default=list)
    status = models.CharField(
        "状态", max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    item = models.OneToOneField(
        "items.Item",
        verbose_name="督办事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_from",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "分解出的任务"
        verbose_name_plural = "分解出的任务"
        ordering = ["document", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="extraction_task_span")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target_text(self) -> str:
        return "；".join(self.targets)
