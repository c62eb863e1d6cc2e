"""Writes to commitments: one transaction each, through the items services for the item side, an
event on the item for every change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from luoshi.commitments import rules
from luoshi.commitments.models import KIND, CityPledge, CommitmentLetter, Livelihood, Survey
from luoshi.items import rules as item_rules
from luoshi.items import services as items
from luoshi.items.hooks import items_changed_on_commit
from luoshi.items.models import EventKind, Item, Measure, ProgressReport, ReportCycle, Source
from luoshi.items.services import (
    Conflict,
    ItemInput,
    MilestoneInput,
    ServiceError,
    detail_changes_record,
    ensure,
    item_event_record,
)
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


def _item_input_of(item: Item) -> ItemInput:
    """The item as its edit form would give it back unchanged (what an edit starts from)."""
    return ItemInput(
        **{name: getattr(item, name) for name in ItemInput.__dataclass_fields__ if name not in _LISTS},
        support_units=list(item.support_units.all()),
        milestones=[
            MilestoneInput(name=m.name, due=m.due, done_on=m.done_on, pk=m.pk) for m in item.milestones.all()
        ],
    )


_LISTS = ("support_units", "milestones")
# The item's fields as the commitments name them, in its timeline.
ITEM_LABELS = {
    "title": "名称",
    "description": "内容",
    "lead_unit": "责任单位",
    "patron_leader": "包抓县级领导",
    "planned_start": "计划开工",
    "deadline": "完成时限",
    "target_value": "计划投资（万元）",
}


def _item_edit(
    *, actor: User, item: Item, data: CommitmentInput, expected_version: int, as_of: date, **fields: object
) -> Item:
    """Edit a commitment's item through items.item_update (office only, refused on a stale version)."""
    ensure(data.year == item.year, "年度不能修改。", ServiceError)
    wanted = replace(
        _item_input_of(item),
        title=data.title.strip(),
        description=data.description,
        lead_unit=data.lead_unit,
        patron_leader=data.patron_leader,
        deadline=data.deadline,
        **fields,  # type: ignore[arg-type]
    )
    return items.item_update(
        actor=actor,
        item=item,
        expected_version=expected_version,
        data=wanted,
        as_of=as_of,
        labels=ITEM_LABELS,
    )


def _office(actor: User | None, region_id: int, doing: str) -> None:
    ensure(actor is None or item_rules.is_supervisor_of(actor, region_id), f"只有督查办可以{doing}。")


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
def pledge_update(
    *,
    actor: User,
    pledge: CityPledge,
    data: CommitmentInput,
    demand: str,
    standard: str,
    expected_version: int,
    as_of: date,
) -> CityPledge:
    """Edit a city pledge and its item: its time limit is its item's deadline."""
    pledge = CityPledge.objects.select_for_update(of=("self",)).select_related("item").get(pk=pledge.pk)
    _office(actor, pledge.item.region_id, "修改军令状")
    before = {"demand": pledge.demand, "standard": pledge.standard}
    pledge.item = _item_edit(
        actor=actor, item=pledge.item, data=data, expected_version=expected_version, as_of=as_of
    )
    pledge.demand, pledge.standard, pledge.time_limit = demand.strip(), standard.strip(), data.deadline
    _clean(pledge, exclude=["item"])
    pledge.save(update_fields=["demand", "standard", "time_limit"])
    detail_changes_record(item=pledge.item, actor=actor, detail=pledge, before=before, labels=PLEDGE_LABELS)
    return pledge


PLEDGE_LABELS = {"demand": "市上要求", "standard": "完成标准"}


WAN = "万元"


def _livelihood_measure(planned_investment: Decimal) -> dict[str, object]:
    """A livelihood project's item is measured by its cumulative investment: the unit's monthly
    report gives the 万元 invested, against the planned investment."""
    return {"measure": Measure.VALUE, "target_value": planned_investment, "value_unit": WAN}


def _check_dates(planned_start: date | None, deadline: date) -> None:
    ensure(planned_start is None or planned_start <= deadline, "计划建成不能早于计划开工。", ServiceError)


