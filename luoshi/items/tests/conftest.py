from __future__ import annotations

from datetime import date

import pytest

from luoshi.items.models import Item, ProgressReport, ReportStatus, Status
from luoshi.items.services.reports import _refresh_progress
from luoshi.items.tests.factories import ItemFactory
from luoshi.org.models import Unit, User

AS_OF = date(2023, 7, 25)


@pytest.fixture
def wenlvju(zhashui) -> Unit:
    return Unit.objects.get(region=zhashui, short_name="县文旅局")


@pytest.fixture
def fagaiju_item(zhashui, fagaiju, wenlvju, deputy_fengrui) -> Item:
    """An item 县发改局 leads and 县文旅局 supports, patronned by 冯锐, assigned on 3 July."""
    return ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        support_units=[wenlvju],
        patron_leader=deputy_fengrui,
        title="溶洞互通式立交开工",
    )


@pytest.fixture
def other_item(zhashui) -> Item:
    """An item of 县财政局, which a 县发改局 reporter must not see."""
    return ItemFactory(
        region=zhashui,
        lead_unit=Unit.objects.get(region=zhashui, short_name="县财政局"),
        title="债券资金争取",
    )


def submitted_report(
    item: Item, author: User, *, period_start: date = date(2023, 7, 1), percent: int = 40
) -> ProgressReport:
    report = ProgressReport.objects.create(
        item=item,
        unit=item.lead_unit,
        period_start=period_start,
        period_end=date(period_start.year, period_start.month, 28),
        due_on=date(period_start.year, period_start.month, 25),
        done="已完成前期手续",
        percent=percent,
        confidence="green",
        author=author,
        status=ReportStatus.SUBMITTED,
        submitted_at="2023-07-20T10:00:00+08:00",
    )
    _refresh_progress(item)  # as the report services do: the item shows it, the office's queue holds it
    return report


def set_status(item: Item, status: str, **fields: object) -> Item:
    Item.objects.filter(pk=item.pk).update(status=status, **fields)
    item.refresh_from_db()
    return item


__all__ = ["AS_OF", "Status", "set_status", "submitted_report"]
