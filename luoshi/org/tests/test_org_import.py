"""The organisation from Excel: every bad cell named, all or nothing, a dry run, update by code or
name, the export imported again changes nothing, and role grants obey the separation of duties."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import Client
from openpyxl import load_workbook

from luoshi.audit.models import Action as AuditAction
from luoshi.audit.models import AuditEvent
from luoshi.conftest import client_for
from luoshi.org.models import Leader, Membership, Person, Region, Role, Unit, User
from luoshi.org.sheets import org_export, org_import, org_read, org_template
from luoshi.org.tests.workbooks import ACCOUNTS, CITY, COUNTY, COUNTY_CODE, PEOPLE, UNITS, workbook_bytes
from luoshi.web.setup import CountyInput, county_init

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(settings) -> Region:
    settings.LUOSHI_DEMO = False
    settings.LUOSHI_TODAY = date(2026, 3, 2)
    data = CountyInput(
        name=COUNTY,
        code=COUNTY_CODE,
        city_name=CITY,
        supervisor_username="yl-duchaban",
        supervisor_name="万青",
    )
    return county_init(data=data, today=date(2026, 3, 2)).region


def read(content: bytes, region: Region, actor: User | None = None):
    return org_read(io.BytesIO(content), region=region, actor=actor)


def counts(region: Region) -> tuple[int, int, int, int, int]:
    return (
        Unit.objects.filter(region=region).count(),
        Person.objects.filter(unit__region=region).count(),
        Leader.objects.filter(region=region).count(),
        User.objects.count(),
        Membership.objects.count(),
    )


def the_office() -> User:
    """The supervisor `luoshi init` made, his one-time password changed."""
    office = User.objects.get(username="yl-duchaban")
    office.must_change_password = False
    office.save()
    return office


def superuser() -> User:
    return User.objects.create_superuser("root", password="Root-pass-2026!")


def county_admin(region: Region) -> User:
    user = User.objects.create_user("yl-admin", password="Admin-pass-2026!", name="系统管理员")
    Membership.objects.create(
        user=user, unit=Unit.objects.get(region=region, short_name="县政府"), role=Role.ADMIN
    )
    return user


def test_every_bad_cell_is_named_by_sheet_row_and_column_and_nothing_is_written(county):
    units = [row[:] for row in UNITS]
    units[1][3] = "局"  # 类型
    units[2][4] = "县计委"  # 上级单位 unknown
    units[3][6] = "http://10.0.0.9/hook"  # a robot address outside the allow-list
    units[4][0] = units[0][0]  # the same full name twice
    people = [row[:] for row in PEOPLE]
    people[0][1] = "县外事办"  # unknown unit
    people[1][3] = "打电话找他"
    accounts = [row[:] for row in ACCOUNTS]
    accounts[0][3] = "县长"  # not a role
    accounts[1][0] = "li qs"  # not a username
    accounts[2][2] = "县督查办"
    accounts[2][3] = "督查办、审计员"
    before = counts(county)
    plan = read(workbook_bytes(units=units, people=people, accounts=accounts), county)
    lines = plan.errors.lines()
    assert "“单位”表 第3行 D列（类型）：“局”不是单位类型，应为镇、街道办、部门、督查办或其他" in lines
    assert "“单位”表 第4行 E列（上级单位）：找不到单位“县计委”（本县的单位和“单位”表中都没有）" in lines
    assert any(
        line.startswith("“单位”表 第5行 G列（企业微信群机器人）：群机器人地址必须以 https:// 开头")
        for line in lines
    )
    assert "“单位”表 第6行 A列（单位全称）：“云岭县人民政府办公室”与第2行重复" in lines
    assert "“人员”表 第2行 B列（单位）：找不到单位“县外事办”（本县的单位和“单位”表中都没有）" in lines
    assert "“人员”表 第3行 D列（电话）：“打电话找他”不像电话号码" in lines
    assert any(line.startswith("“账号”表 第2行 D列（角色）：“县长”不是角色") for line in lines)
    assert "“账号”表 第3行 A列（用户名）：只能包含字母、数字和 @ . + - _" in lines
    assert "“账号”表 第4行 D列（角色）：审计员不能兼任其他角色，也不能是系统管理人员（三员分立）。" in lines
    assert counts(county) == before


def test_a_required_cell_left_blank_and_a_missing_header():
    region = Region.objects.create(name="空县", code="610000", level=Region.Level.COUNTY)
    units = [row[:] for row in UNITS]
    units[0][0] = ""
    plan = read(workbook_bytes(units=units, leave_out=("人员", "领导分管", "账号")), region)
    assert "“单位”表 第2行 A列（单位全称）：不能为空" in plan.errors.lines()
    plan = read(b"not a workbook", region)
    assert plan.errors.lines() == ["无法读取这个文件：请上传 .xlsx 格式的 Excel 表格（可先下载模板）。"]


def test_a_dry_run_says_what_would_change_and_writes_nothing(county):
    before = counts(county)
    plan = read(workbook_bytes(), county)
    assert plan.ok, plan.errors.lines()
    assert plan.summary() == (
        "单位新增 10 个、更新 0 个、不变 0 个；人员新增 20 个、更新 0 个、不变 0 个；"
        "领导分管新增 3 个、更新 0 个、不变 0 个；账号新增 6 个、更新 0 个、不变 0 个"
    )
    assert ("单位", "新增", "云岭县发展和改革局") in plan.changes()
    assert counts(county) == before


def test_import_then_update_by_code_and_by_name(county):
    outcome = org_import(read(workbook_bytes(), county))
    assert len(outcome.issued) == 6
    fagaiju = Unit.objects.get(region=county, code="YL-002")
    assert fagaiju.wecom_webhook.startswith("https://qyapi.weixin.qq.com/")
    assert Unit.objects.get(region=county, short_name="县政府办").parent.short_name == "县政府"
    assert User.objects.get(username="yl-fgj-head").must_change_password
    assert User.objects.get(username="yl-xitong").is_staff  # 管理员, as the admin's own seat
    # The same code renames the unit; the same full name (no code) updates the other one.
    units = [
        ["云岭县发展改革局", "县发改局", "YL-002", "部门", "", "", "", ""],
        ["云岭县财政局", "县财政局", "", "部门", "县政府", "", "", ""],
    ]
    plan = read(workbook_bytes(units=units, leave_out=("人员", "领导分管", "账号")), county)
    assert plan.summary() == "单位新增 0 个、更新 2 个、不变 0 个"
    org_import(plan)
    fagaiju.refresh_from_db()
    assert fagaiju.name == "云岭县发展改革局"
    assert Unit.objects.get(region=county, short_name="县财政局").parent.short_name == "县政府"
    assert (
        AuditEvent.objects.filter(action=AuditAction.IMPORTED, summary__startswith="导入组织机构").count()
        == 2
    )
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_GRANTED).count() >= 6


def test_the_export_imported_again_changes_nothing(county):
    org_import(read(workbook_bytes(), county))
    exported = org_export(county)
    workbook = load_workbook(io.BytesIO(exported))
    assert workbook.sheetnames[:4] == ["单位", "人员", "领导分管", "账号"]
    plan = read(exported, county)
    assert plan.ok, plan.errors.lines()
    assert all(created == 0 and updated == 0 for _, created, updated, _ in plan.counts()), plan.summary()
    assert plan.changes() == []
    before = counts(county)
    assert org_import(plan).issued == []
    assert counts(county) == before
    assert org_export(county) != b""  # and the template opens with the same sheets
    assert load_workbook(io.BytesIO(org_template())).sheetnames == [
        "单位",
        "人员",
        "领导分管",
        "账号",
        "填写说明",
    ]


def test_only_a_superuser_grants_business_roles(county):
    admin = county_admin(county)
    plan = read(workbook_bytes(), county, actor=admin)
    lines = plan.errors.lines()
    assert "“账号”表 第2行 D列（角色）：“领导”是业务角色，只能由超级管理员授予或撤销。" in lines
    assert not any("第7行" in line for line in lines)  # 管理员 is the administrator's to grant
    assert read(workbook_bytes(), county, actor=superuser()).ok


class TestPages:
    def test_the_administrator_imports_and_prints_the_one_time_passwords(self, county):
        admin = county_admin(county)
        client = client_for(admin)
        accounts = [["yl-xitong2", "严晓光", "县政府办", "管理员"]]
        upload = io.BytesIO(workbook_bytes(accounts=accounts))
        upload.name = "org.xlsx"
        response = client.post("/org/import/", {"file": upload, "dry_run": "1"})
        page = response.content.decode()
        assert "检查通过（未导入）" in page and "云岭县发展和改革局" in page
        assert not Unit.objects.filter(code="YL-002").exists()
        upload.seek(0)
        response = client.post("/org/import/", {"file": upload})
        page = response.content.decode()
        assert "组织机构已导入" in page and "一次性密码" in page and "yl-xitong2" in page
        assert response["Cache-Control"].startswith("max-age=0")
        assert Unit.objects.filter(code="YL-002").exists()

    def test_the_errors_are_on_the_page(self, county):
        client = client_for(the_office())
        upload = io.BytesIO(workbook_bytes())
        upload.name = "org.xlsx"
        page = client.post("/org/import/", {"file": upload}).content.decode()
        assert "没有导入任何内容" in page and "“账号”表 第2行 D列（角色）" in page

    def test_the_template_and_the_export(self, county):
        client = client_for(the_office())
        assert client.get("/org/template.xlsx")["Content-Type"].startswith("application/vnd.openxml")
        response = client.get("/org/export.xlsx")
        assert response["Cache-Control"] == "no-store"  # full phone numbers stay in no cache
        assert load_workbook(io.BytesIO(response.content))["单位"]["A2"].value == f"{COUNTY}人民政府"

    def test_a_unit_head_is_refused(self, county):
        org_import(read(workbook_bytes(), county))
        head = User.objects.get(username="yl-fgj-head")
        head.must_change_password = False
        head.save()
        for address in ("/org/import/", "/org/template.xlsx", "/org/export.xlsx", "/setup/"):
            assert client_for(head).get(address).status_code == 403, address

    def test_a_superuser_is_sent_to_setup_on_an_empty_database(self, settings):
        settings.LUOSHI_DEMO = False
        root = superuser()
        client = client_for(root)
        assert client.get("/")["Location"] == "/setup/"
        response = client.post(
            "/setup/",
            {
                "name": COUNTY,
                "code": COUNTY_CODE,
                "city_name": CITY,
                "supervisor_username": "yl-duchaban",
                "supervisor_name": "万青",
            },
        )
        assert response.status_code == 200
        assert 'data-testid="one-time-password"' in response.content.decode()
        assert Region.objects.get(code=COUNTY_CODE).parent.name == CITY
        assert Client().get("/setup/").status_code == 302  # to the login page


class TestRefusalsTellNothingAndComeInOrder:
    def test_a_username_of_another_county_is_refused_like_any_unusable_one(self, county):
        other = county_init(
            data=CountyInput(
                name="邻县",
                code="610999",
                city_name=CITY,
                supervisor_username="lx-duchaban",
                supervisor_name="邻",
            ),
            today=date(2026, 3, 2),
            add=True,
        ).region
        superuser()
        admin = county_admin(county)
        accounts = [
            ["lx-duchaban", "冒名", "县发改局", "单位填报员"],
            ["root", "冒名", "县发改局", "单位填报员"],
        ]
        upload = io.BytesIO(workbook_bytes(accounts=accounts))
        upload.name = "org.xlsx"
        page = client_for(admin).post("/org/import/", {"file": upload, "dry_run": "1"}).content.decode()
        assert "“账号”表 第2行 A列（用户名）：用户名“lx-duchaban”不能使用，请换一个用户名" in page
        assert "“账号”表 第3行 A列（用户名）：用户名“root”不能使用，请换一个用户名" in page
        for telling in ("行政区", other.name, "系统管理", "已被"):
            assert telling not in page.split("没有导入任何内容")[-1].split("</ul>")[0]
        assert not Membership.objects.filter(user__username="lx-duchaban", unit__region=county).exists()
        # Its roles taken away, the account is still the other county's, by its person.
        Membership.objects.filter(user__username="lx-duchaban").delete()
        plan = read(workbook_bytes(accounts=accounts[:1]), county, actor=admin)
        assert (
            "“账号”表 第2行 A列（用户名）：用户名“lx-duchaban”不能使用，请换一个用户名。"
            in plan.errors.lines()
        )

    def test_the_errors_are_listed_by_sheet_then_row_then_column(self, county):
        units = [row[:] for row in UNITS]
        units[1][4] = "县计委"  # 第3行 上级单位 unknown: found in a second pass over the sheet
        units[2][3] = "局"  # 第4行 类型
        people = [row[:] for row in PEOPLE]
        people[0][3] = "打电话找他"  # 第2行 电话
        people[0][1] = "县外事办"  # 第2行 单位, before 电话
        accounts = [row[:] for row in ACCOUNTS]
        accounts[0][2] = "县督查办"
        accounts[0][3] = "督查办、审计员"  # 第2行 审计员: found in a second pass over the sheet
        accounts[1][3] = "县长"  # 第3行 not a role
        plan = read(workbook_bytes(units=units, people=people, accounts=accounts), county)
        places = [(e.sheet, e.row, e.column) for e in plan.errors.listed]
        assert places == [
            ("单位", 3, "E"),
            ("单位", 4, "D"),
            ("人员", 2, "B"),
            ("人员", 2, "D"),
            ("账号", 2, "D"),
            ("账号", 3, "D"),
        ], plan.errors.lines()
        assert (
            plan.errors.lines()[4]
            == "“账号”表 第2行 D列（角色）：审计员不能兼任其他角色，也不能是系统管理人员（三员分立）。"
        )
