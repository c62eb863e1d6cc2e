"""The monthly job: on the 1st, each county's supervision office finds a draft of last month's
bulletin, drafted from the data as of the month's last day (found by huey's task discovery)."""

from __future__ import annotations

import logging
from datetime import date

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from luoshi.bulletins.models import Bulletin, PeriodKind
from luoshi.bulletins.periods import previous_month
from luoshi.bulletins.services import bulletin_draft
from luoshi.core import clock
from luoshi.notifications.delivery import notify, region_supervisors
from luoshi.org.models import Region

logger = logging.getLogger("luoshi.bulletins")


def monthly_drafts(*, today: date) -> list[Bulletin]:
    """A draft of the month before `today` for every county that has none yet (a rerun adds nothing)."""
    period = previous_month(today)
    made = []
    for region in Region.objects.filter(level=Region.Level.COUNTY):
        if Bulletin.objects.filter(
            region=region, period_kind=PeriodKind.MONTH, period_start=period.start
        ).exists():
            continue
        bulletin = bulletin_draft(actor=None, region=region, period=period, as_of=period.end, today=today)
        notify(
            region_supervisors(region.pk),
            item=None,
            title=f"{period.label}督查通报已起草",
            body=f"系统已按截至{period.end:%Y-%m-%d}的数据起草通报，请审改后印发：/bulletins/{bulletin.pk}/",
        )
        made.append(bulletin)
    return made


# After the nightly recomputation (01:30) of the 1st, so the month's last colours are in.
@db_periodic_task(crontab(day="1", hour="6", minute="0"))
def draft_monthly_bulletins() -> None:
    made = monthly_drafts(today=clock.today())
    logger.info("bulletins drafted: %s", len(made))
