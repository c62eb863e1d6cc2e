"""The dashboard's chart on a phone and a wide screen, and what it shows without data.

The chart's option is built by a pure function in dashboard.js; Node.js (which `make install`
needs for the assets anyway) runs it here, so the layout is checked without a browser.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from luoshi.alerts.services import colours_recompute, item_colour_assess
from luoshi.conftest import client_for
from luoshi.items.models import Status
from luoshi.items.tests.factories import ItemFactory

SCRIPT = Path(__file__).resolve().parents[1] / "static" / "dashboard" / "dashboard.js"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="needs Node.js to run dashboard.js")

TREND = {
    "months": [f"{m}月" for m in range(1, 13)],
    "red": [1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8],
    "yellow": [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3],
    "green": [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31],
    "links": [{"red": "/items/?colour=red"} for _ in range(12)],
}
# The chart's card: a 390 px phone leaves ~350 px; at 1440 px the card is 5/12 of the row.
PHONE, WIDE = 350, 570


def trend_option(trend: dict[str, Any], width: int) -> dict[str, Any]:
    assert NODE is not None
    program = f"""
        const vm = require("vm"), fs = require("fs");
        const context = vm.createContext({{}});
        vm.runInContext(fs.readFileSync({json.dumps(str(SCRIPT))}, "utf8"), context);
        const option = context.luoshiDashboard.trendOption({json.dumps(trend)}, {width});
        process.stdout.write(JSON.stringify(option));
    """
    done = subprocess.run([NODE, "-e", program], capture_output=True, text=True, check=True, timeout=30)
    return json.loads(done.stdout)


@needs_node
@pytest.mark.parametrize("width", [PHONE, WIDE])
def test_legend_on_top_and_the_plot_below_it_with_its_labels_inside(width):
    option = trend_option(TREND, width)
    legend, grid = option["legend"], option["grid"]
    assert legend["top"] == 0 and "bottom" not in legend
    legend_height = legend["itemHeight"] + 2 * legend["padding"]
    assert grid["top"] >= legend_height + 8  # room between the legend and the highest bar
    assert grid["containLabel"] is True  # month and count labels inside the grid, not under the legend
    assert option["xAxis"]["data"] == TREND["months"]
    assert option["xAxis"]["axisLabel"]["hideOverlap"] is True
    assert [s["name"] for s in option["series"]] == ["红色", "黄色", "绿色"]
    assert option["tooltip"]["confine"] is True  # the tooltip stays on a phone's screen


@needs_node
@pytest.mark.parametrize(
    "trend",
    [
        {"months": [], "red": [], "yellow": [], "green": [], "links": []},
        {"months": ["7月"], "red": [0], "yellow": [0], "green": [0], "links": [{}]},
    ],
    ids=["no-months", "all-zero"],
)
def test_an_empty_trend_says_no_data(trend):
    option = trend_option(trend, WIDE)
    assert option["title"]["text"] == "暂无数据"
    assert option["series"] == []
    assert option["xAxis"]["show"] is False and option["yAxis"]["show"] is False


@pytest.mark.django_db
def test_a_dashboard_without_snapshots_says_no_data_instead_of_an_empty_chart(demo_mode, supervisor):
    html = client_for(supervisor).get("/dashboard/").content.decode()
    assert 'data-testid="trend-empty"' in html and "暂无数据" in html
    assert 'id="trend-chart"' not in html


@pytest.mark.django_db
def test_unit_ranking_percentages_use_the_common_format(demo_mode, zhashui, fagaiju, supervisor):
    july = date(2023, 7, 25)
    items = [
        ItemFactory(
            region=zhashui,
            lead_unit=fagaiju,
            status=Status.IN_PROGRESS,
            accepted_on=date(2023, 7, 4),
            title=f"排名事项{n}",
        )
        for n in range(3)
    ]
    for item, colour in zip(items, ("green", "green", "red"), strict=True):
        item_colour_assess(actor=supervisor, item=item, colour=colour, reason="督查办研判", as_of=july)
    colours_recompute(as_of=july)
    html = client_for(supervisor).get("/dashboard/").content.decode()
    assert 'id="trend-chart"' in html
    table = html.split('data-testid="units"')[1].split("</table>")[0]
    # 县发改局: two of three green; no report this year, so no on-time rate.
    assert re.search(r"县发改局</td>\s*<td[^>]*>.*?</td>\s*<td class=\"text-end\">66.7%</td>", table, re.S)
    assert '<td class="text-end">—</td>' in table
