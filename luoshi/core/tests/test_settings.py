"""Settings come from the environment; production refuses an unsafe configuration."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REAL_KEY = secrets.token_urlsafe(50)


def run_python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LUOSHI_ENV", "DEBUG", "SECRET_KEY"}
    }
    clean |= {"DJANGO_SETTINGS_MODULE": "luoshi.settings", "LUOSHI_DATA_DIR": str(tmp_path)} | env
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


SETUP = "import django; django.setup(); print('started')"
PRODUCTION = {"LUOSHI_ENV": "production", "SECRET_KEY": REAL_KEY, "ALLOWED_HOSTS": "luoshi.example.gov.cn"}


@pytest.mark.slow
def test_production_starts_with_a_safe_configuration(tmp_path):
    result = run_python(SETUP, tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DEBUG": "1"}, "DEBUG"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "django-insecure-" + "a" * 50}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 60}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"LUOSHI_DEMO": "1"}, "演示"),
    ],
    ids=["debug-on", "no-secret-key", "short-key", "insecure-key", "one-letter-key", "no-hosts", "demo-mode"],
)
def test_production_refuses_to_start(tmp_path, override, message):
    result = run_python(SETUP, tmp_path, **(PRODUCTION | override))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


@pytest.mark.slow
def test_check_deploy_is_clean_in_production(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean | PRODUCTION | {"LUOSHI_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "    c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])\n"
        "    c.execute('PRAGMA foreign_keys'); print(c.fetchone()[0])\n"
    )
    result = run_python(code, tmp_path, LUOSHI_ENV="development")
    assert result.returncode == 0, result.stderr
    journal_mode, busy_timeout, foreign_keys = result.stdout.split()
    assert journal_mode == "wal"
    assert int(busy_timeout) >= 5000
    assert foreign_keys == "1"


@pytest.mark.slow
def test_development_keeps_its_generated_secret_key_beside_the_database(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_python(code, tmp_path, LUOSHI_ENV="development")
    second = run_python(code, tmp_path, LUOSHI_ENV="development")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


SERVING = (
    "import django; django.setup(); from django.conf import settings as s\n"
    "print(s.DEBUG, s.STORAGES['staticfiles']['BACKEND'], s.WHITENOISE_USE_FINDERS,"
    " ','.join(s.ALLOWED_HOSTS))"
)


@pytest.mark.slow
def test_development_serves_with_debug_off_unless_asked(tmp_path):
    """`make run` runs in development: DEBUG off, static files collected with hashed names, local hosts in."""
    debug, storage, finders, hosts = run_python(SERVING, tmp_path, LUOSHI_ENV="development").stdout.split()
    assert debug == "False" and finders == "False"
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert {"127.0.0.1", "localhost"} <= set(hosts.split(","))
    debug, storage, finders, _ = run_python(
        SERVING, tmp_path, LUOSHI_ENV="development", DEBUG="1"
    ).stdout.split()
    assert debug == "True" and finders == "True"
    assert storage == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_locale_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_makemigrations_check():
    """Models and migrations agree: a model change without its migration fails the suite."""
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=clean | {"LUOSHI_ENV": "test"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
