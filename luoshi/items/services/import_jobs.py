"""A sheet too large to import while the browser waits becomes a job (luoshi.items.import_jobs)."""

from __future__ import annotations

from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from luoshi.items import rules
from luoshi.items.models import ImportJob
from luoshi.items.services.base import ensure
from luoshi.items.tasks import run_import_job
from luoshi.org.models import Region, User


def import_job_start(
    *, actor: User, region: Region, upload: UploadedFile, year: int, assign: bool, dry_run: bool
) -> ImportJob:
    """Keep the upload in the storage and queue the job that checks and imports it.

    The file is stored before the transaction (storing it locks nothing) and deleted again if the
    job cannot be saved; the job is queued once it is saved.
    """
    ensure(rules.can_create_item(actor, region.pk), "只有督查办可以导入事项。")
    job = ImportJob(
        region=region,
        created_by=actor,
        original_name=(upload.name or "")[:200],
        size=upload.size or 0,
        year=year,
        assign=assign,
        dry_run=dry_run,
    )
    upload.seek(0)
    job.file.save(upload.name or "import.xlsx", upload, save=False)
    try:
        with transaction.atomic():
            job.save()
            transaction.on_commit(partial(run_import_job, job.pk))
    except BaseException:
        job.file.delete(save=False)
        raise
    return job
