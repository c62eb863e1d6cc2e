"""Colours stored by period, recomputed on changes, assessed by the office, with consequences."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from luoshi.alerts.models import ConsequenceAction, ItemColour, Proposal, ProposalStatus, RuleSet
from luoshi.alerts.services import (
    colours_recompute,
    consequences_save,
    item_colour_assess,
    proposal_decide,
    rule_set_save,
)
from luoshi.conftest import client_for
from luoshi.items import services as items
from luoshi.items.models import EventKind, Item, ItemEvent, Status, SupervisionAction
from luoshi.items.services import ReportInput, ServiceError
from luoshi.items.tests.factories import ItemFactory

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


@pytest.fixture
def project(zhashui, fagaiju, deputy_fengrui, project_ledger):
    """A January–December project with 35% done: on 25 July it is 23 points behind (yellow)."""
    return ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        patron_leader=deputy_fengrui,
        kind="project",
        title="国家储备林建设",
        status=Status.IN_PROGRESS,
        planned_start=date(2023, 1, 1),
        assigned_on=date(2023, 1, 5),
        accepted_on=date(2023, 1, 6),
        deadline=date(2023, 12, 31),
        progress_percent=Decimal(35),
        report_cycle="once",
    )


def test_recompute_stores_the_colour_its_reason_and_the_month(project):
    colours_recompute(as_of=JULY)
    project.refresh_from_db()
    assert (project.computed_colour, project.computed_reason) == (
        "yellow",
        "完成进度35%，序时进度58%，滞后23个百分点",
    )
    row = ItemColour.objects.get(item=project)
    assert (row.period, row.computed, row.progress, row.time_progress) == (
        date(2023, 7, 1),
        "yellow",
        Decimal(35),
        Decimal("58.33"),
    )
    event = ItemEvent.objects.get(item=project, kind=EventKind.COLOUR_CHANGED)
    assert event.note == "未评定 → 黄色：完成进度35%，序时进度58%，滞后23个百分点"
    assert event.data == {"from": "", "to": "yellow"}


def test_a_past_month_stays_as_it_was(project):
    colours_recompute(as_of=date(2023, 6, 30))  # June: 50% through, 15 behind: yellow
    Item.objects.filter(pk=project.pk).update(progress_percent=Decimal(58))
    colours_recompute(as_of=JULY)
    history = dict(ItemColour.objects.filter(item=project).values_list("period", "computed"))
    assert history == {date(2023, 6, 1): "yellow", date(2023, 7, 1): "green"}


def test_second_yellow_month_is_red(project):
    colours_recompute(as_of=date(2023, 6, 30))
    colours_recompute(as_of=JULY)
    project.refresh_from_db()
    assert (project.computed_colour, project.computed_reason) == ("red", "连续2个月黄色预警")


def test_changes_that_matter_recompute_at_once(project, fagaiju_reporter, supervisor):
    colours_recompute(as_of=JULY)
    items.report_submit(
        actor=fagaiju_reporter,
        item=project,
        data=ReportInput(period_start=project.assigned_on, done="新造林完成", percent=Decimal(60)),
        as_of=JULY,
    )
    project.refresh_from_db()
    assert project.computed_colour == "green"
    report = project.reports.get()
    items.report_verify(
        actor=supervisor, report=report, method="on_site", verdict="untrue", note="现场未见新造林", as_of=JULY
    )
    project.refresh_from_db()
    # The untrue figure no longer counts as progress; the mark itself is what turns it red.
    assert project.computed_colour == "red"
    assert project.computed_reason.endswith("7月25日核实发现进度报告不属实")
    assert ItemColour.objects.get(item=project).computed == "red"


def test_drafts_and_suspended_items_carry_no_colour_done_ones_are_green(project, zhashui, fagaiju):
    draft = ItemFactory(region=zhashui, lead_unit=fagaiju, status=Status.DRAFT, deadline=date(2023, 7, 1))
    done = ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        status=Status.COMPLETED,
        deadline=date(2023, 7, 1),
        completed_on=date(2023, 6, 30),
    )
    colours_recompute(as_of=JULY)
    draft.refresh_from_db()
    done.refresh_from_db()
    assert draft.computed_colour == ""
    assert (done.computed_colour, done.computed_reason) == ("green", "已办结")


def test_a_parent_item_takes_the_worst_colour_of_its_children(project, zhashui, fagaiju):
    parent = ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        status=Status.IN_PROGRESS,
        progress_percent=Decimal(90),
        title="项目建设总体推进",
    )
    ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        parent=parent,
        status=Status.IN_PROGRESS,
        deadline=date(2023, 7, 20),
    )  # overdue: red
    colours_recompute(as_of=JULY)
    parent.refresh_from_db()
    assert parent.computed_colour == "red"
    assert parent.computed_reason.startswith("下属事项中有1项红色")


def test_refreshing_one_child_rolls_the_parent_up_from_all_its_children(zhashui, fagaiju, fagaiju_head):
    """A green sibling's report must not turn a parent with a red child green (nor dismiss its
    proposed consequences) until the nightly run: the parent is always rated from all children."""
    parent = ItemFactory(
        region=zhashui, lead_unit=fagaiju, status=Status.IN_PROGRESS, progress_percent=Decimal(90)
    )
    ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        parent=parent,
        status=Status.IN_PROGRESS,
        deadline=date(2023, 7, 20),
    )  # overdue: red
    green = ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        parent=parent,
        status=Status.IN_PROGRESS,
        planned_start=date(2023, 1, 1),
        deadline=date(2023, 12, 31),
        report_cycle="once",
    )
    colours_recompute(as_of=JULY)
    parent.refresh_from_db()
    assert parent.computed_colour == "red"
    Proposal.objects.get_or_create(
        item=parent,
        colour="red",
        action=ConsequenceAction.LETTER,
        defaults={"reason": "逾期", "proposed_on": JULY},
    )
    events_before = set(ItemEvent.objects.filter(item=parent).values_list("pk", flat=True))

    items.report_submit(
        actor=fagaiju_head,
        item=green,
        data=ReportInput(period_start=JULY, done="按计划推进", percent=Decimal(80)),
        as_of=JULY,
    )

    green.refresh_from_db()
    parent.refresh_from_db()
    assert green.computed_colour == "green"
    assert (parent.computed_colour, parent.computed_reason[:10]) == ("red", "下属事项中有1项红色"[:10])
    new_events = ItemEvent.objects.filter(item=parent).exclude(pk__in=events_before)
    assert not new_events.filter(kind=EventKind.COLOUR_CHANGED).exists()
    assert set(Proposal.objects.filter(item=parent).values_list("status", flat=True)) == {
        ProposalStatus.PROPOSED
    }


def test_a_ledger_adds_the_facts_only_it_knows_to_its_items_colour(project, zhashui, fagaiju):
    """A ledger plugs its colour facts in through the registry: alerts never imports it."""
    from luoshi.core import registry

    calls = []

    def investment_facts(ids, as_of):
        calls.append((sorted(ids), as_of))
        return {pk: {"progress": Decimal(70), "progress_label": "完成投资"} for pk in ids}

    task = ItemFactory(region=zhashui, lead_unit=fagaiju, status=Status.IN_PROGRESS)
    real = registry.ledger("project")
    registry.unregister("project")
    registry.register(
        registry.Ledger(kind="project", label="重点项目", app_label="t", colour_facts=investment_facts)
    )
    try:
        colours_recompute(as_of=JULY)
    finally:
        registry.unregister("project")
        if real is not None:
            registry.register(real)
    project.refresh_from_db()
    assert calls == [([project.pk], JULY)]  # one call for all its items; none for the task
    assert project.computed_colour == "green"  # 70% invested: ahead of the 35% its reports say
    assert task.pk not in calls[0][0]


class TestRulesAsData:
    def test_a_new_version_applies_from_the_next_recomputation(self, project, zhashui, county_admin):
        colours_recompute(as_of=JULY)
        rule_set_save(
            actor=county_admin,
            region=zhashui,
            values={"yellow_gap": Decimal(25), "red_gap": Decimal(40)},
            note="放宽",
        )
        project.refresh_from_db()
        assert project.computed_colour == "yellow"  # unchanged until recomputed
        colours_recompute(as_of=JULY)
        project.refresh_from_db()
        assert project.computed_colour == "green"
        assert ItemColour.objects.get(item=project).rule_version == 1
        rule_set_save(
            actor=county_admin, region=zhashui, values={"yellow_gap": Decimal(5), "red_gap": Decimal(20)}
        )
        assert list(RuleSet.objects.filter(region=zhashui).values_list("version", flat=True)) == [2, 1]

    def test_admin_edit_saves_a_new_version(self, zhashui, county_admin):
        rule_set = rule_set_save(actor=county_admin, region=zhashui, values={})
        client = client_for(county_admin)
        page = client.get(f"/admin/alerts/ruleset/{rule_set.pk}/change/")
        data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
        data |= {"region": zhashui.pk, "yellow_gap": "15", "red_gap": "35", "note": "按市考办法调整"}
        data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
        response = client.post(f"/admin/alerts/ruleset/{rule_set.pk}/change/", data)
        assert response.status_code == 302, page.context["adminform"].form.errors
        versions = {r.version: r.yellow_gap for r in RuleSet.objects.filter(region=zhashui)}
        assert versions == {1: Decimal(10), 2: Decimal(15)}

    def test_caught_up_red_months_can_show_yellow(self, project, zhashui, county_admin, supervisor):
        Item.objects.filter(pk=project.pk).update(progress_percent=Decimal(10))
        colours_recompute(as_of=date(2023, 6, 30))
        Item.objects.filter(pk=project.pk).update(progress_percent=Decimal(60))
        colours_recompute(as_of=JULY)
        from luoshi.alerts.selectors import colour_history

        assert [m.colour for m in colour_history(project)] == ["red", "green"]
        rule_set_save(actor=county_admin, region=zhashui, values={"caught_up_shows_yellow": True})
        history = colour_history(project)
        assert [m.colour for m in history] == ["yellow", "green"] and history[0].caught_up
        assert (
            ItemColour.objects.get(item=project, period=date(2023, 6, 1)).computed == "red"
        )  # the record stays


class TestAssessment:
    def test_the_office_assesses_with_a_reason(self, project, supervisor):
        colours_recompute(as_of=JULY)
        with pytest.raises(ServiceError, match="理由"):
            item_colour_assess(actor=supervisor, item=project, colour="green", reason="", as_of=JULY)
        item_colour_assess(
            actor=supervisor, item=project, colour="green", reason="资金已到位，8月集中造林", as_of=JULY
        )
        project.refresh_from_db()
        assert (project.colour, project.colour_is_assessed, project.computed_colour) == (
            "green",
            True,
            "yellow",
        )
        assert ItemColour.objects.get(item=project).assessed == "green"
        event = ItemEvent.objects.filter(item=project, kind=EventKind.COLOUR_ASSESSED).get()
        assert event.note == "研判为绿色：资金已到位，8月集中造林" and event.actor == supervisor

    def test_no_reason_needed_when_agreeing(self, project, supervisor):
        colours_recompute(as_of=JULY)
        item_colour_assess(actor=supervisor, item=project, colour="yellow", reason="", as_of=JULY)

    def test_only_the_office_assesses(self, project, fagaiju_head, magistrate):
        for user in (fagaiju_head, magistrate):
            with pytest.raises(items.NotAllowed):
                item_colour_assess(actor=user, item=project, colour="green", reason="x", as_of=JULY)

    def test_an_assessment_holds_for_its_month(self, project, supervisor):
        colours_recompute(as_of=JULY)
        item_colour_assess(actor=supervisor, item=project, colour="green", reason="资金已到位", as_of=JULY)
        colours_recompute(as_of=date(2023, 8, 1))
        project.refresh_from_db()
        assert project.assessed_colour == ""
        assert ItemColour.objects.get(item=project, period=date(2023, 7, 1)).assessed == "green"

    def test_the_list_shows_the_assessed_colour_marked(self, project, supervisor):
        colours_recompute(as_of=JULY)
        item_colour_assess(
            actor=supervisor, item=project, colour="red", reason="林地指标无法落实", as_of=JULY
        )
        page = client_for(supervisor).get("/items/", {"colour": "red"}).content.decode()
        assert "国家储备林建设" in page and "研判" in page

    def test_page_form(self, project, supervisor):
        colours_recompute(as_of=JULY)
        client = client_for(supervisor)
        panel = client.get(f"/alerts/items/{project.pk}/colours/").content.decode()
        assert "督查办研判" in panel and "7月" in panel
        response = client.post(
            f"/alerts/items/{project.pk}/assess/", {"colour": "green", "reason": "已落实资金"}, follow=True
        )
        assert "研判已保存" in response.content.decode()


class TestConsequences:
    def test_reaching_a_colour_proposes_what_the_office_configured(self, project, supervisor, zhashui):
        consequences_save(
            actor=supervisor,
            region=zhashui,
            chosen={
                "yellow": {ConsequenceAction.REMIND: None},
                "red": {ConsequenceAction.INTERVIEW: None, ConsequenceAction.DEDUCT: Decimal(2)},
            },
        )
        colours_recompute(as_of=JULY)
        assert list(Proposal.objects.values_list("colour", "action")) == [("yellow", "remind")]
        colours_recompute(as_of=JULY)  # nothing new: the colour did not change
        assert Proposal.objects.count() == 1
        Item.objects.filter(pk=project.pk).update(untrue_on=JULY)
        colours_recompute(as_of=JULY)
        assert set(Proposal.objects.filter(colour="red").values_list("action", "points")) == {
            ("interview", None),
            ("deduct", Decimal(2)),
        }

    def test_confirming_records_a_supervision_action_and_asks_the_patron(
        self, project, supervisor, zhashui, fengrui_user
    ):
        consequences_save(
            actor=supervisor, region=zhashui, chosen={"yellow": {ConsequenceAction.INTERVIEW: None}}
        )
        colours_recompute(as_of=JULY)
        proposal = Proposal.objects.get()
        response = client_for(supervisor).post(
            f"/alerts/proposals/{proposal.pk}/decide/", {"decision": "confirm"}, HTTP_HX_REQUEST="true"
        )
        assert "已确认" in response.content.decode()
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.CONFIRMED
        action = SupervisionAction.objects.get()
        assert (
            action.kind == "interview"
            and "冯锐约谈" in action.title
            and list(action.items.all()) == [project]
        )
        assert fengrui_user.notifications.filter(title__startswith="建议约谈").exists()
        with pytest.raises(items.NotAllowed):
            proposal_decide(actor=supervisor, proposal=proposal, confirm=True, as_of=JULY)

    def test_default_consequences_and_dismissal(self, project, supervisor):
        colours_recompute(as_of=JULY)
        proposal = Proposal.objects.get()
        assert proposal.action == "remind"  # yellow brings a reminder by default
        proposal_decide(actor=supervisor, proposal=proposal, confirm=False, as_of=JULY)
        assert not SupervisionAction.objects.exists()

    def test_a_lifted_warning_drops_its_pending_proposals(self, project):
        colours_recompute(as_of=JULY)
        Item.objects.filter(pk=project.pk).update(progress_percent=Decimal(70))
        colours_recompute(as_of=JULY)
        assert Proposal.objects.get().status == ProposalStatus.DISMISSED

    def test_settings_page(self, supervisor, fagaiju_head):
        client = client_for(supervisor)
        assert "预警处置" in client.get("/alerts/consequences/").content.decode()
        client.post(
            "/alerts/consequences/", {"red-letter": "1", "red-deduct": "1", "red-deduct-points": "1.5"}
        )
        from luoshi.alerts.models import Consequence

        assert set(Consequence.objects.filter(active=True).values_list("colour", "action", "points")) == {
            ("red", "letter", None),
            ("red", "deduct", Decimal("1.5")),
        }
        assert client_for(fagaiju_head).get("/alerts/consequences/").status_code == 403

    def test_settings_page_refuses_negative_points_and_keeps_what_was_set(self, supervisor):
        client = client_for(supervisor)
        client.post("/alerts/consequences/", {"red-deduct": "1", "red-deduct-points": "2"})
        response = client.post("/alerts/consequences/", {"red-deduct": "1", "red-deduct-points": "-3"})
        assert response.status_code == 200 and "扣分" in response.content.decode()
        from luoshi.alerts.models import Consequence

        assert list(Consequence.objects.filter(active=True).values_list("points", flat=True)) == [Decimal(2)]

    def test_deciding_goes_back_only_to_a_page_of_this_site(self, project, supervisor, zhashui):
        consequences_save(
            actor=supervisor, region=zhashui, chosen={"yellow": {ConsequenceAction.LETTER: None}}
        )
        colours_recompute(as_of=JULY)
        proposal = Proposal.objects.get()
        response = client_for(supervisor).post(
            f"/alerts/proposals/{proposal.pk}/decide/",
            {"decision": "dismiss", "next": "https://evil.example/"},
        )
        assert response.status_code == 302 and response["Location"] == "/dashboard/"
        assert client_for(supervisor).post(f"/alerts/proposals/{proposal.pk}/decide/", {}).status_code in (
            400,
            404,
        )


def test_warnings_command_prints_counts_by_kind_and_colour(project, zhashui, fagaiju, capsys):
    ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        status=Status.ACCEPTED,
        deadline=date(2023, 7, 20),
        title="过期事项",
    )
    call_command("warnings", "--as-of", "2023-07-25", "--json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["by_kind"] == {
        "task": {"green": 0, "yellow": 0, "red": 1},
        "project": {"green": 0, "yellow": 1, "red": 0},
    }
    assert payload["total"] == {"red": 1, "yellow": 1, "green": 0}
    call_command("warnings", "--as-of", "2023-07-25")
    assert "重点项目" in capsys.readouterr().out


def test_warnings_command_does_not_rewrite_a_past_month(project, settings):
    settings.LUOSHI_TODAY = JULY
    colours_recompute(as_of=date(2023, 6, 30))
    Item.objects.filter(pk=project.pk).update(progress_percent=Decimal(0))
    call_command("warnings", "--as-of", "2023-06-15", "--json")
    assert ItemColour.objects.get(item=project, period=date(2023, 6, 1)).computed == "yellow"


def test_nightly_job_recomputes(project, settings):
    from luoshi.alerts.tasks import recompute_colours_nightly

    settings.LUOSHI_TODAY = JULY
    recompute_colours_nightly.call_local()
    project.refresh_from_db()
    assert project.computed_colour == "yellow"
