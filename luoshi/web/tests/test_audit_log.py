"""审计日志 as the auditor reads it (等级保护 2.0 安全审计, 三员分立): logins, refusals, role grants,
the changes made in the admin and in the app's own forms, with old and new values and no secret;
his region's rows only; exported to Excel with nothing a spreadsheet would run; his page alone."""

from __future__ import annotations

import html
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from luoshi.alerts.models import Consequence, Proposal, ProposalStatus, RuleSet
from luoshi.alerts.services import colours_recompute, rule_set_save
from luoshi.audit.models import Action, AuditEvent
from luoshi.conftest import client_for, demo_user
from luoshi.extraction import services as extraction
from luoshi.items.models import Item, ProgressReport, ReportStatus, Status
from luoshi.items.tests.factories import ItemFactory
from luoshi.org.models import Membership, Person, Role, Unit, User
from luoshi.org.tests.factories import UserFactory, user_with
from luoshi.org.tests.test_admin import post_user

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


@pytest.fixture
def auditor(demo_org) -> User:
    """柞水县's auditor (the demo's 审计员, in 县政府办)."""
    return demo_user("shenji")


@pytest.fixture
def zhenan_auditor(zhenan) -> User:
    unit = Unit.objects.get(region=zhenan, short_name="县政府")
    person = Person.objects.create(unit=unit, name="镇安审计员甲")
    user = User.objects.create_user("za-shenji", password="za-audit-2023", name="镇安审计员甲", person=person)
    Membership.objects.create(user=user, unit=unit, role=Role.AUDITOR)
    return user


@pytest.fixture
def superuser(demo_org) -> User:
    return UserFactory(username="anquan", name="安全管理员", is_superuser=True, is_staff=True)


