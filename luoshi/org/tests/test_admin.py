"""Separation of duties in the admin (三员分立): who may grant roles, the log of it, the calendar."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from luoshi.conftest import client_for
from luoshi.core.models import CalendarDay
from luoshi.org.demo import ACCOUNTS, load_organisation
from luoshi.org.models import Membership, Role, Unit, User
from luoshi.org.rules import BUSINESS_ROLES, role_grant_problem
from luoshi.org.tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(demo_org) -> User:
    return UserFactory(username="anquan", name="安全管理员", is_superuser=True, is_staff=True)


@pytest.fixture
def office(zhashui) -> Unit:
    return Unit.objects.get(region=zhashui, short_name="县督查办")


@pytest.fixture
def government_office(zhashui) -> Unit:
    return Unit.objects.get(region=zhashui, short_name="县政府办")


def post_user(
    client: Client,
    user: User,
    *,
    add: tuple[tuple[Unit, str], ...] = (),
    change: dict[int, str] | None = None,
    delete: tuple[int, ...] = (),
):
    """Save the user's admin page as it stands, with seats added, given a new role, or deleted."""
    change = change or {}
    seats = list(user.memberships.order_by("pk"))
    data: dict[str, object] = {
        "username": user.username,
        "name": user.name,
        "person": user.person_id or "",
        "email": user.email,
        "is_active": "on",
        "memberships-TOTAL_FORMS": len(seats) + len(add),
        "memberships-INITIAL_FORMS": len(seats),
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
    }
    if user.is_staff:
        data["is_staff"] = "on"  # read-only for a county admin, kept as it is for a superuser
    rows = [(seat.pk, seat.unit_id, change.get(seat.pk, seat.role)) for seat in seats]
    rows += [(None, unit.pk, role) for unit, role in add]
    for index, (pk, unit_id, role) in enumerate(rows):
        data |= {
            f"memberships-{index}-id": pk or "",
            f"memberships-{index}-user": user.pk,
            f"memberships-{index}-unit": unit_id,
            f"memberships-{index}-role": role,
        }
        if pk in delete:
            data[f"memberships-{index}-DELETE"] = "on"
    return client.post(f"/admin/org/user/{user.pk}/change/", data)


def roles_of(user: User) -> set[tuple[str, str]]:
    return set(user.memberships.values_list("unit__short_name", "role"))


class TestGrantingRoles:
    def test_the_system_administrator_cannot_make_himself_the_office(self, county_admin, office):
        """The finding: xitong gave himself 督查办 in the admin, then verified a report."""
        response = post_user(client_for(county_admin), county_admin, add=((office, Role.SUPERVISOR),))
        assert response.status_code == 200
        page = response.content.decode()
        assert "不能给自己授予或撤销角色，请由另一位管理员办理。" in page
        assert roles_of(county_admin) == {("县政府办", Role.ADMIN)}

    def test_a_county_admin_grants_no_business_role_to_anyone(
        self, county_admin, fagaiju_reporter, office, zhashui
    ):
        finance = Unit.objects.get(region=zhashui, short_name="县财政局")
        for role in (Role.SUPERVISOR, Role.LEADER, Role.UNIT_HEAD, Role.REPORTER, Role.VIEWER):
            unit = office if role == Role.SUPERVISOR else finance
            response = post_user(client_for(county_admin), fagaiju_reporter, add=((unit, role),))
            assert (
                f"“{Role(role).label}”是业务角色，只能由超级管理员授予或撤销。" in response.content.decode()
            )
        assert roles_of(fagaiju_reporter) == {("县发改局", Role.REPORTER)}

    def test_nor_changes_or_removes_one(self, county_admin, fagaiju_reporter):
        seat = fagaiju_reporter.memberships.get()
        client = client_for(county_admin)
        assert post_user(client, fagaiju_reporter, change={seat.pk: Role.UNIT_HEAD}).status_code == 200
        assert post_user(client, fagaiju_reporter, delete=(seat.pk,)).status_code == 200
        assert roles_of(fagaiju_reporter) == {("县发改局", Role.REPORTER)}

    def test_a_county_admin_may_make_a_colleague_an_administrator(self, county_admin, government_office):
        colleague = user_with(government_office, Role.VIEWER, name="李明")
        response = post_user(client_for(county_admin), colleague, add=((government_office, Role.ADMIN),))
        assert response.status_code == 302
        assert (government_office.short_name, Role.ADMIN) in roles_of(colleague)

    def test_a_superuser_grants_business_roles_but_not_to_himself(self, superuser, fagaiju_reporter, office):
        client = client_for(superuser)
        assert post_user(client, fagaiju_reporter, add=((office, Role.SUPERVISOR),)).status_code == 302
        assert ("县督查办", Role.SUPERVISOR) in roles_of(fagaiju_reporter)
        response = post_user(client, superuser, add=((office, Role.SUPERVISOR),))
        assert "不能给自己授予或撤销角色" in response.content.decode()
        assert not superuser.memberships.exists()

    def test_the_rule(self, county_admin, superuser, fagaiju_reporter, fagaiju_head):
        assert set(Role) - BUSINESS_ROLES == {Role.ADMIN, Role.AUDITOR}
        assert role_grant_problem(county_admin, user=fagaiju_reporter, role=Role.ADMIN) is None
        assert role_grant_problem(county_admin, user=county_admin, role=Role.ADMIN)
        assert role_grant_problem(superuser, user=fagaiju_reporter, role=Role.SUPERVISOR) is None
        assert role_grant_problem(fagaiju_head, user=fagaiju_reporter, role=Role.REPORTER)


