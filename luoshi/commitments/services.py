"""Writes to commitments: one transaction each, through the items services for the item side, an
event on the item for every change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from luoshi.commitments import rules
from luoshi.commitments.models import KIND, CityPledge, CommitmentLetter, Livelihood, Survey
from luoshi.items import rules as item_rules
from luoshi.items import services as items
from luoshi.items.hooks import items_changed_on_commit
from luoshi.items.models import EventKind, Item, Measure, ReportCycle, Source
from luoshi.items.services import ItemInput, ServiceError, ensure, item_event_record
from luoshi.items.workflow import Action
from luoshi.org.models import Leader, Region, Unit, User


def _clean(obj: object, *, exclude: Sequence[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))  # type: ignore[attr-defined]
    except ValidationError as error:
        raise ServiceError("；".join(m for ms in error.message_dict.values() for m in ms)) from error


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class CommitmentInput:
    title: str
    year: int
    lead_unit: Unit
    deadline: date
    patron_leader: Leader | None = None
    support_units: Sequence[Unit] = ()
    description: str = ""
    code: str = ""


def _item(
    *, actor: User | None, region: Region, data: CommitmentInput, source: str, **fields: object
) -> Item:
    return items.item_create(
        actor=actor,
        region=region,
        data=ItemInput(
            title=data.title.strip(),
            year=data.year,
            kind=KIND,
            source=source,
            code=data.code,
            description=data.description,
            patron_leader=data.patron_leader,
            lead_unit=data.lead_unit,
            support_units=data.support_units,
            deadline=data.deadline,
            **fields,  # type: ignore[arg-type]
        ),
    )


def _assign(actor: User | None, item: Item, as_of: date) -> Item:
    if actor is None:
        return item
    return items.item_take(
        actor=actor, item=item, action=Action.ASSIGN, as_of=as_of, confirm_past_deadline=True
    )


@transaction.atomic
def pledge_create(
    *, actor: User | None, region: Region, data: CommitmentInput, demand: str, standard: str, as_of: date
) -> CityPledge:
    """A task the city set (军令状): its item (source 军令状, due at the time limit) and its detail."""
    ensure(actor is None or item_rules.can_create_item(actor, region.pk), "只有督查办可以录入军令状。")
    item = _item(actor=actor, region=region, data=data, source=Source.CITY_PLEDGE)
    pledge = CityPledge(item=item, demand=demand.strip(), standard=standard.strip(), time_limit=data.deadline)
    _clean(pledge, exclude=["item"])
    pledge.save()
    pledge.item = _assign(actor, item, as_of)
    return pledge


@transaction.atomic
def livelihood_create(
    *,
    actor: User | None,
    region: Region,
    data: CommitmentInput,
    planned_investment: Decimal,
    as_of: date,
    planned_start: date | None = None,
) -> Livelihood:
    """A livelihood project: its item (source 民生实事; its progress report is the cumulative
    investment in 万元 against the planned investment) and its detail."""
    ensure(actor is None or item_rules.can_create_item(actor, region.pk), "只有督查办可以录入民生实事。")
    item = _item(
        actor=actor,
        region=region,
        data=data,
        source=Source.LIVELIHOOD,
        planned_start=planned_start,
        measure=Measure.VALUE,
        target_value=planned_investment,
        value_unit="万元",
        report_cycle=ReportCycle.MONTHLY,
    )
    livelihood = Livelihood(item=item, planned_investment=planned_investment)
    _clean(livelihood, exclude=["item"])
    livelihood.save()
    livelihood.item = _assign(actor, item, as_of)
    return livelihood


@transaction.atomic
def livelihood_attach(*, actor: User | None, item: Item, planned_investment: Decimal) -> Livelihood:
    """Give an existing item of source 民生实事 (made before this ledger, or by the item form) its
    detail: the ledger then counts it."""
    item = Item.objects.select_for_update(of=("self",)).get(pk=item.pk)
    ensure(
        actor is None or item_rules.is_supervisor_of(actor, item.region_id), "只有督查办可以登记民生实事。"
    )
    ensure(
        item.kind == KIND and item.source == Source.LIVELIHOOD,
        "只有来源为民生实事的承诺事项可以登记。",
        ServiceError,
    )
    ensure(not Livelihood.objects.filter(item=item).exists(), "该事项已登记为民生实事。", ServiceError)
    livelihood = Livelihood(item=item, planned_investment=planned_investment)
    _clean(livelihood, exclude=["item"])
    livelihood.save()
    item_event_record(
        item=item,
        actor=actor,
        kind=EventKind.UPDATED,
        note=f"登记为民生实事，计划投资{planned_investment}万元",
    )
    return livelihood


@transaction.atomic
def livelihood_progress(
    *, actor: User, livelihood: Livelihood, started_on: date | None, completed_on: date | None, as_of: date
) -> Livelihood:
    """Record a livelihood project's start and completion (the office, from the unit's reports)."""
    livelihood = (
        Livelihood.objects.select_for_update(of=("self",)).select_related("item").get(pk=livelihood.pk)
    )
    item = livelihood.item
    ensure(item_rules.is_supervisor_of(actor, item.region_id), "只有督查办可以登记民生实事的开工和建成。")
    ensure(completed_on is None or started_on is not None, "建成前须先登记开工日期。", ServiceError)
    ensure(
        completed_on is None or started_on is None or started_on <= completed_on,
        "建成日期不能早于开工日期。",
        ServiceError,
    )
    for day in (started_on, completed_on):
        ensure(day is None or day <= as_of, "日期不能晚于今天。", ServiceError)
    before = (livelihood.started_on, livelihood.completed_on)
    livelihood.started_on, livelihood.completed_on = started_on, completed_on
    _clean(livelihood, exclude=["item"])
    livelihood.save(update_fields=["started_on", "completed_on"])
    if before != (started_on, completed_on):
        parts = [f"开工：{_day(started_on) if started_on else '未开工'}"]
        parts.append(f"建成：{_day(completed_on) if completed_on else '未建成'}")
        item_event_record(item=item, actor=actor, kind=EventKind.UPDATED, note="；".join(parts))
        items_changed_on_commit(item_ids=[item.pk], as_of=as_of)
    return livelihood


@dataclass
class SurveyInput:
    surveyed_on: date
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    note: str = ""


@transaction.atomic
def survey_record(*, actor: User, livelihood: Livelihood, data: SurveyInput, as_of: date) -> Survey:
    """The deputies' satisfaction with a livelihood project, at the year's end (once a year)."""
    livelihood = (
        Livelihood.objects.select_for_update(of=("self",)).select_related("item").get(pk=livelihood.pk)
    )
    item = livelihood.item
    ensure(rules.can_record_survey(actor, item), f"满意度测评由{rules.survey_unit_name()}或督查办录入。")
    year = item.year
    ensure(rules.survey_open(year, as_of), f"满意度测评在年底进行，{year}年12月起才能录入。", ServiceError)
    ensure(data.surveyed_on <= as_of, "测评日期不能晚于今天。", ServiceError)
    ensure(data.surveyed_on.year == year, f"测评日期须在{year}年。", ServiceError)
    ensure(
        not Survey.objects.filter(livelihood=livelihood, year=year).exists(),
        f"{year}年的测评已经录入。",
        ServiceError,
    )
    survey = Survey(
        livelihood=livelihood,
        year=year,
        surveyed_on=data.surveyed_on,
        satisfied=data.satisfied,
        basically_satisfied=data.basically_satisfied,
        dissatisfied=data.dissatisfied,
        note=data.note.strip(),
        recorded_by=actor,
    )
    ensure(survey.respondents > 0, "请填写测评票数。", ServiceError)
    _clean(survey, exclude=["livelihood", "recorded_by"])
    survey.save()
    item_event_record(
        item=item,
        actor=actor,
        kind=EventKind.UPDATED,
        note=f"人大代表满意度测评：{survey.respondents}票，满意率{survey.rating}%",
    )
    return survey


@transaction.atomic
def letter_record(
    *, actor: User | None, unit: Unit, year: int, signed_on: date, signer: str, summary: str = ""
) -> CommitmentLetter:
    """A unit's letter of commitment for a year (the office records it)."""
    ensure(actor is None or item_rules.is_supervisor_of(actor, unit.region_id), "只有督查办可以登记承诺书。")
    ensure(
        not CommitmentLetter.objects.filter(unit=unit, year=year).exists(),
        f"{unit}{year}年的承诺书已经登记。",
        ServiceError,
    )
    letter = CommitmentLetter(
        region=unit.region, unit=unit, year=year, signed_on=signed_on, signer=signer.strip(), summary=summary
    )
    _clean(letter, exclude=["region", "unit"])
    letter.save()
    return letter
