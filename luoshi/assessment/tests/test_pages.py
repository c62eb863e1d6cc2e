"""The demo county's assessment as each role sees it: the rankings, a unit's own score with its
sources, records, appeals, 市考县, and the `luoshi stats` section; the demo's scores come from
its data (a recompute gives the same lines)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from luoshi.assessment import selectors, services
from luoshi.assessment.models import Appeal, Criterion, Decision, Record, Scheme, ScoreLine, ScoreRun
from luoshi.assessment.scoring import Period
from luoshi.conftest import client_for, demo_user
from luoshi.org.models import Region, Unit

pytestmark = pytest.mark.django_db
JULY_25 = "2023-07-25"


@pytest.fixture
def demo(demo_db, db, demo_mode):
    return Scheme.objects.get(region__name="柞水县", year=2023)


def latest_q2(scheme: Scheme) -> ScoreRun:
    run = ScoreRun.objects.filter(scheme=scheme, year=2023, quarter=2).order_by("-pk").first()
    assert run is not None
    return run


def test_the_demo_scores_come_from_its_data(demo):
    """Nothing typed: computing the second quarter again from the same data gives the same lines."""
    stored = latest_q2(demo)
    again = services.scores_compute(actor=None, scheme=demo, period=Period(2023, 2), as_of=stored.as_of)

    def lines(run):
        return sorted((x.unit_id, x.criterion_id, x.points, x.parts, x.note) for x in run.lines.all())

    assert lines(stored) == lines(again)
    assert len(lines(stored)) > 50
    # every point shows where it came from: each deduction or record names its source
    for line in stored.lines.all():
        for part in line.parts:
            assert part["source"] or part["label"] in ("满分", "基础分"), part


def test_the_office_sees_every_group_with_each_units_points(demo):
    response = client_for(demo_user("duchaban")).get("/assessment/")
    text = response.content.decode()
    assert response.status_code == 200
    for group in ("镇（街道）", "经济发展部门", "综合服务部门"):
        assert group in text
    assert "争先进位" in text and "2023年第二季度" in text
    assert (
        text.count('data-testid="ranking-row"')
        == ScoreLine.objects.filter(run=latest_q2(demo)).values("unit").distinct().count()
    )


def test_a_unit_sees_its_groups_ranking_and_only_its_own_lines(demo):
    client = client_for(demo_user("yingpan-reporter"))
    text = client.get("/assessment/").content.decode()
    assert "镇（街道）" in text and "经济发展部门" not in text
    yingpan = Unit.objects.get(region__name="柞水县", short_name="营盘镇")
    xialiang = Unit.objects.get(region__name="柞水县", short_name="下梁镇")
    assert f"/assessment/units/{yingpan.pk}/" in text
    assert f"/assessment/units/{xialiang.pk}/" not in text
    assert "下梁镇" in text  # the group's ranking, without its lines
    own = client.get(f"/assessment/units/{yingpan.pk}/").content.decode()
    assert "引进文旅项目签约落地" in own and "#record-" in own and "改分申请" in own
    assert client.get(f"/assessment/units/{xialiang.pk}/").status_code == 404
    history = own[own.index('data-testid="unit-history"') :]
    assert "2023年第二季度" in history and "2023年第一季度" in history


def test_a_department_sees_where_its_points_were_lost(demo):
    nongye = Unit.objects.get(region__name="柞水县", short_name="县农业农村局")
    text = client_for(demo_user("duchaban")).get(f"/assessment/units/{nongye.pk}/").content.decode()
    assert "农业总产值" in text and "/indicators/" in text
    assert "在7个县区中排第" in text


def test_the_scheme_page_says_each_criterion_in_words(demo):
    text = client_for(demo_user("fgj-reporter")).get(f"/assessment/schemes/{demo.pk}/").content.decode()
    assert "每降一位减该指标分值的12%" in text and "基础分5分" in text
    assert "计算得分" not in text  # the office's button only


def test_another_county_sees_nothing(demo):
    client = client_for(demo_user("za-duchaban"))
    assert "没有可查看的考核方案" in client.get("/assessment/").content.decode()
    assert "柞水县" not in client.get("/assessment/city/").content.decode()
    assert "柞水县" not in client.get("/assessment/records/").content.decode()
    assert client.get(f"/assessment/schemes/{demo.pk}/").status_code == 404


def test_the_county_sits_low_on_social_evaluation_in_the_city(demo):
    text = client_for(demo_user("liupeng")).get("/assessment/city/").content.decode()
    row = text[text.index("社会评价") : text.index("社会评价") + 600]
    assert "7/7" in row
    assert "在7个县区中排第" in text
    assert (
        "社会评价" not in client_for(demo_user("yingpan-reporter")).get("/assessment/city/").content.decode()
    )


def test_the_office_decides_the_demo_appeal_and_records(demo):
    office = client_for(demo_user("duchaban"))
    appeal = Appeal.objects.get(status=Decision.PENDING)
    assert "已开工项目" in office.get("/assessment/appeals/").content.decode()
    office.post(
        f"/assessment/appeals/{appeal.pk}/decide/", {"decision": "reject", "reason": "以统计局快报为准"}
    )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decision) == (Decision.REJECTED, "以统计局快报为准")
    response = office.get("/assessment/records/new/")
    assert response.status_code == 200
    form = response.context["form"]
    data = {
        "criterion": form.initial["criterion"],
        "unit": form.initial["unit"],
        "points": "-1",
        "basis": "测试减分依据",
        "occurred_on": "2023-07-10",
    }
    office.post("/assessment/records/new/", data)
    record = Record.objects.get(basis="测试减分依据")
    assert record.status == Decision.PENDING
    office.post(f"/assessment/records/{record.pk}/decide/", {"decision": "approve", "reason": ""})
    record.refresh_from_db()
    assert record.status == Decision.APPROVED


def test_a_unit_files_an_appeal_from_its_page(demo):
    yingpan = Unit.objects.get(region__name="柞水县", short_name="营盘镇")
    line = ScoreLine.objects.filter(run=latest_q2(demo), unit=yingpan).first()
    client = client_for(demo_user("yingpan-reporter"))
    client.post(f"/assessment/lines/{line.pk}/appeal/", {"reasons": "测试申请理由"})
    assert Appeal.objects.filter(line=line, reasons="测试申请理由", unit=yingpan).exists()
    assert (
        client_for(demo_user("fgj-reporter")).get(f"/assessment/lines/{line.pk}/appeal/").status_code == 404
    )


def test_the_office_computes_a_period_from_the_page(demo):
    office = client_for(demo_user("duchaban"))
    before = ScoreRun.objects.filter(scheme=demo).count()
    response = office.post(f"/assessment/schemes/{demo.pk}/compute/", {"period": "2023-Q2"})
    assert response.status_code == 302
    assert ScoreRun.objects.filter(scheme=demo).count() == before + 1
    refused = client_for(demo_user("liupeng")).post(
        f"/assessment/schemes/{demo.pk}/compute/", {"period": "2023-Q2"}
    )
    assert refused.status_code == 403


def test_stats_has_the_ranked_units_of_each_group(demo, capsys):
    call_command("stats", "--as-of", JULY_25, "--region", "柞水县", "--json")
    section = json.loads(capsys.readouterr().out)["assessment"]
    scheme = section["schemes"][0]
    assert scheme["period"] == "2023年第二季度"
    groups = {group["group"]: group["units"] for group in scheme["groups"]}
    assert set(groups) == {"镇（街道）", "经济发展部门", "综合服务部门"}
    run = latest_q2(demo)
    for units in groups.values():
        assert [unit["rank"] for unit in units] == sorted(unit["rank"] for unit in units)
        for unit in units:
            lines = ScoreLine.objects.filter(
                run=run, unit__short_name=unit["unit"], unit__region__name="柞水县"
            )
            assert Decimal(str(unit["score"])) == sum(line.points for line in lines)
    social = next(c for c in section["city"][0]["criteria"] if c["criterion"] == "社会评价")
    assert social["rank"] == social["peers"]


def test_the_county_admin_keeps_the_scheme_in_the_scoped_admin(demo):
    admin = client_for(demo_user("xitong"))
    text = admin.get("/admin/assessment/scheme/").content.decode()
    assert demo.name in text
    group = demo.groups.first()
    assert admin.get(f"/admin/assessment/group/{group.pk}/change/").status_code == 200
    assert client_for(demo_user("za-duchaban")).get("/admin/assessment/scheme/").status_code in (302, 403)


def test_the_rankings_page_reads_in_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    client = client_for(demo_user("duchaban"))
    client.get("/assessment/")  # warm the session and the scope cache
    with django_assert_max_num_queries(30):
        assert client.get("/assessment/").status_code == 200


# ---------------------------------------------------------------------------------------------
# The rankings feed the bulletin and the dashboard (latest_rankings, as the user may see them)


def test_the_bulletin_drafts_the_ranking_table_through_the_registry(demo):
    from luoshi.bulletins.models import Bulletin, BulletinStatus

    draft = Bulletin.objects.get(
        region=demo.region, period_start=date(2023, 7, 1), status=BulletinStatus.DRAFT
    )
    part = next(part for part in draft.data["ledgers"] if part["title"] == "考核排名")
    assert part["table_title"] == "2023年第二季度考核排名"
    assert part["columns"] == ["考核组", "名次", "单位", "得分", "趋势"]
    run = latest_q2(demo)
    units = ScoreLine.objects.filter(run=run).values("unit").distinct().count()
    assert len(part["rows"]) == units
    ranked = selectors.rankings(demo_user("duchaban"), run)
    first = ranked[0].rows[0]
    assert [ranked[0].group.name, "1", first.name] == part["rows"][0][:3]
    assert f"第一名{first.name}" in "".join(draft.sections["overview"])
    assert "考核排名末位的单位" in "".join(draft.sections["problems"])


def test_the_bulletin_part_is_as_of_its_day_and_of_its_county(demo):
    from luoshi.org.selectors import region_reader

    zhenan = Region.objects.get(name="镇安县")
    assert selectors.bulletin_part(user=region_reader(zhenan), as_of=date(2023, 7, 25)) is None
    # before the first quarter was computed there is nothing to rank
    assert selectors.bulletin_part(user=region_reader(demo.region), as_of=date(2023, 3, 31)) is None


def test_the_dashboard_shows_each_groups_first_and_last_linking_to_the_rankings(demo):
    text = client_for(demo_user("liupeng")).get("/dashboard/").content.decode()
    panel = text[text.index('data-testid="assessment-panel"') :]
    panel = panel[: panel.index("查看考核排名")]
    run = latest_q2(demo)
    assert f"/assessment/?scheme={demo.pk}&amp;period=2023-Q2" in panel
    for ranking in selectors.rankings(demo_user("liupeng"), run):
        assert ranking.group.name in panel
        assert ranking.rows[0].name in panel and ranking.rows[-1].name in panel
    assert panel.count('data-testid="assessment-group"') == 3


def test_the_dashboard_panel_is_scoped_and_dated(demo):
    # a town's people see their own group only; another county sees no panel
    panel = selectors.dashboard_panel(user=demo_user("yingpan-head"), as_of=date(2023, 7, 25))
    assert [group.title for group in panel] == ["镇（街道）"]
    assert "assessment-panel" not in client_for(demo_user("za-duchaban")).get("/dashboard/").content.decode()
    # as of a day before the second quarter was computed, the first quarter's ranking
    earlier = ScoreRun.objects.filter(scheme=demo, quarter=1).order_by("-pk").first()
    panel = selectors.dashboard_panel(user=demo_user("liupeng"), as_of=earlier.as_of)
    assert {group.period for group in panel} == {"2023年第一季度"}


# ---------------------------------------------------------------------------------------------
# Tried as an attacker


def test_another_countys_ids_are_not_found(demo):
    """镇安县's office asks for 柞水县's scheme, unit score, score line, appeal and record by id."""
    client = client_for(demo_user("za-duchaban"))
    run = latest_q2(demo)
    line = ScoreLine.objects.filter(run=run).first()
    appeal = Appeal.objects.filter(line__run__scheme=demo).first()
    record = Record.objects.filter(criterion__group__scheme=demo).first()
    group = demo.groups.first()
    for page in (
        f"/assessment/schemes/{demo.pk}/",
        f"/assessment/schemes/{demo.pk}/copy/",
        f"/assessment/groups/{group.pk}/",
        f"/assessment/units/{line.unit_id}/",
        f"/assessment/lines/{line.pk}/appeal/",
    ):
        assert client.get(page).status_code == 404, page
    for action, data in (
        (f"/assessment/appeals/{appeal.pk}/decide/", {"decision": "approve", "reason": "越权"}),
        (f"/assessment/records/{record.pk}/decide/", {"decision": "reject", "reason": "越权"}),
        (f"/assessment/schemes/{demo.pk}/compute/", {"period": "2023-Q2"}),
    ):
        assert client.post(action, data).status_code == 404, action
    # and a query string naming the scheme shows nothing of it
    assert demo.name not in client.get(f"/assessment/?scheme={demo.pk}").content.decode()


def test_a_unit_reads_and_appeals_its_own_score_but_changes_nothing_else(demo):
    client = client_for(demo_user("yingpan-head"))
    run = latest_q2(demo)
    yingpan = Unit.objects.get(region__name="柞水县", short_name="营盘镇")
    own = ScoreLine.objects.filter(run=run, unit=yingpan).first()
    assert client.get(f"/assessment/lines/{own.pk}/appeal/").status_code == 200
    appeal = Appeal.objects.filter(line__run__scheme=demo).first()
    assert client.post(f"/assessment/appeals/{appeal.pk}/decide/", {"decision": "approve"}).status_code in (
        403,
        404,
    )
    assert client.post(f"/assessment/schemes/{demo.pk}/compute/", {"period": "2023-Q2"}).status_code == 403
    assert client.get("/assessment/records/new/").status_code == 403
    assert client.get(f"/assessment/schemes/{demo.pk}/copy/").status_code == 403


def test_odd_query_strings_are_not_errors(demo):
    client = client_for(demo_user("duchaban"))
    for address in (
        "/assessment/city/?year=99999999999999999999",
        "/assessment/city/?year=0",
        "/assessment/?scheme=99999999999999999999&period=2023-Q9",
        "/assessment/?period=99999999",
    ):
        assert client.get(address).status_code == 200, address


def test_the_admin_does_not_change_a_scored_scheme_either(demo):
    admin = client_for(demo_user("xitong"))
    group = demo.groups.first()
    criterion = group.criteria.first()
    page = admin.get(f"/admin/assessment/group/{group.pk}/change/").content.decode()
    assert 'name="_save"' not in page  # view only
    response = admin.post(
        f"/admin/assessment/group/{group.pk}/change/", {"name": "改过的组", "kind": group.kind}
    )
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.name != "改过的组"
    assert Criterion.objects.get(pk=criterion.pk).max_points == criterion.max_points
    assert f'value="{demo.pk}"' not in admin.get("/admin/assessment/group/add/").content.decode()
