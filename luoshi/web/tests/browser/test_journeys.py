"""The main journeys through the demo county, in a real browser, as the people who make them.

Each journey chooses work no other journey touches, so they may run in any order on one server.
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

from luoshi.web.tests.browser.conftest import Journey

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# A task of the plenary meeting led by 县住建局 with 营盘镇 among the supporting units; 营盘镇's
# head approves its reporter's reports before they reach the office (luoshi/org/demo.py).
HOUSING = "城镇人居环境提升和棚改二期等项目建设"


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (70, 130, 90)).save(out, "PNG")
    return out.getvalue()


def red_count(page: Page) -> int:
    return int(page.get_by_test_id("red-count").locator(".fs-3").inner_text())


def test_a_report_found_untrue_turns_the_item_red_on_its_patron_leaders_dashboard(journey: Journey):
    # 冯锐, the item's patron leader: it is not among the red ones yet.
    leader = journey.log_in("fengrui")
    expect(leader).to_have_url(re.compile(r"/dashboard/$"))
    expect(leader.get_by_test_id("red-list")).to_be_visible()
    journey.step(leader, "leader-dashboard-before", help_image="leader-dashboard")
    red_before = red_count(leader)
    expect(leader.get_by_test_id("red-list").get_by_role("link", name=HOUSING)).to_have_count(0)

    # 营盘镇's reporter finds the item and reports this month's progress with a photo.
    reporter = journey.log_in("yingpan-reporter")
    journey.step(reporter, "reporter-work")
    reporter.get_by_role("link", name="督办事项").first.click()
    reporter.get_by_label("关键词").fill("城镇人居环境提升")
    reporter.get_by_label("关键词").press("Enter")
    expect(reporter.locator("#item-table").get_by_role("link", name=HOUSING)).to_have_count(1)
    journey.step(reporter, "reporter-item-list")
    reporter.locator("#item-table").get_by_role("link", name=HOUSING).click()
    expect(reporter.get_by_role("heading", name=HOUSING)).to_be_visible()
    expect(reporter.get_by_test_id("colour-history")).to_be_visible()
    journey.step(reporter, "reporter-item")
    reporter.get_by_role("link", name="报送进度").click()
    expect(reporter.get_by_role("heading", name=HOUSING)).to_be_visible()
    journey.step(reporter, "reporter-report-form", help_image="reporter-report-form")
    reporter.get_by_label("本期完成情况").fill("棚改二期主体完工，集镇立面改造完成八成")
    reporter.get_by_label("完成进度（%）").fill("80")
    evidence: FilePayload = {"name": "棚改二期现场.png", "mimeType": "image/png", "buffer": photo()}
    reporter.get_by_label("佐证材料").set_input_files([evidence])
    reporter.get_by_role("button", name="报送", exact=True).click()
    expect(reporter.get_by_role("alert").filter(has_text="进度已报送。")).to_be_visible()
    report = reporter.locator("[id^=report-]").first
    expect(report.get_by_text("待单位负责人审核")).to_be_visible()
    expect(report.get_by_role("img", name="棚改二期现场.png")).to_be_visible()
    journey.step(reporter, "reporter-reported")

    # 营盘镇 needs its head's approval before a report goes to the office.
    head = journey.log_in("yingpan-head")
    to_approve = head.get_by_test_id("to-approve")
    journey.step(head, "head-work", help_image="head-work")
    to_approve.get_by_role("link", name=HOUSING).click()
    report = head.locator("[id^=report-]").first
    expect(report.get_by_role("img", name="棚改二期现场.png")).to_be_visible()
    journey.step(head, "head-item", help_image="head-item")
    report.get_by_role("button", name="审核通过并报送").click()
    expect(head.get_by_role("alert").filter(has_text="已审核通过并报送督查办。")).to_be_visible()
    expect(head.locator("[id^=report-]").first.get_by_text("待单位负责人审核")).to_have_count(0)
    journey.step(head, "head-approved")

    # The office checks on site and finds the report untrue.
    office = journey.log_in("duchaban")
    office.get_by_role("link", name="我的工作").click()
    row = office.get_by_test_id("verify-queue").locator("tr", has_text=HOUSING)
    expect(row).to_have_count(1)
    journey.step(office, "office-work", help_image="office-work")
    row.get_by_role("link", name="核实").click()
    expect(office.get_by_role("heading", name=f"核实：{HOUSING}")).to_be_visible()
    journey.step(office, "office-verify-form", help_image="office-verify-form")
    office.get_by_label("现场核实").check()
    office.get_by_label("不属实").check()
    office.get_by_label("核实情况").fill("现场查看，棚改二期主体尚未完工，报送进度与实际不符")
    office.get_by_role("button", name="记录核实结果").click()
    expect(office.get_by_role("alert").filter(has_text="核实结果已记录。")).to_be_visible()
    expect(office.get_by_test_id("verify-queue").locator("tr", has_text=HOUSING)).to_have_count(0)
    journey.step(office, "office-verified")

    # 冯锐 sees it among the red items, with the reason.
    leader.reload()
    red = leader.get_by_test_id("red-list").locator("tr", has_text=HOUSING)
    expect(red).to_have_count(1)
    expect(red).to_contain_text("核实发现进度报告不属实")
    assert red_count(leader) == red_before + 1
    journey.step(leader, "leader-dashboard-after")
    red.get_by_role("link", name=HOUSING).click()
    expect(leader.get_by_test_id("item-colour")).to_contain_text("红")
    expect(leader.get_by_test_id("verdict").first).to_contain_text("不属实")
    expect(leader.get_by_test_id("untrue-latest")).to_be_visible()
    journey.step(leader, "leader-item-red", help_image="leader-item-red")


SPEECH = """在全县重点项目建设推进会上的讲话

