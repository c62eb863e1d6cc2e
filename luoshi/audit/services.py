"""Writing the audit log, and purging what is past its retention.

`audit_record` is what every layer calls for an event it knows of (an import, a recomputation, an
export); the capture module calls it for logins, refusals and data changes. Who acted, from which
address and on which page comes from the context (a request, a command, a job).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from luoshi.audit import context, registry
from luoshi.audit.models import LEGAL_MINIMUM_DAYS, Action, AuditEvent
from luoshi.core.http import client_ip

logger = logging.getLogger("luoshi.audit")

# "From the context": the request's user, or the command or job that runs.
CONTEXT: Any = object()


def _text(value: object, limit: int) -> str:
    text = str(value or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _actor(actor: Any) -> tuple[int | None, str, str]:
    """(id, username, name) of who acts."""
    ctx = context.current()
    if actor is CONTEXT:
        user = getattr(ctx.request, "user", None) if ctx.request is not None else None
        actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    if actor is None:
        return None, "", ctx.label
    name = actor.get_full_name() if hasattr(actor, "get_full_name") else str(actor)
    return actor.pk, actor.get_username(), name or actor.get_username()


def _region_names(ids: Iterable[int]) -> dict[int, str]:
    ctx = context.current()
    names: dict[int, str] = ctx.cache.setdefault("region_names", {})
    missing = {pk for pk in ids if pk not in names}
    organisation = registry.organisation()
    if missing and organisation is not None:
        names.update(organisation.region_names(missing))
    return names


def region_of_user(user_id: int | None) -> tuple[int, str] | None:
    if user_id is None:
        return None
    ctx = context.current()
    key = ("user_region", user_id)
    if key not in ctx.cache:
        organisation = registry.organisation()
        found = organisation.region_of_user(user_id) if organisation is not None else None
        ctx.cache[key] = found
        if found is not None:
            ctx.cache.setdefault("region_names", {})[found[0]] = found[1]
    result: tuple[int, str] | None = ctx.cache[key]
    return result


def _region(region: Any, obj: models.Model | None, actor_id: int | None) -> tuple[int | None, str]:
    if isinstance(region, tuple):
        return region
    if region is not None:
        return region.pk, str(region)
    region_id: int | None = None
    if obj is not None:
        user_model_label = settings.AUTH_USER_MODEL
        if obj._meta.label == user_model_label and obj.pk is not None:
            found = region_of_user(obj.pk)
            if found is not None:
                return found
        region_id = registry.region_id_of(obj)
    if region_id is not None:
        return region_id, _region_names([region_id]).get(region_id, "")
    found = region_of_user(actor_id)
    return found if found is not None else (None, "")


def audit_build(
    *,
    action: Action | str,
    summary: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: object = "",
    object_text: str | None = None,
    changes: Mapping[str, Any] | None = None,
    actor: Any = CONTEXT,
    username: str = "",
    actor_name: str | None = None,
    region: Any = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """An unsaved row: who (`actor`, a user or None for the system; by default the context's),
    what (`action`, `summary`, the object and its field `changes`: name → [old, new]) and where
    (`region`, an object with a pk and a name or a tuple (id, name); by default the object's region,
    else the actor's).
    `username` names an account that was tried without a login (a failed login), `actor_name` says
    who that was in words; `request` is the context's unless given (a login signal's own)."""
    actor_id, actor_username, name = _actor(actor)
    if username and not actor_username:
        actor_username = username
    if actor_name is not None:
        name = actor_name
    region_id, region_name = _region(region, obj, actor_id)
    if request is None:
        request = context.current().request
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or obj.pk
        if object_text is None:
            object_text = str(obj)
    return AuditEvent(
        action=action,
        actor_id=actor_id,
        actor_username=_text(actor_username, 150),
        actor_name=_text(name, 150),
        client_ip=_text(client_ip(request), 45) if request is not None else "",
        region_id=region_id,
        region_name=_text(region_name, 50),
        object_type=_text(object_type, 100),
        object_id=_text("" if object_id is None else object_id, 64),
        object_text=_text(object_text, 300),
        changes=dict(changes or {}),
        summary=_text(summary, 500),
        method=_text(request.method, 10) if request is not None else "",
        path=_text(request.path, 300) if request is not None else "",
    )


def audit_record(**kwargs: Any) -> AuditEvent:
    """Write one row of the audit log now (see audit_build for the arguments)."""
    event = audit_build(**kwargs)
    event.save()
    return event


def audit_record_derived(**kwargs: Any) -> AuditEvent | None:
    """Record what the system derived from changes (a recomputation's summary), except inside a
    quiet() block, whose operation (the demo loader) records itself once."""
    if context.is_quiet():
        return None
    return audit_record(**kwargs)


def audit_record_all(events: Iterable[AuditEvent]) -> int:
    """Write rows built with audit_build in one statement (a bulk operation's rows, one per object)."""
    rows = list(events)
    AuditEvent.objects.bulk_create(rows, batch_size=500)
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Retention


def retention_days() -> int:
    days: int = getattr(settings, "LUOSHI_AUDIT_RETENTION_DAYS", LEGAL_MINIMUM_DAYS)
    return max(days, LEGAL_MINIMUM_DAYS)


def purge_cutoff(as_of: date, days: int | None = None) -> datetime:
    """The first moment whose rows are kept: the start of the day `days` before `as_of` (local time)."""
    keep = retention_days() if days is None else days
    if keep < LEGAL_MINIMUM_DAYS:
        raise ValueError(f"审计日志至少保存 {LEGAL_MINIMUM_DAYS} 天，不能只保存 {keep} 天。")
    return timezone.make_aware(datetime.combine(as_of - timedelta(days=keep), time.min))


@transaction.atomic
def audit_purge(*, as_of: date, days: int | None = None) -> int:
    """Delete the rows older than the retention (LUOSHI_AUDIT_RETENTION_DAYS, at least 180 days)
    as of `as_of`, and record that it was done. The database itself refuses to delete a row younger
    than 180 days by its own clock, whatever `as_of` says."""
    cutoff = purge_cutoff(as_of, days)
    deleted = AuditEvent.objects.purge_before(cutoff)
    keep = retention_days() if days is None else days
    audit_record(
        action=Action.PURGED,
        summary=f"清理审计日志：删除 {timezone.localtime(cutoff):%Y年%m月%d日} 之前的记录 {deleted} 条"
        f"（保存期 {keep} 天）",
        object_type=AuditEvent._meta.label,
        changes={
            "删除此前的记录": [None, f"{timezone.localtime(cutoff):%Y-%m-%d}"],
            "删除条数": [None, deleted],
        },
        actor=None,
    )
    logger.info("audit log purged: %s rows before %s", deleted, cutoff)
    return deleted
