"""The supervision loop as its users meet it: lists, forms, the home page of each role, conflicts."""

from __future__ import annotations

import re
import threading
from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from luoshi.conftest import client_for
from luoshi.core import clock
from luoshi.items import services
from luoshi.items.models import Item, ItemEvent, Status, Verification
from luoshi.items.tests.conftest import set_status
from luoshi.items.tests.factories import ItemFactory
from luoshi.items.tests.test_reports import photo
from luoshi.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_the_day_of_the_speech(demo_mode):
    """Pages read today's date from the clock, which the demo pins to 2023-07-25."""


def test_reporter_finds_the_overdue_item_reports_with_a_photo_and_the_office_verifies_it(
    zhashui, fagaiju, deputy_fengrui, supervisor, monkeypatch
):
    # An item whose July report was due on the 20th and has not come in.
    item = ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        patron_leader=deputy_fengrui,
        title="溶洞互通式立交项目前期手续",
        status=Status.IN_PROGRESS,
        assigned_on=date(2023, 3, 1),
        accepted_on=date(2023, 3, 2),
        report_due_day=20,
    )
    reporter = Client()
    reporter.post("/login/", {"username": "fgj-reporter", "password": "demo-pass-2023"})
    home = reporter.get("/work/").content.decode()
    to_report = home.split('data-testid="to-report"')[1].split("</section>")[0]
    assert "溶洞互通式立交项目前期手续" in to_report and "逾期：应于2023年7月20日前报送" in to_report

    page = reporter.get(f"/items/{item.pk}/").content.decode()
    assert f'href="/items/{item.pk}/report/"' in page and "逾期未报" in page
    form = reporter.get(f"/items/{item.pk}/report/").content.decode()
    assert 'value="2023-07-01" selected' in form  # the overdue period is the one offered first
    response = reporter.post(
        f"/items/{item.pk}/report/",
        {
            "period_start": "2023-07-01",
            "done": "完成用地预审和环评批复，施工图设计已过半",
            "problems": "林地手续待省厅审批",
            "next_steps": "8月10日前取得林地批复",
            "percent": "45",
            "confidence": "yellow",
            "evidence": [photo("工地.jpg")],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "进度已报送" in page and "逾期报送" in page and "工地.jpg" in page

    office = Client()
    office.post("/login/", {"username": "duchaban", "password": "demo-pass-2023"})
    queue = (
        office.get("/work/").content.decode().split('data-testid="verify-queue"')[1].split("</section>")[0]
    )
    assert "溶洞互通式立交项目前期手续" in queue
    report_id = re.search(r"/reports/(\d+)/verify/", queue)[1]
    verify_page = office.get(f"/reports/{report_id}/verify/").content.decode()
    assert "完成用地预审和环评批复" in verify_page and "/thumb/" in verify_page
    response = office.post(
        f"/reports/{report_id}/verify/?next=/work/",
        {"method": "on_site", "verdict": "true", "note": "现场查看，施工图设计单位在场", "next": "/work/"},
        follow=True,
    )
    assert "核实结果已记录" in response.content.decode()
    queue = response.content.decode().split('data-testid="verify-queue"')[1].split("</section>")[0]
    assert "溶洞互通式立交项目前期手续" not in queue
    assert Verification.objects.get().verdict == "true"
    item_page = reporter.get(f"/items/{item.pk}/").content.decode()
    assert "现场核实：属实" in item_page


def test_two_people_editing_the_same_item_give_one_success_and_one_clear_conflict(
    fagaiju_item, supervisor, zhashui
):
    second_supervisor = client_for(type(supervisor).objects.get(username="duchaban2"))
    first = client_for(supervisor)
    forms = [
        first.get(f"/items/{fagaiju_item.pk}/edit/"),
        second_supervisor.get(f"/items/{fagaiju_item.pk}/edit/"),
    ]
    data = [form.context["form"].initial for form in forms]

    def post(client: Client, initial: dict, title: str):
        payload = {k: v for k, v in initial.items() if v is not None and k != "support_units"}
        payload |= {
            "title": title,
            "support_units": [u.pk for u in initial["support_units"]],
            "lead_unit": fagaiju_item.lead_unit_id,
        }
        payload |= {
            "patron_leader": initial["patron_leader"].pk,
            "milestones-TOTAL_FORMS": 0,
            "milestones-INITIAL_FORMS": 0,
        }
        return client.post(f"/items/{fagaiju_item.pk}/edit/", payload)

    with clock.pinned(date(2023, 7, 25), time(15, 32)):  # 07:32 UTC
        ok = post(first, data[0], "溶洞互通式立交8月底前开工")
    conflict = post(second_supervisor, data[1], "溶洞立交开工")
    assert ok.status_code == 302
    assert conflict.status_code == 409
    # the other edit's time as the rest of the pages give it: local time, no leading zeros
    assert "已被赵敏于7月25日 15:32修改" in conflict.content.decode()
    assert "你的修改没有保存" in conflict.content.decode()
    fagaiju_item.refresh_from_db()
    assert fagaiju_item.title == "溶洞互通式立交8月底前开工"
    assert ItemEvent.objects.filter(item=fagaiju_item, kind="updated").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_updates_one_wins(demo_org):
    """Two threads saving at the same moment: the version check lets exactly one through."""
    from luoshi.conftest import demo_user
    from luoshi.org.models import Unit

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the in-memory test database locks whole tables; this runs in the PostgreSQL pass")
    supervisor = demo_user("duchaban")
    unit = Unit.objects.get(region__name="柞水县", short_name="县发改局")
    item = ItemFactory(region=unit.region, lead_unit=unit)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(title: str) -> None:
        try:
            data = services.ItemInput(title=title, year=2023, lead_unit=unit, deadline=item.deadline)
            barrier.wait()
            services.item_update(
                actor=supervisor, item=item, expected_version=1, data=data, as_of=date(2023, 7, 25)
            )
            outcomes.append("saved")
        except services.Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]


def test_create_with_milestones_and_assign(supervisor, fagaiju, deputy_fengrui, fagaiju_head):
    response = client_for(supervisor).post(
        "/items/new/",
        {
            "title": "明年重点项目谋划储备",
            "kind": "task",
            "source": "meeting",
            "year": 2023,
            "lead_unit": fagaiju.pk,
            "patron_leader": deputy_fengrui.pk,
            "deadline": "2023-08-31",
            "measure": "value",
            "target_value": "200",
            "value_unit": "个",
            "target_text": "不少于200个",
            "report_cycle": "semimonthly",
            "report_due_day": 15,
            "milestones-TOTAL_FORMS": 2,
            "milestones-INITIAL_FORMS": 0,
            "milestones-0-name": "各镇办部门报送项目清单",
            "milestones-0-due": "2023-08-10",
            "milestones-1-name": "",
            "milestones-1-due": "",
            "assign": "1",
        },
        follow=True,
    )
    assert "事项已创建。并已交办。" in response.content.decode()
    item = Item.objects.get(title="明年重点项目谋划储备")
    assert (item.code, item.status, item.assigned_on) == ("DB-2023-0001", Status.ASSIGNED, date(2023, 7, 25))
    assert list(item.milestones.values_list("name", flat=True)) == ["各镇办部门报送项目清单"]
    assert item.pk in [i.pk for i in client_for(fagaiju_head).get("/work/").context["work"].to_sign]


def test_only_the_office_creates(fagaiju_head, viewer):
    for user in (fagaiju_head, viewer):
        assert client_for(user).get("/items/new/").status_code == 403


class TestList:
    @pytest.fixture
    def many(self, zhashui, fagaiju, deputy_fengrui):
        from luoshi.org.models import Unit

        finance = Unit.objects.get(region=zhashui, short_name="县财政局")
        items = [
            ItemFactory(
                region=zhashui,
                lead_unit=fagaiju,
                patron_leader=deputy_fengrui,
                title=f"发改事项{n}",
                deadline=date(2023, 8, 1) + timedelta(days=n),
            )
            for n in range(35)
        ]
        items.append(
            ItemFactory(
                region=zhashui,
                lead_unit=finance,
                title="债券资金",
                kind="commitment",
                source="city_pledge",
                computed_colour="red",
            )
        )
        items.append(
            ItemFactory(
                region=zhashui,
                lead_unit=finance,
                title="研判为黄",
                computed_colour="red",
                assessed_colour="yellow",
                assessed_reason="已落实资金来源",
            )
        )
        return items

    def test_filters(self, many, supervisor, deputy_fengrui):
        client = client_for(supervisor)

        def titles(**params: object) -> list[str]:
            return [i.title for i in client.get("/items/", params).context["page"].object_list]

        assert titles(kind="commitment") == ["债券资金"]
        assert titles(source="city_pledge") == ["债券资金"]
        assert titles(colour="red") == ["债券资金"]  # the assessed colour wins over the computed one
        assert titles(colour="yellow") == ["研判为黄"]
        assert titles(text="发改事项3") == [
            "发改事项3",
            "发改事项30",
            "发改事项31",
            "发改事项32",
            "发改事项33",
            "发改事项34",
        ]
        assert titles(deadline_from="2023-08-01", deadline_to="2023-08-02") == ["发改事项0", "发改事项1"]
        assert len(titles(leader=deputy_fengrui.pk)) == 30  # first page
        assert client.get("/items/", {"leader": deputy_fengrui.pk}).context["page"].paginator.count == 35

    def test_htmx_swaps_only_the_table(self, many, supervisor):
        response = client_for(supervisor).get("/items/", {"kind": "commitment"}, HTTP_HX_REQUEST="true")
        text = response.content.decode()
        assert "债券资金" in text and "<html" not in text

    def test_assessed_colour_is_marked_in_the_list(self, many, supervisor):
        text = client_for(supervisor).get("/items/", {"text": "研判为黄"}).content.decode()
        assert "colour-yellow" in text and "研判" in text

    def test_query_count_does_not_grow_with_rows(
        self, many, supervisor, django_assert_max_num_queries, zhashui, fagaiju, deputy_fengrui
    ):
        """The list as it opens, paginated, filtered, and as the dashboard's 本期未报送 opens it."""
        client = client_for(supervisor)
        lists = [
            {},
            {"status": "active", "page": 2},
            {"kind": "task", "unit": fagaiju.pk, "leader": deputy_fengrui.pk, "text": "事项", "page": 2},
            {"month": "2023-07", "report": "overdue", "lead": fagaiju.pk},
        ]

        def visit() -> list[int]:
            counts = []
            for params in lists:
                with CaptureQueriesContext(connection) as queries:
                    assert client.get("/items/", params).status_code == 200
                counts.append(len(queries.captured_queries))
            return counts

        wenlvju = Unit.objects.get(region=zhashui, short_name="县文旅局")
        more = {"region": zhashui, "lead_unit": fagaiju, "patron_leader": deputy_fengrui}
        ItemFactory(**more, title="逾期未报的事项", status=Status.IN_PROGRESS, assigned_on=date(2023, 3, 1))
        visit()
        few = visit()
        assert few[0] <= 14
        for n in range(40):
            ItemFactory(
                **more,
                support_units=[wenlvju],
                title=f"更多事项{n}",
                status=Status.IN_PROGRESS,
                assigned_on=date(2023, 3, 1),
            )
        with django_assert_max_num_queries(sum(few)):
            many = visit()
        assert all(after <= before for before, after in zip(few, many, strict=True)), (few, many)


def test_leader_sees_patronage_items_red_first(fengrui_user, zhashui, fagaiju, deputy_fengrui):
    ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        patron_leader=deputy_fengrui,
        title="绿色事项",
        computed_colour="green",
    )
    ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        patron_leader=deputy_fengrui,
        title="红色事项",
        computed_colour="red",
    )
    ItemFactory(region=zhashui, lead_unit=fagaiju, title="别人包抓的", computed_colour="red")
    work = client_for(fengrui_user).get("/work/").context["work"]
    assert [i.title for i in work.patronage] == ["红色事项", "绿色事项"]


