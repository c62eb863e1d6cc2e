"""A unit sees its own work only: pages, reports, evidence and export rows of others are 404 or absent."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from luoshi.conftest import client_for, demo_user
from luoshi.items import services
from luoshi.items.models import Item, Status
from luoshi.items.rules import can_view_item
from luoshi.items.selectors import item_list_for
from luoshi.items.tests.conftest import AS_OF, set_status, submitted_report
from luoshi.items.tests.factories import ItemFactory
from luoshi.items.tests.test_reports import july, photo
from luoshi.org.demo import ACCOUNTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance_work(other_item, supervisor, zhashui):
    """县财政局's item with a report and a photo, which 县发改局 must not reach."""
    from luoshi.org.models import Membership, Role, User

    item = set_status(other_item, Status.ACCEPTED, accepted_on=date(2023, 7, 4))
    head = User.objects.create_user("czj-head", password="x-pass-2023", name="财政局长")
    Membership.objects.create(user=head, unit=item.lead_unit, role=Role.UNIT_HEAD)
    report = services.report_submit(actor=head, item=item, data=july(), files=[photo()], as_of=AS_OF)
    return item, report


def test_reporter_gets_404_for_another_units_item_report_and_evidence(
    fagaiju_reporter, finance_work, fagaiju_item
):
    item, report = finance_work
    evidence = report.evidence.get()
    client = client_for(fagaiju_reporter)
    assert client.get(f"/items/{fagaiju_item.pk}/").status_code == 200
    for path in (
        f"/items/{item.pk}/",
        f"/items/{item.pk}/edit/",
        f"/items/{item.pk}/report/",
        f"/reports/{report.pk}/verify/",
        f"/reports/{report.pk}/correct/",
        f"/evidence/{evidence.pk}/",
        f"/evidence/{evidence.pk}/thumb/",
    ):
        assert client.get(path).status_code == 404, path
    for path in (
        f"/items/{item.pk}/act/accept/",
        f"/reports/{report.pk}/approve/",
        f"/items/{item.pk}/instruct/",
    ):
        assert client.post(path, {"reason": "x", "text": "x"}).status_code == 404, path


def test_reporter_export_holds_only_own_units_rows(fagaiju_reporter, finance_work, fagaiju_item):
    response = client_for(fagaiju_reporter).get("/items/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == [fagaiju_item.title]


def test_list_shows_own_and_supported_items_only(wenlvju_reporter, fagaiju_item, other_item):
    page = client_for(wenlvju_reporter).get("/items/").content.decode()
    assert fagaiju_item.title in page  # 县文旅局 supports it
    assert other_item.title not in page


def test_drafts_are_the_offices_until_assigned(
    fagaiju_item, fagaiju_reporter, supervisor, viewer, magistrate
):
    set_status(fagaiju_item, Status.DRAFT, assigned_on=None)
    assert not can_view_item(fagaiju_reporter, fagaiju_item)
    assert not can_view_item(viewer, fagaiju_item)
    assert can_view_item(supervisor, fagaiju_item) and can_view_item(magistrate, fagaiju_item)


def test_other_county_sees_nothing_of_zhashui_and_the_city_sees_all(
    fagaiju_item, zhenan_supervisor, city_supervisor
):
    assert client_for(zhenan_supervisor).get(f"/items/{fagaiju_item.pk}/").status_code == 404
    assert fagaiju_item.title not in client_for(zhenan_supervisor).get("/items/").content.decode()
    assert client_for(city_supervisor).get(f"/items/{fagaiju_item.pk}/").status_code == 200


def test_the_predicate_and_the_selector_agree_for_every_user_and_item(
    demo_org, fagaiju_item, other_item, zhashui, zhenan
):
    from luoshi.org.models import Unit

    items = [fagaiju_item, other_item]
    items.append(
        ItemFactory(region=zhashui, lead_unit=fagaiju_item.lead_unit, status=Status.DRAFT, title="草稿")
    )
    items.append(
        ItemFactory(
            region=zhenan, lead_unit=Unit.objects.get(region=zhenan, short_name="县发改局"), title="镇安事项"
        )
    )
    items.append(
        ItemFactory(
            region=zhashui,
            lead_unit=Unit.objects.get(region=zhashui, short_name="营盘镇"),
            status=Status.CLOSED,
        )
    )
    for spec in ACCOUNTS:
        user = demo_user(spec.username)
        listed = set(item_list_for(user).values_list("pk", flat=True))
        for item in Item.objects.filter(pk__in=[i.pk for i in items]):
            assert (item.pk in listed) == can_view_item(user, item), (spec.username, item.title)


def test_verification_queue_is_the_offices_own(fagaiju_item, fagaiju_reporter, supervisor, zhenan_supervisor):
    set_status(fagaiju_item, Status.IN_PROGRESS, accepted_on=AS_OF)
    submitted_report(fagaiju_item, fagaiju_reporter)
    assert fagaiju_item.title in client_for(supervisor).get("/work/").content.decode()
    assert fagaiju_item.title not in client_for(zhenan_supervisor).get("/work/").content.decode()
