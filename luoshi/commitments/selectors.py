"""Reads of commitments, always scoped to the acting user (items.selectors.item_list_for, and
org.selectors.scope_for for the letters). The ledger pages and `luoshi stats` read the same rows:
a livelihood project's start, completion and investment as of a day come from its recorded days
and from its item's reports submitted by then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from luoshi.commitments.models import CityPledge, CommitmentLetter, Livelihood, Survey
from luoshi.items.models import DONE_STATUSES, Item, Measure, ProgressReport, ReportStatus, Source, Status
from luoshi.items.selectors import day_start, item_list_for
from luoshi.org.models import User
from luoshi.org.selectors import scope_for

SET_ASIDE = (Status.REPLACED, Status.WITHDRAWN)


def commitment_items_for(user: User | object, source: str) -> QuerySet[Item]:
    """The items of a commitment's source the user may see. A commitment is told by its source
    (军令状, 民生实事, 承诺书), whatever kind the office gave its item (a 承诺书 task is often a
    重点工作); the ledger's own records (a livelihood project, a city pledge) are of kind 承诺事项."""
    return item_list_for(user).filter(source=source)


def livelihood_list_for(user: User | object) -> QuerySet[Livelihood]:
    return Livelihood.objects.filter(item__in=commitment_items_for(user, Source.LIVELIHOOD).values("pk"))


def livelihood_detail_for(user: User | object, pk: int) -> Livelihood:
    return livelihood_list_for(user).select_related("item__region", "item__lead_unit").get(pk=pk)


@dataclass(frozen=True)
class LivelihoodRow:
    livelihood: Livelihood
    started: bool
    completed: bool
    invested: Decimal  # 万元, cumulative, as the unit's latest report by the day says
    survey: Survey | None

    @property
    def item(self) -> Item:
        return self.livelihood.item

    @property
    def state(self) -> str:
        return "已建成" if self.completed else ("已开工" if self.started else "未开工")

    @property
    def measured_in_wan(self) -> bool:
        """Whether the item's reports give the 万元 invested (an office may have changed its
        measure on the item's own form; saving the project's form measures it in 万元 again)."""
        item = self.item
        return item.measure == Measure.VALUE and item.value_unit == "万元"


def invested_as_of(item_ids: list[int], as_of: date) -> dict[int, Decimal]:
    """Each item's cumulative value in its latest report submitted by the end of `as_of` (one query)."""
    reports = (
        ProgressReport.objects.filter(
            item_id__in=item_ids,
            status=ReportStatus.SUBMITTED,
            value__isnull=False,
            submitted_at__lt=day_start(as_of + timedelta(days=1)),
        )
        .order_by("item_id", "period_start", "version", "submitted_at")
        .values_list("item_id", "value")
    )
    latest: dict[int, Decimal] = {}
    for item_id, value in reports:
        if value is not None:
            latest[item_id] = value
    return latest


def livelihood_rows(user: User | object, *, as_of: date, year: int | None = None) -> list[LivelihoodRow]:
    year = year or as_of.year
    projects = list(
        livelihood_list_for(user)
        .filter(item__year=year)
        .exclude(item__status__in=SET_ASIDE)
        .select_related("item__lead_unit", "item__patron_leader__person")
        .order_by("item__code")
    )
    return _rows(projects, as_of=as_of, year=year)


def livelihood_row(livelihood: Livelihood, *, as_of: date) -> LivelihoodRow:
    """One project's row as the ledger computes it (its page; set aside or not)."""
    return _rows([livelihood], as_of=as_of, year=livelihood.item.year)[0]


def _rows(projects: list[Livelihood], *, as_of: date, year: int) -> list[LivelihoodRow]:
    ids = [project.pk for project in projects]
    invested = invested_as_of(ids, as_of)
    surveys = {
        survey.livelihood_id: survey
        for survey in Survey.objects.filter(livelihood__in=ids, year=year, surveyed_on__lte=as_of)
    }
    return [
        LivelihoodRow(
            livelihood=project,
            started=project.started_on is not None and project.started_on <= as_of,
            completed=project.completed_on is not None and project.completed_on <= as_of,
            invested=invested.get(project.pk, Decimal(0)),
            survey=surveys.get(project.pk),
        )
        for project in projects
    ]


def wan(value: Decimal) -> int | float:
    """万元 as a figure: a whole number when it is one."""
    return int(value) if value == value.to_integral_value() else float(value)


