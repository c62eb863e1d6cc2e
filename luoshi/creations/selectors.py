"""Reads of honour creations and on-site meetings, always scoped to the acting user (through
items.selectors.item_list_for). The ledger page, its figures and `luoshi stats` all come from
`creation_rows` and `meeting_rows`: a creation's stage on a day is read from its history, so the
figures of any day are those the ledger showed that day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from luoshi.creations.models import (
    KIND,
    MEETING_KIND,
    SET_ASIDE,
    Creation,
    Level,
    MeetingLevel,
    OnSiteMeeting,
    Origin,
    Site,
    StageChange,
    StagePlan,
)
from luoshi.creations.stages import GROUP_LABELS, Group, Stage, group_of, late
from luoshi.items.models import Status
from luoshi.items.selectors import item_list_for
from luoshi.org.models import User
from luoshi.org.selectors import scope_for


def creation_list_for(user: User | object) -> QuerySet[Creation]:
    return Creation.objects.filter(item__in=item_list_for(user).filter(kind=KIND).values("pk"))


def creation_detail_for(user: User | object, pk: int) -> Creation:
    """Creation.DoesNotExist for a creation the user may not see (the view answers 404)."""
    return (
        creation_list_for(user)
        .select_related(
            "item__region", "item__lead_unit", "item__patron_leader__person", "template", "previous__item"
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class Row:
    creation: Creation
    stage: Stage  # as of the day asked
    group: Group
    stage_on: date  # the day it reached that stage
    late: tuple[Stage, date] | None = None  # the first stage ahead whose expected day has passed

    @property
    def item(self) -> Any:
        return self.creation.item


def stage_on(changes: list[StageChange], as_of: date) -> tuple[Stage, date] | None:
    """The stage a creation's history says it was at on `as_of` (None: not yet in the ledger)."""
    reached = [change for change in changes if change.on <= as_of]
    if not reached:
        return None
    last = reached[-1]
    return Stage(last.to_stage), last.on


def creation_rows(user: User | object, *, as_of: date, year: int | None = None) -> list[Row]:
    """The year's creations the user may see, each at its stage on `as_of`, in the speech's groups,
    with the first of its expected days that has passed (three queries, whatever the number of
    creations). A creation the office took out of the list (its item withdrawn or replaced, not
    for a failure) is not in it."""
    year = year or as_of.year
    creations = list(
        creation_list_for(user)
        .filter(item__year=year)
        .exclude(Q(item__status__in=SET_ASIDE) & ~Q(stage=Stage.FAILED))
        .select_related("item__lead_unit", "item__patron_leader__person", "template")
        .order_by("item__code")
    )
    ids = [c.pk for c in creations]
    history: dict[int, list[StageChange]] = defaultdict(list)
    for change in StageChange.objects.filter(creation__in=ids).order_by("on", "pk"):
        history[change.creation_id].append(change)
    plans: dict[int, dict[str, date]] = defaultdict(dict)
    for creation_id, stage, day in StagePlan.objects.filter(creation__in=ids).values_list(
        "creation_id", "stage", "expected_on"
    ):
        plans[creation_id][stage] = day
    rows = []
    for creation in creations:
        found = stage_on(history[creation.pk], as_of)
        if found is None:
            continue
        stage, on = found
        group = group_of(stage, expected_award=creation.expected_award, as_of=as_of)
        rows.append(
            Row(
                creation, stage, group, on, late(creation.template.template, stage, plans[creation.pk], as_of)
            )
        )
    rows.sort(key=lambda row: (list(Group).index(row.group), row.creation.item.code))
    return rows


def grouped(rows: list[Row]) -> list[tuple[Group, list[Row]]]:
    """The rows by group, every group listed (an empty one says so)."""
    return [(group, [row for row in rows if row.group == group]) for group in Group]


def creations_stats(*, user: Any, as_of: date) -> dict[str, Any]:
    """`luoshi stats` section "creations": the year's creations by the speech's groups, by level
    and by how they came into the year's list, as the ledger page counts them."""
    rows = creation_rows(user, as_of=as_of)
    by_group = {group.value: 0 for group in Group}
    by_level = {level.value: 0 for level in Level}
    by_origin = {origin.value: 0 for origin in Origin}
    for row in rows:
        by_group[row.group] += 1
        by_level[row.creation.level] += 1
        by_origin[row.creation.origin] += 1
    return {
        "as_of": as_of.isoformat(),
        "year": as_of.year,
        "total": len(rows),
        "planned_at_start": by_origin[Origin.PLANNED],
        "added": by_origin[Origin.ADDED],
        "carried_over": by_origin[Origin.CARRIED_OVER],
        "awarded": by_group[Group.AWARDED],
        "late": sum(row.late is not None for row in rows),
        "by_group": by_group,
        "group_labels": {group.value: label for group, label in GROUP_LABELS.items()},
        "by_level": by_level,
    }


# ---------------------------------------------------------------------------------------------
# On-site meetings


def meeting_list_for(user: User | object) -> QuerySet[OnSiteMeeting]:
    """The meetings whose item the user sees, and those the user's units ready a site of (a town
    hosting a site sees the meeting, though not its item: the lead unit's work)."""
    visible = Q(item__in=item_list_for(user).filter(kind=MEETING_KIND).values("pk"))
    units = scope_for(user).unit_ids
    if units:
        hosting = Site.objects.filter(unit_id__in=units).values("meeting_id")
        visible |= Q(pk__in=hosting) & ~Q(item__status=Status.DRAFT)
    return OnSiteMeeting.objects.filter(visible)


def meeting_detail_for(user: User | object, pk: int) -> OnSiteMeeting:
    return (
        meeting_list_for(user)
        .select_related("item__region", "item__lead_unit", "item__patron_leader__person")
        .get(pk=pk)
    )


def meeting_rows(user: User | object, *, as_of: date, year: int | None = None) -> list[OnSiteMeeting]:
    """The year's meetings (not withdrawn), planned first by day, with their sites and checks."""
    year = year or as_of.year
    return list(
        meeting_list_for(user)
        .filter(item__year=year)
        .exclude(item__status__in=(Status.WITHDRAWN, Status.REPLACED))
        .select_related("item__lead_unit", "item__patron_leader__person")
        .prefetch_related("sites__project_item", "sites__checks")
        .order_by("planned_on", "item__code")
    )


def held_by(meeting: OnSiteMeeting, as_of: date) -> bool:
    return meeting.held_on is not None and meeting.held_on <= as_of


def onsite_stats(*, user: Any, as_of: date) -> dict[str, Any]:
    """`luoshi stats` section "onsite_meetings": the year's meetings planned against held, by level."""
    meetings = meeting_rows(user, as_of=as_of)
    by_level = {level.value: {"planned": 0, "held": 0} for level in MeetingLevel}
    for meeting in meetings:
        by_level[meeting.level]["planned"] += 1
        by_level[meeting.level]["held"] += held_by(meeting, as_of)
    return {
        "as_of": as_of.isoformat(),
        "year": as_of.year,
        "planned": len(meetings),
        "held": sum(held_by(meeting, as_of) for meeting in meetings),
        "due_by_now": sum(meeting.planned_on <= as_of for meeting in meetings),
        "by_level": by_level,
    }
