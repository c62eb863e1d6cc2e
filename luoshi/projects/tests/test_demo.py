"""The demo county's key projects: the figures of 2023-07-25 come out of the data, through the
same selectors as the ledger page; the code carries no sentence of the seed speech."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from luoshi.conftest import SHARED, client_for, demo_user
from luoshi.items.models import Item
from luoshi.projects.demo import NAMED
from luoshi.projects.models import Project
from luoshi.projects.selectors import ledger_rows

pytestmark = pytest.mark.django_db
SEED = SHARED / "corpus" / "zhashui-2023-07-25-plenary-speech.txt"


@pytest.fixture
def demo(demo_db, db, demo_mode):
    """The demo county (loaded once for the module), on its day."""


def test_stats_gives_the_figures_of_the_day_and_the_ledger_page_the_same(demo, capsys):
    call_command("stats", "--as-of", "2023-07-25", "--region", "柞水县", "--json")
    section = json.loads(capsys.readouterr().out)["projects"]
    assert {
        key: section[key]
        for key in (
            "total",
            "not_started",
            "behind",
            "municipal",
            "municipal_not_started",
            "not_in_statistics",
        )
    } == {
        "total": 151,
        "not_started": 58,
        "behind": 32,
        "municipal": 24,
        "municipal_not_started": 6,
        "not_in_statistics": 43,
    }
    assert section["reserve"] == {"year": 2024, "total": 126, "target": 200}
    client = client_for(demo_user("duchaban"))
    page = client.get("/projects/")
    for figure in page.context["summary"].figures:
        if isinstance(figure.value, int):
            assert section[figure.key] == figure.value, figure.key
            listed = client.get(f"/projects/?{figure.query}")  # every figure opens the list it counts
            assert listed.context["count"] == figure.value, figure.key


def test_the_named_projects_are_in_their_states_with_a_patron(demo):
    rows = {row.title: row for row in ledger_rows(demo_user("duchaban"), as_of=date(2023, 7, 25))}
    for named in NAMED:
        row = rows[named.title]
        assert row.state == named.state and row.leader_name == named.patron and not row.illustrative
    assert sum(1 for row in rows.values() if row.showcase) == 4
    assert all(row.illustrative for title, row in rows.items() if title not in {n.title for n in NAMED})


def test_the_demo_tasks_about_the_projects_link_to_them(demo):
    project = Project.objects.get(item__title="溶洞互通式立交")
    assert project.related_items.filter(title__contains="溶洞").exists()
    task = Item.objects.filter(title__contains="未开工重点项目").first()
    assert task is not None and task.concerned_projects.count() == 58


@pytest.mark.skipif(not SEED.exists(), reason="the seed speech is in ../shared")
def test_the_code_carries_no_words_of_the_seed():
    """Facts in our own words: no run of 8 characters of the seed speech in the app's code, but for
    the projects' proper names (names are facts)."""
    seed = SEED.read_text(encoding="utf-8")
    names = {named.title for named in NAMED}
    code = "".join(
        p.read_text(encoding="utf-8")
        for p in Path(__file__).parents[1].rglob("*.py")
        if "tests" not in p.parts
    )
    code += "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parents[1].rglob("*.html"))
    for run_ in re.findall(r"[\u4e00-\u9fff]{8,}", code):
        if run_ in names:
            continue
        for start in range(len(run_) - 7):
            assert run_[start : start + 8] not in seed, run_


def test_no_project_behind_or_not_started_shows_green_on_the_ledger(demo):
    """The warning dot and the state come from one verdict: the page never says 按期推进 of a
    project it lists as 欠进度 or 未开工 (the engine's 10-point tolerance used to)."""
    page = client_for(demo_user("duchaban")).get("/projects/?state=behind")
    rows = list(page.context["page"].object_list)
    assert len(rows) == 32 and all(row.colour != "green" for row in rows)
    assert "按期推进" not in page.content.decode()
    rows = ledger_rows(demo_user("duchaban"), as_of=date(2023, 7, 25))
    contradicting = [
        (row.title, row.state, row.colour_reason)
        for row in rows
        if row.state in ("behind", "not_started") and row.colour == "green"
    ]
    assert contradicting == []
    on_track = [row for row in rows if row.state == "on_track" and row.status == "in_progress"]
    assert on_track and all(row.colour == "green" for row in on_track)