@transaction.atomic
def livelihood_create(
    *,
    actor: User | None,
    region: Region,
    data: CommitmentInput,
    planned_investment: Decimal,
    as_of: date,
    planned_start: date | None = None,
    voted: bool = True,
) -> Livelihood:
    """A livelihood project: its item (source 民生实事; its progress report is the cumulative
    investment in 万元 against the planned investment, due at its planned completion) and its
    detail; the item is assigned to its lead unit at once."""
    ensure(actor is None or item_rules.can_create_item(actor, region.pk), "只有督查办可以录入民生实事。")
    _check_dates(planned_start, data.deadline)
    item = _item(
        actor=actor,
        region=region,
        data=data,
        source=Source.LIVELIHOOD,
        planned_start=planned_start,
        report_cycle=ReportCycle.MONTHLY,
        **_livelihood_measure(planned_investment),
    )
    livelihood = Livelihood(item=item, planned_investment=planned_investment, voted=voted)
    _clean(livelihood, exclude=["item"])
    livelihood.save()
    livelihood.item = _assign(actor, item, as_of)
    return livelihood


@transaction.atomic
def livelihood_update(
    *,
    actor: User,
    livelihood: Livelihood,
    data: CommitmentInput,
    planned_investment: Decimal,
    planned_start: date | None,
    voted: bool,
    expected_version: int,
    as_of: date,
) -> Livelihood:
    """Edit a livelihood project and its item (still measured by its investment in 万元)."""
    livelihood = (
        Livelihood.objects.select_for_update(of=("self",)).select_related("item").get(pk=livelihood.pk)
    )
    _office(actor, livelihood.item.region_id, "修改民生实事")
    _check_dates(planned_start, data.deadline)
    before = {"planned_investment": livelihood.planned_investment, "voted": livelihood.voted}
    livelihood.item = _item_edit(
        actor=actor,
        item=livelihood.item,
        data=data,
        expected_version=expected_version,
        as_of=as_of,
        planned_start=planned_start,
        **_livelihood_measure(planned_investment),
    )
    livelihood.planned_investment, livelihood.voted = planned_investment, voted
    _clean(livelihood, exclude=["item"])
    livelihood.save(update_fields=["planned_investment", "voted"])
    detail_changes_record(
        item=livelihood.item,
        actor=actor,
        detail=livelihood,
        before={"voted": before["voted"]},  # the planned investment is the item's target, told there
        labels={"voted": "经人大代表票决"},
    )
    return livelihood


