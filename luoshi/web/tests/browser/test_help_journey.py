"""Help (帮助) in a real browser: every role opens its guide from the header, with its pictures.

The steps marked ``help_image`` are the screens the help pages show; ``make screenshots`` runs the
journeys with LUOSHI_HELP_SCREENSHOTS=1 and writes them into luoshi/help/static/help/img. This
journey changes nothing, so it may run beside the others in any order.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from luoshi.web.tests.browser.conftest import Journey

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Whose guide each demo account's 帮助 opens from 我的工作 (the auditor's: from the audit log).
GUIDES = {
    "duchaban": "supervisor",
    "yingpan-head": "unit_head",
    "fgj-reporter": "reporter",
    "fengrui": "leader",
    "renda": "viewer",
    "xitong": "admin",
    "shenji": "auditor",
}
PICTURES_LOADED = """() => Array.from(document.images)
  .filter((img) => img.src.includes("/help/img/"))
  .map((img) => [img.getAttribute("src"), img.complete && img.naturalWidth > 0])"""


def pictures_shown(page: Page) -> list[str]:
    pictures = page.evaluate(PICTURES_LOADED)
    broken = [src for src, loaded in pictures if not loaded]
    assert not broken, f"help pictures not shown: {broken}"
    return [src for src, _ in pictures]


def test_every_role_opens_its_guide_from_the_page_header(journey: Journey):
    pages = {username: journey.log_in(username) for username in GUIDES}
    # The screens the guides show, before any help page is opened (so that `make screenshots`
    # takes them all even where a help page still lacks a picture).
    expect(pages["renda"]).to_have_url(re.compile(r"/dashboard/$"))
    journey.step(pages["renda"], "viewer-dashboard", help_image="viewer-dashboard")
    pages["xitong"].goto("/admin/")
    journey.step(pages["xitong"], "admin-index", help_image="admin-index")
    expect(pages["shenji"]).to_have_url(re.compile(r"/audit/$"))
    journey.step(pages["shenji"], "audit-log", help_image="audit-log")

    for username, guide in GUIDES.items():
        page = pages[username]
        if username == "shenji":
            anchor = "audit"  # from the audit log, his only page
        else:
            page.goto("/work/")
            anchor = "month"
        if username == "fgj-reporter":  # a report overdue, and a dozen due
            expect(page.get_by_test_id("to-report").locator(".list-group-item-danger")).not_to_have_count(0)
            journey.step(page, "reporter-work", help_image="reporter-work")
        page.get_by_test_id("help-link").click()
        expect(page).to_have_url(re.compile(rf"/help/{guide}/#{anchor}$"))
        expect(page.locator(f"#{anchor}")).to_be_visible()
        assert pictures_shown(page), f"{guide}: the guide shows no screenshot"
        journey.step(page, f"help-{guide}")


def test_an_item_pages_help_answers_why_it_is_red(journey: Journey):
    reporter = journey.log_in("fgj-reporter")
    reporter.get_by_test_id("to-report").locator("a").first.click()
    expect(reporter.get_by_test_id("colour-history")).to_be_visible()
    journey.step(reporter, "item-page", help_image="item-page")
    reporter.get_by_test_id("help-link").click()
    expect(reporter).to_have_url(re.compile(r"/help/#item$"))
    expect(reporter.get_by_test_id("rule-lines")).to_contain_text("个百分点")
    expect(reporter.get_by_test_id("evidence-types")).to_contain_text("PDF")
    expect(reporter.get_by_test_id("holidays")).to_contain_text("国庆节")
    pictures_shown(reporter)
    journey.step(reporter, "help-index")
