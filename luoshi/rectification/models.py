"""Problems to rectify (问题整改): each an item of kind "rectification", its source the item's
(上级反馈, 督查发现, 自查发现), with its detail here: the topic the feedback came under (秦岭生态环境
保护, "三长"制, 巩固衔接, 耕地缺口…), the problem, its place, the measures.

Its deadline, evidence, and closing are the item's: the lead unit reports the rectification with
its evidence and asks to close it (申请销号, the item's completion request); the office verifies
that report, and only then strikes it off (销号). A problem found again after its closing is
reopened as a new problem linked to the closed one (its lineage), never by undoing the closing.
"""

from __future__ import annotations

from django.db import models

from luoshi.items.models import Item

KIND = "rectification"

# The topics the county's feedback comes under; a problem may name another.
TOPICS = ("秦岭生态环境保护", "“三长”制", "巩固衔接", "耕地缺口", "安全生产", "其他")


class Problem(models.Model):
    item = models.OneToOneField(
        Item, verbose_name="督办事项", primary_key=True, on_delete=models.PROTECT, related_name="problem"
    )
    topic = models.CharField("问题类别", max_length=40, blank=True, help_text="如 秦岭生态环境保护、耕地缺口")
    problem = models.TextField("问题")
    place = models.CharField("地点", max_length=200, blank=True, help_text="如 疑似图斑所在的镇村")
    reference = models.CharField("问题编号", max_length=60, blank=True, help_text="如 图斑编号、反馈清单序号")
    measures = models.TextField("整改措施", blank=True)
    found_on = models.DateField("反馈或发现日期", null=True, blank=True)
    reopens = models.OneToOneField(
        "self",
        verbose_name="重新整改的问题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reopened_by",
    )
    illustrative = models.BooleanField("示意数据", default=False)

    class Meta:
        verbose_name = "整改问题"
        verbose_name_plural = "整改问题"

    def __str__(self) -> str:
        return self.item.title
