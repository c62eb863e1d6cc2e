"""The shell of the interface, as each demo user sees it."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.test import Client
from django.urls import path as url_path

from luoshi import urls as project_urls
from luoshi.conftest import client_for
from luoshi.org.demo import ACCOUNTS
from luoshi.org.models import Unit, User
from luoshi.web import navigation

pytestmark = pytest.mark.django_db


# A test-only URL configuration (used with @pytest.mark.urls): the project's pages and two views that fail.
@login_not_required
def _view_that_fails(request: HttpRequest) -> HttpResponse:
    raise OperationalError("database is locked")


def _view_that_refuses(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    url_path("test-only/fails/", _view_that_fails),
    url_path("test-only/refuses/", _view_that_refuses),
    *project_urls.urlpatterns,
]
TEST_URLS = "luoshi.web.tests.test_pages"


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


@pytest.mark.parametrize("page", [p for p in navigation.pages() if not p.built], ids=lambda p: p.key)
def test_unbuilt_ledgers_say_so_and_show_no_figures(supervisor, page):
    response = client_for(supervisor).get(f"/pending/{page.key}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "尚未建成" in text
    main = text.split("<main", 1)[1].split(">", 1)[1].split("</main>")[0]
    assert not re.search(r"\d", re.sub(r"<[^>]+>", "", main)), "a page that is not built shows no figures"


def test_navigation_reaches_every_ledger(supervisor):
    text = client_for(supervisor).get("/work/").content.decode()
    for page in navigation.pages():
        assert page.label in text and html.escape(page.url) in text


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


class TestErrorPages:
    """With DEBUG off (as `make run` serves), errors get Chinese pages, never Django's debugging pages."""

    @pytest.fixture(autouse=True)
    def _debug_off(self, settings):
        settings.DEBUG = False

    def test_a_wrong_address_shows_the_chinese_404_page_not_the_url_list(self):
        response = Client().get("/no-such-page/")
        assert response.status_code == 404
        text = response.content.decode()
        assert '<html lang="zh-CN">' in text and "找不到这个页面" in text and "/no-such-page/" in text
        assert "URLconf" not in text and "admin/" not in text and "Page not found" not in text
        assert "去登录" in text and "退出登录" not in text  # no user menu for someone not logged in

    def test_a_missing_object_shows_the_404_page_inside_the_layout(self, supervisor):
        response = client_for(supervisor).get("/pending/no-such-ledger/")
        assert response.status_code == 404
        text = response.content.decode()
        assert "找不到这个页面" in text and "退出登录" in text and "返回我的工作" in text

    @pytest.mark.urls(TEST_URLS)
    def test_a_server_error_shows_the_chinese_500_page_without_a_traceback(self):
        response = Client(raise_request_exception=False).get("/test-only/fails/")
        assert response.status_code == 500
        text = response.content.decode()
        assert '<html lang="zh-CN">' in text and "系统出错了" in text and "信息中心" in text
        for detail in ("Traceback", "OperationalError", "database is locked", "Server Error", "settings"):
            assert detail not in text

    def test_the_500_page_needs_no_request_and_no_database(self, django_assert_num_queries):
        with django_assert_num_queries(0):
            text = loader.get_template("500.html").render()  # as Django's server_error renders it
        assert "系统出错了" in text and "{%" not in text

    @pytest.mark.urls(TEST_URLS)
    def test_a_refusal_shows_the_chinese_403_page(self, fagaiju_reporter):
        response = client_for(fagaiju_reporter).get("/test-only/refuses/")
        assert response.status_code == 403
        text = response.content.decode()
        assert "无权访问" in text and "403 Forbidden" not in text


def test_a_ledger_that_registers_itself_takes_its_place_in_the_navigation(supervisor):
    """The shell finds ledgers through the registry: the planned page gives way to the real one
    (the key projects ledger, with its own page)."""
    client = client_for(supervisor)
    text = client.get("/work/").content.decode()
    assert 'href="/projects/"' in text and "/pending/project/" not in text
    assert client.get("/pending/project/").status_code == 404
    assert 'href="/indicators/"' in text and "/pending/indicator/" not in text
    assert 'href="/creations/"' in text and client.get("/pending/creation/").status_code == 404
    for key, path in (("investment", "/investment/"), ("enterprise", "/enterprises/")):
        assert f'href="{path}"' in text and client.get(f"/pending/{key}/").status_code == 404
