"""Assessment schemes as data (考核方案), the scores computed from luoshi's data, the bonus and
deduction records (加减分纪实), appeals (改分申请), and the city's assessment of the county (市考县)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from luoshi.assessment import scoring
from luoshi.core import clock, registry
from luoshi.items.models import StoredEvidence
from luoshi.org.models import Region, Unit


class Scheme(models.Model):
    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("方案名称", max_length=100)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", default=clock.now)
    # Raised by every change of the scheme, its groups or its criteria (services.scheme_change), so
    # that an office editing an old page is told somebody changed the scheme meanwhile.
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["region", "-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "name"], name="assessment_scheme_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"


class GroupKind(models.TextChoices):
    TOWNS = "towns", "镇办"
    DEPARTMENTS = "departments", "部门"


class Group(models.Model):
    """The units scored and ranked together (镇办; 部门, possibly split by kind)."""

    scheme = models.ForeignKey(
        Scheme, verbose_name="考核方案", on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField("考核组", max_length=50)
    kind = models.CharField("类别", max_length=20, choices=GroupKind.choices)
    units = models.ManyToManyField(Unit, verbose_name="参加考核的单位", related_name="+")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "考核组"
        verbose_name_plural = "考核组"
        ordering = ["scheme", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="assessment_group_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One scored indicator of a group: its maximum, its method and the method's parameters
    (scoring.params_problems validates them), and in words where its figures come from."""

    group = models.ForeignKey(Group, verbose_name="考核组", on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField("考核内容", max_length=100)
    max_points = models.DecimalField(
        "分值",
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(1000))],
    )
    method = models.CharField("计分方法", max_length=30, choices=[(m.value, m.label) for m in scoring.Method])
    params = models.JSONField("计分参数", default=dict, blank=True)
    source = models.CharField("数据来源", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "考核内容"
        verbose_name_plural = "考核内容"
        ordering = ["group", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="assessment_criterion_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{scoring.figure(self.max_points)}分）"

    def clean(self) -> None:
        problems = scoring.params_problems(self.method, self.params, max_points=self.max_points)
        if not problems and isinstance(self.params, dict):
            # Item kinds are the ledgers' (the registry), so a later ledger's items can be scored.
            known = {kind for kind, _label in registry.kind_choices()}
            problems = [f"没有“{kind}”这类事项" for kind in self.params.get("kinds", []) if kind not in known]
        if problems:
            raise ValidationError({"params": problems})

    @property
    def method_label(self) -> str:
        return scoring.Method(self.method).label

    def typed_params(self) -> scoring.Params:
        return scoring.parse_params(self.method, self.params)

    @property
    def params_text(self) -> str:
        return scoring.describe(self.typed_params(), kind_label=registry.kind_label)


class Decision(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已同意"
    REJECTED = "rejected", "未同意"


class Record(models.Model):
    """A bonus or deduction (加减分纪实) for a unit on a `records` criterion, with its basis and
    evidence; it counts once the supervision office approves it."""

    criterion = models.ForeignKey(
        Criterion, verbose_name="考核内容", on_delete=models.PROTECT, related_name="records"
    )
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField("加减分", max_digits=7, decimal_places=2, help_text="加分为正数，减分为负数")
    basis = models.CharField("依据", max_length=300)
    occurred_on = models.DateField("发生日期")
    status = models.CharField("状态", max_length=20, choices=Decision.choices, default=Decision.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "加减分纪实"
        verbose_name_plural = "加减分纪实"
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(points=0), name="assessment_record_points_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {scoring.figure(self.points)}分：{self.basis}"


class RecordEvidence(StoredEvidence):
    """A file proving a record's basis (stored by items.services.evidence_store)."""

    record = models.ForeignKey(
        Record, verbose_name="加减分纪实", on_delete=models.PROTECT, related_name="files"
    )

    class Meta:
        verbose_name = "加减分佐证"
        verbose_name_plural = "加减分佐证"
        ordering = ["id"]


class ScoreRun(models.Model):
    """One computation of a scheme's scores for a period. The latest run of a period is its score;
    earlier runs stay as they were (what an appeal was filed against)."""

    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", on_delete=models.CASCADE, related_name="runs")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField(
        "季度", validators=[MaxValueValidator(4)], help_text="0 为全年"
    )
    as_of = models.DateField("数据截至")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="计算人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    computed_at = models.DateTimeField("计算时间", default=clock.now)

    class Meta:
        verbose_name = "考核计分"
        verbose_name_plural = "考核计分"
        ordering = ["scheme", "-year", "-quarter", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quarter__lte=4), name="assessment_run_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.period.label}"

    @property
    def period(self) -> scoring.Period:
        return scoring.Period(self.year, self.quarter)


class ScoreLine(models.Model):
    """A unit's points on one criterion in one run, with every part and the record it came from."""

    run = models.ForeignKey(ScoreRun, verbose_name="考核计分", on_delete=models.CASCADE, related_name="lines")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(
        Criterion, verbose_name="考核内容", on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField("得分", max_digits=7, decimal_places=2)
    max_points = models.DecimalField("分值", max_digits=7, decimal_places=2)
    parts = models.JSONField("计分明细", default=list)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "得分明细"
        verbose_name_plural = "得分明细"
        ordering = ["run", "unit", "criterion__sort_order", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["run", "unit", "criterion"], name="assessment_line_unique"),
            models.CheckConstraint(
                condition=models.Q(points__gte=0, points__lte=models.F("max_points")),
                name="assessment_line_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.criterion.name} {scoring.figure(self.points)}分"


class Appeal(models.Model):
    """A unit's request to change a score line (改分申请), and the office's decision, kept."""

    line = models.ForeignKey(ScoreLine, verbose_name="得分", on_delete=models.PROTECT, related_name="appeals")
    unit = models.ForeignKey(Unit, verbose_name="申请单位", on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField("申请理由")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("申请时间", default=clock.now)
    status = models.CharField("状态", max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decision = models.TextField("处理意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "改分申请"
        verbose_name_plural = "改分申请"
        ordering = ["-filed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} 改分申请（{self.get_status_display()}）"


class CityCriterion(models.Model):
    """A criterion of the city's assessment of its counties (市考县), as the city published it for
    a year, with each county's points entered by the county's office (CityScore)."""

    region = models.ForeignKey(Region, verbose_name="被考核县区", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("考核内容", max_length=100)
    max_points = models.DecimalField(
        "分值", max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    source = models.CharField("数据来源", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "市考县考核内容"
        verbose_name_plural = "市考县考核内容"
        ordering = ["region", "-year", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "name"], name="assessment_city_criterion_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"


class CityScore(models.Model):
    criterion = models.ForeignKey(
        CityCriterion, verbose_name="考核内容", on_delete=models.CASCADE, related_name="scores"
    )
    county = models.CharField("县区", max_length=50)
    points = models.DecimalField(
        "得分", max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        verbose_name = "市考县得分"
        verbose_name_plural = "市考县得分"
        ordering = ["criterion", "-points", "county"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "county"], name="assessment_city_score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.county} {scoring.figure(self.points)}分"
