"""Object pages that refuse: a scoped lookup that misses answers 404 (an id in a URL never tells
whether the object exists), and when the object does exist outside the user's scope the attempt is
in the audit log as a refusal (越权访问) — by its type and id only, never its content."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404

from luoshi.audit.models import Action
from luoshi.audit.services import audit_record

M = TypeVar("M", bound=models.Model)


def scoped_object_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    """The object of `queryset` (the user's scope) matching `lookup`, or Http404."""
    try:
        return queryset.get(**lookup)
    except models.ObjectDoesNotExist:
        out_of_scope(queryset.model, **lookup)
        raise Http404 from None


def out_of_scope(model: type[models.Model], **lookup: Any) -> None:
    """After a scoped lookup missed: record the refusal when the object exists (one query, on the
    refusing path only)."""
    found = model._base_manager.filter(**lookup).values_list("pk", flat=True).first()
    if found is None:
        return
    audit_record(
        action=Action.REFUSED,
        object_type=model._meta.label,
        object_id=found,
        object_text="",
        summary=f"越权访问被拒绝：{model._meta.verbose_name} #{found} 不在其可见范围内",
    )
