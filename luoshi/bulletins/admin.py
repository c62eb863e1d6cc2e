from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from luoshi.bulletins.models import BulletinSettings
from luoshi.org.admin import ScopedAdmin
from luoshi.org.selectors import region_list_for


@admin.register(BulletinSettings)
class BulletinSettingsAdmin(ScopedAdmin):
    """A county's bulletin heading: issuer, number prefix (柞政督), 主送, 抄送 and 印发机关."""

    list_display = ["region", "issuer", "number_prefix", "printer"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[BulletinSettings]:
        return super().get_queryset(request).filter(region__in=region_list_for(request.user))
