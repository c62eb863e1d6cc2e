"""The year's turn, read: the year's unfinished items, a carried item's lineage, and what the next
year still lacks (its rule set, its holidays)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from luoshi.alerts.models import RuleSet
from luoshi.core.selectors import work_calendar
from luoshi.items.models import ACTIVE_STATUSES, Item, ItemEvent, Status
from luoshi.org.models import Region
from luoshi.yearend.models import Carryover, YearClosing, YearRules

# Unfinished: work the units are still expected to do, or set aside for a while.
UNFINISHED_STATUSES = frozenset(ACTIVE_STATUSES | {Status.SUSPENDED})


def year_unfinished(*, region: Region, year: int) -> QuerySet[Item]:
    return (
        Item.objects.filter(region=region, year=year, status__in=UNFINISHED_STATUSES)
        .select_related("lead_unit", "patron_leader__person")
        .order_by("code")
    )


def year_closings(*, region: Region, year: int) -> QuerySet[YearClosing]:
    return YearClosing.objects.filter(region=region, year=year).select_related("closed_by")


@dataclass(frozen=True)
class Lineage:
    """Where a carried item came from (with the earlier item's timeline), or where it went."""

    carried_from: Item | None
    carried_to: Item | None
    history: list[ItemEvent]


def lineage_of(item: Item) -> Lineage | None:
    """The item's carry-over links, the earlier years' timelines newest first; None when it has none."""
    links = Carryover.objects.filter(to_item=item) | Carryover.objects.filter(from_item=item)
    found = {(link.from_item_id, link.to_item_id) for link in links}
    if not found:
        return None
    came = next((f for f, t in found if t == item.pk), None)
    went = next((t for f, t in found if f == item.pk), None)
    earlier: list[int] = []
    current = came
    while current is not None and current not in earlier and len(earlier) < 20:
        earlier.append(current)
        current = Carryover.objects.filter(to_item_id=current).values_list("from_item_id", flat=True).first()
    items = Item.objects.in_bulk([pk for pk in (came, went) if pk])
    history = list(
        ItemEvent.objects.filter(item_id__in=earlier).select_related("actor", "item").order_by("-at", "-id")
    )
    return Lineage(
        carried_from=items.get(came) if came else None,
        carried_to=items.get(went) if went else None,
        history=history,
    )


@dataclass(frozen=True)
class NextYear:
    year: int
    rules: YearRules | None  # the version the year adopted, once copied
    current_rules: RuleSet | None
    holidays_published: bool  # the official calendar of the year is known (package or overrides)
    overrides: int  # days of the year in the override table (节假日调整)
    waiting_for_holidays: bool  # not known yet, and the State Council's November notice is due


def next_year_status(*, region: Region, year: int, as_of: date) -> NextYear:
    """What `year` (the next year) has of its rules and calendar, seen on `as_of`."""
    calendar = work_calendar()
    published = calendar.is_published(year)
    overrides = sum(1 for day in calendar.overrides if day.year == year)
    return NextYear(
        year=year,
        rules=YearRules.objects.filter(region=region, year=year).select_related("rule_set").first(),
        current_rules=RuleSet.objects.filter(region=region).order_by("-version").first(),
        holidays_published=published,
        overrides=overrides,
        waiting_for_holidays=not published and as_of >= date(year - 1, 11, 1),
    )
