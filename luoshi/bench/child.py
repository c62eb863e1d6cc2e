"""The measurements that need a process of their own, for their peak memory: the recomputation of
the colours, the import of a sheet, the web export. `luoshi bench` starts one child per run
(`--child OP`), with DATABASE_URL and LUOSHI_DATA_DIR pointing at the benchmark's database; the
child refuses any other. It prints one line, BENCH-RESULT {json}, and the parent reads it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.test import Client
from django.urls import reverse

import luoshi
from luoshi.alerts.services import colours_recompute
from luoshi.bench.builder import AS_OF, YEAR
from luoshi.bench.database import BenchDatabase, is_bench_database
from luoshi.bench.environment import bench_environment, peak_rss_mb
from luoshi.bench.timing import timed
from luoshi.items.import_jobs import import_job_run
from luoshi.items.models import ImportJob, ImportJobStatus, Item
from luoshi.notifications.models import Notification
from luoshi.org.models import Region, User

MARK = "BENCH-RESULT "


class ChildError(RuntimeError):
    pass


def run_child(op: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in this process (the child), on the benchmark's database only."""
    if not is_bench_database(settings.DATABASES["default"]):
        raise ChildError("luoshi bench --child 只在基准测试自己的数据库上运行。")
    with bench_environment(Path(settings.DATA_DIR)):
        return OPS[op](args)


def measured(call: Callable[[], Any], timeout: float | None) -> dict[str, Any]:
    """`call` timed, with the peak memory of this process around it."""
    baseline = peak_rss_mb()
    run = timed(call, timeout)
    answer = {
        "ms": run.ms,
        "queries": run.queries,
        "timed_out": run.timed_out,
        "baseline_mb": baseline,
        "peak_mb": peak_rss_mb(),
        "value": run.value,
    }
    return answer


def _recompute(args: dict[str, Any]) -> dict[str, Any]:
    region = Region.objects.get(pk=args["region"]) if args.get("region") else None
    answer = measured(lambda: colours_recompute(as_of=AS_OF, region=region), args.get("timeout"))
    summary = answer.pop("value")
    if summary is not None:
        answer |= {"rows": summary.computed, "detail": f"{summary.computed} rated, {summary.changed} changed"}
    return answer


def _import(args: dict[str, Any]) -> dict[str, Any]:
    client = Client()
    client.force_login(User.objects.get(username=args["username"]))
    last_item = Item.objects.aggregate(m=Max("pk"))["m"] or 0
    last_notice = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
    last_job = ImportJob.objects.aggregate(m=Max("pk"))["m"] or 0

    def imported(sheet: IO[bytes]) -> Any:
        """The upload, and the job it queued when the sheet is too large for the request (run here,
        as the worker would run it, instead of by a worker reading the queue)."""
        response = client.post(reverse("items:import"), {"file": sheet, "year": YEAR, "assign": "on"})
        for job in ImportJob.objects.filter(pk__gt=last_job):
            import_job_run(job_id=job.pk)
        return response

    with open(args["path"], "rb") as sheet:
        answer = measured(partial(imported, sheet), args.get("timeout"))
    response = answer.pop("value")
    answer["rows"] = Item.objects.filter(pk__gt=last_item).count()
    job = ImportJob.objects.filter(pk__gt=last_job).first()
    if response is not None:
        answer["status"] = response.status_code
    if job is not None:
        answer["detail"] = f"job {job.get_status_display()}: {job.summary}"
        if job.status != ImportJobStatus.DONE and not answer["timed_out"]:
            answer["error"] = f"job {job.get_status_display()}: " + "；".join(job.errors[:3])
    elif response is not None and response.status_code != 302:
        text = response.content.decode("utf-8", "replace")
        found = re.findall(r"第\d+行[^<]{0,80}|无法[^<]{0,80}|只有[^<]{0,40}|表格[^<]{0,80}", text)
        answer["error"] = f"HTTP {response.status_code}: " + "；".join(found[:3])
    # The next run imports into the county as it was: what this one made goes.
    with transaction.atomic():
        Notification.objects.filter(pk__gt=last_notice).delete()
        Item.objects.filter(pk__gt=last_item).delete()
        ImportJob.objects.filter(pk__gt=last_job).delete()
    return answer


def _export(args: dict[str, Any]) -> dict[str, Any]:
    client = Client()
    client.force_login(User.objects.get(username=args["username"]))
    address = reverse("items:export") + (f"?{args['query']}" if args.get("query") else "")

    def fetched() -> tuple[Any, int]:
        # A streamed file is only made while it is read: the time includes reading it all.
        response: Any = client.get(address)
        if getattr(response, "streaming", False):
            return response, sum(len(bytes(chunk)) for chunk in response.streaming_content)
        return response, len(response.content)

    answer = measured(fetched, args.get("timeout"))
    value = answer.pop("value")
    response, size = value if value is not None else (None, 0)
    if response is not None:
        answer["status"] = response.status_code
        answer["detail"] = f"{size} bytes"
        if response.status_code != 200:
            answer["error"] = f"HTTP {response.status_code}"
    return answer


OPS = {"recompute": _recompute, "import": _import, "export": _export}


def spawn(database: BenchDatabase, op: str, args: dict[str, Any], *, timeout: float) -> dict[str, Any]:
    """Run `op` in a fresh process on the benchmark's database, stopped after `timeout` seconds;
    its answer, or {"error": …}."""
    args = {**args, "timeout": timeout}
    env = database.child_environment()
    # The child imports this very luoshi (a worktree, a checkout), whatever its working directory.
    package_root = str(Path(luoshi.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    command = [sys.executable, "-m", "luoshi.cli", "bench", "--child", op, "--child-args", json.dumps(args)]
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and command
            command, env=env, capture_output=True, text=True, timeout=timeout + 300, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"did not stop {timeout:.0f} s after its time was up"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(MARK):
            answer: dict[str, Any] = json.loads(line.removeprefix(MARK))
            return answer
    tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
    return {"error": f"exit {done.returncode}: " + " | ".join(tail)}
