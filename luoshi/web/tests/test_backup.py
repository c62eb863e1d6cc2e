"""`luoshi backup` and `luoshi restore`: a round trip brings the data and the files back.

The commands run in subprocesses with their own data directory (and, on PostgreSQL, their own
scratch database), so the test database of pytest is never involved. Nothing assumes an idle
machine: every subprocess has a generous timeout.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from luoshi.web.backup import MANIFEST, ROOT, BackupError, Manifest, pg_environment

REPOSITORY = Path(__file__).resolve().parents[3]
TIMEOUT = 600  # migrating on a machine whose cores are busy with other suites
PHOTO = b"\xff\xd8\xff\xe0" + b"evidence photo of the 2023-07 report" * 100
PHOTO_PATH = "evidence/2023/07/site-visit.jpg"

SEED = """
from luoshi.items.tests.factories import ItemFactory
from luoshi.org.models import Region, Unit, User
region = Region.objects.create(name="测试县", code="619999", level="county")
unit = Unit.objects.create(region=region, name="测试县发展和改革局", short_name="县发改局", kind="department")
User.objects.create_user("backup-clerk", password="pass-word-2023")
for n in range(3):
    ItemFactory(region=region, lead_unit=unit, code=f"BK-2023-{n:03d}", title=f"备份测试事项{n}")
"""
# What the data looks like after the backup: one item renamed, one deleted, a user added.
CHANGE = """
from luoshi.items.models import Item
from luoshi.org.models import User
Item.objects.filter(code="BK-2023-000").update(title="备份之后改过的标题")
Item.objects.filter(code="BK-2023-001").delete()
User.objects.create_user("after-backup", password="pass-word-2023")
"""
STATE = """
import json
from luoshi.items.models import Item
from luoshi.org.models import User
print("STATE" + json.dumps({
    "items": sorted(Item.objects.values_list("code", "title")),
    "users": sorted(User.objects.values_list("username", flat=True)),
}, ensure_ascii=False))
"""
SEEDED = {
    "items": [[f"BK-2023-{n:03d}", f"备份测试事项{n}"] for n in range(3)],
    "users": ["backup-clerk"],
}
CHANGED = {
    "items": [["BK-2023-000", "备份之后改过的标题"], ["BK-2023-002", "备份测试事项2"]],
    "users": ["after-backup", "backup-clerk"],
}

pytestmark = pytest.mark.slow


def environment(data: Path, database_url: str = "") -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "LUOSHI_DEMO", "LUOSHI_TODAY", "REDIS_URL"}
    }
    env |= {"LUOSHI_ENV": "test", "LUOSHI_DATA_DIR": str(data)}
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def luoshi(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "luoshi.cli", *args],
        env=env,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{done.args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def state(env: dict[str, str]) -> dict[str, list]:
    """The items and users, read with plain SQLite where the installation is on SQLite."""
    if "DATABASE_URL" not in env:
        with closing(sqlite3.connect(Path(env["LUOSHI_DATA_DIR"]) / "luoshi.sqlite3")) as db:
            return {
                "items": [
                    list(row) for row in db.execute("SELECT code, title FROM items_item ORDER BY code")
                ],
                "users": [row[0] for row in db.execute("SELECT username FROM org_user ORDER BY username")],
            }
    out = ok(luoshi(env, "shell", "-c", STATE))
    line = next(line for line in out.splitlines() if line.startswith("STATE"))
    return json.loads(line.removeprefix("STATE"))


def install(env: dict[str, str], data: Path) -> None:
    """A migrated installation with three items, a user and an uploaded photo."""
    data.mkdir(parents=True, exist_ok=True)
    ok(luoshi(env, "migrate", "--verbosity", "0"))
    ok(luoshi(env, "shell", "-c", SEED))
    photo = data / "uploads" / PHOTO_PATH
    photo.parent.mkdir(parents=True)
    photo.write_bytes(PHOTO)


def change_everything(env: dict[str, str], data: Path) -> None:
    ok(luoshi(env, "shell", "-c", CHANGE))
    (data / "uploads" / PHOTO_PATH).unlink()
    (data / "uploads" / "evidence" / "later.pdf").write_bytes(b"%PDF-1.4 after the backup")


def manifest_of(archive: Path) -> Manifest:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile(f"{ROOT}/{MANIFEST}")
        assert member is not None
        return Manifest.from_json(member.read())


def rewritten(archive: Path, target: Path, change: dict[str, bytes]) -> Path:
    """A copy of `archive` with some files' content replaced and the manifest left as it was."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source:
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            data = change.get(member.name, data)
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def assert_round_trip(env: dict[str, str], data: Path, archive: Path) -> None:
    """Change the data, be refused without --yes, restore with it: the data and the files are back."""
    change_everything(env, data)
    refused = luoshi(env, "restore", str(archive))
    assert refused.returncode != 0
    assert "--yes" in refused.stderr and "当前已有数据" in refused.stderr
    assert state(env) == CHANGED  # nothing was touched

    out = ok(luoshi(env, "restore", str(archive), "--yes"))
    assert "停止网站" in out and "已恢复" in out
    assert state(env) == SEEDED
    assert (data / "uploads" / PHOTO_PATH).read_bytes() == PHOTO
    assert not (data / "uploads" / "evidence" / "later.pdf").exists()


