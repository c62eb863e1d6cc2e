"""The enterprises' base data in the admin: the enterprises (category and trade, in-statistics
status and date, candidate year, key-taxpayer flag, serving unit, revenue), the thresholds and the
year's cultivation target, each county's own (scoped like org.admin; every save is audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from luoshi.enterprises.models import CultivationTarget, Enterprise, Threshold
from luoshi.org.admin import ScopedAdmin
from luoshi.org.selectors import region_list_for


class RegionScopedAdmin(ScopedAdmin):
    """Rows of the regions the admin maintains (the region and unit choices are scoped by ScopedAdmin)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(region__in=region_list_for(request.user))


@admin.register(Enterprise)
class EnterpriseAdmin(RegionScopedAdmin):
    list_display = [
        "name",
        "category",
        "sub_trade",
        "in_statistics",
        "in_statistics_on",
        "candidate_year",
        "key_taxpayer",
        "unit",
        "revenue",
        "region",
    ]
    list_filter = ["category", "in_statistics", "key_taxpayer", "candidate_year", "region"]
    search_fields = ["name"]
    exclude = ["cultivation_item"]  # opened from the enterprise's page, never typed


@admin.register(Threshold)
class ThresholdAdmin(RegionScopedAdmin):
    list_display = ["category", "sub_trade", "measure", "amount", "region"]
    list_filter = ["category", "region"]


@admin.register(CultivationTarget)
class CultivationTargetAdmin(RegionScopedAdmin):
    list_display = ["year", "count", "region"]
    list_filter = ["year", "region"]
