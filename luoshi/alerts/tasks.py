"""The nightly recomputation: colours follow the passing of time.

The periodic job only fans out: one job per region that holds items, so a city's or a
province's counties are recomputed side by side by as many workers as the queue runs.
"""

from __future__ import annotations

import logging
from datetime import date

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from luoshi.alerts.services import colours_recompute, regions_to_rate
from luoshi.core import clock
from luoshi.org.models import Region

logger = logging.getLogger("luoshi.alerts")


@db_periodic_task(crontab(hour="1", minute="30"))
def recompute_colours_nightly() -> None:
    as_of = clock.today()
    regions = regions_to_rate()
    for region in regions:
        recompute_region_colours(region.pk, as_of)
    logger.info("colours: %s regions queued for %s", len(regions), as_of)


# A job that fails half way has stored whole batches; run again, it finishes the rest.
@db_task(retries=2, retry_delay=300)
def recompute_region_colours(region_id: int, as_of: date) -> None:
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        return
    summary = colours_recompute(as_of=as_of, region=region)
    logger.info(
        "colours recomputed in %s: %s items, %s changed, %s proposals",
        region,
        summary.computed,
        summary.changed,
        summary.proposals,
    )
