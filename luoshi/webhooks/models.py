"""A region's subscriptions to its events (事件推送), and the record of each delivery and try."""

from __future__ import annotations

import secrets
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from luoshi.core import clock
from luoshi.org.models import AddressRule, Region, webhook_address_problem

SUBSCRIPTION_ADDRESSES = AddressRule(
    "推送地址", "LUOSHI_WEBHOOK_OUT_HOSTS", "只能填写系统管理员登记的接收系统地址"
)


def validate_subscription_url(value: str) -> None:
    problem = webhook_address_problem(value, SUBSCRIPTION_ADDRESSES)
    if problem:
        raise ValidationError(problem, code="webhook_not_allowed")


def address_shown(url: str) -> str:
    """An address as the audit log shows it: without its query, which may hold a token."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?******" if parts.query else "")


def new_signing_key() -> str:
    return secrets.token_urlsafe(32)


class Event(models.TextChoices):
    ITEM_ASSIGNED = "item.assigned", "事项交办"
    REPORT_SUBMITTED = "report.submitted", "进展上报"
    COLOUR_CHANGED = "item.colour_changed", "预警变色"
    BULLETIN_PUBLISHED = "bulletin.published", "通报发布"


PING = "ping"  # the test message a subscription's page sends; no subscription chooses it
EVENT_LABELS = dict(Event.choices) | {PING: "测试消息"}


class Subscription(models.Model):
    region = models.ForeignKey(
        Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="subscriptions"
    )
    name = models.CharField("名称", max_length=60, help_text="接收系统的名称，如“市大屏”")
    url = models.URLField(
        "推送地址",
        max_length=300,
        validators=[validate_subscription_url],
        help_text="https 地址，主机须在系统管理员登记的范围内",
    )
    events = models.JSONField("推送的事件", default=list)
    signing_key = models.CharField("签名密钥", max_length=100, default=new_signing_key, editable=False)
    is_active = models.BooleanField("启用", default=True)
    disabled_reason = models.CharField("停用原因", max_length=300, blank=True)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
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
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = "事件推送订阅"
        verbose_name_plural = "事件推送订阅"
        ordering = ["region_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="webhooks_subscription_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = [event for event in self.events if event not in Event.values]
        if not self.events or unknown:
            raise ValidationError({"events": "请至少选择一种推送的事件。"})

    @property
    def event_labels(self) -> list[str]:
        return [EVENT_LABELS[event] for event in Event.values if event in self.events]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    DELIVERED = "delivered", "已送达"
    FAILED = "failed", "发送失败"
    CANCELLED = "cancelled", "已取消"


class Delivery(models.Model):
    """One event for one subscription: its body kept as sent, so each try sends the same bytes."""

    subscription = models.ForeignKey(
        Subscription, verbose_name="订阅", on_delete=models.CASCADE, related_name="deliveries"
    )
    uid = models.UUIDField("事件编号", default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField("事件", max_length=40)
    object_id = models.PositiveIntegerField("对象编号", null=True, blank=True)
    occurred_at = models.DateTimeField("发生时间")
    body = models.TextField("内容")
    status = models.CharField(
        "状态", max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    created_at = models.DateTimeField("创建时间", default=clock.actual_now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "推送记录"
        verbose_name_plural = "推送记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subscription", "-created_at"], name="webhooks_delivery_recent")]
        constraints = [
            models.CheckConstraint(condition=Q(attempts__lte=20), name="webhooks_delivery_attempts_bounded")
        ]

    def __str__(self) -> str:
        return f"{self.event_label} #{self.object_id or ''} → {self.subscription_id}"

    @property
    def event_label(self) -> str:
        return EVENT_LABELS.get(self.event, self.event)


class Attempt(models.Model):
    delivery = models.ForeignKey(
        Delivery, verbose_name="推送记录", on_delete=models.CASCADE, related_name="tries"
    )
    number = models.PositiveSmallIntegerField("第几次")
    at = models.DateTimeField("时间", default=clock.actual_now)
    ok = models.BooleanField("成功", default=False)
    response_code = models.PositiveSmallIntegerField("响应码", null=True, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)

    class Meta:
        verbose_name = "推送尝试"
        verbose_name_plural = "推送尝试"
        ordering = ["delivery_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhooks_attempt_unique_number")
        ]

    def __str__(self) -> str:
        return f"第{self.number}次"
