"""What the help pages read from the database: the reader's rules, calendar and settings.

No work data: the rule set of the reader's own region (its thresholds), the consequences it has
configured, the working-day calendar and the upload limits. Nothing here depends on what the
reader may see of items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from luoshi.alerts import engine
from luoshi.alerts import services as alerts
from luoshi.alerts.models import ConsequenceAction
from luoshi.core import registry
from luoshi.core.models import CalendarDay
from luoshi.core.selectors import work_calendar
from luoshi.help import facts
from luoshi.items.evidence import ACCEPTED_DESCRIPTION
from luoshi.org.models import Membership, Region, User


@dataclass(frozen=True)
class HelpFacts:
    region: Region | None
    rules_version: int  # 0: the system's defaults
    rule_lines: list[facts.RuleLine]
    consequences: dict[str, list[str]]  # colour → what it brings, in words
    evidence_types: str
    evidence_max_mb: int
    remind_workdays_before: int
    overdue_remind_every: int
    year: int
    year_published: bool
    breaks: list[facts.Break]


def reader_region(user: User) -> Region | None:
    """The region of the reader's first seat (a county's people sit in one county)."""
    seat = Membership.objects.filter(user=user).select_related("unit__region").order_by("pk").first()
    return seat.unit.region if seat else None


def help_facts(user: User, *, as_of: date) -> HelpFacts:
    region = reader_region(user)
    rules, version = alerts.rules_for(region.pk) if region else (engine.DEFAULT_RULES, 0)
    kind_labels = {ledger.kind: ledger.label for ledger in registry.ledgers()}
    consequences: dict[str, list[str]] = {}
    if region is not None:
        for colour, chosen in alerts.consequences_for(region.pk).items():
            consequences[colour] = [ConsequenceAction(c.action).label for c in chosen]
    else:
        for colour, actions in alerts.DEFAULT_CONSEQUENCES.items():
            consequences[colour] = [ConsequenceAction(action).label for action in actions]
    calendar = work_calendar()
    notes = dict(CalendarDay.objects.exclude(note="").values_list("date", "note"))
    return HelpFacts(
        region=region,
        rules_version=version,
        rule_lines=facts.rule_lines(rules, kind_labels),
        consequences=consequences,
        evidence_types=ACCEPTED_DESCRIPTION,
        evidence_max_mb=int(settings.LUOSHI_EVIDENCE_MAX_MB),
        remind_workdays_before=int(settings.LUOSHI_REMIND_WORKDAYS_BEFORE),
        overdue_remind_every=int(settings.LUOSHI_OVERDUE_REMIND_EVERY),
        year=as_of.year,
        year_published=calendar.is_published(as_of.year),
        breaks=facts.holiday_breaks(calendar, as_of.year, notes),
    )
