"""Personal API tokens (个人 API 令牌): a user creates one on his own page for another system or a
phone client, sees it once, and revokes it there. Only its sha256 is kept, beside a prefix that
finds the row; the audit log captures every creation and revocation (the hash masked: a field
named like a token is never written)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from luoshi.core import clock


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("用途", max_length=60, help_text="如“企业微信工作台”“市大屏”")
    prefix = models.CharField("前缀", max_length=16, unique=True, editable=False)
    token_hash = models.CharField("令牌摘要", max_length=64, editable=False)
    created_at = models.DateTimeField("创建时间", default=clock.now)
    expires_on = models.DateField("有效期至")
    last_used_on = models.DateField("最近使用", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
