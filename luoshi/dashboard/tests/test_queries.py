"""Every page that lists work takes as many queries for many items as for a few: the dashboard and
the lists it links to, 我的工作 of each role (its verification queue and 本期未报送 included) and
`luoshi stats`. The item list and the item page have theirs in items/tests/test_pages.py."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.alerts.models import ItemColour
from luoshi.alerts.services import colours_recompute
from luoshi.conftest import client_for, demo_user
from luoshi.items.models import (
    Evidence,
    Instruction,
    Item,
    ProgressReport,
    ReportStatus,
    Status,
    Verification,
)
from luoshi.org.models import Leader, Region, Unit

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _items(region, unit, leader, n: int) -> None:
    start = Item.objects.count()
    Item.objects.bulk_create(
        [
            Item(
                region=region,
                lead_unit=unit,
                patron_leader=leader,
                code=f"DB-2023-{start + i + 1:05d}",
                year=2023,
                title=f"事项{i}",
                status=Status.IN_PROGRESS,
                assigned_on=date(2023, 1, 3),
                deadline=date(2023, 12, 31) - timedelta(days=i % 200),
                progress_percent=Decimal(i % 100),
                kind=("task", "project", "commitment")[i % 3],
            )
            for i in range(n)
        ]
    )


def test_query_count_does_not_grow_with_items(
    demo_mode, zhashui, fagaiju, deputy_fengrui, supervisor, django_assert_max_num_queries
):
    _items(zhashui, fagaiju, deputy_fengrui, 10)
    colours_recompute(as_of=JULY)
    client = client_for(supervisor)
    client.get("/dashboard/")
    with django_assert_max_num_queries(40) as small:
        client.get("/dashboard/")
        client.get("/items/", {"month": "2023-07", "colour": "red", "status": "active"})
    _items(zhashui, fagaiju, deputy_fengrui, 990)
    colours_recompute(as_of=JULY)
    assert ItemColour.objects.count() == 1000
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/dashboard/")
        client.get("/items/", {"month": "2023-07", "colour": "red", "status": "active"})


# ---------------------------------------------------------------------------------------------
# Every role's pages, with every kind of work they list


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)


def _work(n: int) -> None:
    """`n` items of each kind of work in each county: items under way with their monthly reports
    (the latest not verified yet, some July reports missing), reports waiting for the unit head,
    reports returned to the reporter, leaders' instructions, items to sign for, completion
    requests, declined assignments and drafts; then the month's colours."""
    reporter, office = demo_user("fgj-reporter"), demo_user("duchaban")
    for region in Region.objects.filter(name__in=["柞水县", "镇安县"]):
        lead = Unit.objects.get(region=region, short_name="县发改局")
        support = Unit.objects.get(region=region, short_name__in=["县财政局", "永乐街道"])
        leader = Leader.objects.filter(region=region, person__name="冯锐").first()
        start = Item.objects.filter(region=region).count()
        kinds = [
            (Status.IN_PROGRESS, {"assigned_on": date(2023, 1, 3), "accepted_on": date(2023, 1, 5)}),
            (Status.ASSIGNED, {"assigned_on": date(2023, 7, 20)}),
            (Status.COMPLETION_REQUESTED, {"assigned_on": date(2023, 1, 3), "accepted_on": date(2023, 1, 5)}),
            (Status.RETURNED, {"assigned_on": date(2023, 7, 20)}),
            (Status.DRAFT, {}),
        ]
        items = Item.objects.bulk_create(
            [
                Item(
                    region=region,
                    lead_unit=lead,
                    patron_leader=leader,
                    code=f"Q-{start + number:05d}",
                    year=2023,
                    title=f"{region.name}事项{start + number}",
                    status=status,
                    deadline=date(2023, 12, 31),
                    report_due_day=20,
                    kind=("task", "commitment", "rectification")[number % 3],
                    **fields,
                )
                for number, (status, fields) in enumerate(kind for kind in kinds for _ in range(n))
            ]
        )
        Item.support_units.through.objects.bulk_create(
            [Item.support_units.through(item=item, unit=support) for item in items[::2]]
        )
        under_way = [item for item in items if item.status == Status.IN_PROGRESS]
        reports = []
        for number, item in enumerate(under_way):
            # July: missing, submitted, waiting for the unit head, returned to the reporter.
            months = range(3, 8 if number % 4 == 1 else 7)
            reports += [
                ProgressReport(
                    item=item,
                    unit=lead,
                    period_start=date(2023, month, 1),
                    period_end=date(2023, month, 28),
                    due_on=date(2023, month, 20),
                    done="按计划推进",
                    percent=10 * month,
                    confidence="green",
                    author=reporter,
                    created_at=_moment(date(2023, month, 18)),
                    submitted_at=_moment(date(2023, month, 18)),
                )
                for month in months
            ]
        ProgressReport.objects.bulk_create(reports)
        latest = {report.item_id: report for report in reports}
        Verification.objects.bulk_create(
            [
                Verification(
                    report=report, method="documents", verdict="true", verifier=office, verified_on=JULY
                )
                for report in reports
                if latest[report.item_id] is not report
            ]
        )
        # as the report services keep it: each item holds its latest report, awaiting verification
        Item.objects.bulk_update(
            [Item(pk=item_id, report_to_verify=report) for item_id, report in latest.items()],
            ["report_to_verify"],
        )
        Evidence.objects.bulk_create(
            [
                Evidence(
                    report=report,
                    file="evidence/2023/07/x.jpg",
                    original_name="现场.jpg",
                    content_type="image/jpeg",
                    kind_label="照片",
                    size=1,
                    sha256="0" * 64,
                    uploaded_by=reporter,
                )
                for report in latest.values()
            ]
        )
        ProgressReport.objects.bulk_create(
            [
                ProgressReport(
                    item=item,
                    unit=lead,
                    period_start=date(2023, 7, 1),
                    period_end=date(2023, 7, 31),
                    due_on=date(2023, 7, 20),
                    done="待审核",
                    confidence="green",
                    author=reporter,
                    status=ReportStatus.PENDING_APPROVAL if number % 4 == 2 else ReportStatus.REJECTED,
                    rejection_reason="" if number % 4 == 2 else "数据不全",
                )
                for number, item in enumerate(under_way)
                if number % 4 in (2, 3)
            ]
        )
        if leader is not None:
            Instruction.objects.bulk_create(
                [
                    Instruction(item=item, leader=leader, text="抓紧推进", given_on=JULY, author=office)
                    for item in under_way[::3]
                ]
            )
    colours_recompute(as_of=JULY)


