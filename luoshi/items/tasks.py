"""Jobs of the items app (found by huey's task discovery): large imports, and their cleanup."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from luoshi.items.import_jobs import import_job_run, import_jobs_clean

logger = logging.getLogger("luoshi.items")


# Not retried: a job that failed says why on its page, and the office uploads again.
@db_task()
def run_import_job(job_id: int) -> None:
    job = import_job_run(job_id=job_id)
    if job is not None:
        logger.info("import job %s: %s %s", job.pk, job.status, job.summary)


@db_periodic_task(crontab(minute="17"))
def clean_import_jobs() -> None:
    deleted = import_jobs_clean()
    if deleted:
        logger.info("import jobs: %s stored uploads deleted", deleted)
