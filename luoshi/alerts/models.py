"""Warning rules as data, colours by period, and what each colour brings."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from luoshi.alerts import engine
from luoshi.core import clock
from luoshi.items.models import Colour, Item, Status, SupervisionAction
from luoshi.org.models import Region


class RuleSet(models.Model):
    """A version of a region's warning rules. Never edited: a change is a new version, which the
    next recomputation uses; the colours computed under each version say which one."""

    region = models.ForeignKey(
        Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="rule_sets"
    )
    version = models.PositiveIntegerField("版本", default=1)
    yellow_gap = models.DecimalField(
        "黄色：滞后序时进度超过（个百分点）", max_digits=5, decimal_places=2, default=Decimal(10)
    )
    red_gap = models.DecimalField(
        "红色：滞后序时进度超过（个百分点）", max_digits=5, decimal_places=2, default=Decimal(30)
    )
    deadline_near_workdays = models.PositiveSmallIntegerField("黄色：距完成时限不足（个工作日）", default=5)
    not_started_yellow_months = models.PositiveSmallIntegerField(
        "黄色：计划开始后未开始超过（个月）", default=1
    )
    not_started_red_months = models.PositiveSmallIntegerField("红色：计划开始后未开始超过（个月）", default=3)
    consecutive_yellow_to_red = models.PositiveSmallIntegerField(
        "红色：连续黄色（个月）", default=2, help_text="0 表示不因连续黄色转红"
    )
    late_report_is_yellow = models.BooleanField("进度逾期未报或逾期报送为黄色", default=True)
    overdue_milestone_is_yellow = models.BooleanField("节点逾期为黄色", default=True)
    untrue_is_red = models.BooleanField("核实不属实为红色", default=True)
    growth_yellow_band = models.DecimalField(
        "指标：增速低于目标不超过（个百分点）为黄色", max_digits=5, decimal_places=2, default=Decimal(2)
    )
    bottom_third_is_yellow = models.BooleanField("指标：排名后三分之一至少为黄色", default=True)
    months_basis_kinds = models.CharField(
        "按月计算序时进度的事项类型",
        max_length=200,
        default="project,indicator",
        help_text="其余类型按工作日计算",
    )
    caught_up_shows_yellow = models.BooleanField(
        "红色月份此后赶上进度的，历史显示为黄色", default=False, help_text="部分县区的做法；不改变当月的记录"
    )
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("生效时间", default=clock.now)

    class Meta:
        verbose_name = "预警规则"
        verbose_name_plural = "预警规则"
        ordering = ["region", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "version"], name="alerts_ruleset_unique_version"),
            models.CheckConstraint(
                condition=models.Q(red_gap__gte=models.F("yellow_gap")),
                name="alerts_ruleset_red_beyond_yellow",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} 预警规则 第{self.version}版"

    def to_rules(self) -> engine.Rules:
        return engine.Rules(
            yellow_gap=self.yellow_gap,
            red_gap=self.red_gap,
            deadline_near_workdays=self.deadline_near_workdays,
            not_started_yellow_months=self.not_started_yellow_months,
            not_started_red_months=self.not_started_red_months,
            consecutive_yellow_to_red=self.consecutive_yellow_to_red,
            late_report_is_yellow=self.late_report_is_yellow,
            overdue_milestone_is_yellow=self.overdue_milestone_is_yellow,
            untrue_is_red=self.untrue_is_red,
            growth_yellow_band=self.growth_yellow_band,
            bottom_third_is_yellow=self.bottom_third_is_yellow,
            months_basis_kinds=frozenset(k.strip() for k in self.months_basis_kinds.split(",") if k.strip()),
        )


class ItemColour(models.Model):
    """An item's colour for one month (the period). The current month's row follows every
    recomputation; earlier months stay as they were."""

    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.CASCADE, related_name="colours")
    period = models.DateField("月份", help_text="该月第一天")
    status = models.CharField("状态", max_length=30, choices=Status.choices)
    computed = models.CharField("计算", max_length=10, choices=Colour.choices, blank=True)
    computed_reason = models.CharField("原因", max_length=300, blank=True)
    assessed = models.CharField("研判", max_length=10, choices=Colour.choices, blank=True)
    assessed_reason = models.CharField("研判理由", max_length=300, blank=True)
    progress = models.DecimalField("进度（%）", max_digits=6, decimal_places=2, null=True, blank=True)
    time_progress = models.DecimalField(
        "序时进度（%）", max_digits=6, decimal_places=2, null=True, blank=True
    )
    report_overdue = models.BooleanField("本期逾期未报", default=False)
    deadline_overdue = models.BooleanField("超过完成时限", default=False)
    rule_version = models.PositiveIntegerField("规则版本", default=0)
    computed_on = models.DateField("计算日期")

    class Meta:
        verbose_name = "月度预警"
        verbose_name_plural = "月度预警"
        ordering = ["item", "period"]
        constraints = [
            models.UniqueConstraint(fields=["item", "period"], name="alerts_itemcolour_one_per_month")
        ]
        indexes = [models.Index(fields=["period", "computed"])]

    def __str__(self) -> str:
        return f"{self.item.code} {self.period:%Y-%m} {self.colour}"

    @property
    def colour(self) -> str:
        return self.assessed or self.computed


class ConsequenceAction(models.TextChoices):
    REMIND = "remind", "提醒"
    LETTER = "letter", "督办函"
    INTERVIEW = "interview", "约谈"
    DEDUCT = "deduct", "扣分"


class Consequence(models.Model):
    """What reaching a colour brings, as the supervision office configured it."""

    region = models.ForeignKey(
        Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="consequences"
    )
    colour = models.CharField(
        "预警颜色", max_length=10, choices=[c for c in Colour.choices if c[0] != Colour.GREEN]
    )
    action = models.CharField("处置", max_length=20, choices=ConsequenceAction.choices)
    points = models.DecimalField(
        "扣分",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "预警处置"
        verbose_name_plural = "预警处置"
        ordering = ["region", "colour", "action"]
        constraints = [
            models.UniqueConstraint(fields=["region", "colour", "action"], name="alerts_consequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_colour_display()}：{self.get_action_display()}"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "待确认"
    CONFIRMED = "confirmed", "已确认"
    DISMISSED = "dismissed", "不采纳"


class Proposal(models.Model):
    """A consequence the system proposes when an item reaches a colour, for the office to confirm."""

    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.CASCADE, related_name="proposals")
    colour = models.CharField("预警颜色", max_length=10, choices=Colour.choices)
    action = models.CharField("处置", max_length=20, choices=ConsequenceAction.choices)
    points = models.DecimalField("扣分", max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.CharField("预警原因", max_length=300)
    proposed_on = models.DateField("提出日期")
    status = models.CharField(
        "状态", max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField("确认日期", null=True, blank=True)
    supervision_action = models.ForeignKey(
        SupervisionAction,
        verbose_name="督办记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "处置建议"
        verbose_name_plural = "处置建议"
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "colour", "action"],
                condition=models.Q(status="proposed"),
                name="alerts_proposal_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} {self.get_action_display()}"
