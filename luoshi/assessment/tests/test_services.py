"""Scores computed from luoshi's data, every point with its source; the same data gives the same
lines; records count once approved; appeals; who may do what; outcomes only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from luoshi.alerts.models import ItemColour
from luoshi.assessment import services
from luoshi.assessment.models import Criterion, Decision, Group, GroupKind, Scheme, ScoreLine, ScoreRun
from luoshi.assessment.scoring import Method, Period
from luoshi.conftest import client_for
from luoshi.indicators import services as indicator_services
from luoshi.indicators.compute import Type
from luoshi.indicators.models import PeerValue
from luoshi.items import services as item_services
from luoshi.items.models import Item
from luoshi.items.services import ItemInput, NotAllowed, ReportInput, ServiceError
from luoshi.items.tests.test_reports import photo
from luoshi.items.workflow import Action
from luoshi.notifications.models import Notification
from luoshi.org.models import Unit, User

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)
Q2 = Period(2023, 2)


@pytest.fixture
def wenlvju(zhashui):
    return Unit.objects.get(region=zhashui, short_name="县文旅局")


@pytest.fixture
def scheme(zhashui, fagaiju, wenlvju):
    scheme = Scheme.objects.create(region=zhashui, year=2023, name="测试考核方案")
    group = Group.objects.create(scheme=scheme, name="部门", kind=GroupKind.DEPARTMENTS)
    group.units.set([fagaiju, wenlvju])
    specs = [
        ("目标完成", D(40), Method.TARGET_COMPLETION, {}),
        ("争先进位", D(20), Method.PEER_RANK, {"step_percent": 10}),
        ("重点工作", D(30), Method.ITEM_OUTCOMES, {"red": 4, "overdue": 3, "untrue": 8}),
        ("加减分", D(10), Method.RECORDS, {"base": 5}),
    ]
    for order, (name, top, method, params) in enumerate(specs):
        Criterion.objects.create(
            group=group, name=name, max_points=top, method=method, params=params, sort_order=order
        )
    return scheme


def criterion(scheme, method):
    return Criterion.objects.get(group__scheme=scheme, method=method)


@pytest.fixture
def indicator(zhashui, supervisor, fagaiju, deputy_fengrui):
    made = indicator_services.indicator_create(
        actor=supervisor,
        region=zhashui,
        data=indicator_services.IndicatorInput(
            title="测试税收收入",
            year=2023,
            type=Type.CUMULATIVE,
            unit="亿元",
            target_value=D(10),
            lead_unit=fagaiju,
            patron_leader=deputy_fengrui,
        ),
        assign=True,
        as_of=date(2023, 1, 20),
    )
    indicator_services.values_record(
        actor=supervisor,
        indicator=made,
        year=2023,
        entries=[indicator_services.ValueInput(month=6, value=D(4))],
        as_of=JULY,
    )
    for name, value in (("甲县", 5), ("乙县", 3)):
        PeerValue.objects.create(indicator=made, region_name=name, year=2023, month=6, value=D(value))
    return made


def accepted_item(supervisor, unit, leader, title, **fields):
    item = item_services.item_create(
        actor=supervisor,
        region=unit.region,
        data=ItemInput(title=title, year=2023, lead_unit=unit, patron_leader=leader, **fields),
    )
    item = item_services.item_take(actor=supervisor, item=item, action=Action.ASSIGN, as_of=date(2023, 3, 1))
    return item


def lines_of(run: ScoreRun) -> dict[tuple[str, str], ScoreLine]:
    return {
        (line.unit.short_name, line.criterion.name): line
        for line in run.lines.select_related("unit", "criterion")
    }


def test_a_department_scores_its_indicators_completion_and_rank_with_their_sources(
    scheme, indicator, supervisor
):
    run = services.scores_compute(actor=supervisor, scheme=scheme, period=Q2, as_of=JULY)
    lines = lines_of(run)
    done = lines[("县发改局", "目标完成")]
    # 4 of 10 at June: 40% of the year against a pace of 50% → 80% of 40 points
    assert done.points == D("32.00")
    assert done.parts[0]["source"] == f"indicator:{indicator.pk}"
    assert "6月完成年度目标40%" in done.parts[0]["label"]
    rank = lines[("县发改局", "争先进位")]
    assert rank.points == D("18.00")  # 2nd of 3 (甲县 5, 柞水县 4, 乙县 3)
    assert "在3个县区中排第2位" in rank.parts[0]["label"]
    none = lines[("县文旅局", "目标完成")]
    assert none.points == 0 and "没有牵头的考核指标" in none.note
    assert run.lines.count() == 8  # 2 units × 4 criteria


def test_item_outcomes_read_colours_deadlines_and_untrue_verdicts_of_the_period(
    scheme, supervisor, wenlvju, deputy_fengrui
):
    red = accepted_item(supervisor, wenlvju, deputy_fengrui, "测试红色事项", deadline=date(2023, 12, 31))
    late = accepted_item(supervisor, wenlvju, deputy_fengrui, "测试超期事项", deadline=date(2023, 5, 31))
    ItemColour.objects.create(
        item=red, period=date(2023, 6, 1), status=red.status, computed="red", computed_on=date(2023, 6, 30)
    )
    # A red of July is the third quarter's, not the second's.
    ItemColour.objects.create(
        item=late, period=date(2023, 7, 1), status=late.status, computed="red", computed_on=JULY
    )
    head = unit_member(wenlvju)
    item_services.item_take(actor=head, item=red, action=Action.ACCEPT, as_of=date(2023, 3, 2))
    report = item_services.report_submit(
        actor=head,
        item=red,
        data=ReportInput(period_start=date(2023, 6, 1), done="测试完成情况", percent=D(90)),
        as_of=date(2023, 6, 5),
    )
    report.refresh_from_db()
    verification = item_services.report_verify(
        actor=supervisor,
        report=report,
        method="on_site",
        verdict="untrue",
        note="现场未见施工",
        as_of=date(2023, 6, 20),
    )
    line = lines_of(services.scores_compute(actor=supervisor, scheme=scheme, period=Q2, as_of=JULY))[
        ("县文旅局", "重点工作")
    ]
    sources = {part["source"]: D(part["points"]) for part in line.parts}
    colour = ItemColour.objects.get(item=red, period=date(2023, 6, 1))
    assert sources == {
        "": D(30),
        f"colour:{colour.pk}": D(-4),
        f"item:{late.pk}": D(-3),
        f"verification:{verification.pk}": D(-8),
    }
    assert line.points == D(15)


def unit_member(unit):
    """The unit's head, or else any account of the unit."""
    return (
        User.objects.filter(memberships__unit=unit, memberships__role="unit_head").first()
        or User.objects.filter(memberships__unit=unit).first()
    )


