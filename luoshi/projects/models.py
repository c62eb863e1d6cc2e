"""Key projects (重点项目): each an item of kind "project" with its detail, the region's stage set,
the monthly investment plan, the blockers and the site visits.

The investment a project has completed is not kept here: it is the cumulative value of the
project item's monthly progress report (最多报一次: the unit reports once, and the ledger, the
colour and the dashboard all read that report).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from luoshi.core import clock
from luoshi.items.models import Item, SupervisionAction
from luoshi.org.models import Leader, Region, Unit

KIND = "project"
MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class Level(models.TextChoices):
    PROVINCIAL = "provincial", "省级重点"
    MUNICIPAL = "municipal", "市级重点"
    COUNTY = "county", "县级重点"


class Phase(models.TextChoices):
    """What a stage means to the rules, whatever the region calls it."""

    PLANNING = "planning", "谋划储备"
    PREPARATION = "preparation", "前期"
    CONSTRUCTION = "construction", "建设"
    COMPLETED = "completed", "竣工投产"


# Phases a project is only in once it has started.
STARTED_PHASES = (Phase.CONSTRUCTION, Phase.COMPLETED)

# The seed county's pipeline (六库): a region without a stage set of its own gets this one.
DEFAULT_STAGES = (
    ("planning", "谋划", Phase.PLANNING),
    ("reserve", "储备", Phase.PLANNING),
    ("preliminary", "前期", Phase.PREPARATION),
    ("new_start", "新开工", Phase.CONSTRUCTION),
    ("under_construction", "在建", Phase.CONSTRUCTION),
    ("in_operation", "竣工投产", Phase.COMPLETED),
)


class Stage(models.Model):
    """One stage of a region's project pipeline (四个一批, 五个一批, 七个一批…): data, per region."""

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="+")
    key = models.SlugField("代码", max_length=30)
    label = models.CharField("阶段", max_length=20)
    phase = models.CharField("对应环节", max_length=20, choices=Phase.choices)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "项目阶段"
        verbose_name_plural = "项目阶段"
        ordering = ["region", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "key"], name="projects_stage_unique_key"),
            models.UniqueConstraint(fields=["region", "label"], name="projects_stage_unique_label"),
        ]

    def __str__(self) -> str:
        return self.label


class ReserveTarget(models.Model):
    """How many projects a region means to hold in reserve for a year (e.g. 200 for 2024)."""

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    count = models.PositiveIntegerField("储备项目目标数")

    class Meta:
        verbose_name = "储备项目目标"
        verbose_name_plural = "储备项目目标"
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="projects_reserve_one_target")]

    def __str__(self) -> str:
        return f"{self.year}年储备{self.count}个"


class Project(models.Model):
    item = models.OneToOneField(
        Item, verbose_name="督办事项", primary_key=True, on_delete=models.PROTECT, related_name="project"
    )
    project_code = models.CharField(
        "项目代码", max_length=40, blank=True, help_text="投资项目在线审批监管平台代码"
    )
    level = models.CharField("级别", max_length=20, choices=Level.choices, default=Level.COUNTY)
    category = models.CharField(
        "类别", max_length=30, blank=True, help_text="如 产业发展、基础设施、社会民生"
    )
    industry_chain = models.CharField("产业链", max_length=30, blank=True)
    total_investment = models.DecimalField("总投资（万元）", **MONEY)  # type: ignore[arg-type]
    planned_investment = models.DecimalField("年度计划投资（万元）", **MONEY)  # type: ignore[arg-type]
    stage = models.ForeignKey(Stage, verbose_name="阶段", on_delete=models.PROTECT, related_name="projects")
    actual_start = models.DateField("实际开工", null=True, blank=True)
    in_statistics = models.BooleanField("已入库", default=False)
    in_statistics_on = models.DateField("入库日期", null=True, blank=True)
    showcase = models.BooleanField("观摩项目", default=False)
    showcase_ready_by = models.DateField("观摩准备就绪时限", null=True, blank=True)
    illustrative = models.BooleanField(
        "示意数据", default=False, help_text="演示县中按讲话数字生成、并非真实项目的记录"
    )
    related_items = models.ManyToManyField(
        Item, verbose_name="相关督办事项", blank=True, related_name="concerned_projects"
    )

    class Meta:
        verbose_name = "重点项目"
        verbose_name_plural = "重点项目"
        constraints = [
            models.CheckConstraint(
                condition=Q(in_statistics=False) | Q(in_statistics_on__isnull=False),
                name="projects_project_in_statistics_has_date",
            ),
            models.CheckConstraint(
                condition=Q(showcase=False) | Q(showcase_ready_by__isnull=False),
                name="projects_project_showcase_has_date",
            ),
            models.CheckConstraint(
                condition=Q(planned_investment__gte=0) & Q(total_investment__gte=0),
                name="projects_project_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.item.title

    def clean(self) -> None:
        """The rules every path obeys (the forms, the import, the stage form): through the services'
        full_clean()."""
        errors: dict[str, str] = {}
        planned, total = self.planned_investment, self.total_investment
        if planned is not None and total is not None and planned > total:
            errors["planned_investment"] = f"年度计划投资{_wan(planned)}万元不能大于总投资{_wan(total)}万元。"
        stage = self.stage if self.stage_id else None
        if stage is not None and stage.phase in STARTED_PHASES and self.actual_start is None:
            errors["actual_start"] = f"项目进入“{stage.label}”阶段须填写实际开工日期。"
        if errors:
            raise ValidationError(errors)


def _wan(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


class MonthlyPlan(models.Model):
    """This year's planned investment of one month (the monthly plan of 年度计划投资)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="monthly_plan")
    # The first of the month (set by the services; not a database check: SQLite's plain
    # integrity check, which the backup runs, knows no date functions).
    month = models.DateField("月份")
    amount = models.DecimalField("计划投资（万元）", **MONEY)  # type: ignore[arg-type]

    class Meta:
        verbose_name = "月度计划投资"
        verbose_name_plural = "月度计划投资"
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="projects_plan_one_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月} {self.amount}万元"


class BlockerKind(models.TextChoices):
    PERMITS = "permits", "手续办理"
    FUNDING = "funding", "资金保障"
    LAND = "land", "土地供应"
    OTHER = "other", "其他"


class Blocker(models.Model):
    """A problem holding a project up (存在问题): work to supervise, with an owner and a deadline."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="blockers"
    )
    kind = models.CharField("问题类型", max_length=20, choices=BlockerKind.choices)
    description = models.CharField("问题", max_length=300)
    owner_unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="project_blockers"
    )
    owner_leader = models.ForeignKey(
        Leader, verbose_name="协调领导", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField("解决时限")
    resolved_on = models.DateField("解决日期", null=True, blank=True)
    resolution = models.CharField("解决情况", max_length=300, blank=True)
    item = models.OneToOneField(
        Item,
        verbose_name="督办事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_blocker",
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "项目存在问题"
        verbose_name_plural = "项目存在问题"
        ordering = ["resolved_on", "deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | ~Q(resolution=""),
                name="projects_blocker_resolution_when_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


def site_photo_path(instance: SitePhoto, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    return f"site/{clock.today():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class SitePhoto(models.Model):
    """A photo taken on a site visit (明察暗访) of a project; the visit is a supervision action."""

    action = models.ForeignKey(
        SupervisionAction, verbose_name="督办", on_delete=models.PROTECT, related_name="site_photos"
    )
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="photos")
    file = models.FileField("照片", upload_to=site_photo_path, max_length=200)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.file.name
