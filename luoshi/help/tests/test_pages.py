"""What the help says is read from the data: the rules in force, the upload limits, the calendar;
and every picture it shows is there, small, and taken by a browser journey."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from luoshi.alerts.engine import DEFAULT_RULES, Rules
from luoshi.alerts.models import Consequence, ConsequenceAction
from luoshi.alerts.services import rule_set_save
from luoshi.conftest import client_for, demo_user
from luoshi.core.models import CalendarDay
from luoshi.core.workdays import WorkCalendar
from luoshi.help import facts, screenshots, sections
from luoshi.org.models import Region

BROWSER_TESTS = Path(__file__).resolve().parents[2] / "web" / "tests" / "browser"
PICTURE = re.compile(r'src="/static/help/img/([\w-]+\.png)"')
MAX_TOTAL_BYTES = 3 * 1024 * 1024


def text_of(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


# The rules ---------------------------------------------------------------------------------------


def test_the_default_rules_in_words():
    lines = facts.rule_lines(DEFAULT_RULES, {"project": "重点项目", "indicator": "考核指标"})
    red = [line.text for line in lines if line.colour == "red"]
    yellow = [line.text for line in lines if line.colour == "yellow"]
    assert "完成进度比序时进度落后超过 30 个百分点" in red
    assert "督查办核实发现进度报告不属实" in red
    assert "连续 2 个月黄色" in red
    assert "计划开始日期过后 3 个月仍未开始" in red
    assert "完成进度比序时进度落后超过 10 个百分点（不超过 30 个）" in yellow
    assert "距完成时限不足 5 个工作日，尚未完成" in yellow
    assert [line.text for line in lines if line.colour == "basis"] == [
        "考核指标、重点项目按月计算序时进度，其余事项按工作日计算"
    ]


def test_rules_switched_off_are_not_mentioned():
    rules = Rules(untrue_is_red=False, consecutive_yellow_to_red=0, late_report_is_yellow=False)
    words = " ".join(line.text for line in facts.rule_lines(rules, {}))
    assert "不属实" not in words and "连续" not in words and "没有报送" not in words


@pytest.mark.django_db
def test_the_faq_shows_the_readers_county_rules_and_consequences(demo_org):
    zhashui = Region.objects.get(name="柞水县")
    rule_set_save(actor=None, region=zhashui, values={"red_gap": Decimal("25.5"), "yellow_gap": Decimal(8)})
    Consequence.objects.create(region=zhashui, colour="red", action=ConsequenceAction.INTERVIEW)
    text = text_of(client_for(demo_user("fgj-reporter")).get("/help/"))
    assert "柞水县现行的规则（第1版）" in text
    assert "完成进度比序时进度落后超过 25.5 个百分点" in text
    assert "落后超过 8 个百分点（不超过 25.5 个）" in text
    assert "红色事项会带来：约谈" in text
    # Another county reads its own (the defaults here).
    other = text_of(client_for(demo_user("za-duchaban")).get("/help/"))
    assert "镇安县现行的规则（系统默认）" in other
    assert "落后超过 30 个百分点" in other


@pytest.mark.django_db
def test_the_faq_gives_the_evidence_types_and_the_size_limit_from_the_settings(demo_org, settings):
    settings.LUOSHI_EVIDENCE_MAX_MB = 7
    text = text_of(client_for(demo_user("fgj-reporter")).get("/help/"))
    assert "每个文件不超过 7 MB" in text
    assert "图片（JPG、PNG、GIF、WebP、HEIC）、PDF、Word、Excel、PowerPoint、WPS 或 OFD 文件" in text
    reporter_guide = text_of(client_for(demo_user("fgj-reporter")).get("/help/reporter/"))
    assert "每个不超过 7 MB" in reporter_guide


# The calendar ------------------------------------------------------------------------------------


def test_the_holidays_of_2023_and_where_their_reports_move():
    breaks = {b.name: b for b in facts.holiday_breaks(WorkCalendar(), 2023)}
    national = breaks["中秋节、国庆节"]
    assert (national.first, national.last) == (date(2023, 9, 29), date(2023, 10, 6))
    assert national.moved_to == date(2023, 10, 7)  # a Saturday worked in exchange
    assert national.make_up == (date(2023, 10, 7), date(2023, 10, 8))
    spring = breaks["春节"]
    assert (spring.first, spring.last) == (date(2023, 1, 21), date(2023, 1, 27))
    assert spring.moved_to == date(2023, 1, 28)
    assert set(breaks) >= {"元旦", "清明节", "劳动节", "端午节"}
    assert facts.cn_day(date(2023, 10, 7)) == "10月7日（星期六）"


def test_a_year_not_published_falls_back_to_the_overrides():
    overrides = {date(2099, 10, 1): False, date(2099, 10, 2): False}
    breaks = facts.holiday_breaks(WorkCalendar(overrides), 2099, {date(2099, 10, 1): "国庆节"})
    october = [b for b in breaks if b.first.month == 10]
    assert october and october[0].name == "国庆节"


@pytest.mark.django_db
def test_the_faq_lists_the_years_holidays_with_the_admins_corrections(demo_org):
    CalendarDay.objects.create(date=date(2023, 8, 14), is_workday=False, note="县庆")
    text = text_of(client_for(demo_user("fgj-reporter")).get("/help/"))
    assert "2023年的节假日和顺延" in text
    assert "中秋节、国庆节9月29日—10月6日10月7日10月7日、10月8日" in text
    assert "县庆8月12日—8月14日8月15日—" in text  # a Monday off: with the weekend before it


# The pictures ------------------------------------------------------------------------------------


def pictures_shown() -> set[str]:
    client = client_for(demo_user("duchaban"))
    shown: set[str] = set()
    for address in ["/help/", *(f"/help/{guide.slug}/" for guide in sections.GUIDES)]:
        shown |= set(PICTURE.findall(client.get(address).content.decode()))
    return shown


def pictures_taken() -> set[str]:
    """The help_image names of the browser journeys' steps."""
    names: set[str] = set()
    for source in BROWSER_TESTS.glob("test_*.py"):
        names |= {f"{name}.png" for name in re.findall(r'help_image="([\w-]+)"', source.read_text())}
    return names


