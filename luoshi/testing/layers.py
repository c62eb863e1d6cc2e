"""The import contract: arrows run one way, down the layers of DESIGN.md.

    top (dashboard, bulletins, assessment, api, webhooks, the shell, CLI and demo loader)
      → ledgers and extraction → alerts → notifications → items → org → audit → core

An app may import apps of lower layers only (the top layer may also use its own). Imports are read
from the source (any depth, lazy ones included) and so are model references written as strings
("app.Model"). Tests and migrations are exempt. A new app must be given a layer here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

LAYERS: dict[str, int] = {
    "core": 0,
    "testing": 0,  # test support; imports no app
    "audit": 1,  # the audit log: any app may record to it; it imports only core
    "org": 2,
    "items": 3,
    "notifications": 4,
    "alerts": 5,
    # ledgers and extraction
    "extraction": 6,
    "indicators": 6,
    "projects": 6,
    "creations": 6,
    "rectification": 6,
    "commitments": 6,
    "investment": 6,
    "enterprises": 6,
    "yearend": 6,  # the year's turn: items, alerts' rule sets, the calendar
    # the top
    "dashboard": 7,
    "bulletins": 7,
    "assessment": 7,
    "api": 7,
    "webhooks": 7,  # events out: hears items, alerts and bulletins through their hooks
    "web": 7,
    "help": 7,
    "bench": 7,
}
TOP = max(LAYERS.values())
PACKAGE = "luoshi"
_MODEL_REFERENCE = re.compile(r"(?:ForeignKey|OneToOneField|ManyToManyField)\(\s*[\"'](\w+)\.\w+[\"']")


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    source: str
    target: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.source} (layer {LAYERS.get(self.source, '?')}) imports "
            f"{self.target} (layer {LAYERS.get(self.target, '?')})"
        )


def imported_apps(text: str) -> list[tuple[int, str]]:
    """(line, app) for every import of a luoshi app in `text`, and every "app.Model" reference."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(text)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == PACKAGE:
                names += [f"{PACKAGE}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == PACKAGE and len(parts) > 1:
                found.append((getattr(node, "lineno", 0), parts[1]))
    for match in _MODEL_REFERENCE.finditer(text):
        found.append((text.count("\n", 0, match.start()) + 1, match.group(1)))
    return found


def allowed(source: str, target: str) -> bool:
    if source == target:
        return True
    if source not in LAYERS or target not in LAYERS:
        return False
    if LAYERS[source] == TOP:
        return True
    return LAYERS[target] < LAYERS[source]


def check_source(app: str, text: str, path: str = "<text>") -> list[Violation]:
    return [
        Violation(path, line, app, target)
        for line, target in imported_apps(text)
        if target in LAYERS and not allowed(app, target)
    ]


def apps_in(root: Path) -> set[str]:
    return {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def check_package(root: Path) -> list[Violation]:
    """Every violation in the package at `root` (the folder `luoshi`)."""
    apps = apps_in(root)
    violations: list[Violation] = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if len(parts) < 2 or parts[0] not in apps:
            continue
        if "tests" in parts or "migrations" in parts or parts[-1].startswith(("test_", "conftest")):
            continue
        text = path.read_text(encoding="utf-8")
        for line, target in imported_apps(text):
            if target in apps and not allowed(parts[0], target):
                violations.append(Violation(str(path.relative_to(root.parent)), line, parts[0], target))
    return violations
