"""Reads of bulletins, scoped to the acting user (rules.py says who reads what)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from luoshi.bulletins.models import Bulletin, BulletinSettings, BulletinStatus, Decision, Meeting
from luoshi.bulletins.rules import led_region_ids, office_region_ids, overseen_region_ids
from luoshi.org.models import Leader, Region, Unit, User
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


def published_of_same_period(bulletin: Bulletin) -> list[Bulletin]:
    """The bulletins already published for the same region, kind and period as `bulletin` (the
    confirmation page warns of them: a second one is allowed, a correction or a special one)."""
    return list(
        Bulletin.objects.filter(
            region_id=bulletin.region_id,
            period_kind=bulletin.period_kind,
            period_start=bulletin.period_start,
            period_end=bulletin.period_end,
            status=BulletinStatus.PUBLISHED,
        )
        .exclude(pk=bulletin.pk)
        .only("pk", "number_prefix", "year", "number", "title", "published_on")
        .order_by("published_on", "number")
    )


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
        recipients=(
            "各镇人民政府、街道办事处，县政府各工作部门、事业机构"
            if region.level == Region.Level.COUNTY
            else "各县区人民政府，市政府各工作部门、直属机构"
        ),
        copies_to=f"{government}委办公室，{government}人大常委会办公室，{government}政协办公室，{government}纪委监委",
        printer=f"{region.name}人民政府督查室",
    )


def meeting_list_for(user: User | object) -> QuerySet[Meeting]:
    """The packs the user reads: his office's, every pack of a region he is a leader of (the
    magistrate oversees them all), the meetings he attends as a leader of a region he sees, and those
    of the regions under his seats as a city's office or leader (rules.py)."""
    scope = scope_for(user)
    meetings = Meeting.objects.select_related("region").defer("docx")
    if scope.everything:
        return meetings
    readable = Q(region_id__in=office_region_ids(user) | led_region_ids(user) | overseen_region_ids(user))
    person_id = getattr(user, "person_id", None)
    if person_id is not None:
        attending = Meeting.leaders.through.objects.filter(leader__person_id=person_id).values("meeting_id")
        readable |= Q(pk__in=attending, region_id__in=scope.region_ids)
    return meetings.filter(readable)


def meeting_detail_for(user: User | object, pk: int) -> Meeting:
    """Meeting.DoesNotExist for one the user may not read (the view answers 404)."""
    return meeting_list_for(user).defer(None).get(pk=pk)


def decision_for(user: User | object, pk: int) -> Decision:
    """Decision.DoesNotExist for a decision of a meeting the user may not read."""
    return Decision.objects.select_related("meeting__region").get(
        pk=pk, meeting__in=meeting_list_for(user).values("pk")
    )


def decisions_of(meeting: Meeting) -> QuerySet[Decision]:
    return meeting.decisions.select_related("lead_unit", "patron_leader__person", "item").prefetch_related(
        "support_units"
    )


def meeting_leaders_for(region: Region | int) -> QuerySet[Leader]:
    """The leaders a region's meeting may have attend: its serving leaders, in the team's order."""
    return (
        Leader.objects.filter(region=region, is_active=True).select_related("person").order_by("rank", "pk")
    )


def meeting_units_for(region: Region | int) -> QuerySet[Unit]:
    return Unit.objects.filter(region=region, is_active=True).order_by("sort_order", "pk")
