"""Honour creations (示范创建) and on-site meetings (现场会): each a row of its own ledger, an item
with its detail.

A creation moves along its programme's stage template (stages.py); each move is a row of its
history, with the day and, for a failure, the reason. Its archive materials (档案资料) are a
checklist, each ticked with a file the lead unit reported as evidence on the creation's item. A
creation that failed is applied for again the next year as a new creation linked to it.

An on-site meeting (现场会, 观摩) is planned for a day and held on another; its sites are key
projects (their items, kind "project": a ledger does not import another) or places, each with a
readiness checklist and the unit (a town, a department) that readies it: that unit sees the
meeting and ticks its own site's checklist.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from luoshi.core import clock
from luoshi.creations.stages import STAGE_CHOICES, Stage, Template, TemplateError
from luoshi.items.models import Evidence, Item, Status
from luoshi.org.models import Region, Unit

KIND = "creation"
MEETING_KIND = "onsite_meeting"
PROJECT_KIND = "project"  # the projects ledger's item kind: a site may be one of its projects
# An item the office took out of the year's list (撤销) or replaced (替换).
SET_ASIDE = (Status.WITHDRAWN, Status.REPLACED)


class Level(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"


class Origin(models.TextChoices):
    """How a creation came into the year's list (the speech counts them so: 10 + 13 + 2)."""

    PLANNED = "planned", "年初确定"
    ADDED = "added", "年内新增谋划"
    CARRIED_OVER = "carried_over", "往年创建今年授牌"


class StageTemplate(models.Model):
    """A programme's stages (a kind of title's template): data, per region."""

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("模板名称", max_length=30)
    steps = models.JSONField("阶段", default=list)
    review = models.BooleanField("授牌后动态复审", default=False)

    class Meta:
        verbose_name = "创建阶段模板"
        verbose_name_plural = "创建阶段模板"
        ordering = ["region", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="creations_template_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            Template.of(self.steps, self.review)
        except TemplateError as error:
            raise ValidationError({"steps": str(error)}) from error

    @property
    def template(self) -> Template:
        return Template.of(self.steps, self.review)


class Creation(models.Model):
    item = models.OneToOneField(
        Item, verbose_name="督办事项", primary_key=True, on_delete=models.PROTECT, related_name="creation"
    )
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    template = models.ForeignKey(
        StageTemplate, verbose_name="阶段模板", on_delete=models.PROTECT, related_name="creations"
    )
    stage = models.CharField("当前阶段", max_length=20, choices=STAGE_CHOICES, default=Stage.PLANNING)
    failed_stage = models.CharField("未通过的阶段", max_length=20, choices=STAGE_CHOICES, blank=True)
    failed_reason = models.CharField("未通过原因", max_length=300, blank=True)
    origin = models.CharField("来源", max_length=20, choices=Origin.choices, default=Origin.PLANNED)
    expected_award = models.DateField("预计授牌命名", null=True, blank=True)
    previous = models.OneToOneField(
        "self",
        verbose_name="上次申报",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reapplication",
    )
    related_items = models.ManyToManyField(
        Item, verbose_name="相关督办事项", blank=True, related_name="concerned_creations"
    )

    class Meta:
        verbose_name = "示范创建"
        verbose_name_plural = "示范创建"
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="failed") | (~Q(failed_reason="") & ~Q(failed_stage="")),
                name="creations_creation_failed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.item.title

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @property
    def set_aside(self) -> bool:
        """Taken out of the year's list by the office: its item withdrawn or replaced. Not a failure,
        whose item is withdrawn with the failure as its reason, and which still counts (未通过)."""
        return self.item.status in SET_ASIDE and self.stage != Stage.FAILED


