"""Backup and restore of one installation: the database and the uploaded files, in one archive.

等级保护 2.0 (GB/T 22239-2019, 数据备份恢复) asks for a backup of the important data and a restore
that is known to work. ``luoshi backup --out FILE`` writes one tar.gz, readable only by its owner:

    luoshi-backup/manifest.json        when, which version, which database, counts, every file's sha256
    luoshi-backup/database.sqlite3     SQLite: a consistent copy taken with the online backup API
    luoshi-backup/database.pgdump      PostgreSQL: pg_dump in its custom format
    luoshi-backup/uploads/…            the uploaded evidence (MEDIA_ROOT)

``luoshi restore FILE`` reads the whole archive into a staging folder and checks every file against
the manifest before it touches anything; it refuses to overwrite a database with data in it unless
told to (``--yes``). The checksums catch a damaged or altered file; they do not stop someone who
rewrites the manifest too, so copies kept off the machine should be encrypted.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, Protocol

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

import luoshi
from luoshi.items.models import Evidence, Item, ProgressReport
from luoshi.org.models import Region, User

FORMAT = 1
ROOT = "luoshi-backup"
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# What the manifest counts, and what a restore checks it got back.
COUNTED = {"items": Item, "users": User, "reports": ProgressReport, "evidence": Evidence}
STOP_THE_SERVER = (
    "恢复前请先停止网站和后台任务进程（如 systemctl stop luoshi-web luoshi-worker），恢复后再启动。"
)
# libpq reads these from the environment; the password never goes on a command line.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "service": "PGSERVICE",
}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or a restore refused or failed, with the reason in words the operator can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FileEntry:
    path: str  # inside the archive's root folder, e.g. "uploads/evidence/2023/07/a1b2.jpg"
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    created_at: str
    luoshi_version: str
    engine: str  # "sqlite" or "postgresql"
    database: str  # the database's file among `files`
    counts: dict[str, int]
    migrations: list[list[str]]  # applied migrations as [app, name]
    files: list[FileEntry]
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: bytes) -> Manifest:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise BackupError(f"不支持的备份格式版本：{data.get('format')!r}（本程序读版本 {FORMAT}）。")
            manifest = cls(
                created_at=str(data["created_at"]),
                luoshi_version=str(data["luoshi_version"]),
                engine=str(data["engine"]),
                database=str(data["database"]),
                counts={str(k): int(v) for k, v in data["counts"].items()},
                migrations=[[str(app), str(name)] for app, name in data["migrations"]],
                files=[FileEntry(str(f["path"]), int(f["size"]), str(f["sha256"])) for f in data["files"]],
            )
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"备份清单（{MANIFEST}）无法读取：{error}") from error
        if manifest.engine not in DATABASE_FILES or manifest.database != DATABASE_FILES[manifest.engine]:
            raise BackupError(f"备份清单里的数据库类型不对：{manifest.engine}。")
        if manifest.database not in {f.path for f in manifest.files}:
            raise BackupError("备份清单里没有数据库文件。")
        return manifest

    @property
    def uploads(self) -> list[FileEntry]:
        return [f for f in self.files if f.path.startswith(f"{UPLOADS}/")]


@dataclass
class RestoreResult:
    manifest: Manifest
    counts: dict[str, int] = field(default_factory=dict)
    removed_uploads: int = 0
    notes: list[str] = field(default_factory=list)


class _Cursor(Protocol):
    def execute(self, sql: str, params: Any = ..., /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> Any: ...


# ---------------------------------------------------------------------------------------------
# Where things are


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"不支持备份这种数据库：{vendor}（只支持 SQLite 和 PostgreSQL）。")
    return vendor


def uploads_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def upload_files() -> list[Path]:
    root = uploads_root()
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


# ---------------------------------------------------------------------------------------------
# Facts of a database: counts and applied migrations, read with plain SQL so that the same code
# reads the SQLite copy and the PostgreSQL snapshot that pg_dump saves.


def _facts(cursor: _Cursor, tables: set[str]) -> tuple[dict[str, int], list[list[str]]]:
    counts = {}
    for label, model in COUNTED.items():
        table = model._meta.db_table
        if table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - a table name of ours
            counts[label] = int(cursor.fetchone()[0])
        else:
            counts[label] = 0
    migrations: list[list[str]] = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [[str(app), str(name)] for app, name in cursor.fetchall()]
    return counts, migrations


def _sqlite_tables(cursor: _Cursor) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in cursor.fetchall()}


def _pg_tables(cursor: _Cursor) -> set[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return {row[0] for row in cursor.fetchall()}


# ---------------------------------------------------------------------------------------------
# Backup


def backup_create(*, out: Path) -> Manifest:
    """Write the archive to `out` (replacing it only once the new one is complete), mode 0600."""
    out = out.expanduser().absolute()
    if not out.parent.is_dir():
        raise BackupError(f"目录不存在：{out.parent}")
    if out.is_relative_to(uploads_root().absolute()):
        raise BackupError("备份文件不能放在上传文件目录里。")
    kind = engine()
    with tempfile.TemporaryDirectory(prefix=".luoshi-backup-", dir=out.parent) as work:
        database = Path(work) / DATABASE_FILES[kind]
        if kind == "sqlite":
            counts, migrations = _sqlite_snapshot(sqlite_path(), database)
        else:
            counts, migrations = _pg_dump(database)
        entries = [_entry(database, DATABASE_FILES[kind])]
        root = uploads_root()
        uploads = [(path, f"{UPLOADS}/{path.relative_to(root).as_posix()}") for path in upload_files()]
        partial = out.with_name(f".{out.name}.{os.getpid()}.part")
        try:
            # Created with its final mode: the archive holds every account and every report.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                    _add(tar, database, DATABASE_FILES[kind])
                    for path, name in uploads:
                        entries.append(_add(tar, path, name))
                    manifest = Manifest(
                        # The wall clock, not luoshi's (pinned in the demo): when the copy was made.
                        created_at=timezone.localtime().isoformat(timespec="seconds"),
                        luoshi_version=luoshi.__version__,
                        engine=kind,
                        database=DATABASE_FILES[kind],
                        counts=counts,
                        migrations=migrations,
                        files=entries,
                    )
                    _add_bytes(tar, manifest.to_json().encode(), MANIFEST)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _entry(path: Path, name: str) -> FileEntry:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return FileEntry(name, path.stat().st_size, digest.hexdigest())


class _Hashing:
    """A file read through once: into the archive and into its checksum."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        self.digest.update(data)
        return data


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(f"{ROOT}/{name}")
    info.size, info.mode, info.mtime = size, 0o600, int(mtime)
    return info


