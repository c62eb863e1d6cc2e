"""Notifications in the app, and reminders (催办) sent: what the notifications app keeps."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from luoshi.core import clock
from luoshi.items.models import Item


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    item = models.ForeignKey(
        Item, verbose_name="事项", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    created_at = models.DateTimeField("时间", default=clock.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        db_table = "items_notification"
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class ReminderKind(models.TextChoices):
    DEADLINE = "deadline", "完成时限"
    MILESTONE = "milestone", "节点"
    REPORT = "report", "进度报送"


class Reminder(models.Model):
    """A reminder (催办) sent: one per item, subject, due date and day, so a rerun sends nothing twice."""

    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField("催办内容", max_length=20, choices=ReminderKind.choices)
    subject = models.CharField("催办对象", max_length=40)  # "deadline", "milestone:12", "report:2023-07-01"
    due = models.DateField("到期日")
    sent_on = models.DateField("催办日期")
    stage = models.CharField("阶段", max_length=20)  # before / today / overdue
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "items_reminder"
        verbose_name = "催办记录"
        verbose_name_plural = "催办记录"
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "subject", "sent_on"], name="items_reminder_once_a_day"),
        ]

    def __str__(self) -> str:
        return self.message
