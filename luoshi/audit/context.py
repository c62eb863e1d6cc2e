"""Who is acting, for the rows the audit log writes: the request at hand, or a command or job.

The audit middleware binds each request; `luoshi` commands and jobs say what they are with
`acting(...)`; anything else acts as 系统. `quiet()` stops the capture of single rows for an
operation that writes one summary row of its own (an import, the demo loader).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

SYSTEM = "系统"


@dataclass
class AuditContext:
    request: HttpRequest | None = None
    # Who acts when no user is logged in: 系统, or the command that runs ("命令行：luoshi import").
    label: str = SYSTEM
    quiet: bool = False
    # Looked up once per request or command: the actor's region, region names.
    cache: dict[Any, Any] = field(default_factory=dict)
    # A lockout was written in this request: its 429 page is not a second row.
    lockout_recorded: bool = False


_current: ContextVar[AuditContext | None] = ContextVar("luoshi_audit_context", default=None)


def current() -> AuditContext:
    """The context of what runs now; outside any, a fresh one (系统, nothing cached)."""
    return _current.get() or AuditContext()


def bind_request(request: HttpRequest) -> Token[AuditContext | None]:
    return _current.set(AuditContext(request=request))


def unbind(token: Token[AuditContext | None]) -> None:
    _current.reset(token)


@contextmanager
def acting(label: str) -> Iterator[AuditContext]:
    """Inside the block, rows written without a logged-in user name `label` as the actor."""
    outer = _current.get()
    context = AuditContext(label=label, quiet=outer.quiet if outer else False)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


@contextmanager
def quiet() -> Iterator[None]:
    """Inside the block, changes to single rows are not captured: the operation records itself once."""
    outer = _current.get()
    context = (
        AuditContext(request=outer.request, label=outer.label, quiet=True, cache=outer.cache)
        if outer
        else AuditContext(quiet=True)
    )
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


def is_quiet() -> bool:
    context = _current.get()
    return context is not None and context.quiet
