"""The daily watch of leads: follow-ups gone quiet, signed leads not landed (services.leads_watch)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from luoshi.core import clock
from luoshi.investment.models import Lead
from luoshi.investment.services import leads_watch
from luoshi.org.models import Region

logger = logging.getLogger("luoshi.investment")


# After the reminders of items (08:30), on every day: a company does not keep office hours.
@db_periodic_task(crontab(hour="8", minute="40"))
def watch_leads_daily() -> None:
    as_of = clock.today()
    for region in Region.objects.filter(pk__in=Lead.objects.values("region_id")):
        summary = leads_watch(region=region, as_of=as_of)
        logger.info(
            "leads of %s: %s reminded, %s warned, %s landing items opened",
            region,
            summary.reminded,
            summary.warned,
            summary.opened,
        )
