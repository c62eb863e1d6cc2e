"""The settings a benchmark process runs under, in its parent and in its children alike.

Uploads and generated files go to the benchmark's own folder; the date is the benchmark's; pages
are served as in production (no DEBUG, no demo banner); mail stays in memory; jobs a page queues
go to a queue in memory that nobody works (a worker would do them after the request, not in it).
"""

from __future__ import annotations

import resource
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test.utils import override_settings

from luoshi.bench.builder import AS_OF


def overrides(workdir: Path) -> dict[str, Any]:
    return {
        "MEDIA_ROOT": workdir / "uploads",
        "DATA_DIR": workdir,
        "STATIC_ROOT": workdir / "static",
        "LUOSHI_TODAY": AS_OF,
        "LUOSHI_DEMO": False,
        "DEBUG": False,
        "ALLOWED_HOSTS": ["testserver", "127.0.0.1", "localhost"],
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "CACHES": {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}
        },
        # No collected static files in the benchmark's folder: templates name assets as in DEBUG.
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }


@contextmanager
def bench_environment(workdir: Path) -> Iterator[None]:
    from huey.contrib.djhuey import HUEY
    from huey.storage import MemoryStorage

    (workdir / "static").mkdir(parents=True, exist_ok=True)  # whitenoise looks for it
    storage = HUEY.storage
    HUEY.storage = MemoryStorage(HUEY.name)
    try:
        with override_settings(**overrides(workdir)):
            yield
    finally:
        HUEY.storage = storage


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB.

    VmHWM (Linux) belongs to the process's own address space. ru_maxrss would not do for a child:
    it keeps the peak of the parent it was forked from, carried over by exec.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes; bytes on macOS
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
