"""Reads of the audit log. Which regions a reader may see is decided above (org.rules.can_audit and
audited_region_ids, from the one scoping selector) and passed in: this layer knows no roles."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone

from luoshi.audit.models import AuditEvent
from luoshi.audit.registry import audited_models


@dataclass(frozen=True)
class AuditFilters:
    start: date | None = None  # from this day (local time), inclusive
    end: date | None = None  # to this day, inclusive
    actor: str = ""  # part of the account or the name
    action: str = ""
    object_type: str = ""  # app_label.Model
    text: str = ""  # part of the summary, the object, its id or the page
    client_ip: str = ""  # an address, or its beginning (10.0.3.)
    region_id: int | None = None


def audit_event_list(
    *, region_ids: Collection[int], filters: AuditFilters | None = None
) -> QuerySet[AuditEvent]:
    """The rows of `region_ids` and the rows of no region (the deployment's own: superusers', the
    system's, logins to accounts that do not exist), filtered, newest first."""
    events = AuditEvent.objects.filter(Q(region_id__in=list(region_ids)) | Q(region_id__isnull=True))
    f = filters or AuditFilters()
    if f.start:
        events = events.filter(at__gte=_local_midnight(f.start))
    if f.end:
        events = events.filter(at__lt=_local_midnight(f.end + timedelta(days=1)))
    if f.actor:
        events = events.filter(Q(actor_username__icontains=f.actor) | Q(actor_name__icontains=f.actor))
    if f.action:
        events = events.filter(action=f.action)
    if f.object_type:
        events = events.filter(object_type=f.object_type)
    if f.text:
        events = events.filter(
            Q(summary__icontains=f.text)
            | Q(object_text__icontains=f.text)
            | Q(object_id=f.text)
            | Q(path__icontains=f.text)
        )
    if f.client_ip:
        events = events.filter(client_ip__startswith=f.client_ip)
    if f.region_id is not None:
        events = events.filter(region_id=f.region_id)
    return events.order_by("-at", "-id")


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def object_type_label(label: str) -> str:
    """“督办事项” for items.Item; the label itself for a model that no longer exists."""
    if not label:
        return ""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    return str(model._meta.verbose_name)


def field_label(object_type: str, name: str) -> str:
    """A field's name in words (“状态” for status), as the model names it today."""
    try:
        model = apps.get_model(object_type)
        return str(model._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError):
        return name


def object_type_choices() -> list[tuple[str, str]]:
    """The audited models, by their names in words."""
    choices = {model._meta.label: str(model._meta.verbose_name) for model in audited_models()}
    return sorted(choices.items(), key=lambda pair: pair[1])
