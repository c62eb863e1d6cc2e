"""Each registered ledger through the API, without the API knowing the ledgers: a ledger's items
(the item list's selector and filters, kind fixed) with its detail model's fields, and the figures of
`luoshi stats` through the same `Ledger.stats` hooks. A ledger registered later appears here as it is."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.http import Http404, QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from luoshi.api import serializers as s
from luoshi.api.pagination import Pagination
from luoshi.api.views import ERRORS, _filter_parameters, as_of_param, item_rows, paginate
from luoshi.audit.registry import is_secret, personal_mask
from luoshi.core import registry
from luoshi.items.models import Item
from luoshi.items.rules import DRAFT_READERS
from luoshi.org.models import Region
from luoshi.org.selectors import region_reader, scope_for


def _ledger(kind: str) -> registry.Ledger:
    found = registry.ledger(kind)
    if found is None:
        raise Http404
    return found


def ledger_row(entry: registry.Ledger) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "label": entry.label,
        "app_label": entry.app_label,
        "summary": entry.summary,
        "detail_model": entry.detail_model,
        "url": f"/api/v1/ledgers/{entry.kind}/",
    }


def _item_link(model: type[models.Model]) -> models.Field | None:
    """The detail model's one-to-one field to its item (its primary key, or a named link)."""
    for field in model._meta.get_fields():
        if isinstance(field, models.OneToOneField) and field.related_model is Item:
            return field
    return None


def _value(field: models.Field, value: Any) -> Any:
    mask = personal_mask(field)
    if mask is not None and value:
        return mask(str(value))
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def details_of(entry: registry.Ledger, items: list[Item]) -> dict[int, dict[str, Any]]:
    """The detail rows of `items` (one query), as plain fields: personal ones masked as the audit
    log masks them, secrets and files left out."""
    if not entry.detail_model or not items:
        return {}
    model = apps.get_model(entry.detail_model)
    link = _item_link(model)
    if link is None:
        return {}
    fields = [
        field
        for field in model._meta.concrete_fields
        if field is not link
        and not is_secret(field.name)
        and not isinstance(field, models.FileField | models.BinaryField | models.JSONField)
    ]
    rows = model._default_manager.filter(**{f"{link.attname}__in": [item.pk for item in items]})
    details = {}
    for row in rows:
        details[getattr(row, link.attname)] = {
            field.attname: _value(field, getattr(row, field.attname)) for field in fields
        }
    return details


class LedgerListView(APIView):
    @extend_schema(
        operation_id="ledgers_list", summary="已登记的台账", responses={200: s.LedgerSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        return Response([ledger_row(entry) for entry in registry.ledgers()])


class LedgerItemsView(APIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="ledgers_items",
        summary="某台账的事项及其明细（与事项列表相同的筛选）",
        parameters=[p for p in _filter_parameters() if p.name != "kind"],
        responses={200: s.LedgerItemSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    )
    def get(self, request: Request, kind: str) -> Response:
        entry = _ledger(kind)
        query = request.query_params.copy()
        assert isinstance(query, QueryDict)
        query["kind"] = entry.kind
        request._request.GET = query  # the item list's filter form reads the kind like the page's
        paginator, page = paginate(request, self, item_rows(request))
        context = {"details": details_of(entry, page)}
        return paginator.get_paginated_response(s.LedgerItemSerializer(page, many=True, context=context).data)


# Roles that read a whole region's figures, drafts included (the office's view of it).
REGION_READERS = frozenset(DRAFT_READERS)


class StatsView(APIView):
    @extend_schema(
        operation_id="stats",
        summary="各台账的统计（与 luoshi stats 相同）",
        parameters=[
            OpenApiParameter(
                "region",
                int,
                description="行政区 id：督查办、领导看该行政区的全部数字；不填：按自己的可见范围",
            ),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="统计日期 YYYY-MM-DD（默认今天）"),
        ],
        responses={200: s.StatsSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def get(self, request: Request) -> Response:
        as_of = as_of_param(request)
        if as_of.year < 2000 or as_of.year > 2100:
            raise ValidationError({"as_of": ["统计日期应在2000年至2100年之间。"]})
        reader: Any = request.user
        name = ""
        raw = request.query_params.get("region")
        if raw:
            if not raw.isdigit():
                raise ValidationError({"region": ["行政区应为 id。"]})
            scope = scope_for(request.user)
            region = Region.objects.filter(pk=int(raw)).first()
            allowed = region is not None and (
                scope.everything
                or any(seat.role in REGION_READERS and region.pk in seat.covers for seat in scope.seats)
            )
            if not allowed or region is None:
                raise PermissionDenied("只有督查办、领导可以按行政区查看统计，且只能看自己所辖的行政区。")
            reader, name = region_reader(region), region.name
        sections = {
            key: section(user=reader, as_of=as_of) for key, section in registry.stats_sections().items()
        }
        return Response({"region": name, "as_of": as_of, "sections": sections})
