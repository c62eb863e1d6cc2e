"""A plain text progress bar on stderr: redrawn in place on a terminal, a line per stage otherwise."""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, stream: TextIO, *, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled
        self.live = enabled and stream.isatty()
        self.started = time.monotonic()
        self.label = ""
        self.total = 0
        self.done = 0
        self.stage_started = self.started
        self._drawn = 0.0

    def stage(self, label: str, total: int) -> None:
        self.finish()
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stage_started = time.monotonic()
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        self.done = min(self.total, self.done + count)
        self._draw()

    def finish(self) -> None:
        if not self.label:
            return
        self.done = self.total
        seconds = time.monotonic() - self.stage_started
        if self.enabled:
            if self.live:
                self._draw(force=True)
                self.stream.write(f"  {seconds:.1f} s\n")
            else:
                self.stream.write(f"{self.label} … {seconds:.1f} s\n")
            self.stream.flush()
        self.label = ""

    def _draw(self, *, force: bool = False) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if not force and now - self._drawn < 0.1 and self.done < self.total:
            return
        self._drawn = now
        filled = WIDTH * self.done // self.total
        share = 100 * self.done // self.total
        elapsed = now - self.started
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {share:3d}%  {self.label}"
            f" ({self.done}/{self.total})  {elapsed:5.0f} s\x1b[K"
        )
        self.stream.flush()