@transaction.atomic
def livelihood_attach(*, actor: User | None, item: Item, planned_investment: Decimal) -> Livelihood:
    """Give an existing item of source 民生实事 (made before this ledger, or by the item form) its
    detail: the ledger then counts it, and from then on its reports give the 万元 invested (an item
    measured otherwise is measured by its investment from now on; its earlier reports stay as
    they were)."""
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
    other_unit = item.measure == Measure.VALUE and item.value_unit not in ("", WAN)
    ensure(
        not (other_unit and ProgressReport.objects.filter(item=item, value__isnull=False).exists()),
        f"该事项按“{item.value_unit}”报送完成值，不能按投资额登记为民生实事；请另行录入民生实事。",
        ServiceError,
    )
    livelihood = Livelihood(item=item, planned_investment=planned_investment)
    _clean(livelihood, exclude=["item"])
    livelihood.save()
    note = f"登记为民生实事，计划投资{planned_investment}万元"
    measured = (item.measure, item.target_value, item.value_unit)
    if measured != (Measure.VALUE, planned_investment, WAN):
        Item.objects.filter(pk=item.pk).update(
            **_livelihood_measure(planned_investment), version=F("version") + 1
        )
        note += "；此后按累计完成投资（万元）报送进度"
    item_event_record(item=item, actor=actor, kind=EventKind.UPDATED, note=note)
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
    deputies: int  # 代表总数: the deputies of the congress who were to survey the project
    respondents: int  # 参加测评: those who took part (a deputy may abstain)
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    note: str = ""

    @property
    def votes(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied


def survey_refusal(data: SurveyInput) -> str:
    """Why the counts cannot be those of a survey ("" when they can): none negative, the respondents
    no more than the deputies, the votes no more than the respondents, and some votes."""
    counts = (data.deputies, data.respondents, data.satisfied, data.basically_satisfied, data.dissatisfied)
    if any(count < 0 for count in counts):
        return "代表人数和票数不能为负数。"
    if data.deputies == 0:
        return "请填写代表总数。"
    if data.respondents > data.deputies:
        return f"参加测评的代表（{data.respondents}人）不能多于代表总数（{data.deputies}人）。"
    if data.votes == 0:
        return "请填写测评票数。"
    if data.votes > data.respondents:
        return f"满意、基本满意、不满意票数合计{data.votes}票，多于参加测评的代表（{data.respondents}人）。"
    return ""


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
    refused = survey_refusal(data)
    ensure(not refused, refused, ServiceError)
    survey = Survey(
        livelihood=livelihood,
        year=year,
        surveyed_on=data.surveyed_on,
        deputies=data.deputies,
        respondents=data.respondents,
        satisfied=data.satisfied,
        basically_satisfied=data.basically_satisfied,
        dissatisfied=data.dissatisfied,
        note=data.note.strip(),
        recorded_by=actor,
    )
    _clean(survey, exclude=["livelihood", "recorded_by"])
    survey.save()
    item_event_record(
        item=item,
        actor=actor,
        kind=EventKind.UPDATED,
        note=(
            f"人大代表满意度测评：代表{survey.deputies}人，参加测评{survey.respondents}人，"
            f"{survey.votes}票，满意率{survey.rating}%"
        ),
    )
    return survey


# ---------------------------------------------------------------------------------------------
# 承诺书


def _check_letter(*, unit: Unit, year: int, signed_on: date, signer: str, as_of: date | None) -> None:
    ensure(signer.strip(), "请填写签订人。", ServiceError)
    ensure(
        signed_on.year in (year - 1, year), f"{year}年承诺书的签订日期应在{year}年或上年年底。", ServiceError
    )
    ensure(as_of is None or signed_on <= as_of, "签订日期不能晚于今天。", ServiceError)


@transaction.atomic
def letter_record(
    *,
    actor: User | None,
    unit: Unit,
    year: int,
    signed_on: date,
    signer: str,
    summary: str = "",
    as_of: date | None = None,
) -> CommitmentLetter:
    """A unit's letter of commitment for a year (the office records it). Its commitments are the
    items of source 承诺书 the unit leads that year."""
    _office(actor, unit.region_id, "登记承诺书")
    _check_letter(unit=unit, year=year, signed_on=signed_on, signer=signer, as_of=as_of)
    ensure(
        not CommitmentLetter.objects.filter(unit=unit, year=year).exists(),
        f"{unit}{year}年的承诺书已经登记。",
        ServiceError,
    )
    letter = CommitmentLetter(
        region=unit.region,
        unit=unit,
        year=year,
        signed_on=signed_on,
        signer=signer.strip(),
        summary=summary.strip(),
    )
    _clean(letter, exclude=["region", "unit"])
    letter.save()
    return letter


LETTER_STALE = "该承诺书已被他人修改，你的修改没有保存。请刷新页面，在最新内容上重新修改。"


@transaction.atomic
def letter_update(
    *,
    actor: User,
    letter: CommitmentLetter,
    expected_version: int,
    unit: Unit,
    year: int,
    signed_on: date,
    signer: str,
    summary: str,
    as_of: date,
) -> CommitmentLetter:
    """Edit a letter of commitment, as opened at `expected_version` (Conflict when it changed)."""
    letter = CommitmentLetter.objects.select_for_update().get(pk=letter.pk)
    _office(actor, letter.region_id, "修改承诺书")
    ensure(letter.version == expected_version, LETTER_STALE, Conflict)
    ensure(unit.region_id == letter.region_id, f"{unit}不是本县的单位。", ServiceError)
    _check_letter(unit=unit, year=year, signed_on=signed_on, signer=signer, as_of=as_of)
    ensure(
        not CommitmentLetter.objects.filter(unit=unit, year=year).exclude(pk=letter.pk).exists(),
        f"{unit}{year}年的承诺书已经登记。",
        ServiceError,
    )
    letter.unit, letter.year, letter.signed_on = unit, year, signed_on
    letter.signer, letter.summary = signer.strip(), summary.strip()
    _clean(letter, exclude=["region", "unit"])
    letter.version += 1  # the row is locked: no other save comes between
    letter.save()
    return letter
