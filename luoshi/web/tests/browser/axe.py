"""axe-core in a Playwright page: the WCAG 2 A and AA rules, serious and critical findings block.

axe is a test tool, not something users are served: it is read from node_modules (a devDependency
in package.json, installed by `npm ci`) and never copied into the app's static files.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[4]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ("wcag2a", "wcag2aa")
BLOCKING = frozenset({"serious", "critical"})

RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    nodes: tuple[tuple[str, str], ...]  # (CSS selector, what axe says is wrong)

    @property
    def blocking(self) -> bool:
        return self.impact in BLOCKING

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "impact": self.impact,
            "help": self.help,
            "nodes": [{"target": t, "summary": s} for t, s in self.nodes],
        }


@cache
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def scan(page: Page) -> list[Violation]:
    """Run axe on the page as it is now.

    The pages carry a Content-Security-Policy with script-src 'self' (luoshi/web/middleware.py), so
    page.add_script_tag(content=...) is refused: it inserts an inline <script>. Instead of opening
    the browser context with bypass_csp=True, which would switch the policy off for the whole
    journey, axe's source is evaluated through the DevTools protocol (page.evaluate), which the
    page's policy does not govern. The journeys thus also prove that every page works under its
    real policy.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    found = page.evaluate(RUN, list(TAGS))
    return [
        Violation(
            rule=v["rule"],
            impact=v["impact"] or "",
            help=v["help"],
            nodes=tuple((n["target"], n["summary"]) for n in v["nodes"]),
        )
        for v in found
    ]


def describe(violations: list[Violation]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v.impact}] {v.rule}: {v.help}")
        for target, summary in v.nodes[:8]:
            first = summary.strip().splitlines()[-1].strip() if summary.strip() else ""
            lines.append(f"    {target}  — {first}")
        if len(v.nodes) > 8:
            lines.append(f"    … and {len(v.nodes) - 8} more")
    return "\n".join(lines)
