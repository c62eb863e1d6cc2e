"""Reads of colours: an item's months, the proposals waiting for the office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, CharField, F, Q, QuerySet, When

from luoshi.alerts.models import ItemColour, Proposal, ProposalStatus
from luoshi.alerts.services import current_rule_set, month_of
from luoshi.core.selectors import work_calendar
from luoshi.items.hooks import ListQuery
from luoshi.items.models import ACTIVE_STATUSES, DONE_STATUSES, Colour, Item
from luoshi.items.selectors import item_list_for, month_as_of, not_reported
from luoshi.org.models import Role, User
from luoshi.org.selectors import scope_for


@dataclass(frozen=True)
class Month:
    period: date
    colour: str
    reason: str
    assessed: bool
    caught_up: bool  # a red month shown yellow because the item caught up later (a rule option)


def colour_history(item: Item) -> list[Month]:
    """The item's colour month by month, as each month left it."""
    rows = list(ItemColour.objects.filter(item=item).order_by("period"))
    rule_set = current_rule_set(item.region_id)
    caught_up_rule = bool(rule_set and rule_set.caught_up_shows_yellow)
    latest = rows[-1].colour if rows else ""
    months = []
    for row in rows:
        colour = row.colour
        caught_up = (
            caught_up_rule
            and colour == Colour.RED
            and latest in (Colour.GREEN, Colour.YELLOW)
            and row is not rows[-1]
        )
        months.append(
            Month(
                period=row.period,
                colour=Colour.YELLOW if caught_up else colour,
                reason=row.assessed_reason or row.computed_reason,
                assessed=bool(row.assessed),
                caught_up=caught_up,
            )
        )
    return months


def pending_proposals_for(user: User) -> QuerySet[Proposal]:
    """Consequences waiting for the user's supervision office to confirm, for items under way."""
    regions = [seat.region_id for seat in scope_for(user).seats if seat.role == Role.SUPERVISOR]
    proposals = Proposal.objects.filter(
        status=ProposalStatus.PROPOSED, item__in=item_list_for(user).values("pk")
    )
    if not scope_for(user).everything:
        proposals = proposals.filter(item__region_id__in=regions)
    return proposals.select_related("item__lead_unit", "item__patron_leader__person").order_by(
        "-proposed_on", "-id"
    )


def shown_colour() -> Case:
    """The colour lists show: the office's assessment where there is one, else the computed one."""
    return Case(When(~Q(assessed=""), then=F("assessed")), default=F("computed"), output_field=CharField())


def month_filter(query: ListQuery) -> QuerySet[Item]:
    """Filter by a month's snapshot: its colour, its status, its overdue flags (the dashboard's
    figures). Receiver of items' `item_list_narrowed` hook."""
    items, filters, today = query.items, query.filters, query.today
    if not filters.by_month:
        return items
    period = month_of(filters.month or today)
    if filters.report_overdue:
        # 本期未报送 is decided where 我的工作 decides it, not by the snapshot's flag.
        owed = not_reported(items, as_of=month_as_of(period, today=today), calendar=work_calendar())
        items = items.filter(pk__in=[entry.item.pk for entry in owed])
        if not (filters.status or filters.colour or filters.overdue):
            return items  # not a figure of the snapshot: nothing more to filter by
    rows = ItemColour.objects.filter(period=period).annotate(shown=shown_colour())
    if filters.status == "active":
        rows = rows.filter(status__in=list(ACTIVE_STATUSES))
    elif filters.status == "done":
        rows = rows.filter(status__in=list(DONE_STATUSES))
    elif filters.status:
        rows = rows.filter(status=filters.status)
    if filters.colour == "none":
        rows = rows.filter(shown="")
    elif filters.colour in Colour.values:
        rows = rows.filter(shown=filters.colour)
    if filters.overdue:
        rows = rows.filter(deadline_overdue=True)
    return items.filter(pk__in=rows.values("item_id"))
