"""What a measurement found, the goals it is held to, and how a run is written out."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

# The goals, for 10 counties of 4,000 items each.
GOAL_COUNTIES = 10
GOAL_ITEMS_PER_COUNTY = 4000
PAGE_MS = {"county": 150.0, "city": 300.0}
FLOOR_RATIO = 2.0
RECOMPUTE_SECONDS = {"county": 5.0, "city": 60.0}
RECOMPUTE_MB = 500.0
IMPORT_SECONDS, IMPORT_MB = 15.0, 300.0
EXPORT_SECONDS, EXPORT_MB = 5.0, 200.0


@dataclass(frozen=True)
class Goal:
    what: str  # "ms", "seconds", "ratio", "memory_mb"
    limit: float

    @property
    def words(self) -> str:
        return {
            "ms": f"< {self.limit:g} ms",
            "seconds": f"< {self.limit:g} s",
            "ratio": f"≤ {self.limit:g}× floor",
            "memory_mb": f"< {self.limit:g} MB",
        }[self.what]


@dataclass
class Series:
    """Samples of one thing timed several times (milliseconds), with its number of queries."""

    samples_ms: list[float] = field(default_factory=list)
    queries: int | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples_ms) if self.samples_ms else None

    def as_json(self) -> dict[str, Any]:
        return {
            "median_ms": _round(self.median),
            "min_ms": _round(min(self.samples_ms)) if self.samples_ms else None,
            "max_ms": _round(max(self.samples_ms)) if self.samples_ms else None,
            "samples_ms": [_round(s) for s in self.samples_ms],
            "queries": self.queries,
        }


@dataclass
class Result:
    key: str
    label: str
    kind: str  # page, selector, command, job
    scope: str  # county or city
    who: str  # the account it ran as
    target: str  # the address, the call or the command
    measured: Series = field(default_factory=Series)
    floor: Series | None = None
    floor_what: str = ""
    goals: list[Goal] = field(default_factory=list)
    memory_mb: float | None = None  # peak resident memory of the process that did it
    baseline_mb: float | None = None  # the same process just before it started
    rows: int | None = None
    status: int | None = None  # the HTTP status of a page
    error: str = ""
    planned_runs: int = 0
    # A run stopped at its time limit: it takes longer than this (and at least the memory seen).
    timed_out_after_s: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """The median over the floor's; past a time limit, the limit over the floor (a lower bound)."""
        measured = self.measured.median
        if measured is None and self.timed_out_after_s is not None:
            measured = self.timed_out_after_s * 1000
        if self.floor is None or not self.floor.median or measured is None:
            return None
        return measured / self.floor.median

    def value_for(self, goal: Goal) -> tuple[float | None, bool]:
        """The figure a goal is checked against, and whether it is only a lower bound."""
        median = self.measured.median
        if median is None and self.timed_out_after_s is not None:
            median = self.timed_out_after_s * 1000
        bound = self.timed_out_after_s is not None
        if goal.what == "ms":
            return median, bound
        if goal.what == "seconds":
            return (None if median is None else median / 1000), bound
        if goal.what == "ratio":
            return self.ratio, bound
        return self.memory_mb, bound

    def goal_checks(self) -> list[dict[str, Any]]:
        """Each goal: met (True), missed (False), or not known (None: a run stopped at its time
        limit below the goal's figure)."""
        checks = []
        for goal in self.goals:
            value, lower_bound = self.value_for(goal)
            met: bool | None
            if value is None:
                met = False if self.error else None
            elif value > goal.limit:
                met = False
            else:
                met = None if lower_bound else not self.error
            checks.append(
                {
                    "what": goal.what,
                    "limit": goal.limit,
                    "words": goal.words,
                    "value": _round(value),
                    "lower_bound": lower_bound,
                    "met": met,
                }
            )
        return checks

    @property
    def met(self) -> bool | None:
        checks = [c["met"] for c in self.goal_checks()]
        if not checks:
            return None
        if False in checks:
            return False
        return True if all(checks) else None

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "scope": self.scope,
            "who": self.who,
            "target": self.target,
            **self.measured.as_json(),
            "floor": None if self.floor is None else {"what": self.floor_what, **self.floor.as_json()},
            "ratio": _round(self.ratio),
            "memory_mb": _round(self.memory_mb),
            "baseline_mb": _round(self.baseline_mb),
            "rows": self.rows,
            "status": self.status,
            "error": self.error,
            "runs": len(self.measured.samples_ms),
            "planned_runs": self.planned_runs,
            "timed_out_after_s": self.timed_out_after_s,
            "note": self.note,
            "goals": self.goal_checks(),
            "met": self.met,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def page_goals(scope: str) -> list[Goal]:
    return [Goal("ms", PAGE_MS[scope]), Goal("ratio", FLOOR_RATIO)]


def table(results: list[Result]) -> list[str]:
    """The run as a plain text table."""
    header = ["measurement", "median ms (min–max)", "queries", "floor ms (q)", "ratio", "peak MB", "goals"]
    rows = [header]
    for r in results:
        goals = "  ".join(f"{_mark(c['met'])} {c['words']}" for c in r.goal_checks()) or "—"
        if r.error:
            goals = f"ERROR {r.error[:70]}"
        rows.append([r.key, _spread(r), _queries(r), _floor(r), _ratio(r), _n(r.memory_mb), goals])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def markdown(results: list[Result]) -> list[str]:
    lines = [
        "| measurement | median ms (min–max) | queries | floor ms (queries) | ratio | peak MB | goals |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    words = {True: "met", False: "**missed**", None: "unknown"}
    for r in results:
        goals = " · ".join(f"{words[c['met']]} {c['words']}" for c in r.goal_checks()) or "—"
        if r.error:
            goals = f"error: {r.error[:80]}"
        cells = [
            f"{r.key} ({r.label})",
            _spread(r),
            _queries(r),
            _floor(r),
            _ratio(r),
            _n(r.memory_mb),
            goals,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _spread(r: Result) -> str:
    m = r.measured
    if not m.samples_ms:
        return f"> {r.timed_out_after_s * 1000:.0f} (stopped)" if r.timed_out_after_s else "—"
    text = f"{_n(m.median)} ({_n(min(m.samples_ms))}–{_n(max(m.samples_ms))})"
    if len(m.samples_ms) < r.planned_runs:
        text += f" ×{len(m.samples_ms)}"
    return text


def _queries(r: Result) -> str:
    return "—" if r.measured.queries is None else str(r.measured.queries)


def _floor(r: Result) -> str:
    return "—" if r.floor is None or r.floor.median is None else f"{_n(r.floor.median)} ({r.floor.queries})"


def _ratio(r: Result) -> str:
    if r.ratio is None:
        return "—"
    return f"{'> ' if r.timed_out_after_s else ''}{r.ratio:.1f}×"


def _mark(met: bool | None) -> str:
    return {True: "✓", False: "✗", None: "?"}[met]


def _n(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"
