"""Reads of key projects, always scoped to the acting user (through items.selectors.item_list_for).

The ledger page, its summary bar, `luoshi stats` and the colours' facts all come from `ledger_rows`:
one query for the projects with their figures as of a day, one for the monthly plans, one for the
open blockers, then the pure rules (rules.py) say each project's state. A number on the summary bar
is the length of the list its link opens, filtered by the same function.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from luoshi.items.models import Item, ProgressReport, ReportStatus, Status, SupervisionAction, Verdict
from luoshi.items.selectors import item_list_for, supervision_list_for
from luoshi.org.models import Region, User
from luoshi.org.selectors import scope_for
from luoshi.projects import rules
from luoshi.projects.models import (
    KIND,
    Blocker,
    BlockerKind,
    Level,
    MonthlyPlan,
    Phase,
    Project,
    ReserveTarget,
    SitePhoto,
    Stage,
)
from luoshi.projects.rules import State

# The projects a year's ledger counts: not those replaced or withdrawn (they keep their pages).
SET_ASIDE = (Status.REPLACED, Status.WITHDRAWN)


def project_list_for(user: User | object) -> QuerySet[Project]:
    """Every project the user may see: those whose item the user may see, and the drafts its units
    lead (a unit sees its own reserve projects, read only, before the year's plan assigns them)."""
    visible = Q(item__in=item_list_for(user).filter(kind=KIND).values("pk"))
    units = scope_for(user).unit_ids
    if units:
        visible |= Q(item__kind=KIND, item__status=Status.DRAFT, item__lead_unit_id__in=units)
    return Project.objects.filter(visible)


def project_detail_for(user: User | object, pk: int) -> Project:
    """Project.DoesNotExist for a project the user may not see (the view answers 404)."""
    return (
        project_list_for(user)
        .select_related(
            "item__region", "item__lead_unit", "item__patron_leader__person", "stage", "item__replaced_by"
        )
        .get(pk=pk)
    )


def stages_for(region: Region | int) -> list[Stage]:
    """The region's pipeline, in order (services.stage_set_ensure gives a region the default)."""
    region_id = region if isinstance(region, int) else region.pk
    return list(Stage.objects.filter(region_id=region_id).order_by("sort_order", "pk"))


def completed_investment(as_of: date) -> Subquery:
    """The cumulative investment of the project's year reported for the last month before `as_of`'s
    month (a report never edited: the current version; not one the office found untrue)."""
    reports = (
        ProgressReport.objects.filter(
            item_id=OuterRef("item_id"),
            period_start__year=OuterRef("item__year"),
            period_start__lt=as_of.replace(day=1),
            superseded_by__isnull=True,
            status=ReportStatus.SUBMITTED,
        )
        .exclude(verification__verdict=Verdict.UNTRUE)
        .order_by("-period_start", "-version")
        .values("value")[:1]
    )
    return Subquery(reports)


@dataclass
class LedgerFilters:
    """The ledger's filters, as the query string gives them (and as the summary bar's links set them)."""

    year: int | None = None
    region: int | None = None
    level: str = ""
    stage: str = ""  # a stage key of the region's set
    phase: str = ""
    state: str = ""
    leader: int | None = None
    unit: int | None = None  # the lead unit
    in_statistics: str = ""  # "yes" / "no"
    showcase: str = ""  # "yes" / "no"
    blocker: str = ""  # a BlockerKind with an open blocker, or "any"
    text: str = ""
    set_aside: bool = False  # the replaced and withdrawn projects instead of the counted ones
    pending: bool = False  # the drafts not yet assigned instead of the counted ones

    def query(self, **changes: Any) -> str:
        """The query string of these filters with `changes` (for a link on the page)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)} | changes
        pairs = {k: ("1" if v is True else v) for k, v in values.items() if v not in (None, "", False)}
        return urlencode(pairs)


@dataclass
class Row:
    pk: int
    code: str
    title: str
    region_name: str
    level: str
    stage_key: str
    stage_label: str
    phase: str
    leader_id: int | None
    leader_name: str
    unit_id: int | None
    unit_name: str
    status: str
    colour: str
    colour_reason: str
    year: int
    planned_start: date | None
    actual_start: date | None
    total_investment: Decimal
    planned_investment: Decimal
    completed_investment: Decimal
    in_statistics: bool
    in_statistics_on: date | None
    showcase: bool
    showcase_ready_by: date | None
    illustrative: bool
    verdict: rules.Verdict
    blockers: set[str] = field(default_factory=set)  # kinds of the open blockers
    description: str = ""  # 建设内容
    # A draft of this year or before, not yet assigned: listed apart, not counted among the
    # year's projects (next year's reserve is all drafts, and counts).
    pending: bool = False

    @property
    def state(self) -> State:
        return self.verdict.state

    @property
    def level_label(self) -> str:
        return Level(self.level).label

    @property
    def plan_to_date(self) -> str:
        """序时计划 as every page writes it (the state's reason too): 1376.36."""
        return rules.amount(self.verdict.plan_to_date)

    @property
    def completion_percent(self) -> Decimal | None:
        if not self.planned_investment:
            return None
        return rules.HUNDRED * self.completed_investment / self.planned_investment

    @property
    def blocker_labels(self) -> list[str]:
        return [kind.label for kind in BlockerKind if kind.value in self.blockers]


def _rows(projects: QuerySet[Project], *, as_of: date) -> list[Row]:
    data = list(
        projects.annotate(completed=completed_investment(as_of))
        .order_by("item__code")
        .values(
            "pk",
            "item__code",
            "item__title",
            "item__region__name",
            "level",
            "stage__key",
            "stage__label",
            "stage__phase",
            "item__patron_leader_id",
            "item__patron_leader__person__name",
            "item__lead_unit_id",
            "item__lead_unit__short_name",
            "item__status",
            "item__assessed_colour",
            "item__computed_colour",
            "item__assessed_reason",
            "item__computed_reason",
            "item__year",
            "item__planned_start",
            "actual_start",
            "total_investment",
            "planned_investment",
            "completed",
            "in_statistics",
            "in_statistics_on",
            "item__description",
            "showcase",
            "showcase_ready_by",
            "illustrative",
        )
    )
    ids = [row["pk"] for row in data]
    plans: dict[int, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    blockers: dict[int, set[str]] = defaultdict(set)
    if ids:
        for project_id, month, amount in MonthlyPlan.objects.filter(
            project_id__in=projects.values("pk")
        ).values_list("project_id", "month", "amount"):
            plans[project_id][(month.year, month.month)] = amount
        for project_id, kind in (
            Blocker.objects.filter(project_id__in=projects.values("pk"), resolved_on__isnull=True)
            .values_list("project_id", "kind")
            .distinct()
        ):
            blockers[project_id].add(kind)
    rows = []
    for row in data:
        year = row["item__year"]
        facts = rules.Facts(
            year=year,
            planned_investment=row["planned_investment"],
            completed_investment=row["completed"] or Decimal(0),
            planned_start=row["item__planned_start"],
            actual_start=row["actual_start"],
            finished=row["stage__phase"] == Phase.COMPLETED,
            monthly_plan={m: a for (y, m), a in plans[row["pk"]].items() if y == year},
        )
        assessed = row["item__assessed_colour"]
        rows.append(
            Row(
                pk=row["pk"],
                code=row["item__code"],
                title=row["item__title"],
                region_name=row["item__region__name"],
                level=row["level"],
                stage_key=row["stage__key"],
                stage_label=row["stage__label"],
                phase=row["stage__phase"],
                leader_id=row["item__patron_leader_id"],
                leader_name=row["item__patron_leader__person__name"] or "",
                unit_id=row["item__lead_unit_id"],
                unit_name=row["item__lead_unit__short_name"] or "",
                status=row["item__status"],
                colour=assessed or row["item__computed_colour"],
                colour_reason=row["item__assessed_reason"] if assessed else row["item__computed_reason"],
                year=year,
                planned_start=row["item__planned_start"],
                actual_start=row["actual_start"],
                total_investment=row["total_investment"],
                planned_investment=row["planned_investment"],
                completed_investment=facts.completed_investment,
                in_statistics=row["in_statistics"],
                in_statistics_on=row["in_statistics_on"],
                description=row["item__description"],
                showcase=row["showcase"],
                showcase_ready_by=row["showcase_ready_by"],
                illustrative=row["illustrative"],
                verdict=rules.project_state(facts, as_of),
                blockers=blockers[row["pk"]],
                pending=row["item__status"] == Status.DRAFT and year <= as_of.year,
            )
        )
    return rows


def project_facts(ids: Sequence[int], *, as_of: date) -> dict[int, rules.Facts]:
    """The rules' facts of the projects `ids`, unscoped (for the colours, which the system computes)."""
    return _facts(Project.objects.filter(pk__in=ids), as_of=as_of)


def _facts(projects: QuerySet[Project], *, as_of: date) -> dict[int, rules.Facts]:
    data = projects.annotate(completed=completed_investment(as_of)).values_list(
        "pk",
        "item__year",
        "planned_investment",
        "completed",
        "item__planned_start",
        "actual_start",
        "stage__phase",
    )
    plans: dict[int, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    for project_id, month, amount in MonthlyPlan.objects.filter(project__in=projects).values_list(
        "project_id", "month", "amount"
    ):
        plans[project_id][(month.year, month.month)] = amount
    return {
        pk: rules.Facts(
            year=year,
            planned_investment=planned,
            completed_investment=completed or Decimal(0),
            planned_start=planned_start,
            actual_start=actual_start,
            finished=phase == Phase.COMPLETED,
            monthly_plan={m: a for (y, m), a in plans[pk].items() if y == year},
        )
        for pk, year, planned, completed, planned_start, actual_start, phase in data
    }


def ledger_rows(
    user: User | object, *, as_of: date, year: int | None = None, region: int | None = None
) -> list[Row]:
    """The projects of a year (default: `as_of`'s) the user may see, with their state on `as_of`."""
    projects = project_list_for(user).filter(item__year=year or as_of.year)
    if region:
        projects = projects.filter(item__region_id=region)
    return _rows(projects, as_of=as_of)


def rows_filter(rows: Iterable[Row], filters: LedgerFilters) -> list[Row]:
    chosen = []
    text = filters.text.strip()
    for row in rows:
        if filters.pending:
            if not row.pending:
                continue
        elif (row.status in SET_ASIDE) != filters.set_aside or row.pending:
            continue
        if filters.level and row.level != filters.level:
            continue
        if filters.stage and row.stage_key != filters.stage:
            continue
        if filters.phase and row.phase != filters.phase:
            continue
        if filters.state and row.state != filters.state:
            continue
        if filters.leader and row.leader_id != filters.leader:
            continue
        if filters.unit and row.unit_id != filters.unit:
            continue
        if filters.in_statistics and row.in_statistics != (filters.in_statistics == "yes"):
            continue
        if filters.showcase and row.showcase != (filters.showcase == "yes"):
            continue
        if filters.blocker == "any" and not row.blockers:
            continue
        if filters.blocker and filters.blocker != "any" and filters.blocker not in row.blockers:
            continue
        if text and text not in row.title and text not in row.code:
            continue
        chosen.append(row)
    return chosen


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | Decimal
    query: str  # the ledger's query string listing what it counts
    unit: str = "个"


@dataclass
class Summary:
    year: int
    as_of: date
    figures: list[Figure]

    def value(self, key: str) -> int | Decimal:
        return next(f.value for f in self.figures if f.key == key)


SUMMARY_FIGURES: tuple[tuple[str, str, dict[str, Any], str], ...] = (
    ("total", "重点项目", {}, "个"),
    ("not_started", "未开工", {"state": State.NOT_STARTED}, "个"),
    ("behind", "欠进度", {"state": State.BEHIND}, "个"),
    ("municipal", "市级重点", {"level": Level.MUNICIPAL}, "个"),
    ("municipal_not_started", "市级重点未开工", {"level": Level.MUNICIPAL, "state": State.NOT_STARTED}, "个"),
    ("not_in_statistics", "未入库", {"in_statistics": "no"}, "个"),
    ("showcase", "观摩项目", {"showcase": "yes"}, "个"),
    ("blocked", "有待解决问题", {"blocker": "any"}, "个"),
)


def ledger_summary(rows: Sequence[Row], filters: LedgerFilters, *, year: int, as_of: date) -> Summary:
    """The summary bar: each count is the length of the list its link opens (rows_filter), within
    the filters on screen (a figure's link keeps them and adds its own)."""
    base = replace(filters, set_aside=False, pending=False)
    figures = []
    for key, label, narrowing, unit in SUMMARY_FIGURES:
        wanted = replace(base, **narrowing)
        figures.append(Figure(key, label, len(rows_filter(rows, wanted)), wanted.query(), unit))
    counted = rows_filter(rows, base)
    planned = sum((row.planned_investment for row in counted), Decimal(0))
    to_date = sum((row.verdict.plan_to_date for row in counted), Decimal(0))
    completed = sum((row.completed_investment for row in counted), Decimal(0))
    figures += [
        Figure("planned_investment", "年度计划投资", planned, base.query(), "万元"),
        Figure("plan_to_date", "序时计划投资", to_date, base.query(), "万元"),
        Figure(
            "completed_investment",
            rules.completed_label(rules.reporting_month(year, as_of)),
            completed,
            base.query(),
            "万元",
        ),
    ]
    return Summary(year=year, as_of=as_of, figures=figures)


def projects_stats(*, user: Any, as_of: date) -> dict[str, Any]:
    """`luoshi stats` section "projects": the ledger page's summary bar, through the same selectors."""
    year = as_of.year
    rows = ledger_rows(user, as_of=as_of, year=year)
    summary = ledger_summary(rows, LedgerFilters(year=year), year=year, as_of=as_of)
    counted = rows_filter(rows, LedgerFilters(year=year))
    by_stage: dict[str, int] = defaultdict(int)
    by_level: dict[str, int] = {level.value: 0 for level in Level}
    for row in counted:
        by_stage[row.stage_label] += 1
        by_level[row.level] += 1
    figures = {
        f.key: (str(f.value.quantize(Decimal("0.01"))) if isinstance(f.value, Decimal) else f.value)
        for f in summary.figures
    }
    reserve = reserve_pipeline(user, as_of=as_of)
    return {
        "as_of": as_of.isoformat(),
        "year": year,
        **figures,
        "on_track": sum(1 for row in counted if row.state == State.ON_TRACK),
        "completed": sum(1 for row in counted if row.state == State.COMPLETED),
        "by_level": by_level,
        "by_stage": dict(by_stage),
        "reserve": {"year": reserve.year, "total": reserve.total, "target": reserve.target},
    }


@dataclass
class Pipeline:
    year: int
    target: int | None
    total: int
    stages: list[tuple[str, int, str]]  # (stage, count, ledger query)
    units: list[tuple[str, int, list[int], str]]  # (unit, total, count per stage column, ledger query)
    stage_columns: list[tuple[str, str]]

    @property
    def missing(self) -> int:
        return max((self.target or 0) - self.total, 0)


def reserve_pipeline(user: User | object, *, as_of: date) -> Pipeline:
    """Next year's projects the user may see (谋划储备), by stage and by lead unit, against the
    target count the region set for its reserve."""
    year = as_of.year + 1
    rows = rows_filter(ledger_rows(user, as_of=as_of, year=year), LedgerFilters(year=year))
    scope = scope_for(user)
    regions = Region.objects.values_list("pk", flat=True) if scope.everything else scope.visible_region_ids
    # The target is a region's: shown to those who see the region whole, not to each unit.
    whole = Region.objects.values_list("pk", flat=True) if scope.everything else scope.region_ids
    targets = list(ReserveTarget.objects.filter(year=year, region_id__in=whole))
    target = sum(t.count for t in targets) if targets else None
    order = {
        stage.key: (stage.sort_order, stage.label)
        for stage in Stage.objects.filter(region_id__in=regions).order_by("-region_id")
    }
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.stage_key] += 1
        order.setdefault(row.stage_key, (999, row.stage_label))
    keys = sorted(order, key=lambda key: order[key])
    stages = [(order[key][1], counts[key], LedgerFilters(year=year, stage=key).query()) for key in keys]
    units: dict[tuple[int | None, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        units[(row.unit_id, row.unit_name)][row.stage_key] += 1
    unit_rows = [
        (
            name,
            sum(by_stage.values()),
            [by_stage.get(key, 0) for key in keys],
            LedgerFilters(year=year, unit=unit_id).query(),
        )
        for (unit_id, name), by_stage in sorted(units.items(), key=lambda pair: -sum(pair[1].values()))
    ]
    return Pipeline(year, target, len(rows), stages, unit_rows, [(key, order[key][1]) for key in keys])


def related_items_for(user: User | object, project: Project) -> QuerySet[Item]:
    """The items about the project (its blockers', the meeting's tasks) that the user may see."""
    return item_list_for(user).filter(concerned_projects=project).order_by("code")


def replacement_candidates(user: User | object, project: Project) -> list[Project]:
    """Projects of the same region and year that may take this one's place."""
    return list(
        project_list_for(user)
        .filter(item__region_id=project.item.region_id, item__year=project.item.year)
        .exclude(pk=project.pk)
        .exclude(item__status__in=SET_ASIDE)
        .select_related("item")
        .order_by("item__code")
    )


def site_photos_for(user: User | object) -> QuerySet[SitePhoto]:
    """The site photos the user may see: those of the projects the user may see."""
    return SitePhoto.objects.filter(project__in=project_list_for(user)).order_by("pk")


def site_visits_for(user: User | object, project: Project) -> list[SupervisionAction]:
    """The project's site visits the user may see, latest first, each with its photos."""
    return list(
        supervision_list_for(user)
        .filter(items=project.item, site_photos__project=project)
        .distinct()
        .prefetch_related(
            Prefetch("site_photos", queryset=SitePhoto.objects.filter(project=project), to_attr="photos")
        )
        .order_by("-held_on", "-pk")
    )