def livelihood_stats(*, user: Any, as_of: date) -> dict[str, Any]:
    """`luoshi stats` section "livelihood": the year's projects started, completed, invested, and
    the deputies' satisfaction once surveyed."""
    rows = livelihood_rows(user, as_of=as_of)
    surveyed = [row.survey for row in rows if row.survey is not None]
    votes = sum(survey.votes for survey in surveyed)
    content = sum(survey.satisfied + survey.basically_satisfied for survey in surveyed)
    return {
        "as_of": as_of.isoformat(),
        "year": as_of.year,
        "total": len(rows),
        "voted": sum(row.livelihood.voted for row in rows),
        "started": sum(row.started for row in rows),
        "completed": sum(row.completed for row in rows),
        "invested_wan": wan(sum((row.invested for row in rows), Decimal(0))),
        "planned_wan": wan(sum((row.livelihood.planned_investment for row in rows), Decimal(0))),
        "not_started": [row.item.title for row in rows if not row.started],
        "surveyed": len(surveyed),
        "satisfaction_percent": float((Decimal(100 * content) / votes).quantize(Decimal("0.1")))
        if votes
        else None,
    }


# ---------------------------------------------------------------------------------------------
# 军令状 and 承诺书


def pledge_rows(user: User | object, *, year: int) -> list[Item]:
    """The year's commitments of source 军令状 (with their detail where recorded)."""
    return list(
        commitment_items_for(user, Source.CITY_PLEDGE)
        .filter(year=year)
        .exclude(status__in=SET_ASIDE)
        .select_related("city_pledge")
        .order_by("deadline", "code")
    )


def letter_list_for(user: User | object) -> QuerySet[CommitmentLetter]:
    return CommitmentLetter.objects.filter(
        scope_for(user).q(CommitmentLetter, region="region", units=("unit",))
    )


@dataclass(frozen=True)
class LetterRow:
    letter: CommitmentLetter
    total: int
    done: int
    overdue: int


def letter_rows(user: User | object, *, year: int, as_of: date) -> list[LetterRow]:
    """The year's letters, each with the counts of its unit's commitments of source 承诺书 the user
    may see (one query for the counts)."""
    letters = list(letter_list_for(user).filter(year=year).select_related("unit"))
    counts = {
        row["lead_unit_id"]: row
        for row in commitment_items_for(user, Source.COMMITMENT)
        .filter(year=year, lead_unit__in=[letter.unit_id for letter in letters])
        .exclude(status__in=SET_ASIDE)
        .values("lead_unit_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status__in=DONE_STATUSES)),
            overdue=Count("pk", filter=~Q(status__in=DONE_STATUSES) & Q(deadline__lt=as_of)),
        )
        .order_by()
    }
    empty = {"total": 0, "done": 0, "overdue": 0}
    return [
        LetterRow(
            letter, **{key: counts.get(letter.unit_id, empty)[key] for key in ("total", "done", "overdue")}
        )
        for letter in letters
    ]


def commitments_stats(*, user: Any, as_of: date) -> dict[str, Any]:
    """`luoshi stats` section "commitments": the year's commitments by source (of any kind) and
    state, and the letters of commitment."""
    year = as_of.year
    by_source: dict[str, dict[str, int]] = {}
    for source in (Source.CITY_PLEDGE, Source.LIVELIHOOD, Source.COMMITMENT):
        of_source = commitment_items_for(user, source).filter(year=year).exclude(status__in=SET_ASIDE)
        by_source[source.value] = of_source.aggregate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status__in=DONE_STATUSES, completed_on__lte=as_of)),
            overdue=Count("pk", filter=~Q(status__in=DONE_STATUSES) & Q(deadline__lt=as_of)),
        )
    letters = letter_rows(user, year=year, as_of=as_of)
    return {
        "as_of": as_of.isoformat(),
        "year": year,
        "by_source": by_source,
        "letters": {"units": len(letters), "commitments": sum(row.total for row in letters)},
    }


def pledge_detail_for(user: User | object, pk: int) -> CityPledge:
    return (
        CityPledge.objects.filter(item__in=commitment_items_for(user, Source.CITY_PLEDGE).values("pk"))
        .select_related("item__region", "item__lead_unit", "item__patron_leader__person")
        .get(pk=pk)
    )


def letter_detail_for(user: User | object, pk: int) -> CommitmentLetter:
    return letter_list_for(user).select_related("unit", "region").get(pk=pk)