@pytest.mark.django_db
def test_every_picture_a_help_page_shows_exists_and_a_journey_takes_it(demo_org):
    shown = pictures_shown()
    assert len(shown) >= 10
    for name in shown:
        assert finders.find(f"help/img/{name}"), f"help/img/{name} is missing: run make screenshots"
    assert shown <= pictures_taken(), f"no browser journey takes {shown - pictures_taken()}"
    committed = {path.name for path in screenshots.FOLDER.glob("*.png")}
    assert committed <= shown, f"pictures no help page shows: {committed - shown}"


def test_the_pictures_are_small():
    pictures = list(screenshots.FOLDER.glob("*.png"))
    assert pictures
    assert sum(path.stat().st_size for path in pictures) < MAX_TOTAL_BYTES
    for path in pictures:
        with Image.open(path) as image:
            assert image.width <= screenshots.WIDTH, path.name


def test_a_screenshot_is_scaled_down_to_a_palette_png(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (1366, 900), (240, 240, 240)).save(out, "PNG")
    written = screenshots.help_image_write(out.getvalue(), "example", tmp_path)
    with Image.open(written) as image:
        assert (image.size, image.mode) == ((960, 633), "P")
    small = io.BytesIO()
    Image.new("RGB", (400, 300), (0, 0, 0)).save(small, "PNG")
    with Image.open(io.BytesIO(screenshots.optimised(small.getvalue()))) as image:
        assert image.size == (400, 300)  # never scaled up


def test_the_empty_page_below_a_screen_is_cut_off():
    screen = Image.new("RGB", (1366, 900), (255, 255, 255))
    screen.paste((40, 40, 40), (100, 100, 600, 300))  # the content, down to y = 300
    out = io.BytesIO()
    screen.save(out, "PNG")
    with Image.open(io.BytesIO(screenshots.optimised(out.getvalue()))) as image:
        assert image.size == (960, round((300 + screenshots.MARGIN) * 960 / 1366))
