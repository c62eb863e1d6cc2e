"""The daily purge of the audit log's rows past their retention (found by huey's task discovery)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from luoshi.audit.context import acting
from luoshi.audit.services import audit_purge
from luoshi.core import clock

logger = logging.getLogger("luoshi.audit")


@db_periodic_task(crontab(hour="3", minute="10"))
def purge_audit_log_daily() -> None:
    with acting("系统（每日清理审计日志）"):
        deleted = audit_purge(as_of=clock.today())
    logger.info("audit log: %s rows past their retention deleted", deleted)
