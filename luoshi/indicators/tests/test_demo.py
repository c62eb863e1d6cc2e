"""The demo county's indicators on 2023-07-25: the figures come out of the data through the same
selectors as the table; the code carries no sentence of the seed speech."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from luoshi.conftest import SHARED, client_for, demo_user
from luoshi.indicators.demo import SPECS

pytestmark = pytest.mark.django_db
SEED = SHARED / "corpus" / "zhashui-2023-07-25-plenary-speech.txt"
BELOW_HALF = {"农业总产值", "农业增加值", "固定资产投资", "城镇居民人均可支配收入"}


@pytest.fixture
def demo(demo_db, db, demo_mode):
    """The demo county (loaded once for the module), on its day."""


def test_the_table_shows_the_half_years_figures(demo):
    page = client_for(demo_user("liupeng")).get("/indicators/")
    rows = {row.title: row for row in page.context["rows"]}
    revenue = rows["财政总收入"].result
    assert (revenue.actual, revenue.growth) == (Decimal("2.89"), Decimal("31.35"))
    text = page.content.decode()
    assert "2.89亿元" in text and "31.35%" in text
    local = rows["地方财政收入"].result
    assert (local.actual, local.growth) == (Decimal("1.24"), Decimal("8.55"))
    assert rows["争取上级财政专项资金"].result.actual == Decimal("9.24")
    below = {title for title, row in rows.items() if row.result.half_year and not row.result.half_year.passed}
    assert below >= BELOW_HALF
    assert rows["生产总值增速"].result.actual > 0 and rows["生产总值增速"].colour == "red"
    assert all(row.result.ranking and row.result.ranking.peers == 7 for row in rows.values())


def test_stats_has_the_indicators_section_of_the_table(demo, capsys):
    call_command("stats", "--as-of", "2023-07-25", "--region", "柞水县", "--json")
    section = json.loads(capsys.readouterr().out)["indicators"]
    by_name = {row["name"]: row for row in section}
    assert len(section) == len(SPECS)
    assert {k: by_name["财政总收入"][k] for k in ("unit", "actual", "growth", "half_year")} == {
        "unit": "亿元",
        "actual": "2.89",
        "growth": "31.35",
        "half_year": "已过半",
    }
    assert all(by_name[name]["half_year"] == "未过半" for name in BELOW_HALF)
    for row in section:
        assert {"name", "unit", "target", "actual", "completion", "growth", "rank", "half_year"} <= row.keys()
    page = client_for(demo_user("duchaban")).get("/indicators/")
    assert [row.title for row in page.context["rows"]] == [row["name"] for row in section]


def test_the_reserve_indicator_agrees_with_the_projects_ledger(demo, capsys):
    """The reserve's count is a figure of two ledgers: the indicator's value the office reports and
    the reserve the projects ledger holds. The demo's two must agree."""
    call_command("stats", "--as-of", "2023-07-25", "--region", "柞水县", "--json")
    stats = json.loads(capsys.readouterr().out)
    reserve = next(row for row in stats["indicators"] if row["name"] == "储备成熟项目")
    assert Decimal(reserve["actual"]) == stats["projects"]["reserve"]["total"] == 126
    assert Decimal(reserve["target"]) == stats["projects"]["reserve"]["target"] == 200


def test_the_neighbour_sees_its_own_indicators_only(demo):
    page = client_for(demo_user("za-duchaban")).get("/indicators/")
    assert {row.region_name for row in page.context["rows"]} == {"镇安县"}


@pytest.mark.skipif(not SEED.exists(), reason="the seed speech is in ../shared")
def test_the_code_carries_no_words_of_the_seed():
    """Facts in our own words: no run of 8 characters of the seed speech in the app's code, but for
    the indicators' names (names are facts)."""
    seed = SEED.read_text(encoding="utf-8")
    names = {spec.name for spec in SPECS}
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
