"""The schemes and the city's published points in the admin, scoped like the other admins (a
county's 管理员 maintains his county's). Scores, records and appeals are not edited here: they are
computed, or go through the office's pages and their services. A scheme whose scores have been
computed is read-only here as on the office's pages, so that its scores keep their scheme."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from luoshi.assessment.models import CityCriterion, CityScore, Criterion, Group, Scheme, ScoreRun
from luoshi.org.admin import ScopedAdmin
from luoshi.org.selectors import region_list_for


def _scored(scheme_id: int | None) -> bool:
    return scheme_id is not None and ScoreRun.objects.filter(scheme_id=scheme_id).exists()


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["name", "max_points", "method", "params", "source", "sort_order"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and _scored(obj.scheme_id)) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and _scored(obj.scheme_id)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and _scored(obj.scheme_id)) and super().has_delete_permission(
            request, obj
        )


@admin.register(Scheme)
class SchemeAdmin(ScopedAdmin):
    list_display = ["name", "year", "region"]
    list_filter = ["region", "year"]
    exclude = ["version"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and _scored(obj.pk)) and super().has_change_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Scheme]:
        return Scheme.objects.filter(region__in=region_list_for(request.user)).select_related("region")


@admin.register(Group)
class GroupAdmin(ScopedAdmin):
    """A group's members and criteria (the criteria's parameters are checked by scoring.py)."""

    list_display = ["name", "kind", "scheme", "sort_order"]
    list_filter = ["scheme__region", "scheme__year"]
    filter_horizontal = ["units"]
    inlines = [CriterionInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and _scored(obj.scheme_id)) and super().has_change_permission(
            request, obj
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        return Group.objects.filter(scheme__region__in=region_list_for(request.user)).select_related("scheme")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "scheme":
            # A group is added to a scheme not yet scored only.
            kwargs["queryset"] = Scheme.objects.filter(
                region__in=region_list_for(request.user), runs__isnull=True
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CityScoreInline(admin.TabularInline):
    model = CityScore
    extra = 0


@admin.register(CityCriterion)
class CityCriterionAdmin(ScopedAdmin):
    """市考县: the city's published points of each county, entered by the county."""

    list_display = ["name", "year", "region", "max_points", "sort_order"]
    list_filter = ["region", "year"]
    inlines = [CityScoreInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CityCriterion]:
        return CityCriterion.objects.filter(region__in=region_list_for(request.user)).select_related("region")
