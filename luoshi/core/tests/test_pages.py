"""The shell of the interface, as each demo user sees it."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from luoshi.conftest import client_for
from luoshi.core import navigation
from luoshi.org.demo import ACCOUNTS
from luoshi.org.models import Unit, User

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_public(client: Client):
    response = client.get("/login/")
    assert response.status_code == 200
    text = response.content.decode()
    assert '<html lang="zh-CN">' in text
    assert "用户名" in text and "密码" in text and "登录" in text


def test_pages_require_login(client: Client):
    for path in ("/", "/org/", "/org/people/", "/pending/projects/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("spec", ACCOUNTS, ids=[spec.username for spec in ACCOUNTS])
def test_every_demo_account_logs_in_and_sees_its_unit_and_role(demo_org, spec):
    client = Client()
    response = client.post("/login/", {"username": spec.username, "password": "demo-pass-2023"}, follow=True)
    assert response.status_code == 200
    assert response.context["user"].username == spec.username
    text = response.content.decode()
    assert spec.unit in text and spec.role.label in text  # the user menu
    assert "演示数据 · 截至2023年7月25日" in text


def test_wrong_password_is_refused_in_chinese(demo_org, client: Client):
    response = client.post("/login/", {"username": "duchaban", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_logout_and_password_change(demo_org):
    user = User.objects.get(username="fgj-reporter")
    client = client_for(user)
    response = client.post(
        "/password/",
        {
            "old_password": "demo-pass-2023",
            "new_password1": "a-new-pass-0725",
            "new_password2": "a-new-pass-0725",
        },
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("a-new-pass-0725")
    response = client.post("/logout/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")


def test_no_demo_banner_outside_demo_mode(db, settings):
    settings.LUOSHI_DEMO = False
    assert "演示数据" not in Client().get("/login/").content.decode()


@pytest.mark.parametrize("page", [p for p in navigation.PAGES if not p.built], ids=lambda p: p.key)
def test_unbuilt_ledgers_say_so_and_show_no_figures(supervisor, page):
    response = client_for(supervisor).get(f"/pending/{page.key}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "尚未建成" in text
    main = text.split("<main", 1)[1].split(">", 1)[1].split("</main>")[0]
    assert not re.search(r"\d", re.sub(r"<[^>]+>", "", main)), "a page that is not built shows no figures"


def test_navigation_reaches_every_ledger(supervisor):
    text = client_for(supervisor).get("/work/").content.decode()
    for page in navigation.PAGES:
        assert page.label in text


def test_user_without_seat_is_told_what_to_do(db):
    user = User.objects.create_user("newcomer", password="pass-word-123", name="新同事")
    text = client_for(user).get("/work/").content.decode()
    assert "还没有分配单位和角色" in text


def test_pages_fit_a_phone():
    text = Client().get("/login/").content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in text


def test_every_asset_is_served_by_the_app_itself(supervisor):
    """No CDN, no external font or script: every asset is a local static file that exists."""
    text = client_for(supervisor).get("/work/").content.decode()
    references = re.findall(r'(?:src|href)="([^"]+\.(?:css|js|woff2?))"', text)
    assert references
    for reference in references:
        assert reference.startswith("/static/"), reference
        assert finders.find(reference.removeprefix("/static/")), f"{reference} 未构建：请执行 make install"
    assert "http://" not in text.replace("http://testserver", "") and "https://" not in text


def test_healthz_answers_without_login(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


class TestAdmin:
    def test_admin_role_reaches_the_admin_in_chinese(self, county_admin):
        response = client_for(county_admin).get("/admin/")
        assert response.status_code == 200
        text = response.content.decode()
        assert "单位" in text and "人员" in text and "用户" in text

    def test_admin_of_a_county_sees_only_its_county(self, county_admin):
        response = client_for(county_admin).get("/admin/org/unit/?all=")
        units = response.context["cl"].queryset
        assert set(units.values_list("region__name", flat=True)) == {"柞水县"}

    def test_reporter_and_supervisor_are_kept_out(self, fagaiju_reporter, supervisor):
        for user in (fagaiju_reporter, supervisor):
            response = client_for(user).get("/admin/org/unit/")
            assert response.status_code == 302
            assert "/admin/login/" in response["Location"]

    def test_admin_can_change_a_unit_but_not_delete_it(self, county_admin, fagaiju):
        client = client_for(county_admin)
        assert client.get(f"/admin/org/unit/{fagaiju.pk}/change/").status_code == 200
        assert client.get(f"/admin/org/unit/{fagaiju.pk}/delete/").status_code == 403

    def test_admin_cannot_open_another_countys_unit(self, county_admin, zhenan):
        other = Unit.objects.get(region=zhenan, short_name="县发改局")
        response = client_for(county_admin).get(f"/admin/org/unit/{other.pk}/change/")
        assert response.status_code == 302  # the admin's "does not exist" redirect, not the page