PAGES = {
    "县督查办": ("duchaban", ["/work/", "/dashboard/"]),
    "市督查办": ("sl-duchaban", ["/work/", "/dashboard/"]),
    "包抓领导": ("fengrui", ["/work/", "/dashboard/"]),
    "单位负责人": ("fgj-head", ["/work/"]),
    "填报员": ("fgj-reporter", ["/work/", "/dashboard/"]),
}


@pytest.mark.parametrize("who", PAGES)
def test_each_roles_pages_take_as_many_queries_for_many_items_as_for_a_few(
    demo_mode, demo_org, who, django_assert_max_num_queries
):
    username, paths = PAGES[who]
    client = client_for(demo_user(username))

    def visit() -> list[tuple[str, int]]:
        counts = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, path
            counts.append((path, len(queries.captured_queries)))
        return counts

    _work(4)
    visit()  # the first visit fills what a session caches
    few = visit()
    _work(40)
    with django_assert_max_num_queries(sum(n for _, n in few)):
        many = visit()
    for (path, before), (_, after) in zip(few, many, strict=True):
        assert after <= before, (path, before, after)


def test_the_work_page_lists_every_kind_of_work_the_budget_test_builds(demo_mode, demo_org):
    """The budget test above means something only if the pages list the work it builds."""
    _work(4)
    office = client_for(demo_user("duchaban")).get("/work/").context["work"]
    assert office.verify_queue and office.not_reported and office.completion_requests
    assert office.declined and office.drafts
    head = client_for(demo_user("fgj-head")).get("/work/").context["work"]
    assert head.to_sign and head.to_approve and head.instructions and head.to_report
    reporter = client_for(demo_user("fgj-reporter")).get("/work/").context["work"]
    assert reporter.returned_reports
    assert client_for(demo_user("fengrui")).get("/work/").context["work"].patronage
    city = client_for(demo_user("sl-duchaban")).get("/work/").context["work"]
    assert {e.item.region.name for e in city.not_reported} == {"柞水县", "镇安县"}
    assert {r.item.region.name for r in city.verify_queue} == {"柞水县", "镇安县"}


@pytest.mark.parametrize("region", ["柞水县", "商洛市"])
def test_luoshi_stats_takes_as_many_queries_for_many_items_as_for_a_few(
    demo_mode, demo_org, region, capsys, django_assert_max_num_queries
):
    def stats() -> int:
        with CaptureQueriesContext(connection) as queries:
            call_command("stats", "--as-of", "2023-07-25", "--json", "--region", region)
        assert json.loads(capsys.readouterr().out)["region"] == region
        return len(queries.captured_queries)

    _work(4)
    few = stats()
    _work(40)
    with django_assert_max_num_queries(few):
        stats()
