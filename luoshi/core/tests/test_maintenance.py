"""The planner's statistics: refreshed every night on SQLite, left to autovacuum on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from huey.contrib.djhuey import HUEY

from luoshi.core.maintenance import refresh_planner_statistics
from luoshi.core.tasks import refresh_planner_statistics_nightly


def test_the_refresh_is_a_nightly_job():
    periodic = {task.__name__ for task in HUEY._registry._periodic_tasks}
    assert refresh_planner_statistics_nightly.task_class.__name__ in periodic


@pytest.mark.django_db
def test_on_sqlite_the_planner_then_has_statistics_of_the_tables(demo_org):
    if connection.vendor != "sqlite":
        assert refresh_planner_statistics() is False
        return
    assert refresh_planner_statistics() is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        analysed = {row[0] for row in cursor.fetchall()}
    assert {"org_unit", "org_membership", "org_region"} <= analysed
