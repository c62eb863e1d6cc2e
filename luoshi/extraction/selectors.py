"""The region's directory for the extractor, and reads of source documents (scoped to the user)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import QuerySet
from django.template.loader import render_to_string

from luoshi.extraction.core import Directory, Entry
from luoshi.extraction.models import ProposedTask
from luoshi.items.models import Item
from luoshi.org.models import Leader, Person, Region, Unit, User
from luoshi.org.selectors import scope_for


def directory_for(region: Region) -> Directory:
    """Leaders, people and units of the region, with the other names they go by."""
    entries: list[Entry] = []
    leader_people = set()
    for leader in Leader.objects.filter(region=region, is_active=True).select_related("person"):
        leader_people.add(leader.person_id)
        entries.append(Entry(leader.person.name, tuple(leader.person.alias_list()), "leader", leader.pk))
    for person in Person.objects.filter(unit__region=region, is_active=True).exclude(pk__in=leader_people):
        entries.append(Entry(person.name, tuple(person.alias_list()), "person", person.pk))
    for unit in Unit.objects.filter(region=region, is_active=True):
        names = tuple(n for n in (unit.name, *unit.alias_list()) if n != unit.short_name)
        entries.append(Entry(unit.short_name, names, "unit", unit.pk))
    return Directory(tuple(entries))


def document_list_for(user: User | object) -> QuerySet:
    from luoshi.extraction.models import SourceDocument

    scope = scope_for(user)
    documents = SourceDocument.objects.select_related("region", "uploaded_by")
    if scope.everything:
        return documents
    return documents.filter(region_id__in=scope.region_ids)


@dataclass(frozen=True)
class ReviewOptions:
    """The region's units and leaders a reviewer chooses from, read once for the whole page."""

    units: list[tuple[str, str]]  # (value, label), as the form's choices would render them
    leaders: list[tuple[str, str]]

    @cached_property
    def unit_labels(self) -> dict[str, str]:
        return dict(self.units)

    @cached_property
    def leader_labels(self) -> dict[str, str]:
        return dict(self.leaders)


def review_options_for(region: Region) -> ReviewOptions:
    """The same choices as `limit_to_region` offers: the region's active units and leaders."""
    units = Unit.objects.filter(region=region, is_active=True)
    leaders = Leader.objects.filter(region=region, is_active=True).select_related("person")
    return ReviewOptions(
        units=[(str(unit.pk), str(unit)) for unit in units],
        leaders=[(str(leader.pk), str(leader)) for leader in leaders],
    )


def item_source_section(item: Item) -> str:
    """On an item's page: the words of the speech or minutes it was decomposed from."""
    task = ProposedTask.objects.filter(item=item).select_related("document").first()
    if task is None:
        return ""
    return render_to_string("extraction/_item_source.html", {"task": task})