# ---------------------------------------------------------------------------------------------
# SQLite


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite installation, copied by each test that changes it."""
    data = tmp_path_factory.mktemp("installation") / "data"
    install(environment(data), data)
    return data


@pytest.fixture(scope="module")
def archive(installation: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("backups") / "luoshi-2023-07-25.tar.gz"
    return out, ok(luoshi(environment(installation), "backup", "--out", str(out)))


@pytest.fixture
def copy_of_installation(installation: Path, tmp_path: Path) -> tuple[dict[str, str], Path]:
    data = tmp_path / "copy"  # tmp_path/data is the test process's own (conftest)
    shutil.copytree(installation, data)
    return environment(data), data


def test_backup_writes_one_private_archive_with_a_manifest(archive):
    out, printed = archive
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "备份已写入" in printed and "3 个事项" in printed and "1 个上传文件" in printed
    manifest = manifest_of(out)
    assert manifest.engine == "sqlite" and manifest.luoshi_version
    assert manifest.counts == {"items": 3, "users": 1, "reports": 0, "evidence": 0}
    assert ["items", "0001_initial"] in manifest.migrations
    files = {entry.path: entry for entry in manifest.files}
    assert set(files) == {"database.sqlite3", f"uploads/{PHOTO_PATH}"}
    assert files[f"uploads/{PHOTO_PATH}"].sha256 == hashlib.sha256(PHOTO).hexdigest()
    with tarfile.open(out, "r:gz") as tar:
        copy = tar.extractfile(f"{ROOT}/database.sqlite3").read()  # type: ignore[union-attr]
    assert hashlib.sha256(copy).hexdigest() == files["database.sqlite3"].sha256
    assert not list(out.parent.glob(".*")), "no temporary file is left beside the archive"


def test_sqlite_round_trip(copy_of_installation, archive):
    env, data = copy_of_installation
    assert_round_trip(env, data, archive[0])


def test_restore_into_an_empty_data_directory_needs_no_confirmation(tmp_path, archive):
    data = tmp_path / "new-machine"
    data.mkdir()
    env = environment(data)
    out = ok(luoshi(env, "restore", str(archive[0])))
    assert "已恢复" in out
    assert state(env) == SEEDED
    assert (data / "uploads" / PHOTO_PATH).read_bytes() == PHOTO


def test_a_tampered_or_damaged_archive_is_refused_and_changes_nothing(
    copy_of_installation, archive, tmp_path
):
    env, data = copy_of_installation
    database = data / "luoshi.sqlite3"
    before = database.read_bytes()
    good = archive[0]
    assert "校验和全部相符" in ok(luoshi(env, "restore", str(good), "--check"))

    tampered = rewritten(
        good, tmp_path / "tampered.tar.gz", {f"{ROOT}/uploads/{PHOTO_PATH}": b"another photo"}
    )
    refused = luoshi(env, "restore", str(tampered), "--yes")
    assert refused.returncode != 0
    assert "校验失败" in refused.stderr and PHOTO_PATH in refused.stderr

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    refused = luoshi(env, "restore", str(truncated), "--yes")
    assert refused.returncode != 0 and "无法读取" in refused.stderr

    assert database.read_bytes() == before
    assert (data / "uploads" / PHOTO_PATH).read_bytes() == PHOTO


def test_backup_while_the_database_is_in_use_and_restore_refused_until_it_is_not(
    copy_of_installation, tmp_path
):
    env, data = copy_of_installation
    database = data / "luoshi.sqlite3"
    with sqlite3.connect(database) as server:
        # As the running server holds it: in WAL mode, in the middle of reading.
        server.execute("PRAGMA journal_mode=WAL")
        server.execute("BEGIN")
        server.execute("SELECT COUNT(*) FROM items_item").fetchone()
        out = tmp_path / "online.tar.gz"
        ok(luoshi(env, "backup", "--out", str(out)))
        assert manifest_of(out).counts["items"] == 3

        refused = luoshi(env, "restore", str(out), "--yes")
        assert refused.returncode != 0
        assert "正被其他进程使用" in refused.stderr and "停止网站" in refused.stderr
        server.rollback()
    server.close()
    ok(luoshi(env, "restore", str(out), "--yes"))
    assert state(env) == SEEDED


# ---------------------------------------------------------------------------------------------
# Without a subprocess


def test_a_manifest_that_is_not_ours_is_refused():
    with pytest.raises(BackupError, match="格式版本"):
        Manifest.from_json(b'{"format": 99}')
    with pytest.raises(BackupError, match="清单"):
        Manifest.from_json(b"not json")


def test_the_postgresql_password_goes_through_the_environment_only():
    db = {
        "NAME": "luoshi",
        "USER": "luoshi",
        "PASSWORD": "s3cret-pass",
        "HOST": "127.0.0.1",
        "PORT": 5432,
        "OPTIONS": {"sslmode": "require"},
    }
    env = pg_environment(db, {"PATH": "/usr/bin", "PGPASSWORD": "someone-elses", "PGHOST": "elsewhere"})
    assert env == {
        "PATH": "/usr/bin",
        "PGHOST": "127.0.0.1",
        "PGPORT": "5432",
        "PGUSER": "luoshi",
        "PGPASSWORD": "s3cret-pass",
        "PGDATABASE": "luoshi",
        "PGSSLMODE": "require",
    }


# ---------------------------------------------------------------------------------------------
# PostgreSQL (CI runs the suite on PostgreSQL too)

DATABASE_URL = os.environ.get("DATABASE_URL", "")
on_postgresql = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://")),
    reason="DATABASE_URL is not PostgreSQL",
)


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """An empty database of its own on the configured server, dropped afterwards."""
    import psycopg

    name = f"luoshi_backup_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(DATABASE_URL)
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@on_postgresql
@pytest.mark.database_url
def test_postgresql_round_trip(scratch_database, tmp_path):
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.fail(
            "pg_dump/pg_restore are needed on a PostgreSQL installation (apt install postgresql-client)"
        )
    data = tmp_path / "installation"
    env = environment(data, scratch_database)
    install(env, data)
    out = tmp_path / "backups" / "luoshi.tar.gz"
    out.parent.mkdir()
    ok(luoshi(env, "backup", "--out", str(out)))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    manifest = manifest_of(out)
    assert manifest.engine == "postgresql" and manifest.database == "database.pgdump"
    assert manifest.counts["items"] == 3 and manifest.counts["users"] == 1
    assert "校验和全部相符" in ok(luoshi(env, "restore", str(out), "--check"))
    assert_round_trip(env, data, out)
