"""The audit log (等级保护 2.0 安全审计): one row per login, logout, failed login, lockout, refusal,
role grant, data change, import, export and system run. Append-only, in the model and in the
database (migration 0002: triggers refuse every UPDATE, and a DELETE of a row younger than the
legal minimum of 180 days).

A row names who, where and what by value, never by foreign key: it outlives the user, unit and
region it names, and no other table's deletion can take it away.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from django.db import models

from luoshi.core import clock

# 等级保护 2.0: audit records are kept for at least six months. The database refuses to delete
# younger rows whatever the setting says (LUOSHI_AUDIT_RETENTION_DAYS may only be longer).
LEGAL_MINIMUM_DAYS = 180


class AuditLogImmutable(RuntimeError):
    """An attempt to change or remove a row of the audit log through the ORM."""


class Action(models.TextChoices):
    LOGIN = "login", "登录"
    LOGOUT = "logout", "退出登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKED_OUT = "locked_out", "登录锁定"
    REFUSED = "refused", "拒绝访问"
    CREATED = "created", "新增"
    CHANGED = "changed", "修改"
    DELETED = "deleted", "删除"
    ROLE_GRANTED = "role_granted", "授予角色"
    ROLE_REVOKED = "role_revoked", "撤销角色"
    IMPORTED = "imported", "导入"
    EXPORTED = "exported", "导出"
    RECOMPUTED = "recomputed", "重算预警"
    SYSTEM = "system", "系统作业"
    PURGED = "purged", "清理审计日志"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Reads, and the one way rows go: the purge of rows past their retention (see services)."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogImmutable("审计日志只能追加，不能修改。")

    def delete(self) -> NoReturn:
        raise AuditLogImmutable("审计日志不能删除，只能由到期清理删除保存期满的记录。")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogImmutable("审计日志只能追加，不能修改。")

    def purge_before(self, moment: datetime) -> int:
        """Delete the rows recorded before `moment`; the database refuses rows younger than 180 days."""
        deleted, _ = models.QuerySet.delete(self.filter(at__lt=moment))
        return deleted


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", default=clock.actual_now, editable=False)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    actor_id = models.BigIntegerField("操作人编号", null=True, blank=True)
    actor_username = models.CharField("操作人账号", max_length=150, blank=True)
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    client_ip = models.CharField("来源地址", max_length=45, blank=True)
    region_id = models.BigIntegerField("行政区编号", null=True, blank=True)
    region_name = models.CharField("行政区", max_length=50, blank=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True, help_text="如 items.Item")
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_text = models.CharField("对象", max_length=300, blank=True)
    changes = models.JSONField("修改内容", default=dict, blank=True, help_text="字段 → [原值, 新值]")
    summary = models.CharField("摘要", max_length=500, blank=True)
    method = models.CharField("请求方法", max_length=10, blank=True)
    path = models.CharField("请求地址", max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        db_table = "audit_event"
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        # What the auditor's page filters by: a region's rows by time, and one actor, one kind of
        # action, one object or one address among them.
        indexes = [
            models.Index(fields=["at"], name="audit_event_at"),
            models.Index(fields=["region_id", "at"], name="audit_event_region_at"),
            models.Index(fields=["actor_id", "at"], name="audit_event_actor_at"),
            models.Index(fields=["action", "at"], name="audit_event_action_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_event_object"),
            models.Index(fields=["client_ip"], name="audit_event_client_ip"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        who = self.actor_name or self.actor_username
        return f"{self.at:%Y-%m-%d %H:%M:%S} {who} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogImmutable("审计日志只能追加，不能修改。")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogImmutable("审计日志不能删除。")
