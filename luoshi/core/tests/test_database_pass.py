"""CI's second pass, on PostgreSQL, runs only the tests that reach the database (.ci/run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def collected(*, only_database: bool) -> set[str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"LUOSHI_DATABASE_TESTS_ONLY", "PYTEST_XDIST_WORKER"}
    }
    if only_database:
        env["LUOSHI_DATABASE_TESTS_ONLY"] = "1"
    files = ["luoshi/core/tests/test_maintenance.py", "luoshi/core/tests/test_dates.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return {line for line in result.stdout.splitlines() if "::" in line}


def test_the_database_pass_keeps_the_tests_that_reach_the_database_and_only_those():
    every, database = collected(only_database=False), collected(only_database=True)
    assert database < every
    assert all(not test.startswith("luoshi/core/tests/test_dates.py") for test in database)
    assert any(test.startswith("luoshi/core/tests/test_maintenance.py") for test in database)
