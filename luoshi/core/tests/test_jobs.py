"""The job queue: Huey on SQLite by default, on Redis when REDIS_URL says so, with its periodic jobs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ROUND_TRIP = """
import django; django.setup()
from huey.contrib.djhuey import HUEY
from luoshi.notifications.tasks import send_daily_reminders
from luoshi.alerts.tasks import recompute_colours_nightly
print(type(HUEY).__name__, HUEY.immediate)
print(sorted(t.__name__ for t in HUEY._registry._periodic_tasks))
HUEY.flush()
HUEY.enqueue(send_daily_reminders.s())
task = HUEY.dequeue()
print(task.name)
"""


def run(env: dict[str, str], tmp_path: Path) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "LUOSHI_ENV"}}
    result = subprocess.run(
        [sys.executable, "-c", ROUND_TRIP],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "luoshi.settings", "LUOSHI_DATA_DIR": str(tmp_path)} | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.slow
def test_sqlite_queue_by_default_with_the_periodic_jobs(tmp_path):
    kind, periodic, dequeued = run({"LUOSHI_ENV": "development"}, tmp_path)
    assert kind == "SqliteHuey False"
    assert "send_daily_reminders" in periodic and "recompute_colours_nightly" in periodic
    assert dequeued.endswith("send_daily_reminders")
    assert (tmp_path / "jobs.sqlite3").exists()


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_redis_queue_when_redis_url_is_set(tmp_path):
    kind, _, dequeued = run({"LUOSHI_ENV": "development", "REDIS_URL": "redis://127.0.0.1:6379/15"}, tmp_path)
    assert kind == "RedisHuey False"
    assert dequeued.endswith("send_daily_reminders")


CONSUMER = "import django; django.setup(); from django.conf import settings; print(settings.HUEY['consumer'])"


@pytest.mark.slow
def test_a_province_runs_its_workers_as_processes(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "LUOSHI_ENV"}}
    env = clean | {"DJANGO_SETTINGS_MODULE": "luoshi.settings", "LUOSHI_DATA_DIR": str(tmp_path)}

    def consumer(**settings: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", CONSUMER],
            cwd=ROOT,
            env=env | settings,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    default = consumer()
    assert "'workers': 2, 'worker_type': 'thread'" in default.stdout, default.stderr
    province = consumer(LUOSHI_JOB_WORKERS="8", LUOSHI_JOB_WORKER_TYPE="process")
    assert "'workers': 8, 'worker_type': 'process'" in province.stdout, province.stderr
    wrong = consumer(LUOSHI_JOB_WORKER_TYPE="greenlet")
    assert wrong.returncode != 0
    assert "LUOSHI_JOB_WORKER_TYPE 只能是 thread 或 process" in wrong.stderr