def test_records_count_once_approved_and_in_their_period(scheme, supervisor, fagaiju, wenlvju):
    records = criterion(scheme, Method.RECORDS)
    pending = services.record_add(
        actor=supervisor,
        data=services.RecordInput(records, fagaiju, D(3), "测试加分依据", date(2023, 5, 10)),
        files=[photo()],
    )
    services.record_add(
        actor=supervisor,
        data=services.RecordInput(records, fagaiju, D(-9), "测试减分依据（第三季度）", date(2023, 7, 10)),
        approve=True,
    )
    line = lines_of(services.scores_compute(actor=supervisor, scheme=scheme, period=Q2, as_of=JULY))[
        ("县发改局", "加减分")
    ]
    assert line.points == D(5)  # the base only: the bonus is not approved, the deduction is July's
    services.record_decide(actor=supervisor, record=pending, approve=True, note="")
    line = lines_of(services.scores_compute(actor=supervisor, scheme=scheme, period=Q2, as_of=JULY))[
        ("县发改局", "加减分")
    ]
    assert line.points == D(8)
    assert line.parts[-1] == {"points": "3.00", "label": "测试加分依据", "source": f"record:{pending.pk}"}
    assert pending.files.count() == 1
    q3 = lines_of(
        services.scores_compute(actor=supervisor, scheme=scheme, period=Period(2023, 3), as_of=JULY)
    )
    assert q3[("县发改局", "加减分")].points == 0  # 5 − 9 floors at 0
    assert "按0分计" in q3[("县发改局", "加减分")].note


