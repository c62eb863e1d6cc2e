"""What a bulletin says, drafted from the data as of a day.

`gather` reads the figures through the selectors the pages use (the dashboard's, the colour
snapshots', and each ledger's part through the ledger registry), as the region's supervision office
sees them, into a JSON-able dict (stored with the bulletin, so a draft reads the same until the
office refreshes it). `draft_sections` turns those figures into the text of a 情况通报: pure, no
database; the office edits the text afterwards.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count

from luoshi.alerts.services import month_of
from luoshi.bulletins.models import PeriodKind
from luoshi.bulletins.periods import Period, day_label
from luoshi.core import registry
from luoshi.dashboard.selectors import dashboard_for, snapshots_for
from luoshi.items.models import Colour, Status
from luoshi.items.selectors import item_list_for
from luoshi.org.models import Region
from luoshi.org.selectors import region_reader

# The text sections the office edits, in the order of the document.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("opening", "开头"),
    ("overview", "一、总体情况"),
    ("problems", "二、存在问题"),
    ("demands", "三、下一步要求"),
)
CN = "一二三四五六七八九十"
NAMED_PER_UNIT = 3  # red items named per unit in 存在问题; the rest are in 附件
NAMED_UNITS = 8
RESPOND_DAYS = 10  # the units answer a red warning within this many days of the bulletin


def item_row(snapshot: Any) -> dict[str, str]:
    item = snapshot.item
    leader = item.patron_leader
    return {
        "code": item.code,
        "title": item.title,
        "kind": registry.kind_label(item.kind),
        "unit": item.lead_unit.short_name if item.lead_unit else "",
        "leader": f"{leader.person.name}" if leader else "",
        "reason": snapshot.assessed_reason or snapshot.computed_reason,
    }


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def gather(*, region: Region, period: Period, as_of: date) -> dict[str, Any]:
    """The bulletin's figures and lists for `region` as of `as_of` (the month of `as_of`'s colours)."""
    reader = region_reader(region)
    board = dashboard_for(reader, as_of=as_of, today=as_of)
    month = month_of(as_of)
    related = ("item__lead_unit", "item__patron_leader__person")
    lists: dict[str, list[dict[str, str]]] = {}
    for colour in (Colour.RED, Colour.YELLOW):
        rows = (
            snapshots_for(reader, month)
            .filter(shown=colour)
            .select_related("item", *related)
            .order_by("item__lead_unit__sort_order", "item__code")
        )
        lists[colour.value] = [item_row(row) for row in rows]
    completed = (
        item_list_for(reader)
        .filter(
            status__in=[Status.COMPLETED, Status.CLOSED],
            completed_on__gte=period.start,
            completed_on__lte=min(as_of, period.end),
        )
        .select_related("lead_unit")
        .order_by("completed_on", "code")
    )
    # The items of the year that have no colour this month (new, or of a county whose colours are not
    # computed yet): the colours' counts leave them out and each ledger's own part counts them, so the
    # counts by kind name them, and a kind's count is the same in 一 and in its ledger's part.
    unrated_rows = (
        item_list_for(reader)
        .filter(year=as_of.year)
        .exclude(status__in=[Status.WITHDRAWN, Status.REPLACED])
        .exclude(pk__in=snapshots_for(reader, month).values("item_id"))
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    )
    unrated = {registry.kind_label(row["kind"]): row["n"] for row in unrated_rows}
    parts = []
    for section in registry.bulletin_sections():
        part = section(user=reader, as_of=as_of)
        if part is not None:
            parts.append(asdict(part))
    return {
        "region": region.name,
        "level": "市" if region.level == Region.Level.CITY else "县",
        "period": {"kind": period.kind.value, "code": period.code, "label": period.label},
        "as_of": as_of.isoformat(),
        "month": f"{month:%Y-%m}",
        "totals": {
            "total": board.totals.total,
            **{
                c.value: board.totals.counts.get(c.value, 0)
                for c in (Colour.RED, Colour.YELLOW, Colour.GREEN)
            },
            "overdue": board.overdue_count,
        },
        "kinds": [
            {
                "label": kind.label,
                "total": kind.total,
                **{c: kind.counts.get(c, 0) for c in ("red", "yellow", "green")},
                "unrated": unrated.pop(kind.label, 0),
            }
            for kind in board.kinds
        ]
        + [
            {"label": label, "total": 0, "red": 0, "yellow": 0, "green": 0, "unrated": count}
            for label, count in unrated.items()
        ],
        "red": lists["red"],
        "yellow": lists["yellow"],
        "ranking": [
            {
                "unit": unit.label,
                "total": unit.total,
                "green": unit.counts.get("green", 0),
                "red": unit.counts.get("red", 0),
                "green_share": _percent(unit.extra["green_share"]),
                "on_time": _percent(unit.extra["on_time"]),
                "untrue": unit.extra["untrue"],
            }
            for unit in board.units
        ],
        "not_reported": [{"unit": row.label, "count": row.total} for row in board.not_reported],
        "completed": [
            {"title": item.title, "unit": item.lead_unit.short_name if item.lead_unit else ""}
            for item in completed[:20]
        ],
        "completed_count": completed.count(),
        "ledgers": parts,
    }


# ---------------------------------------------------------------------------------------------
# The text, drafted from the figures: pure


def title_for(*, issuer: str, period_label: str, kind: str, topic: str = "") -> str:
    if kind == PeriodKind.SPECIAL:
        return f"{issuer}关于{topic or '专项督查'}情况的通报"
    return f"{issuer}关于{period_label}重点工作推进情况的通报"


def _heading(number: int, text: str) -> str:
    return f"（{CN[number - 1]}）{text}"


def _share(part: int, whole: int) -> str:
    return f"{Decimal(100) * part / whole:.1f}%" if whole else "0%"


def _by_unit(rows: list[dict[str, str]]) -> list[tuple[str, list[dict[str, str]]]]:
    units: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        units.setdefault(row["unit"] or "未定牵头单位", []).append(row)
    return sorted(units.items(), key=lambda pair: -len(pair[1]))


def _kind(kind: dict[str, Any]) -> str:
    """考核指标26项（红色3项、黄色5项，13项尚未评定）: every item of the kind, rated or not."""
    unrated = kind.get("unrated", 0)
    colours = f"红色{kind['red']}项、黄色{kind['yellow']}项" if kind["total"] else ""
    rest = f"{unrated}项尚未评定" if unrated else ""
    return f"{kind['label']}{kind['total'] + unrated}项（{'，'.join(p for p in (colours, rest) if p)}）"


def draft_sections(data: dict[str, Any], *, topic: str = "") -> dict[str, list[str]]:
    """The opening, 一、总体情况, 二、存在问题 and 三、下一步要求 in the words of a 情况通报, from the
    figures of `gather`. Every unit named is named with its items and the colour's reason."""
    totals = data["totals"]
    level = data.get("level", "县")  # 县 or 市: the region's own words (县委、县政府, 市督查办)
    as_of = date.fromisoformat(data["as_of"])
    period = data["period"]["label"]
    scope = f"{topic}专项督查" if data["period"]["kind"] == PeriodKind.SPECIAL else f"{period}"
    opening = [
        f"为推动{level}委、{level}政府各项决策部署落地落实，{level}督查办对照各项台账，于{scope}对纳入督办的"
        f"{totals['total']}项事项的推进情况开展了督查。督查以各单位报送的进度和佐证材料为基础，"
        f"采取资料核实、现场核实和明察暗访相结合的方式，数据截至{day_label(as_of)}。"
        "现将有关情况通报如下："
    ]

    overview = [
        f"截至{day_label(as_of)}，纳入督办的事项{totals['total']}项，按三色预警，绿色{totals['green']}项、"
        f"黄色{totals['yellow']}项、红色{totals['red']}项，"
        f"绿色占比{_share(totals['green'], totals['total'])}；"
        f"超过完成时限尚未办结的{totals['overdue']}项。"
    ]
    unrated = sum(kind.get("unrated", 0) for kind in data["kinds"])
    if unrated:
        overview[0] = overview[0][:-1] + f"另有{unrated}项本期尚未评定预警颜色。"
    if data["kinds"]:
        overview.append("分类型看，" + "，".join(_kind(kind) for kind in data["kinds"]) + "。")
    number = 1
    praised = [
        row for row in data["ranking"] if row["total"] and row["green"] == row["total"] and not row["untrue"]
    ]
    good = []
    if praised:
        names = "、".join(row["unit"] for row in praised[:NAMED_UNITS])
        more = "等" if len(praised) > NAMED_UNITS else ""
        good.append(f"{names}{more}{len(praised)}个单位牵头的事项全部按序时进度推进，无黄色、红色预警。")
    if data["completed_count"]:
        names = "、".join(f"{row['title']}（{row['unit']}）" for row in data["completed"][:5])
        more = "等" if data["completed_count"] > 5 else ""
        good.append(f"本期办结事项{data['completed_count']}项：{names}{more}。")
    if good:
        overview.append(_heading(number, "进展较好的单位和事项。") + "".join(good) + "予以通报表扬。")
        number += 1
    for part in data["ledgers"]:
        if part["paragraphs"]:
            overview.append(_heading(number, f"{part['title']}。") + "".join(part["paragraphs"]))
            number += 1

    problems = []
    number = 1
    if data["red"]:
        units = _by_unit(data["red"])
        named = []
        for unit, rows in units[:NAMED_UNITS]:
            items = "；".join(f"{row['title']}，{row['reason']}" for row in rows[:NAMED_PER_UNIT])
            more = f"等{len(rows)}项" if len(rows) > NAMED_PER_UNIT else ""
            named.append(f"{unit}：{items}{more}")
        problems.append(
            _heading(number, f"红色预警事项{len(data['red'])}项，涉及{len(units)}个单位。")
            + "。".join(named)
            + "。全部红色事项见附件1。"
        )
        number += 1
    if data["yellow"]:
        units = _by_unit(data["yellow"])
        spread = "、".join(f"{unit}（{len(rows)}项）" for unit, rows in units[:NAMED_UNITS])
        problems.append(
            _heading(number, f"黄色预警事项{len(data['yellow'])}项。")
            + f"主要集中在{spread}{'等单位' if len(units) > NAMED_UNITS else ''}，滞后序时进度或节点逾期，"
            "如不加快推进将转为红色。"
        )
        number += 1
    if data["not_reported"]:
        late = "、".join(f"{row['unit']}（{row['count']}项）" for row in data["not_reported"])
        problems.append(_heading(number, "进度报送不及时。") + f"{late}本期进度逾期未报送。")
        number += 1
    untrue = [row for row in data["ranking"] if row["untrue"]]
    if untrue:
        untrue_units = "、".join(f"{row['unit']}（{row['untrue']}次）" for row in untrue)
        problems.append(
            _heading(number, "报送情况与实际不符。") + f"经核实，{untrue_units}报送的进度存在不属实情况。"
        )
        number += 1
    for part in data["ledgers"]:
        if part["problems"]:
            problems.append(_heading(number, f"{part['title']}。") + "".join(part["problems"]))
            number += 1
    if not problems:
        problems.append("本期未发现红色、黄色预警事项。")

    respond_by = day_label(as_of + timedelta(days=RESPOND_DAYS)).split("年", 1)[1]
    demands = [
        _heading(1, "抓紧整改红色事项。")
        + f"红色预警事项的牵头单位要逐项分析原因，制定整改措施，明确完成时限，于{respond_by}前将整改情况"
        f"报{level}督查办；包抓{level}级领导要亲自调度，协调解决手续、资金、土地等难题。",
        _heading(2, "加快推进黄色事项。")
        + "黄色预警事项的牵头单位要倒排工期、挂图作战，确保下期通报前赶上序时进度，防止转为红色。",
        _heading(3, "如实按时报送进度。") + "各单位要按报送周期如实报送进度和佐证材料，杜绝“空手道”“假大空”；"
        "逾期未报送的单位要在3个工作日内补报。",
        _heading(4, "强化跟踪问效。")
        + f"{level}督查办将对整改情况进行跟踪督办，对整改不力、连续两期红色的事项，"
        "按规定提请约谈，结果在下期通报。",
    ]
    return {"opening": opening, "overview": overview, "problems": problems, "demands": demands}


