"""The nightly recomputation: colours follow the passing of time."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from luoshi.core import clock

logger = logging.getLogger("luoshi.alerts")


@db_periodic_task(crontab(hour="1", minute="30"))
def recompute_colours_nightly() -> None:
    from luoshi.alerts.services import colours_recompute

    summary = colours_recompute(as_of=clock.today())
    logger.info(
        "colours recomputed: %s items, %s changed, %s proposals",
        summary.computed,
        summary.changed,
        summary.proposals,
    )