def fingerprint(run: ScoreRun) -> list[tuple]:
    return sorted(
        (line.unit_id, line.criterion_id, line.points, line.max_points, line.parts, line.note)
        for line in run.lines.all()
    )


def test_a_score_recomputes_identically_from_its_records(scheme, indicator, supervisor, fagaiju):
    services.record_add(
        actor=supervisor,
        data=services.RecordInput(
            criterion(scheme, Method.RECORDS), fagaiju, D(2), "测试加分", date(2023, 6, 1)
        ),
        approve=True,
    )
    first = services.scores_compute(actor=supervisor, scheme=scheme, period=Q2, as_of=JULY)
    again = services.scores_compute(actor=None, scheme=scheme, period=Q2, as_of=JULY)
    assert first.pk != again.pk
    assert fingerprint(first) == fingerprint(again)
    assert fingerprint(first)  # not two empty runs


def test_outcomes_only_logins_messages_and_photos_change_no_score(
    scheme, indicator, supervisor, fagaiju_head, fagaiju, deputy_fengrui
):
    item = accepted_item(supervisor, fagaiju, deputy_fengrui, "测试事项", deadline=date(2023, 12, 31))
    item_services.item_take(actor=fagaiju_head, item=item, action=Action.ACCEPT, as_of=date(2023, 3, 2))
    report = item_services.report_submit(
        actor=fagaiju_head,
        item=item,
        data=ReportInput(period_start=date(2023, 6, 1), done="测试进度", percent=D(50)),
        files=[photo()],
        as_of=date(2023, 6, 5),
    )
    before = services.scores_compute(actor=supervisor, scheme=scheme, period=Q2, as_of=JULY)
    for _ in range(3):
        client_for(fagaiju_head).get("/")  # logins and page views
    Notification.objects.bulk_create(
        Notification(recipient=fagaiju_head, title=f"测试消息{n}", body="") for n in range(5)
    )
    for _ in range(3):
        item_services.evidence_attach(actor=fagaiju_head, report=report, upload=photo())
    after = services.scores_compute(actor=supervisor, scheme=scheme, period=Q2, as_of=JULY)
    assert fingerprint(before) == fingerprint(after)


def test_only_the_county_office_computes(scheme, fagaiju_head, zhenan_supervisor, magistrate):
    for actor in (fagaiju_head, zhenan_supervisor, magistrate):
        with pytest.raises(NotAllowed):
            services.scores_compute(actor=actor, scheme=scheme, period=Q2, as_of=JULY)
    assert not ScoreRun.objects.exists()


def test_a_period_of_another_year_or_not_begun_is_refused(scheme, supervisor):
    with pytest.raises(ServiceError, match="2023年"):
        services.scores_compute(actor=supervisor, scheme=scheme, period=Period(2022, 4), as_of=JULY)
    with pytest.raises(ServiceError, match="尚未开始"):
        services.scores_compute(actor=supervisor, scheme=scheme, period=Period(2023, 4), as_of=JULY)


def test_records_are_refused_off_their_criterion_or_group(scheme, supervisor, fagaiju, zhashui, fagaiju_head):
    records = criterion(scheme, Method.RECORDS)
    town = Unit.objects.get(region=zhashui, short_name="营盘镇")
    with pytest.raises(ServiceError, match="不在"):
        services.record_add(
            actor=supervisor, data=services.RecordInput(records, town, D(1), "依据", date(2023, 6, 1))
        )
    with pytest.raises(ServiceError, match="不按加减分纪实计分"):
        services.record_add(
            actor=supervisor,
            data=services.RecordInput(
                criterion(scheme, Method.ITEM_OUTCOMES), fagaiju, D(1), "依据", date(2023, 6, 1)
            ),
        )
    with pytest.raises(NotAllowed):
        services.record_add(
            actor=fagaiju_head, data=services.RecordInput(records, fagaiju, D(1), "依据", date(2023, 6, 1))
        )
    record = services.record_add(
        actor=supervisor, data=services.RecordInput(records, fagaiju, D(1), "依据", date(2023, 6, 1))
    )
    with pytest.raises(ServiceError, match="理由"):
        services.record_decide(actor=supervisor, record=record, approve=False, note=" ")
    with pytest.raises(NotAllowed):
        services.record_decide(actor=fagaiju_head, record=record, approve=True, note="")