def _add(tar: tarfile.TarFile, path: Path, name: str) -> FileEntry:
    stat = path.stat()
    with path.open("rb") as f:
        reader = _Hashing(f)
        tar.addfile(_tarinfo(name, stat.st_size, stat.st_mtime), reader)
    return FileEntry(name, stat.st_size, reader.digest.hexdigest())


def _add_bytes(tar: tarfile.TarFile, data: bytes, name: str) -> None:
    tar.addfile(_tarinfo(name, len(data), timezone.now().timestamp()), io.BytesIO(data))


def _sqlite_snapshot(source: Path, target: Path) -> tuple[dict[str, int], list[list[str]]]:
    """A consistent copy of a database in use: SQLite's online backup API reads one snapshot while
    the server goes on reading and writing (WAL)."""
    if not source.is_file():
        raise BackupError(f"找不到数据库文件：{source}")
    with closing(sqlite3.connect(source, timeout=60)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
        # The copy stands alone: no -wal file beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"数据库自检未通过，未写备份：{check}")
        cursor = copy.cursor()
        return _facts(cursor, _sqlite_tables(cursor))


def _pg_settings() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def pg_environment(db: dict[str, Any], base: dict[str, str]) -> dict[str, str]:
    """The environment for pg_dump and pg_restore: the connection of DATABASE_URL (the settings
    `db`), password included, over `base` without its own PG* variables."""
    env = {k: v for k, v in base.items() if not k.startswith("PG")}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    for option, name in LIBPQ_OPTIONS.items():
        value = (db.get("OPTIONS") or {}).get(option)
        if value:
            env[name] = str(value)
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（如 apt install postgresql-client）。")
    return found


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell, no password
        command,
        env=pg_environment(_pg_settings(), dict(os.environ)),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"{what}失败（代码 {done.returncode}）：{done.stderr.strip()[-2000:]}")


