"""`luoshi bench` end to end on a tiny city, and the rules it reports by. Nothing here times anything."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from luoshi.bench.child import ChildError, run_child
from luoshi.bench.database import is_bench_database
from luoshi.bench.results import Goal, Result, Series

ROOT = Path(__file__).resolve().parents[3]
PAGES = {
    "work.county_office",
    "work.leader",
    "work.unit_head",
    "work.reporter",
    "work.city_office",
    "dashboard.county",
    "dashboard.city",
    "item_list.county",
    "item_list.city",
    "api.item_list.county",
    "item_page.county",
    "verify_queue.page",
    "projects.county",
    "projects.city",
    "indicators.county",
    "indicators.city",
    "indicators.catch_up",
}
OTHERS = {"verify_queue.selector", "stats.county", "extract.speech"}
JOBS = {"recompute.county", "recompute.city", "import.rows", "export.items"}
FIELDS = {
    "key",
    "label",
    "kind",
    "scope",
    "median_ms",
    "min_ms",
    "max_ms",
    "samples_ms",
    "queries",
    "floor",
    "ratio",
    "memory_mb",
    "goals",
    "met",
    "runs",
    "planned_runs",
    "error",
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_bench_runs_end_to_end_in_a_database_of_its_own(tmp_path):
    # The user's database: a file the benchmark must neither open for writing nor change.
    users_db = tmp_path / "user.sqlite3"
    with sqlite3.connect(users_db) as db:
        db.execute("CREATE TABLE precious (value TEXT)")
        db.execute("INSERT INTO precious VALUES ('untouched')")
    db.close()
    before, stamp = _digest(users_db), users_db.stat().st_mtime_ns
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "bench.json"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "LUOSHI_TODAY", "DEBUG"}}
    env |= {
        "LUOSHI_ENV": "development",
        "LUOSHI_DEMO": "0",
        "LUOSHI_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{users_db}",
        "TMPDIR": str(temp),
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "luoshi.cli",
            "bench",
            *("--counties", "2", "--items-per-county", "60", "--runs", "1"),
            *("--import-rows", "20", "--export-items", "30", "--json", str(out), "--quiet"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]

    payload = json.loads(out.read_text())
    found = {m["key"]: m for m in payload["measurements"]}
    assert set(found) == PAGES | OTHERS | JOBS
    for key, m in found.items():
        assert m.keys() >= FIELDS, key
        assert not m["error"], (key, m["error"])
        assert m["runs"] == 1 and m["median_ms"] is not None and m["queries"] is not None, key
    for key in PAGES:
        page = found[key]
        assert page["status"] == 200
        assert page["floor"]["median_ms"] is not None and page["floor"]["queries"] >= 1
        assert page["ratio"] is not None
        assert {g["what"] for g in page["goals"]} == {"ms", "ratio"}
        assert all(g["met"] in (True, False) for g in page["goals"])
    for key in JOBS:
        job = found[key]
        assert job["memory_mb"] > 0
        assert {g["what"] for g in job["goals"]} == {"seconds", "memory_mb"}
    assert found["import.rows"]["rows"] == 20  # every row of the sheet became an item
    assert found["export.items"]["status"] == 200
    assert payload["goal_size"]["this_run_matches"] is False
    # two counties (the second takes its ids after the first's and its ledgers' shares); the
    # ledgers' shares: 300 projects beside 4,000 items, so 4 beside 60, with their reports
    assert payload["build"]["rows"]["share:projects"] > 2 * 4
    assert found["projects.county"]["queries"] == found["projects.city"]["queries"]
    # 150 indicators beside 4,000 items: 2 beside 60, each with its 18 values and 5 peers' 6 months
    assert payload["build"]["rows"]["share:indicators"] >= 2 * 2 * (1 + 1 + 18 + 5 * 6)
    assert payload["machine"]["cores"] and payload["machine"]["db"]["vendor"] == "sqlite"
    assert payload["build"]["rows"]["items.Item"] == 2 * 60
    assert {"goals_met", "goals_missed", "goals_unknown", "total_seconds"} <= payload["summary"].keys()

    # The user's database was not touched, and the benchmark's own is gone.
    assert _digest(users_db) == before and users_db.stat().st_mtime_ns == stamp
    assert not list(temp.glob("luoshi-bench-*"))


def test_a_child_refuses_any_database_but_the_benchmarks(settings, tmp_path):
    assert not is_bench_database(settings.DATABASES["default"])
    with pytest.raises(ChildError):
        run_child("recompute", {"region": None})
    made = tmp_path / "luoshi-bench-x1" / "b.sqlite3"  # as database.create names it
    assert is_bench_database({"ENGINE": "django.db.backends.sqlite3", "NAME": str(made)})
    assert is_bench_database({"ENGINE": "django.db.backends.postgresql", "NAME": "luoshi_bench_123"})
    assert not is_bench_database({"ENGINE": "django.db.backends.postgresql", "NAME": "luoshi"})


def test_goals_are_met_missed_or_unknown_never_guessed():
    page = Result("p", "页面", "page", "county", "u", "/", goals=[Goal("ms", 150), Goal("ratio", 2)])
    page.measured = Series([100.0, 120.0, 400.0], queries=9)
    page.floor = Series([50.0, 55.0, 70.0], queries=2)
    checks = {c["what"]: c for c in page.goal_checks()}
    assert checks["ms"]["value"] == 120.0 and checks["ms"]["met"] is True  # the median, not the worst
    assert checks["ratio"]["value"] == round(120 / 55, 2) and checks["ratio"]["met"] is False
    assert page.met is False

    job = Result("j", "重算", "job", "city", "", "", goals=[Goal("seconds", 60), Goal("memory_mb", 500)])
    job.timed_out_after_s, job.memory_mb = 120.0, 310.0  # stopped at its time limit
    checks = {c["what"]: c for c in job.goal_checks()}
    assert checks["seconds"]["met"] is False and checks["seconds"]["lower_bound"] is True
    assert checks["memory_mb"]["met"] is None  # 310 MB so far: the peak is not known
    assert job.met is False

    broken = Result("b", "坏页面", "page", "county", "u", "/", goals=[Goal("ms", 150)], error="HTTP 500")
    assert broken.goal_checks()[0]["met"] is False
