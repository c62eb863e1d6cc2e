"""The ledgers and pages of the navigation bar.

A page whose issue has not been built yet stays in the navigation and opens a page that says so
plainly (``pending``); it never shows invented figures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    icon: str
    url_name: str = ""  # empty while the page is not built
    summary: str = ""
    group: str = "main"

    @property
    def built(self) -> bool:
        return bool(self.url_name)


PAGES: tuple[Page, ...] = (
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
    Page(
        "indicators",
        "考核指标",
        "graph-up-arrow",
        group="ledgers",
        summary="年度考核指标的目标值、月度完成值、同比增长、缺口和在同级县区中的排名，以及后进指标的赶超台账。",
    ),
    Page(
        "projects",
        "重点项目",
        "building",
        group="ledgers",
        summary="省市县重点项目的年度计划投资、月度完成投资、未开工和欠进度项目、入库纳统和观摩准备。",
    ),
    Page(
        "creations",
        "示范创建",
        "award",
        group="ledgers",
        summary="国家级、省级示范创建的申报、初核、初验、请验、授牌和复审进度，以及现场会的筹备。",
    ),
    Page(
        "commitments",
        "承诺事项",
        "patch-check",
        group="ledgers",
        summary="市下达军令状、人大代表票决民生实事、重点工作任务承诺书的逐条落实情况。",
    ),
    Page(
        "rectification",
        "问题整改",
        "tools",
        group="ledgers",
        summary="上级反馈、督查发现和自查发现问题的整改措施、时限和销号。",
    ),
    Page(
        "investment",
        "招商引资",
        "briefcase",
        group="ledgers",
        summary="招商线索从接触、洽谈到签约、落地、投产的跟踪，以及“四个清单”。",
    ),
    Page(
        "enterprises",
        "五上企业",
        "shop",
        group="ledgers",
        summary="在库五上企业、拟纳统企业的培育和重点税源企业的纳税情况。",
    ),
    Page(
        "bulletins",
        "督查通报",
        "megaphone",
        group="more",
        summary="按周、月、季度或专项督查起草、审定和印发督查通报。",
    ),
    Page("assessment", "考核排名", "trophy", group="more", summary="按实绩对镇办和部门打分排名。"),
    Page(
        "extraction",
        "讲话分解",
        "file-earmark-text",
        url_name="extraction:documents",
        group="more",
        summary="把领导讲话和会议纪要分解为待审核的督办事项。",
    ),
)

PAGES_BY_KEY = {page.key: page for page in PAGES}

# The dropdowns of the navigation bar: (group, label, icon).
GROUPS = (("ledgers", "台账", "journal-text"), ("more", "通报与考核", "three-dots"))
