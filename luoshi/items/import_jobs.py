"""The import job: a sheet too large to import while the browser waits, run by the job worker.

It reads the upload back from the storage (the local disk, or object storage shared by several
servers), checks every row outside any transaction, telling its progress as it goes (each count a
statement of its own, so other users' writes never wait on the check), then writes in one short
transaction (services.items_import_write). The stored upload is deleted once the job has run;
`import_jobs_clean` (hourly) deletes what a job could not, and fails jobs a worker never finished.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from typing import IO

from django.conf import settings

from luoshi.core import clock
from luoshi.items import excel
from luoshi.items.models import FINISHED_IMPORT_STATUSES, ImportJob, ImportJobStatus
from luoshi.items.services.base import ServiceError
from luoshi.items.services.imports import items_import_check, items_import_write

logger = logging.getLogger("luoshi.items")

FAILED_BY_ERROR = "导入时系统出错，没有导入任何事项。请稍后重新上传；如仍出错，请联系系统管理员。"
FILE_GONE = "上传的表格已不在服务器上，没有导入任何事项。请重新上传。"
INTERRUPTED = "导入中断（例如服务器重启），没有导入任何事项。请重新上传。"
# A job that has not finished this long after it was queued never will: its worker stopped.
STALE_AFTER = timedelta(hours=6)
# An upload no job names (its job was never saved) is deleted once it is this old.
ORPHAN_AFTER = timedelta(hours=6)
FOLDER = "imports"


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run a queued job, once: a job already taken (the task delivered twice) is left alone."""
    taken = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.QUEUED).update(
        status=ImportJobStatus.CHECKING, started_at=clock.now()
    )
    if not taken:
        return None
    job = ImportJob.objects.select_related("region", "created_by").get(pk=job_id)
    try:
        _run(job)
    except ServiceError as error:
        _finish(job, ImportJobStatus.FAILED, errors=[error.message])
    except FileNotFoundError:
        _finish(job, ImportJobStatus.FAILED, errors=[FILE_GONE])
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(job, ImportJobStatus.FAILED, errors=[FAILED_BY_ERROR])
    finally:
        _forget_file(job)
    return job


def _run(job: ImportJob) -> None:
    limits = excel.ImportLimits.from_settings()
    with _local_copy(job) as source:
        result = excel.read_sheet(
            source,
            region=job.region,
            year=job.year,
            limits=limits,
            on_progress=partial(_progress, job.pk),
        )
    if not result.ok:
        _finish(
            job,
            ImportJobStatus.FAILED,
            errors=[str(error) for error in result.errors],
            not_listed=result.errors_not_listed,
        )
        return
    plan = items_import_check(
        actor=job.created_by,
        region=job.region,
        rows=result.rows,
        updates=result.updates,
        assign=job.assign,
        as_of=clock.today(),
    )
    del result  # the rows live on in the plan's items; the sheet's copy of them can go
    if job.dry_run:
        _finish(job, ImportJobStatus.DONE, summary=plan.outcome.message(assigned=job.assign, dry_run=True))
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.WRITING)
    outcome = items_import_write(plan)
    _finish(job, ImportJobStatus.DONE, summary=outcome.message(assigned=job.assign, dry_run=False))


@contextmanager
def _local_copy(job: ImportJob) -> Iterator[IO[bytes]]:
    """The stored upload as a local temporary file: openpyxl seeks all over a zip, and an object
    store's file is read once, in order."""
    with job.file.storage.open(job.file.name, "rb") as stored, tempfile.TemporaryFile() as local:
        shutil.copyfileobj(stored, local, excel.MB)
        local.seek(0)
        yield local


def _progress(job_id: int, rows: int, declared: int | None) -> None:
    ImportJob.objects.filter(pk=job_id).update(rows_checked=rows, rows_total=declared)


def _finish(
    job: ImportJob, status: str, *, summary: str = "", errors: Sequence[str] = (), not_listed: int = 0
) -> None:
    limit = settings.LUOSHI_IMPORT_MAX_ERRORS
    job.status = status
    job.summary = summary[:300]
    job.errors = list(errors[:limit])
    job.errors_not_listed = not_listed + max(0, len(errors) - limit)
    job.finished_at = clock.now()
    job.save(update_fields=["status", "summary", "errors", "errors_not_listed", "finished_at"])


def _forget_file(job: ImportJob) -> bool:
    """Delete the job's stored upload; False when the storage would not (the cleanup tries again)."""
    if not job.file:
        return True
    try:
        job.file.storage.delete(job.file.name)
    except Exception:  # a storage's own errors (disk, network, object store)
        logger.exception("import job %s: the upload %s could not be deleted", job.pk, job.file.name)
        return False
    ImportJob.objects.filter(pk=job.pk).update(file="")
    job.file.name = ""
    return True


def import_jobs_clean(*, now: datetime | None = None) -> int:
    """Fail the jobs a worker never finished, and delete every stored upload no running job needs:
    those of finished jobs, and those no job names. Returns how many files were deleted."""
    now = now or clock.now()
    for job in ImportJob.objects.exclude(status__in=FINISHED_IMPORT_STATUSES).filter(
        created_at__lt=now - STALE_AFTER
    ):
        _finish(job, ImportJobStatus.FAILED, errors=[INTERRUPTED])
    deleted = 0
    for job in ImportJob.objects.filter(status__in=FINISHED_IMPORT_STATUSES).exclude(file=""):
        deleted += _forget_file(job)
    storage = ImportJob._meta.get_field("file").storage
    try:
        _folders, files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return deleted
    named = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    for name in files:
        path = f"{FOLDER}/{name}"
        if path in named or storage.get_modified_time(path) > now - ORPHAN_AFTER:
            continue
        storage.delete(path)
        deleted += 1
    return deleted
