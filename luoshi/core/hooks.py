"""Hooks: how a lower layer tells a higher one that something happened, without importing it.

The layer that owns an event declares a `Hook` for it; a higher app connects a receiver in its
`AppConfig.ready()`. Same pattern as Wagtail's hooks: the lower layer owns the hook and never
learns who answers. A hook sent `on_commit` runs after the sender's transaction has committed,
so the sender's own change never waits on its receivers (and a rolled-back change tells nobody).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Generic, TypeVar

from django.db import transaction

P = TypeVar("P")

_immediate: ContextVar[bool] = ContextVar("luoshi_hooks_immediate", default=False)


@contextmanager
def immediately() -> Iterator[None]:
    """Within this block, what would follow a commit follows each change at once.

    For loaders that replay a history inside one transaction (the demo county, day by day with the
    clock pinned): what follows each day's changes must happen on that day, not after the last.
    """
    token = _immediate.set(True)
    try:
        yield
    finally:
        _immediate.reset(token)


@dataclass
class Hook(Generic[P]):
    name: str
    _receivers: list[tuple[int, Callable[[P], object]]] = field(default_factory=list, repr=False)

    def connect(self, receiver: Callable[[P], object], *, order: int = 0) -> Callable[[P], object]:
        """Add a receiver (at most once); lower `order` runs first."""
        if all(existing is not receiver for _order, existing in self._receivers):
            self._receivers.append((order, receiver))
            self._receivers.sort(key=lambda pair: pair[0])
        return receiver

    def disconnect(self, receiver: Callable[[P], object]) -> None:
        self._receivers = [pair for pair in self._receivers if pair[1] is not receiver]

    @property
    def receivers(self) -> list[Callable[[P], object]]:
        return [receiver for _order, receiver in self._receivers]

    def send(self, payload: P) -> None:
        for receiver in self.receivers:
            receiver(payload)

    def collect(self, payload: P) -> list[object]:
        """Every receiver's answer, in order (for hooks that ask rather than tell)."""
        return [receiver(payload) for receiver in self.receivers]

    def send_on_commit(self, payload: P) -> None:
        if _immediate.get():
            self.send(payload)
        else:
            transaction.on_commit(partial(self.send, payload))