同志们：

一、抓好项目建设。县发改局要在8月31日前完成下半年重点项目清单的调整。

二、抓好景区安全。各相关单位要在8月15日前完成辖区内旅游景区安全隐患排查整治。
"""


def test_the_office_decomposes_a_speech_and_assigns_a_task_choosing_its_lead_unit(journey: Journey):
    office = journey.log_in("duchaban")
    office.goto("/extraction/")
    journey.step(office, "documents")
    office.get_by_role("link", name="上传讲话或纪要").click()
    journey.step(office, "document-form")
    office.get_by_label("会议或文件名称").fill("全县重点项目建设推进会")
    office.get_by_label("类型").select_option(label="领导讲话")
    office.get_by_label("会议日期").fill("2023-07-25")
    office.get_by_label("或粘贴全文").fill(SPEECH)
    office.get_by_role("button", name="分解").click()

    cards = office.get_by_test_id("cards")
    expect(cards.locator(".task-card")).to_have_count(2)
    # "各相关单位" is no unit of the directory: the office chooses the lead unit on the card.
    card = cards.locator(".task-card", has_text="旅游景区安全隐患排查")
    expect(card.get_by_test_id("unresolved")).to_contain_text("各相关单位")
    expect(card.get_by_test_id("missing")).to_contain_text("还没有牵头单位")
    journey.step(office, "review")
    card.get_by_label("牵头单位").select_option(label="县文旅局")
    card.get_by_label("包抓县级领导").select_option(label="茂荣（副县长）")
    card.get_by_role("button", name="采纳并交办").click()

    # The card is swapped in place (htmx) and links to the item it became.
    card = cards.locator(".task-card", has_text="旅游景区安全隐患排查")
    expect(card.get_by_text("已采纳", exact=True)).to_be_visible()
    item_link = card.get_by_role("link", name=re.compile(r"督办事项 DB-2023-\d+（已交办）"))
    expect(item_link).to_be_visible()
    journey.step(office, "review-assigned")
    item_link.click()
    expect(office.get_by_role("heading", name="旅游景区安全隐患排查", exact=False)).to_be_visible()
    expect(office.locator("dd", has_text="县文旅局").first).to_be_visible()
    expect(office.get_by_test_id("timeline")).to_contain_text("交办")
    journey.step(office, "assigned-item")


def test_an_exported_sheet_imports_back_as_updated_and_unchanged_rows(journey: Journey):
    office = journey.log_in("duchaban")
    # The dashboard's 正在督办 links to the list of the work under way (what may be updated).
    office.get_by_test_id("totals").get_by_role("link", name=re.compile("正在督办")).click()
    expect(office.get_by_test_id("export")).to_be_visible()
    journey.step(office, "items-under-way")
    with office.expect_download() as download:
        office.get_by_test_id("export").click()
    exported = journey.folder / download.value.suggested_filename
    download.value.save_as(exported)
    assert re.fullmatch(r"督办事项_\d{8}\.xlsx", exported.name)

    # The office corrects one title in the sheet, as it would in Excel, and uploads it.
    workbook = load_workbook(exported)
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    rows = sheet.max_row - 1
    assert rows > 10 and headers[0] == "编号" and "版本" in headers
    title = sheet.cell(2, headers.index("事项名称") + 1)
    revised = f"{title.value}（修订）"
    title.value = revised
    edited = journey.folder / "督办事项_修订.xlsx"
    workbook.save(edited)

    # (The icon font's glyph is part of a link's accessible name: match the end of it.)
    office.get_by_role("main").get_by_role("link", name=re.compile(r"导入$")).click()
    journey.step(office, "import-form")
    office.get_by_label("Excel 台账（.xlsx）").set_input_files(edited)
    office.get_by_role("button", name="只检查，不导入").click()
    expect(office.locator(".alert-success")).to_have_text(
        f"检查通过：{rows} 项都可以导入，将更新 1 项，{rows - 1} 项无变化（尚未导入）。"
    )
    journey.step(office, "import-checked")
    office.get_by_label("Excel 台账（.xlsx）").set_input_files(edited)
    office.get_by_role("button", name="导入", exact=True).click()
    expect(office.get_by_role("alert").filter(has_text="已导入")).to_contain_text(
        f"已导入：更新 1 项，{rows - 1} 项无变化。"
    )
    expect(office).to_have_url(re.compile(r"/items/$"))
    expect(office.locator("#item-table").get_by_role("link", name=revised)).to_be_visible()
    journey.step(office, "imported")
