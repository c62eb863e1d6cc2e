"""Timing one call: its wall time, its queries (counted by an execute wrapper, no query log), and a
time limit past which it is stopped (SIGALRM, in the main thread), its transaction rolled back."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection


class Counter:
    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.queries += 1
        return execute(sql, params, many, context)


class Timeout(BaseException):  # not an Exception: no `except Exception` on the way may eat it
    """The call took longer than allowed: what it cost so far is a lower bound."""


@dataclass
class Timed:
    ms: float
    queries: int
    value: Any
    timed_out: bool


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout


def timed(call: Callable[[], Any], timeout: float | None = None) -> Timed:
    counter = Counter()
    value, timed_out = None, False
    if timeout:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    start = time.perf_counter()
    try:
        with connection.execute_wrapper(counter):
            value = call()
    except Timeout:
        timed_out = True
    finally:
        elapsed = time.perf_counter() - start
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    return Timed(elapsed * 1000, counter.queries, value, timed_out)
