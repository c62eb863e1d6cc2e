"""The demo county's creations and on-site meetings: the figures of 2023-07-25 come out of the
data, through the selectors the pages use; the titles sit in the groups the county put them in."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from luoshi.conftest import client_for, demo_user
from luoshi.creations.demo import SHOWCASE, SPECS
from luoshi.creations.models import Creation, OnSiteMeeting
from luoshi.creations.stages import Group

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_db, db, demo_mode):
    """The demo county (loaded once for the module), on its day."""


def stats(capsys) -> dict:
    call_command("stats", "--as-of", "2023-07-25", "--region", "柞水县", "--json")
    return json.loads(capsys.readouterr().out)


def test_stats_gives_the_creations_of_the_day(demo, capsys):
    section = stats(capsys)["creations"]
    assert section["awarded"] == 3
    assert section["by_group"] == {
        Group.AWARDED: 3,
        Group.PASSED_FIRST_ACCEPTANCE: 2,
        Group.READY: 8,
        Group.CROSS_YEAR: 6,
        Group.REVIEW: 2,
        Group.APPLYING: 2,
        Group.FAILED: 2,
    }
    assert (section["planned_at_start"], section["added"], section["carried_over"]) == (10, 13, 2)
    page = client_for(demo_user("duchaban")).get("/creations/")
    for group, label, members in page.context["groups"]:
        assert section["by_group"][group] == len(members), label


def test_the_named_titles_are_in_their_groups(demo):
    page = client_for(demo_user("duchaban")).get("/creations/")
    groups = {group: {row.item.title for row in members} for group, _label, members in page.context["groups"]}
    assert groups[Group.AWARDED] == {
        "国家级全域森林康养试点建设县",
        "牛背梁国家级旅游度假区",
        "全省第一批生态文明建设示范区",
    }
    assert groups[Group.PASSED_FIRST_ACCEPTANCE] == {"全国首批数字乡村试点县", "国家学前教育普及普惠县"}
    assert groups[Group.FAILED] == {"全国农村综合性改革试点试验县", "全省双拥模范县"}
    due = {
        c.expected_award.isoformat()
        for c in Creation.objects.filter(item__title__in=groups[Group.PASSED_FIRST_ACCEPTANCE])
    }
    assert due == {"2023-11-30"}
    assert {spec.title for spec in SPECS} == set().union(*groups.values())


def test_stats_gives_the_meetings_planned_and_held(demo, capsys):
    section = stats(capsys)["onsite_meetings"]
    assert (section["planned"], section["held"]) == (29, 10)
    assert sum(level["planned"] for level in section["by_level"].values()) == 29


def test_the_speechs_tasks_link_to_the_creations_they_concern(demo):
    creation = Creation.objects.get(item__title="全国首批数字乡村试点县")
    page = client_for(demo_user("duchaban")).get(f"/creations/{creation.pk}/").content.decode()
    assert "数字乡村试点县和学前教育普及普惠县授牌" in page
    tasks = creation.related_items.values_list("title", flat=True)
    assert list(tasks) == ["数字乡村试点县和学前教育普及普惠县授牌"]


def test_the_year_end_visit_shows_its_showcase_projects(demo):
    meeting = OnSiteMeeting.objects.get(item__title="全市重点项目观摩（年底，柞水）")
    assert {site.project_item.title for site in meeting.sites.all()} == set(SHOWCASE)
    page = client_for(demo_user("duchaban")).get(f"/creations/meetings/{meeting.pk}/").content.decode()
    for site in meeting.sites.all():
        assert f'href="/projects/{site.project_item_id}/"' in page
