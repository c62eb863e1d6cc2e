"""Logins as 等级保护 2.0 asks: lockout after failed logins, strong passwords, the idle timeout."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client, RequestFactory

from luoshi.org.models import User
from luoshi.web.middleware import client_ip
from luoshi.web.passwords import PasswordStrengthValidator, character_kinds

PASSWORD = "Right-pass-2023"
MORNING = datetime(2023, 7, 25, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LOCKED = "账号已被临时锁定"
IDLE = "长时间未操作，已自动退出"
BADGE = "/notifications/unread/"


def make_user(username: str) -> User:
    return User.objects.create_user(username, password=PASSWORD, name=username)


@pytest.fixture
def duchaban(db: None) -> User:
    return make_user("duchaban")


def log_in(client: Client, username: str, password: str, address: str = "10.0.0.1", **headers: str):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- lockout -------------------------------------------------------------------------------------


def test_four_wrong_passwords_leave_the_right_one_working(client, duchaban):
    for _ in range(4):
        response = log_in(client, "duchaban", "wrong-password")
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode()
    response = log_in(client, "duchaban", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, duchaban):
    for _ in range(4):
        log_in(client, "duchaban", "wrong-password")
    fifth = log_in(client, "duchaban", "wrong-password")
    assert fifth.status_code == 429
    response = log_in(client, "duchaban", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    text = response.content.decode()
    assert LOCKED in text
    assert "请 30 分钟后再试" in text and "联系系统管理员解锁" in text
    assert '<html lang="zh-CN">' in text
    assert "Content-Security-Policy" in response


def test_the_account_is_locked_whatever_address_the_tries_come_from(client, duchaban):
    for n in range(5):
        log_in(client, "duchaban", "wrong-password", address=f"10.0.1.{n}")
    response = log_in(client, "duchaban", PASSWORD, address="10.0.2.1")
    assert response.status_code == 429
    assert not logged_in(client)


def test_an_address_at_the_limit_cannot_log_in_to_another_account(client, db):
    for n in range(6):
        make_user(f"user{n}")
    # One failure on each of five accounts: no account is at its limit, the address is.
    for n in range(5):
        log_in(client, f"user{n}", "wrong-password", address="10.0.0.7")
    response = log_in(client, "user5", PASSWORD, address="10.0.0.7")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not logged_in(client)
    # The same account from another address is not locked.
    assert log_in(Client(), "user5", PASSWORD, address="10.0.0.8").status_code == 302


def test_unknown_usernames_count_too(client, duchaban):
    for n in range(5):
        log_in(client, f"nobody{n}", "wrong-password")
    assert log_in(client, "duchaban", PASSWORD).status_code == 429


def test_after_the_lockout_time_the_right_password_works(client, duchaban):
    with time_machine.travel(MORNING, tick=False) as traveller:
        for _ in range(5):
            log_in(client, "duchaban", "wrong-password")
        traveller.shift(timedelta(minutes=29))
        assert AccessAttempt.objects.exists()
        traveller.shift(timedelta(minutes=2))
        response = log_in(client, "duchaban", PASSWORD)
        assert response.status_code == 302
        assert logged_in(client)


def test_a_try_during_the_lockout_starts_it_again(client, duchaban):
    with time_machine.travel(MORNING, tick=False) as traveller:
        for _ in range(5):
            log_in(client, "duchaban", "wrong-password")
        traveller.shift(timedelta(minutes=20))
        assert log_in(client, "duchaban", PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=11))  # 31 minutes after the fifth failure, 11 after the retry
        assert log_in(client, "duchaban", PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=31))
        assert log_in(client, "duchaban", PASSWORD).status_code == 302


def test_an_administrator_unlocks_in_the_admin(client, duchaban):
    for _ in range(5):
        log_in(client, "duchaban", "wrong-password")
    admin = User.objects.create_superuser("root", password=PASSWORD)
    office = Client()
    office.force_login(admin)
    listing = office.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "duchaban" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="duchaban")
    response = office.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert log_in(client, "duchaban", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("command", "argument"),
    [("axes_reset_username", "duchaban"), ("axes_reset_ip", "10.0.0.1"), ("axes_reset", None)],
)
def test_an_administrator_unlocks_with_a_command(client, duchaban, command, argument):
    for _ in range(5):
        log_in(client, "duchaban", "wrong-password")
    assert log_in(client, "duchaban", PASSWORD).status_code == 429
    call_command(command, *([argument] if argument else []), verbosity=0)
    assert log_in(client, "duchaban", PASSWORD).status_code == 302


def test_the_admin_login_is_locked_too(client, duchaban):
    User.objects.filter(pk=duchaban.pk).update(is_staff=True, is_superuser=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "duchaban", "password": "wrong-password"})
    response = client.post("/admin/login/", {"username": "duchaban", "password": PASSWORD})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_the_test_client_logs_in_when_given_a_request(duchaban):
    """AxesStandaloneBackend needs the request: Client.login() passes it on to authenticate()."""
    client = Client()
    assert client.login(request=HttpRequest(), username="duchaban", password=PASSWORD)
    assert logged_in(client)


# --- the client's address ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.9", "", "10.0.0.9"),
        (0, "127.0.0.1", "10.0.0.9", "127.0.0.1"),  # not behind a trusted proxy: the header is ignored
        (1, "127.0.0.1", "10.0.0.9", "10.0.0.9"),  # nginx appended the address it saw
        (1, "127.0.0.1", "6.6.6.6, 10.0.0.9", "10.0.0.9"),  # what the client wrote itself stays left
        (2, "127.0.0.1", "6.6.6.6, 10.0.0.9, 10.1.1.1", "10.0.0.9"),  # a load balancer, then nginx
        (2, "127.0.0.1", "10.0.0.9", "10.0.0.9"),  # fewer entries than proxies: the outermost one
        (1, "127.0.0.1", "", "127.0.0.1"),
        (1, "127.0.0.1", "not-an-address", "127.0.0.1"),
        (1, "127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address(settings, proxies, remote, forwarded, expected):
    settings.LUOSHI_TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    assert client_ip(request) == expected


def test_a_forged_forwarded_header_does_not_escape_the_address_lock(client, db):
    for n in range(6):
        make_user(f"user{n}")
    for n in range(5):
        log_in(client, f"user{n}", "wrong-password", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}")
    response = log_in(client, "user5", PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_address(client, db, settings):
    settings.LUOSHI_TRUSTED_PROXY_COUNT = 1
    for n in range(6):
        make_user(f"user{n}")
    for n in range(5):
        log_in(client, f"user{n}", "wrong-password", address="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.7")
    other_desk = log_in(Client(), "user5", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.8")
    assert other_desk.status_code == 302
    same_desk = log_in(client, "user5", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.7")
    assert same_desk.status_code == 429


# --- passwords -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("Abcdef-123", set()),  # ten characters, four kinds
        ("abcdef-123", set()),  # three kinds: lower, symbol, digit
        ("ABCDEFG123x", set()),
        ("Abcdefghij", {"password_too_simple"}),  # two kinds
        ("abcdefghijk", {"password_too_simple"}),
        ("12345678901", {"password_too_simple"}),
        ("Ab-1234", {"password_too_short"}),  # four kinds, seven characters
        ("Abc-12345", {"password_too_short"}),  # nine characters
        ("abc", {"password_too_short", "password_too_simple"}),
        ("Zhangsan-2023", {"password_contains_username"}),
        ("2023-ZHANGSAN!", {"password_contains_username"}),
        ("密码是一个很长的句子abc1", set()),  # a Chinese character counts as a symbol
    ],
)
def test_password_strength(password, codes):
    user = User(username="zhangsan")
    try:
        PasswordStrengthValidator(min_length=10, min_classes=3).validate(password, user)
    except ValidationError as error:
        assert {e.code for e in error.error_list} == codes
        assert all(any("\u4e00" <= c <= "\u9fff" for c in message) for message in error.messages)
    else:
        assert codes == set()


def test_password_kinds_are_named_in_chinese():
    assert character_kinds("Ab1-") == ["大写字母", "小写字母", "数字", "符号"]
    with pytest.raises(ValidationError) as error:
        PasswordStrengthValidator().validate("abcdefghijk")
    assert error.value.messages == [
        "密码需包含大写字母、小写字母、数字、符号中的至少 3 类，现在只有小写字母。"
    ]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Password123", "这个密码太常见了"),
        ("duchaban-1", "太相似"),
        ("Ab-1", "至少需要 10 个字符"),
        ("Right-pass-2023", None),
        ("demo-pass-2023", None),  # the tests' demo password
    ],
)
def test_the_configured_validators(db, password, message):
    user = User(username="duchaban", name="督查办")
    if message is None:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError) as error:
            validate_password(password, user)
        assert any(message in text for text in error.value.messages)


def test_the_password_change_page_asks_for_a_strong_password(duchaban):
    client = Client()
    client.force_login(duchaban)
    page = client.get("/password/").content.decode()
    assert "包含大写字母、小写字母、数字、符号中的至少 3 类" in page
    weak = client.post(
        "/password/", {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"}
    )
    assert weak.status_code == 200
    text = weak.content.decode()
    assert "密码太短" in text and "至少 3 类" in text
    strong = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "Autumn-field-42", "new_password2": "Autumn-field-42"},
    )
    assert strong.status_code == 302
    duchaban.refresh_from_db()
    assert duchaban.check_password("Autumn-field-42")


def test_createsuperuser_asks_again_for_a_weak_password(db, monkeypatch, capsys):
    from django.contrib.auth.management.commands import createsuperuser

    passwords = iter(["abcdefgh", "abcdefgh", "Autumn-field-42", "Autumn-field-42"])
    monkeypatch.setattr(createsuperuser.getpass, "getpass", lambda prompt="": next(passwords))
    monkeypatch.setattr("builtins.input", lambda prompt="": "n" if "Bypass" in prompt else "")

    class TTY:
        def isatty(self) -> bool:
            return True

    call_command("createsuperuser", username="root", interactive=True, stdin=TTY())
    assert "密码太短" in capsys.readouterr().err
    assert User.objects.get(username="root").check_password("Autumn-field-42")


# --- the idle timeout ----------------------------------------------------------------------------


def page(client: Client) -> int:
    return client.get("/password/").status_code


def poll(client: Client):
    return client.get(BADGE, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/work/?tab=2")


def test_an_active_user_stays_logged_in(client, duchaban):
    with time_machine.travel(MORNING, tick=False) as traveller:
        log_in(client, "duchaban", PASSWORD)
        for _ in range(4):
            traveller.shift(timedelta(minutes=29))
            assert page(client) == 200


def test_an_idle_user_is_logged_out_with_a_message(client, duchaban):
    with time_machine.travel(MORNING, tick=False) as traveller:
        log_in(client, "duchaban", PASSWORD)
        assert page(client) == 200
        traveller.shift(timedelta(minutes=30))
        response = client.get("/password/", follow=True)
        assert response.redirect_chain[0][0] == "/login/?next=/password/"
        assert IDLE in response.content.decode()
        assert not logged_in(client)


def test_the_badge_polling_does_not_keep_a_session_alive(client, duchaban):
    with time_machine.travel(MORNING, tick=False) as traveller:
        log_in(client, "duchaban", PASSWORD)
        assert page(client) == 200
        for _ in range(14):  # every two minutes, as the badge polls
            traveller.shift(timedelta(minutes=2))
            assert poll(client).status_code == 200
        traveller.shift(timedelta(minutes=2))  # 30 minutes after the last page
        response = poll(client)
        # The whole page goes to the login page, not the login page into the badge.
        assert response.status_code == 204
        assert response["HX-Redirect"] == "/login/?next=/work/%3Ftab%3D2"
        assert not logged_in(client)
        assert IDLE in client.get("/login/").content.decode()


def test_the_login_itself_starts_the_clock(client, duchaban):
    with time_machine.travel(MORNING, tick=False) as traveller:
        log_in(client, "duchaban", PASSWORD)
        traveller.shift(timedelta(minutes=31))
        assert page(client) == 302


def test_the_idle_timeout_is_a_setting(client, duchaban, settings):
    settings.LUOSHI_IDLE_TIMEOUT_MINUTES = 5
    with time_machine.travel(MORNING, tick=False) as traveller:
        log_in(client, "duchaban", PASSWORD)
        traveller.shift(timedelta(minutes=4))
        assert page(client) == 200
        traveller.shift(timedelta(minutes=5))
        assert page(client) == 302


def test_a_busy_session_still_ends_twelve_hours_after_the_login(client, duchaban, settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    with time_machine.travel(MORNING, tick=False) as traveller:
        log_in(client, "duchaban", PASSWORD)
        for _ in range(35):  # a page every 20 minutes, to 11 h 40 min
            traveller.shift(timedelta(minutes=20))
            assert page(client) == 200
        traveller.shift(timedelta(minutes=20, seconds=1))  # active, but 12 hours are over
        response = client.get("/password/", follow=True)
        assert response.redirect_chain[0][0] == "/login/?next=/password/"
        assert IDLE not in response.content.decode()


# --- settings ------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LUOSHI_LOGIN_FAILURE_LIMIT", "0"),
        ("LUOSHI_LOGIN_LOCKOUT_MINUTES", "half an hour"),
        ("LUOSHI_TRUSTED_PROXY_COUNT", "-1"),
        ("LUOSHI_IDLE_TIMEOUT_MINUTES", "0"),
    ],
)
def test_a_wrong_setting_refuses_to_start(tmp_path, name, value):
    from luoshi.core.tests.test_settings import SETUP, run_python

    result = run_python(SETUP, tmp_path, LUOSHI_ENV="development", **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr
