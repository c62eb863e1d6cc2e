"""Periodic jobs of the notifications app (found by huey's task discovery)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from luoshi.core import clock
from luoshi.notifications.reminders import reminders_send

logger = logging.getLogger("luoshi.notifications")


@db_periodic_task(crontab(hour="8", minute="30"))
def send_daily_reminders() -> None:
    sent = reminders_send(as_of=clock.today())
    logger.info("reminders sent: %s", sent)