def test_a_unit_appeals_its_own_line_and_the_office_decides_once(
    scheme, indicator, supervisor, fagaiju_reporter, wenlvju_reporter
):
    run = services.scores_compute(actor=supervisor, scheme=scheme, period=Q2, as_of=JULY)
    line = lines_of(run)[("县发改局", "目标完成")]
    with pytest.raises(NotAllowed):
        services.appeal_file(actor=wenlvju_reporter, line=line, reasons="别人的得分")
    with pytest.raises(NotAllowed):
        services.appeal_file(actor=supervisor, line=line, reasons="督查办不申请")
    with pytest.raises(ServiceError, match="理由"):
        services.appeal_file(actor=fagaiju_reporter, line=line, reasons="  ")
    appeal = services.appeal_file(actor=fagaiju_reporter, line=line, reasons="6月数据已更正")
    with pytest.raises(ServiceError, match="待处理"):
        services.appeal_file(actor=fagaiju_reporter, line=line, reasons="再申请一次")
    with pytest.raises(NotAllowed):
        services.appeal_decide(actor=fagaiju_reporter, appeal=appeal, uphold=True, decision="自己同意")
    decided = services.appeal_decide(
        actor=supervisor, appeal=appeal, uphold=False, decision="以统计局快报为准"
    )
    assert (decided.status, decided.decision, decided.decided_by) == (
        Decision.REJECTED,
        "以统计局快报为准",
        supervisor,
    )
    with pytest.raises(NotAllowed):
        services.appeal_decide(actor=supervisor, appeal=decided, uphold=True, decision="改判")


def test_criterion_params_are_validated_as_data(scheme):
    bad = Criterion(
        group=Group.objects.get(scheme=scheme),
        name="点击量",
        max_points=D(5),
        method="item_outcomes",
        params={"clicks": 1},
    )
    with pytest.raises(ValidationError, match="没有参数“clicks”"):
        bad.full_clean()
    bad.params = {"kinds": ["project", "logins"]}
    with pytest.raises(ValidationError, match="没有“logins”这类事项"):
        bad.full_clean()
    bad.params = {"kinds": ["project", "task"]}
    bad.full_clean()


def test_items_of_other_units_do_not_count(scheme, supervisor, zhashui, deputy_fengrui):
    town = Unit.objects.get(region=zhashui, short_name="营盘镇")
    other = accepted_item(supervisor, town, deputy_fengrui, "测试他单位事项", deadline=date(2023, 5, 1))
    run = services.scores_compute(actor=supervisor, scheme=scheme, period=Q2, as_of=JULY)
    assert all(f"item:{other.pk}" not in str(line.parts) for line in run.lines.all())
    assert Item.objects.filter(pk=other.pk).exists()


def test_a_growth_rate_indicator_scores_its_growth_against_the_target_rate(
    scheme, supervisor, wenlvju, deputy_fengrui
):
    made = indicator_services.indicator_create(
        actor=supervisor,
        region=wenlvju.region,
        data=indicator_services.IndicatorInput(
            title="测试接待游客增速",
            year=2023,
            type=Type.GROWTH,
            unit="%",
            target_value=D(8),
            lead_unit=wenlvju,
            patron_leader=deputy_fengrui,
        ),
        assign=True,
        as_of=date(2023, 1, 20),
    )
    indicator_services.values_record(
        actor=supervisor,
        indicator=made,
        year=2023,
        entries=[indicator_services.ValueInput(month=6, value=D(6))],
        as_of=JULY,
    )
    line = lines_of(services.scores_compute(actor=supervisor, scheme=scheme, period=Q2, as_of=JULY))[
        ("县文旅局", "目标完成")
    ]
    assert line.points == D("30.00")  # 6% against 8%: three quarters of 40 points
    assert "6月同比增长6%，为目标增速8%的75%" in line.parts[0]["label"]