def page_of(client: Client, **query: str) -> str:
    response = client.get("/audit/", query)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def events(**filters: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def log_in(client: Client, username: str, password: str, address: str = "10.0.3.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


# --- logins ----------------------------------------------------------------------------------------


def test_a_login_a_failed_login_and_a_logout_are_on_the_auditors_page(auditor, fagaiju_reporter):
    visitor = Client()
    log_in(visitor, "fgj-reporter", "wrong-pass-0725")
    log_in(visitor, "no-such-account", "wrong-pass-0725")
    assert log_in(visitor, "fgj-reporter", "demo-pass-2023").status_code == 302
    visitor.post("/logout/", REMOTE_ADDR="10.0.3.7")

    recorded = [(e.action, e.actor_username, e.region_name) for e in events(client_ip="10.0.3.7")]
    assert recorded == [
        (Action.LOGIN_FAILED, "fgj-reporter", "柞水县"),
        (Action.LOGIN_FAILED, "no-such-account", ""),  # no account, no region: every auditor's
        (Action.LOGIN, "fgj-reporter", "柞水县"),
        (Action.LOGOUT, "fgj-reporter", "柞水县"),
    ]
    page = page_of(client_for(auditor), client_ip="10.0.3.7")
    for words in ("登录失败", "登录成功", "退出登录", "周静", "fgj-reporter", "no-such-account", "10.0.3.7"):
        assert words in page


def test_a_lockout_is_one_row_and_its_429_is_not_another(demo_org, settings):
    visitor = Client()
    for _ in range(settings.LUOSHI_LOGIN_FAILURE_LIMIT):
        response = log_in(visitor, "fgj-reporter", "wrong-pass-0725", address="10.0.4.1")
    assert response.status_code == 429
    actions = [e.action for e in events(client_ip="10.0.4.1")]
    assert actions == [Action.LOGIN_FAILED] * settings.LUOSHI_LOGIN_FAILURE_LIMIT + [Action.LOCKED_OUT]
    locked = events(action=Action.LOCKED_OUT)[0]
    assert "fgj-reporter" in locked.summary and "10.0.4.1" in locked.summary
    assert locked.actor_name == "周静" and locked.region_name == "柞水县"


# --- refusals --------------------------------------------------------------------------------------


def test_a_reporter_opening_another_units_item_is_a_refusal(auditor, fagaiju_reporter, zhashui):
    finance = Unit.objects.get(region=zhashui, short_name="县财政局")
    hidden = ItemFactory(region=zhashui, lead_unit=finance, title="债券资金争取（保密）")
    response = client_for(fagaiju_reporter).get(f"/items/{hidden.pk}/")
    assert response.status_code == 404  # an id in a URL never tells whether the object exists
    refusal = events(action=Action.REFUSED, actor_username="fgj-reporter")[-1]
    assert (refusal.object_type, refusal.object_id) == ("items.Item", str(hidden.pk))
    assert refusal.object_text == "" and hidden.title not in refusal.summary  # its id only
    assert refusal.path == f"/items/{hidden.pk}/" and refusal.region_name == "柞水县"
    page = page_of(client_for(auditor), action=Action.REFUSED)
    assert "越权访问被拒绝" in page and f"#{hidden.pk}" in page and "周静" in page
    # an id that does not exist is a 404 and nothing more
    client_for(fagaiju_reporter).get("/items/999999/")
    assert not events(action=Action.REFUSED, object_id="999999")


def test_a_reporter_posting_to_the_offices_verification_is_a_refusal(auditor, fagaiju_reporter, fagaiju):
    item = ItemFactory(region=fagaiju.region, lead_unit=fagaiju, status=Status.IN_PROGRESS)
    report = ProgressReport.objects.create(
        item=item,
        unit=fagaiju,
        period_start=date(2023, 7, 1),
        period_end=date(2023, 7, 31),
        due_on=date(2023, 7, 25),
        done="已完成前期手续",
        percent=40,
        author=fagaiju_reporter,
        status=ReportStatus.SUBMITTED,
    )
    response = client_for(fagaiju_reporter).post(
        f"/reports/{report.pk}/verify/", {"method": "documents", "verdict": "true", "note": "自己核实自己"}
    )
    assert response.status_code == 403
    refusal = events(action=Action.REFUSED, actor_username="fgj-reporter")[-1]
    assert refusal.method == "POST" and refusal.path == f"/reports/{report.pk}/verify/"
    assert "403" in refusal.summary
    assert f"/reports/{report.pk}/verify/" in page_of(client_for(auditor), actor="周静")


def test_a_user_sent_away_from_the_admin_is_a_refusal(fagaiju_reporter):
    response = client_for(fagaiju_reporter).get("/admin/org/user/")
    assert response.status_code == 302
    refusal = events(action=Action.REFUSED, actor_username="fgj-reporter")[-1]
    assert "无权进入系统管理" in refusal.summary and refusal.path == "/admin/org/user/"


# --- role grants and the admin ---------------------------------------------------------------------


def test_a_role_granted_and_revoked_in_the_admin_says_who_whom_which_role(
    auditor, superuser, fagaiju_reporter, zhashui
):
    office = Unit.objects.get(region=zhashui, short_name="县督查办")
    client = client_for(superuser)
    assert post_user(client, fagaiju_reporter, add=((office, Role.SUPERVISOR),)).status_code == 302
    granted = events(action=Action.ROLE_GRANTED, object_type="org.Membership")[-1]
    assert granted.actor_username == "anquan" and granted.actor_name == "安全管理员"
    assert granted.summary == "授予角色：周静（fgj-reporter）：柞水县县督查办 · 督查办"
    assert granted.region_name == "柞水县"
    seat = fagaiju_reporter.memberships.get(role=Role.SUPERVISOR)
    assert post_user(client, fagaiju_reporter, delete=(seat.pk,)).status_code == 302
    revoked = events(action=Action.ROLE_REVOKED, object_type="org.Membership")[-1]
    assert revoked.summary == "撤销角色：周静（fgj-reporter）：柞水县县督查办 · 督查办"
    page = page_of(client_for(auditor), action=Action.ROLE_GRANTED)
    assert "授予角色" in page and "安全管理员" in page and "周静（fgj-reporter）" in page and "督查办" in page


def test_granting_the_superuser_flag_is_a_grant(superuser, county_admin):
    county_admin.is_superuser = True
    county_admin.save()
    grant = events(action=Action.ROLE_GRANTED, object_type="org.User")[-1]
    assert grant.summary == "授予“超级管理员”：马骏（xitong）"
    assert grant.changes == {"is_superuser": [False, True]}


def test_only_a_superuser_makes_an_auditor_and_an_auditor_holds_no_other_role(
    superuser, county_admin, fagaiju_reporter, zhashui
):
    government = Unit.objects.get(region=zhashui, short_name="县政府办")
    colleague = user_with(government, Role.VIEWER, name="李明")  # in the county admin's reach
    refused = post_user(client_for(county_admin), colleague, add=((government, Role.AUDITOR),))
    assert "只能由超级管理员" in refused.content.decode()
    refused = post_user(client_for(superuser), fagaiju_reporter, add=((government, Role.AUDITOR),))
    assert "审计员不能兼任其他角色" in refused.content.decode()
    newcomer = UserFactory(username="li-ming", name="李明")
    assert post_user(client_for(superuser), newcomer, add=((government, Role.AUDITOR),)).status_code == 302
    assert newcomer.memberships.get().role == Role.AUDITOR


def test_a_rule_set_changed_in_the_admin_leaves_a_row(auditor, zhashui, county_admin):
    rule_set = rule_set_save(actor=county_admin, region=zhashui, values={})
    client = client_for(county_admin)
    page = client.get(f"/admin/alerts/ruleset/{rule_set.pk}/change/")
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data |= {"region": zhashui.pk, "yellow_gap": "15", "red_gap": "35", "note": "按市考办法调整"}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    assert client.post(f"/admin/alerts/ruleset/{rule_set.pk}/change/", data).status_code == 302
    new = RuleSet.objects.get(region=zhashui, version=2)
    row = events(object_type="alerts.RuleSet", object_id=str(new.pk))[-1]
    assert row.action == Action.CREATED and row.actor_username == "xitong" and row.path.startswith("/admin/")
    assert row.changes["yellow_gap"] == [None, "15"] and row.changes["note"] == [None, "按市考办法调整"]
    assert "柞水县 预警规则 第2版" in page_of(client_for(auditor), object_type="alerts.RuleSet")


def admin_post(client: Client, address: str, **changes: object):
    """Save an admin change page as it stands, with `changes`."""
    form = client.get(address).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()} | changes
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    return client.post(address, data)


def test_a_unit_and_a_calendar_day_changed_in_the_admin_leave_rows(auditor, county_admin, superuser, fagaiju):
    response = admin_post(
        client_for(county_admin), f"/admin/org/unit/{fagaiju.pk}/change/", reports_need_approval=True
    )
    assert response.status_code == 302
    row = events(object_type="org.Unit", object_id=str(fagaiju.pk))[-1]
    assert row.changes == {"reports_need_approval": [False, True]} and row.actor_username == "xitong"
    assert "进度报告需单位负责人审核：否 → 是" in row.summary
    response = client_for(superuser).post(
        "/admin/core/calendarday/add/", {"date": "2023-10-07", "is_workday": "on", "note": "国庆调休上班"}
    )
    assert response.status_code == 302
    day = events(object_type="core.CalendarDay")[-1]
    assert day.action == Action.CREATED and day.actor_name == "安全管理员" and day.region_id is None
    page = page_of(client_for(auditor), object_type="core.CalendarDay")
    assert "国庆调休上班" in page  # the deployment's own rows (no region) are every auditor's


# --- changes through the app's own forms and services ----------------------------------------------


def test_a_consequence_setting_changed_on_its_page_leaves_rows(auditor, supervisor):
    client = client_for(supervisor)
    client.post("/alerts/consequences/", {"red-letter": "1", "red-deduct": "1", "red-deduct-points": "1.5"})
    deduct = Consequence.objects.get(region__name="柞水县", colour="red", action="deduct")
    row = events(object_type="alerts.Consequence", object_id=str(deduct.pk))[-1]
    assert row.actor_username == "duchaban" and row.path == "/alerts/consequences/"
    assert row.changes["points"] == [None, "1.5"]
    client.post("/alerts/consequences/", {"red-letter": "1", "red-deduct": "1", "red-deduct-points": "2"})
    changed = events(object_type="alerts.Consequence", object_id=str(deduct.pk))[-1]
    assert changed.action == Action.CHANGED and changed.changes == {"points": ["1.5", "2"]}
    assert "扣分：1.5 → 2" in changed.summary
    assert "预警处置" in page_of(client_for(auditor), object_type="alerts.Consequence")


def test_an_item_edited_on_its_form_shows_the_old_and_the_new_value(
    auditor, supervisor, fagaiju, deputy_fengrui
):
    item = ItemFactory(
        region=fagaiju.region, lead_unit=fagaiju, patron_leader=deputy_fengrui, title="溶洞立交开工"
    )
    client = client_for(supervisor)
    initial = client.get(f"/items/{item.pk}/edit/").context["form"].initial
    payload = {k: v for k, v in initial.items() if v is not None and k != "support_units"}
    payload |= {
        "title": "溶洞互通式立交8月底前开工",
        "support_units": [],
        "lead_unit": fagaiju.pk,
        "patron_leader": deputy_fengrui.pk,
        "milestones-TOTAL_FORMS": 0,
        "milestones-INITIAL_FORMS": 0,
    }
    assert client.post(f"/items/{item.pk}/edit/", payload).status_code == 302
    row = events(object_type="items.Item", object_id=str(item.pk), action=Action.CHANGED)[-1]
    assert row.changes["title"] == ["溶洞立交开工", "溶洞互通式立交8月底前开工"]
    assert row.actor_name == "赵敏" and row.region_name == "柞水县"
    page = page_of(client_for(auditor), text="溶洞")
    assert "<details>" in client_for(auditor).get("/audit/").content.decode()
    assert "事项名称" in page and "溶洞立交开工" in page and "溶洞互通式立交8月底前开工" in page


def test_extraction_decisions_leave_rows(supervisor, zhashui):
    document = extraction.document_extract(
        actor=supervisor,
        region=zhashui,
        title="专题会议纪要",
        kind="minutes",
        meeting_date=JULY,
        text="县发改局要在8月底前完成项目入库。县文旅局要在9月底前完成景区提升。",
    )
    first, second = list(document.tasks.order_by("start"))[:2]
    client = client_for(supervisor)
    client.post(f"/extraction/tasks/{first.pk}/", {"action": "reject"})
    client.post(f"/extraction/{document.pk}/decide/", {"action": "accept"})
    rejected = events(object_type="extraction.ProposedTask", object_id=str(first.pk), action=Action.CHANGED)[
        -1
    ]
    assert rejected.changes["status"] == ["待审核", "不采纳"] and rejected.actor_username == "duchaban"
    accepted = events(object_type="extraction.ProposedTask", object_id=str(second.pk), action=Action.CHANGED)[
        -1
    ]
    assert accepted.changes["status"] == ["待审核", "已采纳"]
    second.refresh_from_db()
    assert events(object_type="items.Item", object_id=str(second.item_id), action=Action.CREATED)


def test_a_proposal_the_recomputation_dismisses_leaves_a_row(zhashui, fagaiju, deputy_fengrui):
    item = ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        patron_leader=deputy_fengrui,
        status=Status.IN_PROGRESS,
        assigned_on=date(2023, 1, 5),
        accepted_on=date(2023, 1, 6),
        planned_start=date(2023, 1, 1),
        progress_percent=Decimal(35),
        report_cycle="once",
    )
    colours_recompute(as_of=JULY)
    proposal = Proposal.objects.get(item=item)
    assert events(action=Action.RECOMPUTED, region_name="柞水县")
    Item.objects.filter(pk=item.pk).update(progress_percent=Decimal(70))
    colours_recompute(as_of=JULY)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISMISSED
    row = events(object_type="alerts.Proposal", object_id=str(proposal.pk))[-1]
    assert row.action == Action.CHANGED and row.actor_name == "系统" and row.region_name == "柞水县"
    assert row.changes["status"] == ["待确认", "不采纳"] and "自动不采纳" in row.summary


