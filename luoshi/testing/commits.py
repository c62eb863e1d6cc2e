"""Tests run inside a transaction that is rolled back, so nothing ever commits and Django keeps
every `on_commit` callback waiting. luoshi's colours and notifications follow a change *after it
commits*; to see them in tests as a user sees them, a service's callbacks run when its outermost
own transaction ends, which is the moment a real deployment commits it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections, transaction

_original_exit = transaction.Atomic.__exit__
_running: set[str] = set()


def _only_test_wrappers_left(connection: Any) -> bool:
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _exit(self: transaction.Atomic, exc_type: Any, exc_value: Any, traceback: Any) -> None:
    _original_exit(self, exc_type, exc_value, traceback)
    alias = self.using or "default"
    connection = connections[alias]
    if alias in _running or not connection.in_atomic_block or not _only_test_wrappers_left(connection):
        return
    _running.add(alias)
    try:
        while connection.run_on_commit:
            entry = connection.run_on_commit.pop(0)
            entry[1]()  # (savepoint ids, callback, robust)
    finally:
        _running.discard(alias)


@contextmanager
def commits_at_service_end() -> Iterator[None]:
    transaction.Atomic.__exit__ = _exit  # type: ignore[method-assign]
    try:
        yield
    finally:
        transaction.Atomic.__exit__ = _original_exit  # type: ignore[method-assign]


def outer_test_transaction(using: str | None = None) -> transaction.Atomic:
    """A transaction a fixture wraps around several tests (rolled back at the end): callbacks of
    the services inside it run as if it were the test's own wrapper."""
    atomic = transaction.atomic(using=using)
    atomic._from_testcase = True  # type: ignore[attr-defined]
    return atomic
