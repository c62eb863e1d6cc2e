"""Helpers shared by the management commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from luoshi.org.models import Region


def region_named(name: str | None) -> Region:
    """The region a command works on: the one named (by name or code), or the only county there is."""
    if name:
        region = Region.objects.filter(name=name).first() or Region.objects.filter(code=name).first()
        if region is None:
            raise CommandError(f"找不到行政区“{name}”。")
        return region
    counties = list(Region.objects.filter(level=Region.Level.COUNTY)[:2])
    if len(counties) != 1:
        raise CommandError("有多个县（或还没有县），请用 --region 指明行政区。")
    return counties[0]
