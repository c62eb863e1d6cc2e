"""A real county's first day (issue #19): from an empty database, `luoshi init`, the organisation
of a second county imported from Excel, its supervisor's first login (the one-time password
changed), an item created and assigned, and the unit head who sees it on 我的工作."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from luoshi.alerts.models import RuleSet
from luoshi.items.models import Item, Status
from luoshi.org.models import Leader, Membership, Person, Region, Role, Unit, User
from luoshi.org.tests.workbooks import CITY, COUNTY, COUNTY_CODE, write_workbook
from luoshi.web.setup import is_demo_database

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def real_county(settings):
    settings.LUOSHI_DEMO = False
    settings.LUOSHI_TODAY = TODAY


def init(**options: str) -> str:
    out = StringIO()
    values = {
        "name": COUNTY,
        "code": COUNTY_CODE,
        "city_name": CITY,
        "supervisor_username": "yl-duchaban",
        "supervisor_name": "万青",
        **options,
    }
    call_command("init", no_input=True, stdout=out, **values)
    return out.getvalue()


def one_time_password(text: str) -> str:
    found = re.search(r"一次性密码：(\S+)", text)
    assert found, text
    return found.group(1)


def first_login(username: str, password: str, new_password: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()
    # Any page sends the user to the password page until the one-time password is changed.
    response = client.get("/work/")
    assert response.status_code == 302 and response["Location"] == "/password/"
    page = client.get("/password/").content.decode()
    assert "一次性密码" in page
    response = client.post(
        "/password/",
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302, response.content.decode()
    assert not User.objects.get(username=username).must_change_password
    return client


def test_a_second_county_from_an_empty_database(tmp_path):
    assert not Region.objects.exists()
    said = init()
    region = Region.objects.get(code=COUNTY_CODE)
    assert (region.name, region.level, region.parent.name, region.parent.code) == (
        COUNTY,
        Region.Level.COUNTY,
        CITY,
        "619900",
    )
    office = Unit.objects.get(region=region, kind=Unit.Kind.SUPERVISION)
    supervisor = User.objects.get(username="yl-duchaban")
    assert supervisor.must_change_password
    assert Membership.objects.filter(user=supervisor, unit=office, role=Role.SUPERVISOR).exists()
    assert RuleSet.objects.filter(region=region, version=1).exists()
    assert not is_demo_database()
    assert not User.objects.filter(username__in=["duchaban", "fgj-head", "xitong"]).exists()  # no demo
    assert "2026年" in said

    passwords = tmp_path / "passwords.txt"
    out = StringIO()
    call_command(
        "import", "org", str(write_workbook(tmp_path / "org.xlsx")), "--passwords", str(passwords), stdout=out
    )
    assert "单位新增 10 个" in out.getvalue()
    assert Unit.objects.filter(region=region).count() == 12
    assert Person.objects.filter(unit__region=region).count() == 21  # the office's supervisor too
    assert Leader.objects.get(person__name="李秋实").oversees.count() == 4
    issued = {line.split("\t")[0]: line.split("\t")[1] for line in passwords.read_text().splitlines()[1:]}
    assert set(issued) == {"zhoumy", "liqs", "yl-fgj-head", "yl-fgj-reporter", "yl-cgz-head", "yl-xitong"}
    assert oct(passwords.stat().st_mode & 0o777) == "0o600"

    office_client = first_login("yl-duchaban", one_time_password(said), "Yunling-duchaban-2026")
    fagaiju = Unit.objects.get(region=region, short_name="县发改局")
    deputy = Leader.objects.get(person__name="李秋实")
    response = office_client.post(
        "/items/new/",
        {
            "title": "城区停车场建设前期工作",
            "kind": "task",
            "source": "meeting",
            "year": 2026,
            "lead_unit": fagaiju.pk,
            "patron_leader": deputy.pk,
            "deadline": "2026-06-30",
            "measure": "percent",
            "report_cycle": "monthly",
            "report_due_day": 25,
            "milestones-TOTAL_FORMS": 0,
            "milestones-INITIAL_FORMS": 0,
            "assign": "1",
        },
        follow=True,
    )
    assert "事项已创建。并已交办。" in response.content.decode()
    item = Item.objects.get(title="城区停车场建设前期工作")
    assert (item.region, item.status) == (region, Status.ASSIGNED)

    head = first_login("yl-fgj-head", issued["yl-fgj-head"], "Hejianguo-fgj-2026")
    page = head.get("/work/").content.decode()
    assert "城区停车场建设前期工作" in page


def test_init_refuses_a_database_that_has_a_region_and_wipes_nothing():
    init()
    with pytest.raises(CommandError, match="已经有行政区"):
        init(name="另一县", code="619902", supervisor_username="other-office")
    assert Region.objects.filter(level=Region.Level.COUNTY).count() == 1
    init(name="另一县", code="619902", supervisor_username="other-office", add=True)
    assert Region.objects.get(code="619902").parent.name == CITY  # the same city, not a second one


def test_init_names_what_is_wrong():
    with pytest.raises(CommandError, match="6 位数字"):
        init(code="61")


def test_the_one_time_password_cannot_be_kept():
    said = init()
    password = one_time_password(said)
    client = Client()
    client.post("/login/", {"username": "yl-duchaban", "password": password})
    response = client.post(
        "/password/", {"old_password": password, "new_password1": password, "new_password2": password}
    )
    assert response.status_code == 200
    assert "新密码不能与原密码相同" in response.content.decode()
    assert User.objects.get(username="yl-duchaban").must_change_password
    assert client.get("/dashboard/").status_code == 302


def test_run_serves_an_initialised_database_as_itself_and_only_an_empty_one_becomes_the_demo(settings):
    from luoshi.web.demo import database_is_empty
    from luoshi.web.management.commands.run import server_environment

    assert database_is_empty()
    init()
    assert not database_is_empty() and not is_demo_database()
    assert server_environment(debug=False, demo=False)["LUOSHI_DEMO"] == "0"


def test_the_demo_database_is_the_demo(demo_org):
    assert is_demo_database()