def _pg_dump(target: Path) -> tuple[dict[str, int], list[list[str]]]:
    """pg_dump of one snapshot, and the counts of that same snapshot (exported to pg_dump)."""
    pg_dump = _pg_tool("pg_dump")
    with closing(psycopg.connect(**connection.get_connection_params())) as own:
        with own.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            row = cursor.fetchone()
            assert row is not None
            facts = _facts(cursor, _pg_tables(cursor))
            _run(
                [pg_dump, "--format=custom", "--no-password", f"--snapshot={row[0]}", f"--file={target}"],
                "pg_dump 备份数据库",
            )
        own.rollback()
    return facts


# ---------------------------------------------------------------------------------------------
# Reading an archive


def _member_name(member: tarfile.TarInfo) -> str | None:
    """The member's path inside the root folder, None for a folder; refuses anything else (links,
    devices, paths outside the root)."""
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts or path.parts[:1] != (ROOT,):
        raise BackupError(f"备份文件里有不该有的内容：{member.name}")
    if member.isdir():
        return None
    if not member.isfile() or len(path.parts) < 2:
        raise BackupError(f"备份文件里有不该有的内容：{member.name}")
    return "/".join(path.parts[1:])


def backup_unpack(archive: Path, into: Path) -> Manifest:
    """Unpack `archive` into the folder `into` and check every file against the manifest."""
    if not archive.is_file():
        raise BackupError(f"找不到备份文件：{archive}")
    found: dict[str, FileEntry] = {}
    manifest_bytes = None
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = _member_name(member)
                if name is None:
                    continue
                source = tar.extractfile(member)
                assert source is not None
                if name == MANIFEST:
                    manifest_bytes = source.read()
                    continue
                if name in found:
                    raise BackupError(f"备份文件里有重复的文件：{name}")
                target = into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                found[name] = FileEntry(name, member.size, digest.hexdigest())
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(f"备份文件无法读取（已损坏或不是 luoshi 的备份）：{error}") from error
    if manifest_bytes is None:
        raise BackupError(f"备份文件里没有清单（{MANIFEST}），不是 luoshi 的备份。")
    manifest = Manifest.from_json(manifest_bytes)
    listed = {entry.path: entry for entry in manifest.files}
    problems = [f"缺少 {name}" for name in sorted(listed.keys() - found.keys())]
    problems += [f"多出未登记的 {name}" for name in sorted(found.keys() - listed.keys())]
    problems += [
        f"{name} 的校验和不符"
        for name in sorted(listed.keys() & found.keys())
        if (listed[name].sha256, listed[name].size) != (found[name].sha256, found[name].size)
    ]
    if problems:
        shown = "；".join(problems[:10]) + ("……" if len(problems) > 10 else "")
        raise BackupError(f"备份文件校验失败，可能已损坏或被改动，拒绝使用：{shown}")
    return manifest


@contextmanager
def staging(near: Path) -> Iterator[Path]:
    """A private folder for an unpacked archive, beside the data it will replace (same disk)."""
    near.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".luoshi-restore-", dir=near) as folder:
        yield Path(folder)


def backup_check(*, archive: Path) -> Manifest:
    """Check an archive without restoring it (also checks the database copy can be read)."""
    with tempfile.TemporaryDirectory(prefix="luoshi-check-") as folder:
        manifest = backup_unpack(archive, Path(folder))
        if manifest.engine == "sqlite":
            _sqlite_verified(Path(folder) / manifest.database)
        else:  # reads the dump's table of contents; connects to nothing
            _run([_pg_tool("pg_restore"), "--list", str(Path(folder) / manifest.database)], "读取数据库备份")
    return manifest


# ---------------------------------------------------------------------------------------------
# Restore


def installation_holds_data() -> str:
    """What the configured installation holds, in words ("" when it is empty): a restore over it
    must be confirmed."""
    try:
        tables = set(connection.introspection.table_names())
        rows = {
            "个事项": Item.objects.count() if Item._meta.db_table in tables else 0,
            "个用户": User.objects.count() if User._meta.db_table in tables else 0,
            "个行政区": Region.objects.count() if Region._meta.db_table in tables else 0,
        }
    except DatabaseError as error:
        return f"当前数据库无法读取（{error}）"
    finally:
        connection.close()
    held = [f"{count} {label}" for label, count in rows.items() if count]
    files = len(upload_files())
    if files:
        held.append(f"{files} 个上传文件")
    return "、".join(held)