def test_supervisor_home_lists_items_not_reported_this_cycle_and_completion_requests(
    supervisor, fagaiju_item
):
    set_status(fagaiju_item, Status.IN_PROGRESS, assigned_on=date(2023, 3, 1), accepted_on=date(2023, 3, 1))
    requested = ItemFactory(
        region=fagaiju_item.region,
        lead_unit=fagaiju_item.lead_unit,
        title="申请办结的事项",
        status=Status.COMPLETION_REQUESTED,
    )
    work = client_for(supervisor).get("/work/").context["work"]
    assert fagaiju_item in [e.item for e in work.not_reported]
    assert requested in work.completion_requests


def test_notifications_page_and_unread_count(fagaiju_item, supervisor, fagaiju_head):
    set_status(fagaiju_item, Status.DRAFT, assigned_on=None)
    services.item_take(actor=supervisor, item=fagaiju_item, action="assign", as_of=date(2023, 7, 25))
    client = client_for(fagaiju_head)
    assert client.get("/notifications/unread/").content.decode().strip().endswith("</span>")
    assert "新交办事项" in client.get("/notifications/").content.decode()
    client.post("/notifications/")
    assert client.get("/notifications/unread/").content.decode().strip() == ""


def test_item_page_query_count_does_not_grow_with_reports(
    fagaiju_item, fagaiju_reporter, django_assert_max_num_queries
):
    from luoshi.items.tests.conftest import submitted_report

    set_status(fagaiju_item, Status.IN_PROGRESS, accepted_on=date(2023, 3, 1))
    for month in (3, 4):
        submitted_report(fagaiju_item, fagaiju_reporter, period_start=date(2023, month, 1))
    client = client_for(fagaiju_reporter)
    client.get(f"/items/{fagaiju_item.pk}/")
    with django_assert_max_num_queries(24) as few:
        client.get(f"/items/{fagaiju_item.pk}/")
    for month in (5, 6, 7):
        submitted_report(fagaiju_item, fagaiju_reporter, period_start=date(2023, month, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/items/{fagaiju_item.pk}/")


class TestPastDeadlineInTheItemForm:
    """The form tells the office when the deadline it saves is already past (7月18日 on 7月25日)."""

    def payload(self, fagaiju, **fields: object) -> dict[str, object]:
        return {
            "title": "暑期旅游安全检查",
            "kind": "task",
            "source": "meeting",
            "year": 2023,
            "lead_unit": fagaiju.pk,
            "deadline": "2023-07-18",
            "measure": "percent",
            "report_cycle": "monthly",
            "report_due_day": 25,
            "milestones-TOTAL_FORMS": 0,
            "milestones-INITIAL_FORMS": 0,
            **fields,
        }

    def test_saving_a_draft_warns_and_the_item_page_asks_before_assigning(self, supervisor, fagaiju):
        office = client_for(supervisor)
        response = office.post("/items/new/", self.payload(fagaiju), follow=True)
        page = response.content.decode()
        assert "事项已创建" in page
        item = Item.objects.get(title="暑期旅游安全检查")
        assert item.status == Status.DRAFT
        assert 'data-testid="assign-past-deadline"' in page

    def test_save_and_assign_is_held_back_with_the_way_out(self, supervisor, fagaiju):
        response = client_for(supervisor).post("/items/new/", self.payload(fagaiju, assign="1"))
        assert response.status_code == 200
        page = response.content.decode()
        assert "完成时限2023年7月18日已过" in page and "勾选确认后交办" in page
        assert not Item.objects.filter(title="暑期旅游安全检查").exists()

    def test_editing_shows_a_notice_and_saving_keeps_it_in_view(self, fagaiju_item, supervisor):
        set_status(fagaiju_item, Status.DRAFT, assigned_on=None, deadline=date(2023, 7, 18))
        office = client_for(supervisor)
        form = office.get(f"/items/{fagaiju_item.pk}/edit/")
        assert "完成时限2023年7月18日已过" in form.content.decode().split('data-testid="deadline-notice"')[1]
        initial = form.context["form"].initial
        payload = self.payload(
            fagaiju_item.lead_unit,
            title=fagaiju_item.title,
            code=fagaiju_item.code,
            version=initial["version"],
            support_units=[u.pk for u in initial["support_units"]],
            deadline="2023-07-20",
        )
        response = office.post(f"/items/{fagaiju_item.pk}/edit/", payload, follow=True)
        page = response.content.decode()
        assert "修改已保存" in page and "完成时限2023年7月20日已过" in page
        fagaiju_item.refresh_from_db()
        assert fagaiju_item.deadline == date(2023, 7, 20)

    def test_no_notice_for_a_deadline_ahead(self, fagaiju_item, supervisor):
        form = client_for(supervisor).get(f"/items/{fagaiju_item.pk}/edit/").content.decode()
        assert 'data-testid="deadline-notice"' not in form
