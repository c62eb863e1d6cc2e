from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from luoshi.core.models import CalendarDay
from luoshi.org.admin import ScopedAdmin


@admin.register(CalendarDay)
class CalendarDayAdmin(ScopedAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return super().has_change_permission(request, obj)
