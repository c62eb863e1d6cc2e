"""Several app servers behind one load balancer: no state lives in one server's memory.

A login made on one node holds on another (sessions are rows in the shared database), and with
REDIS_URL set the cache is Redis, which every node shares.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/0"


def node() -> Client:
    """A request to another app server: a client of its own, with nothing but the cookie."""
    return Client()


def forget_process_memory() -> None:
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.mark.django_db
def test_a_login_on_one_node_holds_on_another_and_a_logout_ends_it_everywhere(demo_org):
    first = node()
    response = first.post("/login/", {"username": "fgj-reporter", "password": "demo-pass-2023"})
    assert response.status_code == 302
    cookie = first.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=cookie).exists()  # in the shared database

    forget_process_memory()
    second = node()
    second.cookies[settings.SESSION_COOKIE_NAME] = cookie
    page = second.get("/work/")
    assert page.status_code == 200
    assert page.wsgi_request.user.username == "fgj-reporter"

    assert second.post("/logout/").status_code == 302
    assert not Session.objects.filter(session_key=cookie).exists()
    again = first.get("/work/")
    assert again.status_code == 302 and again["Location"].startswith("/login/")


def test_sessions_are_not_kept_in_a_process():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=5):
            return True
    except OSError:
        return False


def in_a_node(code: str, tmp_path: Path) -> str:
    """Run `code` in a fresh process configured like an app server with REDIS_URL set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_") and k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=clean
        | {
            "DJANGO_SETTINGS_MODULE": "luoshi.settings",
            "LUOSHI_ENV": "test",
            "LUOSHI_DATA_DIR": str(tmp_path),
            "REDIS_URL": REDIS_URL,
        },
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.slow
def test_with_redis_the_cache_is_shared_by_the_nodes(tmp_path):
    if not redis_reachable():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    key, value = f"multinode-test-{secrets.token_hex(8)}", secrets.token_hex(8)
    written = in_a_node(
        "from django.core.cache import caches\n"
        "cache = caches['default']\n"
        f"cache.set({key!r}, {value!r}, timeout=120)\n"
        "print(type(cache).__module__ + '.' + type(cache).__name__)",
        tmp_path,
    )
    assert written == "django.core.cache.backends.redis.RedisCache"
    read = in_a_node(
        f"from django.core.cache import cache\nprint(cache.get({key!r}))\ncache.delete({key!r})", tmp_path
    )
    assert read == value
