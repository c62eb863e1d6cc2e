from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from luoshi.alerts.models import RuleSet
from luoshi.alerts.services import current_rule_set
from luoshi.core import clock
from luoshi.org.admin import ScopedAdmin
from luoshi.org.selectors import region_list_for


@admin.register(RuleSet)
class RuleSetAdmin(ScopedAdmin):
    """Rules are versioned: saving a rule set saves a new version; earlier versions stay as they were."""

    list_display = [
        "region",
        "version",
        "yellow_gap",
        "red_gap",
        "deadline_near_workdays",
        "note",
        "created_by",
        "created_at",
    ]
    list_filter = ["region"]
    readonly_fields = ["version", "created_by", "created_at"]
    fieldsets = (
        (None, {"fields": ("region", "version", "note")}),
        ("进度与时限", {"fields": ("yellow_gap", "red_gap", "deadline_near_workdays", "months_basis_kinds")}),
        (
            "未开始、节点、报送和核实",
            {
                "fields": (
                    "not_started_yellow_months",
                    "not_started_red_months",
                    "overdue_milestone_is_yellow",
                    "late_report_is_yellow",
                    "untrue_is_red",
                    "consecutive_yellow_to_red",
                )
            },
        ),
        ("考核指标", {"fields": ("growth_yellow_band", "bottom_third_is_yellow")}),
        ("历史显示", {"fields": ("caught_up_shows_yellow", "created_by", "created_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[RuleSet]:
        return RuleSet.objects.filter(region__in=region_list_for(request.user)).select_related(
            "region", "created_by"
        )

    def save_model(self, request: HttpRequest, obj: RuleSet, form: Any, change: bool) -> None:
        latest = current_rule_set(obj.region)
        obj.pk = None
        obj.version = (latest.version + 1) if latest else 1
        obj.created_by = request.user  # type: ignore[assignment]
        obj.created_at = clock.now()
        obj.save()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