class TestTheLog:
    def entries(self, user: User) -> list[dict]:
        entry = LogEntry.objects.filter(object_id=str(user.pk)).latest("action_time")
        return json.loads(entry.change_message)

    def test_each_grant_and_removal_names_who_whom_which_role_and_unit(
        self, superuser, fagaiju_reporter, office
    ):
        client = client_for(superuser)
        post_user(client, fagaiju_reporter, add=((office, Role.SUPERVISOR),))
        entry = LogEntry.objects.filter(object_id=str(fagaiju_reporter.pk)).latest("action_time")
        assert entry.user == superuser and entry.object_repr == "周静" and entry.action_time
        assert entry.get_change_message() == "添加了 用户角色“柞水县县督查办 · 督查办”。"
        assert json.loads(entry.change_message) == [
            {
                "added": {
                    "name": "用户角色",
                    "object": "柞水县县督查办 · 督查办",
                    "action": "grant",
                    "user": fagaiju_reporter.pk,
                    "unit": office.pk,
                    "role": "supervisor",
                }
            }
        ]
        # a change of role takes the old one away and grants the new one
        seat = fagaiju_reporter.memberships.get(role=Role.REPORTER)
        post_user(client, fagaiju_reporter, change={seat.pk: Role.UNIT_HEAD})
        assert [
            (k, v["action"], v["object"]) for part in self.entries(fagaiju_reporter) for k, v in part.items()
        ] == [
            ("deleted", "revoke", "柞水县县发改局 · 单位填报员"),
            ("added", "grant", "柞水县县发改局 · 单位负责人"),
        ]
        post_user(client, fagaiju_reporter, delete=(seat.pk,))
        assert [v["object"] for part in self.entries(fagaiju_reporter) for v in part.values()] == [
            "柞水县县发改局 · 单位负责人"
        ]
        assert (
            "删除了 用户角色“柞水县县发改局 · 单位负责人”。"
            in LogEntry.objects.filter(object_id=str(fagaiju_reporter.pk))
            .latest("action_time")
            .get_change_message()
        )

    def test_other_changes_keep_djangos_words(self, superuser, fagaiju_reporter):
        fagaiju_reporter.email = "zhoujing@example.gov.cn"  # changed on the page, not saved here
        assert post_user(client_for(superuser), fagaiju_reporter).status_code == 302
        assert self.entries(fagaiju_reporter) == [{"changed": {"fields": ["Email address"]}}]


def test_the_demo_system_administrator_holds_only_the_admin_role(county_admin, office):
    assert roles_of(county_admin) == {("县政府办", Role.ADMIN)}
    Membership.objects.create(user=county_admin, unit=office, role=Role.SUPERVISOR)
    load_organisation(passwords={spec.username: "demo-pass-2023" for spec in ACCOUNTS})
    assert roles_of(county_admin) == {("县政府办", Role.ADMIN)}
    assert [spec.role for spec in ACCOUNTS if spec.username == "xitong"] == [Role.ADMIN]


class TestCalendar:
    @pytest.fixture
    def national_day(self, demo_org) -> CalendarDay:
        return CalendarDay.objects.create(date=date(2031, 10, 1), is_workday=False, note="国庆节")

    def test_a_county_admin_reads_the_calendar_but_cannot_change_it(self, county_admin, national_day):
        client = client_for(county_admin)
        assert client.get("/admin/core/calendarday/").status_code == 200
        assert client.get(f"/admin/core/calendarday/{national_day.pk}/change/").status_code == 200
        changed = {"date": "2031-10-01", "is_workday": "on", "note": "改成上班"}
        assert client.post(f"/admin/core/calendarday/{national_day.pk}/change/", changed).status_code == 403
        assert client.get("/admin/core/calendarday/add/").status_code == 403
        assert (
            client.post(f"/admin/core/calendarday/{national_day.pk}/delete/", {"post": "yes"}).status_code
            == 403
        )
        national_day.refresh_from_db()
        assert (national_day.is_workday, national_day.note) == (False, "国庆节")

    def test_a_superuser_changes_it(self, superuser, national_day):
        changed = {"date": "2031-10-01", "is_workday": "on", "note": "调休上班"}
        response = client_for(superuser).post(f"/admin/core/calendarday/{national_day.pk}/change/", changed)
        assert response.status_code == 302
        national_day.refresh_from_db()
        assert national_day.is_workday
