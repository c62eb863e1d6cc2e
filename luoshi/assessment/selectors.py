"""Reads of assessments, always for a user: the schemes, the rankings per group with each unit's
lines, a unit's own score, records, appeals, the county's place in the city (市考县), and the
`luoshi stats` section. A unit sees its own lines and the ranking of its groups; the office, the
leaders and the viewers of the county see every line; another county sees nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from luoshi.alerts.models import ItemColour
from luoshi.assessment import rules, scoring
from luoshi.assessment.models import (
    Appeal,
    CityCriterion,
    Criterion,
    Group,
    Record,
    Scheme,
    ScoreLine,
    ScoreRun,
)
from luoshi.assessment.scoring import Period
from luoshi.core.registry import BulletinPart
from luoshi.items.models import Verification
from luoshi.org.models import Region, Role, Unit, User
from luoshi.org.selectors import scope_for

UNIT_ROLES = (Role.UNIT_HEAD, Role.REPORTER)


def _unit_ids(user: User | object) -> set[int]:
    """The units the user works in (a head or reporter)."""
    return {seat.unit_id for seat in scope_for(user).seats if seat.role in UNIT_ROLES}


def _read_region_ids(user: User | object) -> set[int] | None:
    """The regions the user reads whole (None: every one)."""
    scope = scope_for(user)
    if scope.everything:
        return None
    return {region for seat in scope.seats if seat.role in rules.READERS for region in seat.covers}


def _read_regions(user: User | object, prefix: str = "") -> Q:
    """The rows of the regions the user reads whole (`prefix`: the path to the row's region)."""
    ids = _read_region_ids(user)
    return ~Q(pk=None) if ids is None else Q(**{f"{prefix}region_id__in": ids})


def scheme_list_for(user: User | object) -> QuerySet[Scheme]:
    """The schemes of the regions the user reads, and those that score one of the user's units."""
    mine = Group.units.through.objects.filter(unit_id__in=_unit_ids(user)).values("group__scheme_id")
    return Scheme.objects.filter(_read_regions(user) | Q(pk__in=mine)).select_related("region")


def scheme_detail_for(user: User | object, pk: int) -> Scheme:
    return scheme_list_for(user).get(pk=pk)


def scheme_groups(scheme: Scheme) -> list[Group]:
    return list(
        Group.objects.filter(scheme=scheme).prefetch_related("criteria", "units").order_by("sort_order", "pk")
    )


def latest_run(scheme: Scheme, period: Period | None = None) -> ScoreRun | None:
    """The period's latest computation (the latest period's, when none is given)."""
    runs = ScoreRun.objects.filter(scheme=scheme)
    if period is not None:
        runs = runs.filter(year=period.year, quarter=period.quarter)
    return (
        runs.order_by("-year", "-quarter", "-pk").first() if period is None else runs.order_by("-pk").first()
    )


def computed_periods(scheme: Scheme) -> list[Period]:
    pairs = ScoreRun.objects.filter(scheme=scheme).values_list("year", "quarter").distinct()
    return sorted({Period(year, quarter) for year, quarter in pairs}, reverse=True)


@dataclass
class RankedUnit:
    unit_id: int
    name: str
    total: Decimal
    max_total: Decimal
    rank: int
    trend: str
    lines: list[ScoreLine] = field(default_factory=list)  # empty where the user may not see them
    own: bool = False


@dataclass
class GroupRanking:
    group: Group
    criteria: list[Criterion]
    rows: list[RankedUnit]
    lines_shown: bool  # the user sees every unit's lines


def _totals(run: ScoreRun) -> dict[int, dict[int, Decimal]]:
    """group → unit → total of the run (the criteria belong to one group each)."""
    totals: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for group_id, unit_id, points in ScoreLine.objects.filter(run=run).values_list(
        "criterion__group_id", "unit_id", "points"
    ):
        totals[group_id][unit_id] += points
    return totals


def rankings(user: User | object, run: ScoreRun, *, with_lines: bool = True) -> list[GroupRanking]:
    """Each group's ranking of the run, with the trend against the previous period's latest run.
    The groups a unit user is not in are left out; a unit user sees only his own lines
    (`with_lines` False: nobody's, for a summary that shows only the totals)."""
    scheme = run.scheme
    whole = rules.reads_region(user, scheme.region_id)
    mine = _unit_ids(user)
    previous = latest_run(scheme, run.period.previous())
    before = _totals(previous) if previous else {}
    now = _totals(run)
    lines: dict[int, list[ScoreLine]] = defaultdict(list)
    shown = ScoreLine.objects.filter(run=run).select_related("criterion")
    if not whole:
        shown = shown.filter(unit_id__in=mine)
    if not with_lines:
        shown = shown.none()
    for line in shown.order_by("criterion__sort_order", "criterion_id"):
        lines[line.unit_id].append(line)
    result = []
    for group in scheme_groups(scheme):
        units = {unit.pk: unit for unit in group.units.all()}
        if not whole and not (mine & set(units)):
            continue
        criteria = list(group.criteria.all())
        max_total = sum((c.max_points for c in criteria), Decimal(0))
        earlier = {
            placed.key: placed.rank
            for placed in scoring.rank_totals(
                [
                    (pk, units[pk].short_name, total)
                    for pk, total in before.get(group.pk, {}).items()
                    if pk in units
                ]
            )
        }
        placed = scoring.rank_totals(
            [(pk, units[pk].short_name, now.get(group.pk, {}).get(pk, Decimal(0))) for pk in units], earlier
        )
        rows = [
            RankedUnit(
                p.key, p.name, p.total, max_total, p.rank, p.trend, lines.get(p.key, []), p.key in mine
            )
            for p in placed
        ]
        result.append(GroupRanking(group, criteria, rows, whole))
    return result


def unit_lines(user: User | object, unit: Unit, run: ScoreRun) -> list[ScoreLine]:
    """The unit's lines of the run; ScoreLine.DoesNotExist-free: empty when it is not scored."""
    if not rules.can_see_unit_lines(user, unit.pk, run.scheme.region_id):
        return []
    return list(
        ScoreLine.objects.filter(run=run, unit=unit)
        .select_related("criterion__group")
        .prefetch_related("appeals")
        .order_by("criterion__group__sort_order", "criterion__sort_order", "criterion_id")
    )


@dataclass(frozen=True)
class PeriodPlace:
    """A unit's total and place in its group for one computed period (its trend over the year)."""

    period: Period
    group: str
    total: Decimal
    rank: int
    peers: int
    trend: str


def unit_history(user: User | object, unit: Unit, scheme: Scheme) -> list[PeriodPlace]:
    if not rules.can_see_unit_lines(user, unit.pk, scheme.region_id):
        return []
    places = []
    for period in computed_periods(scheme):
        run = latest_run(scheme, period)
        if run is None:
            continue
        for ranking in rankings(user, run):
            row = next((row for row in ranking.rows if row.unit_id == unit.pk), None)
            if row is not None:
                places.append(
                    PeriodPlace(period, ranking.group.name, row.total, row.rank, len(ranking.rows), row.trend)
                )
    return places


def unit_detail_for(user: User | object, pk: int) -> Unit:
    """A unit whose lines the user may read (Unit.DoesNotExist otherwise)."""
    unit = Unit.objects.select_related("region").get(pk=pk)
    if not rules.can_see_unit_lines(user, unit.pk, unit.region_id):
        raise Unit.DoesNotExist
    return unit


def line_detail_for(user: User | object, pk: int) -> ScoreLine:
    line = ScoreLine.objects.select_related("run__scheme", "criterion", "unit").get(pk=pk)
    if not rules.can_see_unit_lines(user, line.unit_id, line.run.scheme.region_id):
        raise ScoreLine.DoesNotExist
    return line


SOURCE_WORDS = {
    "indicator": "考核指标",
    "item": "督办事项",
    "colour": "月度预警",
    "verification": "核实记录",
    "record": "加减分纪实",
}


@dataclass(frozen=True)
class Source:
    """Where a part of a line came from, in words, with the page that shows it."""

    words: str
    url: str = ""


def sources_of(lines: list[ScoreLine]) -> dict[str, Source]:
    """ "colour:12" → the words for it and the page of what it is about (the item of a colour or a
    verification, the indicator, the record). Two queries whatever the number of lines; each page
    checks permission again."""
    refs: dict[str, set[int]] = defaultdict(set)
    for line in lines:
        for part in line.parts:
            kind, _, pk = part.get("source", "").partition(":")
            if pk.isdigit():
                refs[kind].add(int(pk))
    items = {
        f"colour:{pk}": item_id
        for pk, item_id in ItemColour.objects.filter(pk__in=refs["colour"]).values_list("pk", "item_id")
    }
    items |= {
        f"verification:{pk}": item_id
        for pk, item_id in Verification.objects.filter(pk__in=refs["verification"]).values_list(
            "pk", "report__item_id"
        )
    }
    sources = {}
    for kind, pks in refs.items():
        for pk in pks:
            key = f"{kind}:{pk}"
            words = f"{SOURCE_WORDS.get(kind, kind)} {pk}"
            if kind == "indicator":
                sources[key] = Source(words, reverse("indicators:detail", args=[pk]))
            elif kind == "item":
                sources[key] = Source(words, reverse("items:detail", args=[pk]))
            elif key in items:
                sources[key] = Source(words, reverse("items:detail", args=[items[key]]))
            elif kind == "record":
                sources[key] = Source(words, reverse("assessment:records") + f"#record-{pk}")
            else:
                sources[key] = Source(words)
    return sources


def record_list_for(user: User | object) -> QuerySet[Record]:
    readable = _read_regions(user, "criterion__group__scheme__")
    return (
        Record.objects.filter(readable | Q(unit_id__in=_unit_ids(user)))
        .select_related("criterion__group__scheme", "unit", "created_by", "decided_by")
        .prefetch_related("files")
    )


def appeal_list_for(user: User | object) -> QuerySet[Appeal]:
    readable = _read_regions(user, "line__run__scheme__")
    return Appeal.objects.filter(readable | Q(unit_id__in=_unit_ids(user))).select_related(
        "line__criterion", "line__run__scheme", "unit", "filed_by", "decided_by"
    )


def manages_a_region(user: User | object) -> bool:
    """Whether the user is a county's supervision office (who keeps its schemes)."""
    return any(seat.role == Role.SUPERVISOR for seat in scope_for(user).seats)


def records_criteria(user: User | object) -> QuerySet[Criterion]:
    """The `records` criteria the user may add records to (his office's county's)."""
    managed = [seat.region_id for seat in scope_for(user).seats if seat.role == Role.SUPERVISOR]
    return (
        Criterion.objects.filter(method=scoring.Method.RECORDS, group__scheme__region_id__in=managed)
        .select_related("group__scheme")
        .order_by("-group__scheme__year", "group__sort_order", "sort_order")
    )


# ---------------------------------------------------------------------------------------------
# 市考县


@dataclass
class CityLine:
    criterion: CityCriterion
    position: scoring.Position | None  # None: the county's own points not entered
    scores: list[tuple[str, Decimal]]


def city_lines(user: User | object, region: Region, year: int) -> list[CityLine]:
    """The county's place in the city's assessment, criterion by criterion (for whoever reads the
    county whole)."""
    if not rules.reads_region(user, region.pk):
        return []
    lines = []
    for criterion in CityCriterion.objects.filter(region=region, year=year).prefetch_related("scores"):
        scores = [(score.county, score.points) for score in criterion.scores.all()]
        own = next((points for county, points in scores if county == region.name), None)
        others = [points for county, points in scores if county != region.name]
        position = scoring.position(own, others, max_points=criterion.max_points) if own is not None else None
        lines.append(CityLine(criterion, position, sorted(scores, key=lambda pair: (-pair[1], pair[0]))))
    return lines


def city_total(lines: list[CityLine], region: Region) -> scoring.Position | None:
    """The county's total place: its points summed over the criteria against each county's sum."""
    if not lines or any(line.position is None for line in lines):
        return None
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        for county, points in line.scores:
            sums[county] += points
    top = sum((line.criterion.max_points for line in lines), Decimal(0))
    own = sums.pop(region.name)
    return scoring.position(own, list(sums.values()), max_points=top)


def readable_regions(user: User | object) -> list[Region]:
    """The counties whose city assessment the user reads."""
    ids = _read_region_ids(user)
    regions = Region.objects.filter(level=Region.Level.COUNTY).order_by("code")
    return list(regions if ids is None else regions.filter(pk__in=ids))


# ---------------------------------------------------------------------------------------------
# `luoshi stats`


def latest_rankings(
    *, user: User | object, as_of: date, with_lines: bool = True
) -> list[tuple[Scheme, ScoreRun | None, list[GroupRanking]]]:
    """Each scheme of `as_of`'s year the user may see, with its latest period computed by `as_of`
    and that period's rankings: what `luoshi stats`, and a bulletin's ranking table, read."""
    result = []
    for scheme in scheme_list_for(user).filter(year=as_of.year).order_by("region__code", "name"):
        run = (
            ScoreRun.objects.filter(scheme=scheme, as_of__lte=as_of)
            .order_by("-year", "-quarter", "-pk")
            .first()
        )
        result.append((scheme, run, rankings(user, run, with_lines=with_lines) if run else []))
    return result


def assessment_stats(*, user: Any, as_of: date) -> dict[str, Any]:
    """The ranked units of each group of each scheme of `as_of`'s year the user may see, at the
    latest period computed by `as_of`; and the county's place in the city."""
    schemes = []
    for scheme, run, ranked in latest_rankings(user=user, as_of=as_of):
        entry: dict[str, Any] = {
            "region": scheme.region.name,
            "scheme": scheme.name,
            "period": None,
            "groups": [],
        }
        if run is not None:
            entry["period"] = run.period.label
            entry["groups"] = [
                {
                    "group": ranking.group.name,
                    "units": [
                        {"rank": row.rank, "unit": row.name, "score": float(row.total), "trend": row.trend}
                        for row in ranking.rows
                    ],
                }
                for ranking in ranked
            ]
        schemes.append(entry)
    city = []
    for region in readable_regions(user):
        lines = city_lines(user, region, as_of.year)
        total = city_total(lines, region)
        if not lines:
            continue
        city.append(
            {
                "region": region.name,
                "rank": total.rank if total else None,
                "peers": total.peers if total else None,
                "criteria": [
                    {
                        "criterion": line.criterion.name,
                        "points": float(line.position.points),
                        "max_points": float(line.criterion.max_points),
                        "rank": line.position.rank,
                        "peers": line.position.peers,
                        "gap_to_next": float(line.position.gap_to_next)
                        if line.position.gap_to_next is not None
                        else None,
                    }
                    for line in lines
                    if line.position is not None
                ],
            }
        )
    return {"schemes": schemes, "city": city}


# ---------------------------------------------------------------------------------------------
# The bulletin's ranking table and the dashboard's panel (both from latest_rankings)

PANEL_ENDS = 3  # the dashboard shows each group's first and last this many


def _score(total: Decimal) -> str:
    return scoring.figure(total)


def bulletin_part(*, user: Any, as_of: date) -> BulletinPart | None:
    """The assessment's part of a bulletin: each group's first and last place of the latest period
    computed by `as_of`, the last places again under 存在问题, and every group's ranking as an
    annex (名次, 单位, 得分, 趋势)."""
    found = [
        (scheme, run, ranked)
        for scheme, run, ranked in latest_rankings(user=user, as_of=as_of, with_lines=False)
        if run and ranked
    ]
    if not found:
        return None
    many = len({scheme.region_id for scheme, _run, _ranked in found}) > 1
    paragraphs, problems, rows = [], [], []
    for scheme, run, ranked in found:
        where = f"{scheme.region.name}" if many else ""
        ends, lasts = [], []
        for ranking in ranked:
            group = f"{where}{ranking.group.name}"
            if not ranking.rows:
                continue
            first, last = ranking.rows[0], ranking.rows[-1]

            def names(rank: int, rows: list[RankedUnit] = ranking.rows) -> str:
                return "、".join(row.name for row in rows if row.rank == rank)  # the tied, all named

            text = f"{group}第一名{names(first.rank)}（{_score(first.total)}分）"
            if last.rank > first.rank:
                text += f"，末位{names(last.rank)}（{_score(last.total)}分）"
                lasts.append(f"{group}{names(last.rank)}")
            ends.append(text)
            rows += [
                (group, str(row.rank), row.name, _score(row.total), row.trend or "—") for row in ranking.rows
            ]
        paragraphs.append(f"{run.period.label}考核（{scheme.name}）：{'；'.join(ends)}。")
        if lasts:
            problems.append(
                f"{run.period.label}考核排名末位的单位：{'；'.join(lasts)}，要对照失分项逐项查找原因、限期提升。"
            )
    return BulletinPart(
        title="考核排名",
        paragraphs=tuple(paragraphs),
        problems=tuple(problems),
        table_title=f"{found[0][1].period.label}考核排名" if len(found) == 1 else "考核排名",
        columns=("考核组", "名次", "单位", "得分", "趋势"),
        rows=tuple(rows),
    )


@dataclass(frozen=True)
class PanelGroup:
    """One group on the dashboard: its first and last units with their trend, and the page."""

    title: str
    period: str
    url: str
    top: list[RankedUnit]
    bottom: list[RankedUnit]
    peers: int


def dashboard_panel(*, user: Any, as_of: date) -> list[PanelGroup]:
    """Each group's first and last units of the latest period computed by `as_of`, for the county
    dashboard, as the user may see them; each links to its ranking page."""
    panel = []
    found = latest_rankings(user=user, as_of=as_of, with_lines=False)
    many = len({scheme.region_id for scheme, _run, _ranked in found}) > 1
    for scheme, run, ranked in found:
        if run is None:
            continue
        url = f"{reverse('assessment:rankings')}?scheme={scheme.pk}&period={run.period.key}"
        for ranking in ranked:
            top = ranking.rows[:PANEL_ENDS]
            bottom = ranking.rows[max(PANEL_ENDS, len(ranking.rows) - PANEL_ENDS) :]
            title = f"{scheme.region.name if many else ''}{ranking.group.name}"
            panel.append(PanelGroup(title, run.period.label, url, top, bottom, len(ranking.rows)))
    return panel