def annexes(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The bulletin's 附件: the red list, the yellow list, the units' ranking, each ledger's table."""
    found = [
        {
            "title": "红色预警事项清单",
            "columns": ["事项名称", "牵头单位", "包抓领导", "预警原因"],
            "rows": [[row["title"], row["unit"], row["leader"], row["reason"]] for row in data["red"]],
        },
        {
            "title": "单位推进情况排名",
            "columns": ["单位", "牵头事项", "绿色", "红色", "绿色占比", "按时报送率", "不属实"],
            "rows": [
                [
                    row["unit"],
                    str(row["total"]),
                    str(row["green"]),
                    str(row["red"]),
                    f"{row['green_share']}%" if row["green_share"] is not None else "—",
                    f"{row['on_time']}%" if row["on_time"] is not None else "—",
                    str(row["untrue"]),
                ]
                for row in data["ranking"]
            ],
        },
        {
            "title": "黄色预警事项清单",
            "columns": ["事项名称", "牵头单位", "包抓领导", "预警原因"],
            "rows": [[row["title"], row["unit"], row["leader"], row["reason"]] for row in data["yellow"]],
        },
    ]
    for part in data["ledgers"]:
        if part["rows"]:
            found.append(
                {
                    "title": part["table_title"],
                    "columns": list(part["columns"]),
                    "rows": [list(r) for r in part["rows"]],
                }
            )
    return [annex for annex in found if annex["rows"]]
