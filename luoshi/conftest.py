"""Fixtures shared by every app's tests, named as the domain names them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from luoshi.org.models import Leader, Region, Unit, User

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DEMO_DATE = date(2023, 7, 25)


@pytest.fixture(autouse=True, scope="session")
def _commits_at_service_end() -> Iterator[None]:
    """What a service leaves for after its commit (colours, notifications) happens when it ends."""
    from luoshi.testing.commits import commits_at_service_end

    with commits_at_service_end():
        yield


@pytest.fixture
def project_ledger() -> Iterator[None]:
    """A ledger of kind "project" plugged in the way a ledger app plugs in, for tests of the layers
    below the ledgers (items and alerts know no ledger of their own)."""
    from luoshi.core import registry

    ledger = registry.Ledger(kind="project", label="重点项目", app_label="tests", order=20)
    already = registry.ledger("project") is not None
    if not already:
        registry.register(ledger)
    yield
    if not already:
        registry.unregister("project")


@pytest.fixture(autouse=True)
def _isolated_files(settings: object, tmp_path: Path) -> None:
    """Uploads and generated files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "uploads"  # type: ignore[attr-defined]
    settings.DATA_DIR = tmp_path / "data"  # type: ignore[attr-defined]
    (tmp_path / "data").mkdir()


@pytest.fixture
def demo_mode(settings: object) -> None:
    settings.LUOSHI_DEMO = True  # type: ignore[attr-defined]
    settings.LUOSHI_TODAY = settings.DEMO_DATE  # type: ignore[attr-defined]


@pytest.fixture
def demo_org(db: None, demo_mode: None) -> None:
    """The demo organisation: 柞水县 and 镇安县 under 商洛市, with every demo account (set up without
    a row of the audit log for each, as the demo loader does)."""
    from luoshi.audit.context import quiet
    from luoshi.org.demo import ACCOUNTS, load_organisation

    with quiet():
        load_organisation(passwords={spec.username: "demo-pass-2023" for spec in ACCOUNTS})


@pytest.fixture(scope="module")
def demo_db(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The whole demo county, loaded once for a test module and rolled back after it.

    Tests that use it also ask for `db`: each runs in a savepoint inside this transaction.
    """
    from django.db import transaction
    from django.test import override_settings

    from luoshi.testing.commits import outer_test_transaction
    from luoshi.web.demo import demo_load

    files = tmp_path_factory.mktemp("demo")
    with (
        django_db_blocker.unblock(),
        override_settings(
            LUOSHI_DEMO=True, LUOSHI_TODAY=DEMO_DATE, MEDIA_ROOT=files / "uploads", DATA_DIR=files
        ),
        outer_test_transaction(),
    ):
        os.environ["LUOSHI_DEMO_PASSWORD"] = "demo-pass-2023"  # noqa: S105 - a test password
        try:
            demo_load()
        finally:
            os.environ.pop("LUOSHI_DEMO_PASSWORD", None)
        yield
        transaction.set_rollback(True)


def demo_user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def zhashui(demo_org: None) -> Region:
    return Region.objects.get(name="柞水县")


@pytest.fixture
def zhenan(demo_org: None) -> Region:
    return Region.objects.get(name="镇安县")


@pytest.fixture
def fagaiju(zhashui: Region) -> Unit:
    return Unit.objects.get(region=zhashui, short_name="县发改局")


@pytest.fixture
def supervisor(demo_org: None) -> User:
    return demo_user("duchaban")


@pytest.fixture
def fagaiju_reporter(demo_org: None) -> User:
    return demo_user("fgj-reporter")


@pytest.fixture
def fagaiju_head(demo_org: None) -> User:
    return demo_user("fgj-head")


@pytest.fixture
def wenlvju_reporter(demo_org: None) -> User:
    return demo_user("wlj-reporter")


@pytest.fixture
def yingpan_reporter(demo_org: None) -> User:
    return demo_user("yingpan-reporter")


@pytest.fixture
def magistrate(demo_org: None) -> User:
    return demo_user("liupeng")


@pytest.fixture
def deputy_fengrui(demo_org: None) -> Leader:
    return Leader.objects.get(person__name="冯锐")


@pytest.fixture
def fengrui_user(demo_org: None) -> User:
    return demo_user("fengrui")


@pytest.fixture
def city_supervisor(demo_org: None) -> User:
    return demo_user("sl-duchaban")


@pytest.fixture
def zhenan_supervisor(demo_org: None) -> User:
    return demo_user("za-duchaban")


@pytest.fixture
def county_admin(demo_org: None) -> User:
    return demo_user("xitong")


@pytest.fixture
def viewer(demo_org: None) -> User:
    return demo_user("renda")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
