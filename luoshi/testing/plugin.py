"""Loaded by pytest before Django is set up (pyproject: addopts -p luoshi.testing.plugin)."""

import os

import pytest

os.environ["LUOSHI_ENV"] = "test"
# Tests never read a developer's demo settings or pinned date from the environment.
os.environ.pop("LUOSHI_DEMO", None)
os.environ.pop("LUOSHI_TODAY", None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With LUOSHI_DATABASE_TESTS_ONLY=1 (CI's second pass, on PostgreSQL), only the tests that reach
    the test database run: the others (pure rules, servers on a database of their own) gave their
    answer in the first pass, and pytest-django refuses the database to a test that does not ask."""
    if os.environ.get("LUOSHI_DATABASE_TESTS_ONLY") != "1":
        return
    database = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        reaches = item.get_closest_marker("django_db") or item.get_closest_marker("database_url")
        (kept if fixtures & database or reaches else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
