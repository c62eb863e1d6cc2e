from __future__ import annotations

from django.db import models


class CalendarDay(models.Model):
    """A day whose working status overrides the published calendar (for years not yet published)."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=100, blank=True, help_text="如“国庆节”“调休上班”")

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_workday else '休息'}"
