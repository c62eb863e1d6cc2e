"""Commitments (承诺事项): the city's demands (军令状), the livelihood projects the deputies voted
for (人大代表票决民生实事) and the units' letters of commitment (承诺书).

Each commitment is an item of kind "commitment" with its source (军令状, 民生实事, 承诺书); these
models give it its detail. A livelihood project's investment is its item's monthly progress report
(the cumulative 万元 the unit reports and the office verifies), as for a key project; its start and
completion are recorded here, and at the year's end the people's congress office records the
deputies' satisfaction survey. A letter of commitment is a unit's, for a year: its commitments are
the items of source 承诺书 that unit leads that year.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from luoshi.core import clock
from luoshi.items.models import Item
from luoshi.org.models import Region, Unit

KIND = "commitment"
MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class CityPledge(models.Model):
    """A task the city set the county (市下达军令状): its demand, standard and time limit."""

    item = models.OneToOneField(
        Item, verbose_name="督办事项", primary_key=True, on_delete=models.PROTECT, related_name="city_pledge"
    )
    demand = models.TextField("市上要求")
    standard = models.CharField("完成标准", max_length=300)
    time_limit = models.DateField("完成时限")
    illustrative = models.BooleanField("示意数据", default=False)

    class Meta:
        verbose_name = "军令状"
        verbose_name_plural = "军令状"

    def __str__(self) -> str:
        return self.item.title


class Livelihood(models.Model):
    """A livelihood project the people's deputies voted for (人大代表票决民生实事)."""

    item = models.OneToOneField(
        Item, verbose_name="督办事项", primary_key=True, on_delete=models.PROTECT, related_name="livelihood"
    )
    planned_investment = models.DecimalField("计划投资（万元）", **MONEY)  # type: ignore[arg-type]
    voted = models.BooleanField("经人大代表票决", default=True)
    started_on = models.DateField("开工日期", null=True, blank=True)
    completed_on = models.DateField("建成日期", null=True, blank=True)
    illustrative = models.BooleanField("示意数据", default=False)

    class Meta:
        verbose_name = "民生实事"
        verbose_name_plural = "民生实事"
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(started_on__lte=F("completed_on")),
                name="commitments_livelihood_started_before_completed",
            ),
        ]

    def __str__(self) -> str:
        return self.item.title


class Survey(models.Model):
    """The deputies' satisfaction with a livelihood project at the year's end (满意度测评), as the
    people's congress office records it: of the deputies (代表总数), those who took part (参加测评),
    and their votes; a deputy who took part may abstain, so the votes are at most the respondents."""

    livelihood = models.ForeignKey(Livelihood, on_delete=models.PROTECT, related_name="surveys")
    year = models.PositiveSmallIntegerField("年度")
    surveyed_on = models.DateField("测评日期")
    deputies = models.PositiveIntegerField("代表总数")
    respondents = models.PositiveIntegerField("参加测评代表人数")
    satisfied = models.PositiveIntegerField("满意")
    basically_satisfied = models.PositiveIntegerField("基本满意")
    dissatisfied = models.PositiveIntegerField("不满意")
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "民生实事满意度测评"
        verbose_name_plural = "民生实事满意度测评"
        constraints = [
            models.UniqueConstraint(fields=["livelihood", "year"], name="commitments_survey_one_per_year"),
            models.CheckConstraint(
                condition=Q(satisfied__gt=0) | Q(basically_satisfied__gt=0) | Q(dissatisfied__gt=0),
                name="commitments_survey_has_votes",
            ),
            models.CheckConstraint(
                condition=Q(respondents__lte=F("deputies")),
                name="commitments_survey_respondents_within_deputies",
            ),
            models.CheckConstraint(
                condition=Q(respondents__gte=F("satisfied") + F("basically_satisfied") + F("dissatisfied")),
                name="commitments_survey_votes_within_respondents",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年测评 满意率{self.rating}%"

    @property
    def votes(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def rating(self) -> Decimal:
        """满意率: satisfied and basically satisfied, in % of the votes cast."""
        share = Decimal(100 * (self.satisfied + self.basically_satisfied)) / self.votes
        return share.quantize(Decimal("0.1"))


class CommitmentLetter(models.Model):
    """A unit's letter of commitment (重点工作任务承诺书) for a year."""

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name="承诺单位", on_delete=models.PROTECT, related_name="commitment_letters"
    )
    year = models.PositiveSmallIntegerField("年度")
    signed_on = models.DateField("签订日期")
    signer = models.CharField("签订人", max_length=40)
    summary = models.TextField("承诺内容", blank=True)
    # Bumped by every save of the office's form: an edit opened before another one is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "承诺书"
        verbose_name_plural = "承诺书"
        ordering = ["year", "unit__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="commitments_letter_one_per_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年承诺书"