class StageChange(models.Model):
    """One move of a creation along its stages (its history)."""

    creation = models.ForeignKey(Creation, on_delete=models.CASCADE, related_name="history")
    from_stage = models.CharField("原阶段", max_length=20, choices=STAGE_CHOICES, blank=True)
    to_stage = models.CharField("新阶段", max_length=20, choices=STAGE_CHOICES)
    on = models.DateField("日期")
    reason = models.CharField("说明", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "创建阶段记录"
        verbose_name_plural = "创建阶段记录"
        ordering = ["creation", "on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_stage="failed") | ~Q(reason=""), name="creations_change_failed_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.get_to_stage_display()}"


class StagePlan(models.Model):
    """The day a creation means to reach one of its stages (预计时间)."""

    creation = models.ForeignKey(Creation, on_delete=models.CASCADE, related_name="plans")
    stage = models.CharField("阶段", max_length=20, choices=STAGE_CHOICES)
    expected_on = models.DateField("预计日期")

    class Meta:
        verbose_name = "创建预计时间"
        verbose_name_plural = "创建预计时间"
        constraints = [
            models.UniqueConstraint(fields=["creation", "stage"], name="creations_plan_one_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.expected_on}"


class Material(models.Model):
    """One archive material (档案资料) a creation's acceptance asks for, ticked with its evidence."""

    creation = models.ForeignKey(Creation, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("资料名称", max_length=200)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    ready_on = models.DateField("备齐日期", null=True, blank=True)
    evidence = models.ForeignKey(
        Evidence, verbose_name="佐证材料", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "创建档案资料"
        verbose_name_plural = "创建档案资料"
        ordering = ["creation", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ready_on__isnull=True) | Q(evidence__isnull=False) | ~Q(note=""),
                name="creations_material_ready_has_evidence",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingLevel(models.TextChoices):
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"


class OnSiteMeeting(models.Model):
    item = models.OneToOneField(
        Item,
        verbose_name="督办事项",
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="onsite_meeting",
    )
    level = models.CharField("级别", max_length=20, choices=MeetingLevel.choices)
    planned_on = models.DateField("计划召开")
    held_on = models.DateField("实际召开", null=True, blank=True)
    illustrative = models.BooleanField(
        "示意数据", default=False, help_text="演示县中按讲话数字生成、并非真实现场会的记录"
    )

    class Meta:
        verbose_name = "现场会"
        verbose_name_plural = "现场会"

    def __str__(self) -> str:
        return self.item.title

    @property
    def cancelled(self) -> bool:
        """Called off (取消): its item withdrawn (or replaced) by the office, its record kept."""
        return self.item.status in SET_ASIDE


class Site(models.Model):
    """A site the meeting visits (观摩点): a key project's item, or a place."""

    meeting = models.ForeignKey(OnSiteMeeting, on_delete=models.CASCADE, related_name="sites")
    project_item = models.ForeignKey(
        Item,
        verbose_name="重点项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="onsite_sites",
        limit_choices_to={"kind": PROJECT_KIND},
    )
    place = models.CharField("观摩点", max_length=200, blank=True)
    # The town or unit that readies the site (a project's: its lead unit, unless another is named).
    unit = models.ForeignKey(
        Unit,
        verbose_name="负责单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="onsite_sites",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "观摩点"
        verbose_name_plural = "观摩点"
        ordering = ["meeting", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project_item__isnull=False) | ~Q(place=""), name="creations_site_project_or_place"
            ),
        ]

    def __str__(self) -> str:
        return self.place or str(self.project_item)

    def clean(self) -> None:
        if self.project_item is not None and self.project_item.kind != PROJECT_KIND:
            raise ValidationError({"project_item": "观摩点只能是重点项目。"})

    @property
    def name(self) -> str:
        return self.project_item.title if self.project_item is not None else self.place


class ReadinessCheck(models.Model):
    """One thing a site must have ready (环境整治, 设施提升, 解说材料…), by a day."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="checks")
    name = models.CharField("准备事项", max_length=100)
    due = models.DateField("完成时限", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "观摩准备事项"
        verbose_name_plural = "观摩准备事项"
        ordering = ["site", "pk"]

    def __str__(self) -> str:
        return self.name
