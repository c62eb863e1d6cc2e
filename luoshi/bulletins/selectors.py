"""Reads of bulletins, scoped to the acting user (rules.py says who reads what)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from luoshi.bulletins.models import Bulletin, BulletinSettings, BulletinStatus
from luoshi.bulletins.rules import office_region_ids
from luoshi.org.models import Region, User
from luoshi.org.selectors import scope_for


def bulletin_list_for(user: User | object) -> QuerySet[Bulletin]:
    """The published bulletins of every region the user sees, and his own office's drafts."""
    scope = scope_for(user)
    bulletins = Bulletin.objects.select_related("region").defer("docx", "pdf", "html")
    drafts = Q(region_id__in=office_region_ids(user))
    if scope.everything:
        return bulletins.filter(Q(status=BulletinStatus.PUBLISHED) | drafts)
    return bulletins.filter(
        Q(status=BulletinStatus.PUBLISHED, region_id__in=scope.visible_region_ids) | drafts
    )


def bulletin_detail_for(user: User | object, pk: int) -> Bulletin:
    """Bulletin.DoesNotExist for one the user may not read (the view answers 404)."""
    return bulletin_list_for(user).defer(None).get(pk=pk)


def settings_for(region: Region) -> BulletinSettings:
    """The region's bulletin settings, or the defaults a county's office starts from (unsaved):
    柞水县 → 柞水县人民政府督查室, 柞政督〔2023〕N号."""
    found = BulletinSettings.objects.filter(region=region).first()
    if found is not None:
        return found
    short = region.short_name or region.name[:1]
    government = "县" if region.level == Region.Level.COUNTY else "市"
    return BulletinSettings(
        region=region,
        issuer=f"{region.name}人民政府督查室",
        number_prefix=f"{short}政督",
        recipients=f"各镇人民政府、街道办事处，{government}政府各工作部门、事业机构",
        copies_to=f"{government}委办公室，{government}人大常委会办公室，{government}政协办公室，{government}纪委监委",
        printer=f"{region.name}人民政府督查室",
    )
