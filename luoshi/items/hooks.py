"""What items tell the layers above them, after the change has committed.

- `items_changed`: some items changed in a way their colour may follow (alerts recomputes them).
- `notice_published`: somebody should be told (the notifications app delivers it: in the app, by
  email, to the unit's 企业微信 / 钉钉 group).
- `item_action_refusal` (asked before a change): whether a ledger refuses a step of the life cycle
  on one of its items (a creation's item is completed by its award, not on the unit's request).
- `items_assigned`, `report_submitted`: items were assigned (交办), a progress report reached the
  office (进展上报); the webhooks app tells the systems a region subscribed.

Items decides *what* happened and *who* should hear of it; it never imports those who listen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from luoshi.core.hooks import Hook

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from luoshi.items.models import Item, SupervisionAction
    from luoshi.items.selectors import ItemFilters


@dataclass(frozen=True)
class ItemsChanged:
    item_ids: frozenset[int]
    as_of: date


items_changed: Hook[ItemsChanged] = Hook("items.changed")


def items_changed_on_commit(*, item_ids: Iterable[int | None], as_of: date) -> None:
    ids = frozenset(pk for pk in item_ids if pk is not None)
    if ids:
        items_changed.send_on_commit(ItemsChanged(item_ids=ids, as_of=as_of))


@dataclass(frozen=True)
class ItemsAssigned:
    item_ids: frozenset[int]
    at: datetime


items_assigned: Hook[ItemsAssigned] = Hook("items.assigned")


def items_assigned_on_commit(*, item_ids: Iterable[int | None], at: datetime) -> None:
    ids = frozenset(pk for pk in item_ids if pk is not None)
    if ids:
        items_assigned.send_on_commit(ItemsAssigned(item_ids=ids, at=at))


@dataclass(frozen=True)
class ReportSubmitted:
    """A report that reached the supervision office: sent by its unit, or approved by its head."""

    report_id: int
    at: datetime


report_submitted: Hook[ReportSubmitted] = Hook("items.report_submitted")


@dataclass(frozen=True)
class Audience:
    """Who a notice is for, in the organisation's terms; resolved to accounts when delivered."""

    unit_id: int | None = None  # people of this unit …
    roles: tuple[str, ...] = ()  # … with these roles (all roles when empty)
    supervisors_of_region: int | None = None  # the supervision office of this region
    leader_id: int | None = None  # the accounts of this leader
    user_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Notice:
    audience: tuple[Audience, ...]
    title: str
    body: str = ""
    item_id: int | None = None
    actor_id: int | None = None  # never told of their own action
    group_unit_id: int | None = None  # also post to this unit's group robots …
    group_text: str = ""  # … with this text


notice_published: Hook[Notice] = Hook("items.notice")


def notice_publish(
    *audience: Audience,
    title: str,
    body: str = "",
    item_id: int | None = None,
    actor_id: int | None = None,
    group_unit_id: int | None = None,
    group_text: str = "",
) -> None:
    """Tell the audience once the current transaction has committed."""
    notice_published.send_on_commit(
        Notice(
            audience=tuple(audience),
            title=title,
            body=body,
            item_id=item_id,
            actor_id=actor_id,
            group_unit_id=group_unit_id,
            group_text=group_text,
        )
    )


@dataclass(frozen=True)
class ActionAsked:
    item: Item
    action: str  # an items.workflow.Action value


# Whether the item's ledger refuses an action of the life cycle on it, the life cycle and the role
# allowing it: each receiver answers with the refusal in Chinese, or "" when it has nothing against
# it. item_take refuses the action and the item's page offers no button for it.
item_action_refusal: Hook[ActionAsked] = Hook("items.action_refusal")


def ledger_refusal(item: Item, action: str) -> str:
    """The first refusal of `action` on `item` by its ledger; "" when none refuses."""
    answers = item_action_refusal.collect(ActionAsked(item=item, action=str(action)))
    return next((str(answer) for answer in answers if answer), "")


# Parts of an item's page that other apps add (the words of the speech it came from, a ledger's
# detail): each receiver answers with rendered HTML, or "" when it has nothing for this item.
item_page_sections: Hook[Item] = Hook("items.page_sections")

# Parts of a supervision action's page that other apps add (a site visit's photos), the same way.
supervision_page_sections: Hook[SupervisionAction] = Hook("items.supervision_page_sections")


@dataclass(frozen=True)
class ListQuery:
    items: QuerySet[Item]
    filters: ItemFilters
    today: date


# Filters of the item list on data other apps keep: each receiver answers with `items` narrowed.
item_list_narrowed: Hook[ListQuery] = Hook("items.list_narrowed")