def backup_restore(*, archive: Path, overwrite: bool) -> RestoreResult:
    kind = engine()
    data_dir = Path(settings.DATA_DIR)
    with staging(data_dir) as folder:
        manifest = backup_unpack(archive, folder)
        if manifest.engine != kind:
            raise BackupError(
                f"备份的数据库是 {manifest.engine}，当前配置的是 {kind}：不能直接恢复到另一种数据库。"
            )
        held = installation_holds_data()
        if held and not overwrite:
            raise BackupError(f"当前已有数据（{held}），恢复会全部覆盖。确认要覆盖请加 --yes 重新执行。")
        result = RestoreResult(manifest=manifest)
        result.notes += _migration_notes(manifest)
        staged = folder / manifest.database
        if kind == "sqlite":
            _sqlite_restore(staged, sqlite_path())
        else:
            _pg_restore(staged)
        result.removed_uploads = _uploads_restore(folder, manifest)
    result.counts = _counts_now()
    if result.counts != manifest.counts:
        raise BackupError(f"恢复后的数量与备份清单不符：清单 {manifest.counts}，数据库 {result.counts}。")
    return result


def _migration_notes(manifest: Manifest) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest.migrations if (app, name) not in known]
    notes = []
    if manifest.luoshi_version != luoshi.__version__:
        notes.append(f"备份来自 luoshi {manifest.luoshi_version}，当前是 {luoshi.__version__}。")
    if unknown:
        notes.append("备份里有本程序不认识的数据库迁移（可能来自更新的版本）：" + "、".join(unknown[:5]))
    return notes


def _counts_now() -> dict[str, int]:
    try:
        with connection.cursor() as cursor:
            tables = set(connection.introspection.table_names(cursor))
            return _facts(cursor, tables)[0]
    finally:
        connection.close()


def _sqlite_verified(path: Path) -> None:
    try:
        with closing(sqlite3.connect(path)) as db:
            check = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        check = str(error)
    if check != "ok":
        raise BackupError(f"备份里的数据库自检未通过：{check}")


def _sqlite_restore(staged: Path, target: Path) -> None:
    """Put the archived database in place of the configured file, once nothing holds that file.

    A WAL database leaves its journal mode only when no other connection has it open, which is
    the test that the server and the job worker are stopped. The copy goes beside the target and
    replaces it in one rename, with the old -wal and -shm files removed so that nothing of the old
    database is replayed into the new one.
    """
    _sqlite_verified(staged)
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        try:
            with closing(sqlite3.connect(target, timeout=5)) as current:
                current.execute("PRAGMA journal_mode=DELETE").fetchone()
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise BackupError(f"数据库正被其他进程使用，未恢复。{STOP_THE_SERVER}") from error
            # A damaged database (the reason for many a restore) cannot be asked: it is replaced.
        except sqlite3.DatabaseError:
            pass
    incoming = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(staged, incoming)
    if target.exists():
        stat = target.stat()
        os.chmod(incoming, stat.st_mode & 0o777)
        with suppress(PermissionError):
            os.chown(incoming, stat.st_uid, stat.st_gid)  # a restore run as root keeps the owner
    else:
        os.chmod(incoming, 0o600)
    with incoming.open("rb") as f:
        os.fsync(f.fileno())
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(incoming, target)


def _pg_restore(staged: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    connection.close()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={_pg_settings()['NAME']}",
            str(staged),
        ],
        "pg_restore 恢复数据库",
    )


def _uploads_restore(folder: Path, manifest: Manifest) -> int:
    """Put the archived uploads in place; remove files that were not there when the backup was
    taken (their rows are gone with the restored database). Returns how many were removed."""
    root = uploads_root()
    root.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for entry in manifest.uploads:
        relative = entry.path.removeprefix(f"{UPLOADS}/")
        wanted.add(relative)
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(folder / entry.path, target)
    removed = 0
    for path in upload_files():
        if path.relative_to(root).as_posix() not in wanted:
            path.unlink()
            removed += 1
    return removed
