"""The pages of the navigation bar: the shell's own, and one per ledger from the ledger registry.

A ledger app that registers itself (luoshi.core.registry) appears here without this module
changing. A ledger the product plans but no app keeps yet stays in the navigation and opens a
page that says so plainly (``pending``); it never shows invented figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from luoshi.core import registry


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    icon: str
    url_name: str = ""  # empty while the page is not built
    summary: str = ""
    group: str = "main"
    query: str = ""  # added to the page's address (a ledger listed with all items: ?kind=…)

    @property
    def built(self) -> bool:
        return bool(self.url_name)

    @property
    def url(self) -> str:
        if not self.built:
            return reverse("pending", args=[self.key])
        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")


MAIN: tuple[Page, ...] = (
    Page(
        "dashboard",
        "驾驶舱",
        "speedometer2",
        url_name="dashboard:index",
        summary="三色预警汇总、红色事项、逾期事项、单位排名和趋势。",
    ),
    Page(
        "items",
        "督办事项",
        "list-check",
        url_name="items:list",
        summary="所有督办事项的交办、签收、进度反馈、核实、办结和销号。",
    ),
    Page(
        "supervision",
        "督办记录",
        "clipboard-check",
        url_name="items:supervision_list",
        summary="专项督办、现场督办、随机督办、明察暗访、催办和约谈的记录，以及由此建立的整改事项。",
    ),
)

# Ledgers the product plans, keyed by the item kind their app will register.
PLANNED_LEDGERS: tuple[Page, ...] = (
    Page(
        "indicator",
        "考核指标",
        "graph-up-arrow",
        group="ledgers",
        summary="年度考核指标的目标值、月度完成值、同比增长、缺口和在同级县区中的排名，以及后进指标的赶超台账。",
    ),
    Page(
        "project",
        "重点项目",
        "building",
        group="ledgers",
        summary="省市县重点项目的年度计划投资、月度完成投资、未开工和欠进度项目、入库纳统和观摩准备。",
    ),
    Page(
        "creation",
        "示范创建",
        "award",
        group="ledgers",
        summary="国家级、省级示范创建的申报、初核、初验、请验、授牌和复审进度，以及现场会的筹备。",
    ),
    Page(
        "investment",
        "招商引资",
        "briefcase",
        group="ledgers",
        summary="招商线索从接触、洽谈到签约、落地、投产的跟踪，以及“四个清单”。",
    ),
    Page(
        "enterprise",
        "五上企业",
        "shop",
        group="ledgers",
        summary="在库五上企业、拟纳统企业的培育和重点税源企业的纳税情况。",
    ),
)

MORE: tuple[Page, ...] = (
    Page(
        "bulletins",
        "督查通报",
        "megaphone",
        url_name="bulletins:list",
        group="more",
        summary="按周、月、季度或专项督查起草、审定和印发督查通报。",
    ),
    Page(
        "meetings",
        "会议材料",
        "people",
        url_name="bulletins:meetings",
        group="more",
        summary="为调度会、全体会议和专题会准备材料，录入会上议定的事项并交办。",
    ),
    Page(
        "assessment",
        "考核排名",
        "trophy",
        url_name="assessment:rankings",
        group="more",
        summary="按实绩对镇办和部门打分排名，每一分都可查到来源；改分申请和市考县排名。",
    ),
    Page(
        "extraction",
        "讲话分解",
        "file-earmark-text",
        url_name="extraction:documents",
        group="more",
        summary="把领导讲话和会议纪要分解为待审核的督办事项。",
    ),
)


def ledger_page(ledger: registry.Ledger) -> Page:
    """A registered ledger's page: its own list, or the item list of its kind."""
    if ledger.url_name and ledger.url_name != "items:list":
        return Page(ledger.kind, ledger.label, ledger.icon, ledger.url_name, ledger.summary, "ledgers")
    query = urlencode({"kind": ledger.kind})
    return Page(ledger.kind, ledger.label, ledger.icon, "items:list", ledger.summary, "ledgers", query)


def pages() -> tuple[Page, ...]:
    """Every page of the navigation bar, in order. The task kind is the item list itself."""
    registered = {ledger.kind: ledger for ledger in registry.ledgers() if ledger.kind != "task"}
    ledgers = [ledger_page(ledger) for ledger in registered.values()]
    ledgers += [page for page in PLANNED_LEDGERS if page.key not in registered]
    order = {ledger.kind: ledger.order for ledger in registered.values()}
    planned_order = {page.key: 20 + 10 * i for i, page in enumerate(PLANNED_LEDGERS)}
    ledgers.sort(key=lambda page: order.get(page.key, planned_order.get(page.key, 100)))
    return (*MAIN, *ledgers, *MORE)


def page_by_key(key: str) -> Page | None:
    return next((page for page in pages() if page.key == key), None)


# The dropdowns of the navigation bar: (group, label, icon).
GROUPS = (("ledgers", "台账", "journal-text"), ("more", "通报与考核", "three-dots"))
