"""The item pages as a new user meets them: the list on a phone, the progress of a one-off item."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from lxml import html as lxml_html

from luoshi.conftest import client_for
from luoshi.items.models import Measure, ReportCycle, Status
from luoshi.items.tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_the_day_of_the_speech(demo_mode):
    """Pages read today's date from the clock, which the demo pins to 2023-07-25."""


def classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def text(element) -> str:
    return " ".join(element.text_content().split())


def facts(card) -> dict[str, str]:
    return {text(dt): text(dt.getnext()) for dt in card.xpath(".//dt")}


def test_phones_get_one_card_per_item_and_wider_screens_the_table(
    zhashui, fagaiju, deputy_fengrui, supervisor
):
    late = ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        patron_leader=deputy_fengrui,
        title="溶洞互通式立交项目前期手续",
        status=Status.IN_PROGRESS,
        computed_colour="red",
        deadline=date(2023, 7, 20),
        progress_percent=Decimal("45.00"),
    )
    fresh = ItemFactory(region=zhashui, lead_unit=fagaiju, title="新交办的事项", computed_colour="green")
    page = lxml_html.fromstring(client_for(supervisor).get("/items/").content.decode())

    [cards] = page.xpath('//*[@data-testid="item-cards"]')
    assert {"d-md-none"} <= classes(cards)  # phones only
    [table] = page.xpath('//table[contains(@class, "item-table")]')
    wrapper = table.getparent()
    assert {"d-none", "d-md-block"} <= classes(wrapper)  # md (768 px) and wider

    by_title = {text(card.xpath(".//a")[0]): card for card in cards.xpath('./li[contains(@class, "card")]')}
    assert set(by_title) == {late.title, fresh.title}
    card = by_title[late.title]
    assert card.xpath(".//a/@href") == [f"/items/{late.pk}/"]
    assert (
        late.code in text(card) and "红" in text(card) and card.xpath('.//*[contains(@class, "colour-red")]')
    )
    assert facts(card) == {"牵头": "县发改局", "时限": "2023年7月20日", "进度": "45%"}
    [deadline] = card.xpath('.//dt[.="时限"]/following-sibling::dd')
    assert "text-danger" in classes(deadline)  # past its deadline and still active
    other = by_title[fresh.title]
    assert fresh.code in text(other) and "绿" in text(other)
    assert facts(other) == {"牵头": "县发改局", "时限": "2023年12月31日", "进度": "—"}


def test_the_empty_list_says_so_on_phones_too(supervisor):
    page = lxml_html.fromstring(client_for(supervisor).get("/items/", {"text": "不存在"}).content.decode())
    [cards] = page.xpath('//*[@data-testid="item-cards"]')
    assert text(cards) == "没有符合条件的事项。"


def test_a_one_off_item_with_its_report_filed_shows_that_it_was_reported(zhashui, fagaiju, fagaiju_reporter):
    # 一次性 items are measured by done or not: their reports carry no percentage.
    item = ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        title="明年重点项目谋划立即启动",
        status=Status.ACCEPTED,
        accepted_on=date(2023, 7, 4),
        deadline=date(2023, 8, 31),
        measure=Measure.DONE,
        report_cycle=ReportCycle.ONCE,
    )
    client = client_for(fagaiju_reporter)
    before = client.get(f"/items/{item.pk}/").content.decode()
    assert "尚无报送" in before.split('data-testid="progress">')[1].split("</dd>")[0]

    form = lxml_html.fromstring(client.get(f"/items/{item.pk}/report/").content.decode())
    [period] = form.xpath('//select[@name="period_start"]/option/@value')
    response = client.post(
        f"/items/{item.pk}/report/",
        {"period_start": period, "done": "已成立谋划专班，梳理项目32个", "confidence": "green"},
        follow=True,
    )
    page = response.content.decode()
    assert "一次性报送" in page  # the report's card
    progress = " ".join(page.split('data-testid="progress">')[1].split("</dd>")[0].split())
    assert "尚无报送" not in progress
    assert progress.startswith("2023年7月25日已报送") and "单位自评：能按期完成" in progress