# --- what is never written -------------------------------------------------------------------------


def test_password_hashes_and_robot_secrets_are_never_written(auditor, fagaiju_reporter, superuser, fagaiju):
    client = client_for(fagaiju_reporter)
    new_password = "a-new-pass-0725"
    client.post(
        "/password/",
        {"old_password": "demo-pass-2023", "new_password1": new_password, "new_password2": new_password},
    )
    fagaiju_reporter.refresh_from_db()
    row = events(object_type="org.User", object_id=str(fagaiju_reporter.pk), action=Action.CHANGED)[-1]
    assert row.changes == {"password": ["******", "******"]}
    fagaiju.dingtalk_secret = "SEC0123456789abcdef"
    fagaiju.dingtalk_webhook = "https://oapi.dingtalk.com/robot/send?access_token=tok-0725"
    fagaiju.save()
    written = json.dumps(
        list(AuditEvent.objects.values("summary", "object_text", "changes")), ensure_ascii=False
    )
    for secret in (fagaiju_reporter.password, new_password, "SEC0123456789abcdef", "tok-0725", "md5$"):
        assert secret not in written
    export = client_for(auditor).get("/audit/export.xlsx")
    assert fagaiju_reporter.password.encode() not in b"".join(export.streaming_content)


def test_a_persons_phone_and_an_accounts_email_are_masked_on_the_auditors_page(
    auditor, fagaiju_reporter, fagaiju
):
    person = Person.objects.create(unit=fagaiju, name="电话测试", phone="13900001111")
    person.phone = "13912345678"
    person.save()
    fagaiju_reporter.email = "wanqing.private@example.com"
    fagaiju_reporter.save()
    page = page_of(client_for(auditor))
    assert "电话测试" in page
    for personal in ("13900001111", "13912345678", "wanqing.private"):
        assert personal not in page
    assert "139****5678" in page and "@example.com" in page
    written = json.dumps(list(AuditEvent.objects.values("summary", "changes")), ensure_ascii=False)
    assert "13912345678" not in written and "wanqing.private" not in written
    export = client_for(auditor).get("/audit/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0]
    cells = json.dumps(
        [[str(v) for v in row] for row in sheet.iter_rows(values_only=True)], ensure_ascii=False
    )
    assert "电话测试" in cells and "13912345678" not in cells and "wanqing.private" not in cells


# --- who reads it ----------------------------------------------------------------------------------


def test_the_auditor_of_another_county_sees_nothing_of_this_one(auditor, zhenan_auditor, fagaiju_reporter):
    client_for(fagaiju_reporter).get("/alerts/consequences/")  # a refusal in 柞水县
    Client().post("/login/", {"username": "fgj-reporter", "password": "demo-pass-2023"})
    assert "周静" in page_of(client_for(auditor))
    zhashui = fagaiju_reporter.memberships.get().unit.region
    for query in ({}, {"actor": "周静"}, {"text": "柞水"}, {"region": str(zhashui.pk)}):
        table = page_of(client_for(zhenan_auditor), **query).split('data-testid="audit-table"')[1]
        assert "周静" not in table and "fgj-reporter" not in table and "柞水县" not in table
    export = client_for(zhenan_auditor).get("/audit/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert not any("周静" in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def test_a_city_auditor_reads_the_counties_under_it(fagaiju_reporter, zhashui):
    city = zhashui.parent
    office = Unit.objects.get(region=city, short_name="市政府")
    reader = UserFactory(username="sl-shenji", name="市审计员")
    Membership.objects.create(user=reader, unit=office, role=Role.AUDITOR)
    Client().post("/login/", {"username": "fgj-reporter", "password": "demo-pass-2023"})
    page = page_of(client_for(reader), actor="fgj-reporter")
    assert "周静" in page and "柞水县" in page


@pytest.mark.parametrize("username", ["xitong", "duchaban", "liupeng", "renda", "anquan"])
def test_everyone_but_an_auditor_is_refused_the_log(superuser, username):
    client = client_for(demo_user(username))
    for address in ("/audit/", "/audit/export.xlsx"):
        assert client.get(address).status_code == 403
    assert [e.path for e in events(action=Action.REFUSED, actor_username=username)] == [
        "/audit/",
        "/audit/export.xlsx",
    ]


def test_the_auditor_sees_his_log_alone_in_the_navigation_and_lands_on_it(auditor, supervisor):
    response = client_for(auditor).get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/audit/"
    nav = response.content.decode().split("<main")[0]
    assert "审计日志" in nav and "督办事项" not in nav and "驾驶舱" not in nav
    assert "审计日志" not in client_for(supervisor).get("/work/").content.decode().split("<main")[0]


def test_the_auditor_changes_no_work(auditor, fagaiju):
    """三员分立: the auditor sees none of the work and may do none of it (the permission matrix
    walks him through every page and action; here the plainest cases)."""
    item = ItemFactory(region=fagaiju.region, lead_unit=fagaiju, status=Status.DRAFT)
    client = client_for(auditor)
    assert client.get(f"/items/{item.pk}/").status_code == 404
    assert client.get("/items/new/").status_code == 403
    assert client.post(f"/items/{item.pk}/act/assign/").status_code in (403, 404)
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    assert client.get("/admin/").status_code == 302


# --- the export ------------------------------------------------------------------------------------


def test_the_export_is_an_excel_file_whose_formulas_are_inert_and_is_itself_recorded(auditor, demo_org):
    for typed in ('=HYPERLINK("http://evil.example","点我")', "@SUM(1+1)*cmd|' /C calc'!A0"):
        log_in(Client(), typed, "wrong-pass-0725", address="10.0.5.5")
    response = client_for(auditor).get("/audit/export.xlsx", {"client_ip": "10.0.5.5"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作", "操作人账号", "操作人")
    accounts = {row[2] for row in rows[1:]}
    assert accounts == {'\'=HYPERLINK("http://evil.example","点我")', "'@SUM(1+1)*cmd|' /C calc'!A0"}
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
    exported = events(action=Action.EXPORTED, actor_username="shenji")[-1]
    assert "导出审计日志 2 条" in exported.summary and "来源地址：10.0.5.5" in exported.summary


def test_the_pages_queries_do_not_grow_with_the_rows(auditor, django_assert_max_num_queries):
    def queries(count: int) -> int:
        AuditEvent.objects.bulk_create(
            AuditEvent(action=Action.LOGIN, actor_username=f"u{n}", summary="登录成功", changes={"a": [1, 2]})
            for n in range(count)
        )
        with django_assert_max_num_queries(20) as captured:
            page_of(client)
        return len(captured.captured_queries)

    client = client_for(auditor)
    page_of(client)  # the session's first page stamps its activity

    assert queries(3) == queries(60)
