"""The ground layer's nightly job: the planner's statistics (see maintenance)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from luoshi.core.maintenance import refresh_planner_statistics

logger = logging.getLogger("luoshi.core")


# After the nightly recomputation (01:30), which rewrites the colours of the day.
@db_periodic_task(crontab(hour="3", minute="15"))
def refresh_planner_statistics_nightly() -> None:
    if refresh_planner_statistics():
        logger.info("planner statistics refreshed")
