"""The benchmark's own database: never the user's.

A fresh SQLite file in a temporary folder, or a new PostgreSQL database `luoshi_bench_<pid>` on the
server of DATABASE_URL (or postgres://postgres@127.0.0.1:5432), dropped at the end. The process's
`default` connection is switched to it before anything touches a database, and switched back after.
Child processes (the measurements of memory) get it through DATABASE_URL and LUOSHI_DATA_DIR.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import dj_database_url
from django.conf import settings
from django.db import connections

SQLITE = "sqlite"
POSTGRES = "postgres"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
NAME_PREFIX = "luoshi_bench_"
DIR_PREFIX = "luoshi-bench-"
# Building is not measured: SQLite may skip waiting for the disk while it builds.
BUILD_PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;"


class BenchDatabaseError(RuntimeError):
    pass


@dataclass
class BenchDatabase:
    engine: str
    workdir: Path  # uploads, the import sheet, the SQLite file
    entry: dict[str, Any]  # the DATABASES entry, as the settings would make it for `url`
    url: str  # for the child processes
    server: dict[str, Any] = field(default_factory=dict)  # PostgreSQL: where to create and drop it

    @property
    def name(self) -> str:
        return str(self.entry["NAME"])

    def build_entry(self) -> dict[str, Any]:
        """The entry to build with: as measured, but SQLite does not wait for the disk."""
        if self.engine != SQLITE:
            return self.entry
        options = {**self.entry.get("OPTIONS", {}), "init_command": BUILD_PRAGMAS}
        return {**self.entry, "OPTIONS": options}

    def child_environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
        env |= {"DATABASE_URL": self.url, "LUOSHI_DATA_DIR": str(self.workdir), "LUOSHI_DEMO": "0"}
        return env


def is_bench_database(entry: Mapping[str, Any]) -> bool:
    """Whether a DATABASES entry is one the benchmark made (the child processes check before work)."""
    name = str(entry.get("NAME", ""))
    if "sqlite" in str(entry.get("ENGINE", "")):
        return Path(name).parent.name.startswith(DIR_PREFIX)
    return name.startswith(NAME_PREFIX)


def _entry(url: str) -> dict[str, Any]:
    """The DATABASES entry the settings module makes of a DATABASE_URL (see luoshi/settings.py)."""
    entry: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    if entry["ENGINE"] == "django.db.backends.sqlite3":
        entry["OPTIONS"] = {**settings.SQLITE_OPTIONS, **entry.get("OPTIONS", {})}
        entry["CONN_MAX_AGE"] = 0
    return entry


def server_url() -> str:
    configured = os.environ.get("DATABASE_URL", "").strip()
    if configured.startswith(("postgres://", "postgresql://", "pgsql://")):
        return configured
    return DEFAULT_SERVER


def create(engine: str) -> BenchDatabase:
    workdir = Path(tempfile.mkdtemp(prefix=DIR_PREFIX))
    try:
        if engine == SQLITE:
            url = f"sqlite:///{workdir / 'bench.sqlite3'}"
            return BenchDatabase(SQLITE, workdir, _entry(url), url)
        if engine == POSTGRES:
            return _create_postgres(workdir)
    except Exception:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    raise BenchDatabaseError(f"unknown database {engine!r}")


def _create_postgres(workdir: Path) -> BenchDatabase:
    import psycopg

    parts = urlsplit(server_url())
    name = f"{NAME_PREFIX}{os.getpid()}"
    host, port, user = parts.hostname or "127.0.0.1", parts.port or 5432, parts.username or "postgres"
    password = parts.password or ""
    server: dict[str, Any] = {
        "host": host,
        "port": port,
        "user": user,
        "password": password or None,
        "dbname": "postgres",
    }
    try:
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        raise BenchDatabaseError(f"无法在 {host}:{port} 上创建数据库 {name}：{error}") from error
    auth = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    url = f"postgres://{auth}@{host}:{port}/{name}"
    return BenchDatabase(POSTGRES, workdir, _entry(url), url, server)


def drop(database: BenchDatabase) -> None:
    """Remove what `create` made: the PostgreSQL database and the temporary folder."""
    if database.engine == POSTGRES:
        import psycopg

        with psycopg.connect(**database.server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')
    shutil.rmtree(database.workdir, ignore_errors=True)


def switch_to(entry: dict[str, Any]) -> dict[str, Any]:
    """Point the `default` connection of this process at `entry`; returns the entry it had."""
    connections.close_all()
    previous = dict(connections.settings["default"])
    configured = connections.configure_settings({"default": dict(entry)})["default"]
    connections.settings["default"] = configured
    settings.DATABASES["default"] = configured
    with suppress(AttributeError):  # no connection opened yet in this thread
        del connections["default"]
    return previous


@contextmanager
def using(entry: dict[str, Any]) -> Iterator[None]:
    previous = switch_to(entry)
    try:
        yield
    finally:
        connections.close_all()
        switch_to(previous)
