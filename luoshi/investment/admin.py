"""The investment ledger's base data in the admin: industry chains, task forces and the four
lists, each county's own (scoped like org.admin; every save is captured by the audit log)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from luoshi.investment.models import IndustryChain, ListEntry, TaskForce
from luoshi.org.admin import ScopedAdmin
from luoshi.org.models import Leader, Region
from luoshi.org.selectors import leader_list_for, region_list_for


class RegionScopedAdmin(ScopedAdmin):
    """Rows of the regions the admin maintains; choices of the same regions."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        regions = region_list_for(request.user)
        return super().get_queryset(request).filter(region__in=regions)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        model = db_field.related_model
        regions = region_list_for(request.user)
        if model in (IndustryChain, TaskForce):
            kwargs["queryset"] = model.objects.filter(region__in=regions)
        elif model is Leader:
            kwargs["queryset"] = leader_list_for(request.user)
        elif model is Region:
            kwargs["queryset"] = regions
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(IndustryChain)
class IndustryChainAdmin(RegionScopedAdmin):
    list_display = ["name", "region", "sort_order"]
    list_filter = ["region"]
    search_fields = ["name"]


@admin.register(TaskForce)
class TaskForceAdmin(RegionScopedAdmin):
    list_display = ["name", "chain", "leader", "unit", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


@admin.register(ListEntry)
class ListEntryAdmin(RegionScopedAdmin):
    list_display = ["title", "kind", "chain", "held_on", "amount", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["title"]
