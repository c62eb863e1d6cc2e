"""The demo loader: idempotent, only in demo mode, with passwords printed and kept locally."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from luoshi.org.models import Leader, Membership, Person, Region, Role, Unit, User
from luoshi.web.demo import accounts_file, demo_load

pytestmark = pytest.mark.django_db

TOWNS = {"乾佑街道", "营盘镇", "下梁镇", "小岭镇", "凤凰镇", "红岩寺镇", "曹坪镇", "杏坪镇", "瓦房口镇"}


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Region, Unit, Person, Leader, User, Membership)
    }


def test_loading_twice_changes_nothing(demo_mode):
    first = demo_load()
    before = counts()
    hashes = dict(User.objects.values_list("username", "password"))
    second = demo_load()
    assert counts() == before
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert all(account.password for account in first)
    assert not any(account.password for account in second)  # nobody's password was changed


def test_demo_county_is_the_one_of_the_speech(demo_mode):
    demo_load()
    county = Region.objects.get(name="柞水县")
    assert county.parent.name == "商洛市"
    assert Region.objects.filter(parent=county.parent).count() >= 2
    towns = set(
        Unit.objects.filter(region=county, kind__in=[Unit.Kind.TOWN, Unit.Kind.STREET]).values_list(
            "short_name", flat=True
        )
    )
    assert towns == TOWNS
    assert Unit.objects.get(region=county, kind=Unit.Kind.SUPERVISION).name.endswith("督查办公室")
    leaders = {leader.person.name: leader for leader in Leader.objects.filter(region=county)}
    assert set(leaders) == {"刘鹏", "冯锐", "茂荣", "维杰", "王宁", "小军"}
    assert leaders["刘鹏"].title == "县长"
    for short in ("县发改局", "县财政局", "县统计局", "县住建局", "县应急管理局"):
        assert leaders["冯锐"].oversees.filter(short_name=short).exists()
    assert leaders["茂荣"].oversees.filter(short_name="县文旅局").exists()
    assert leaders["王宁"].oversees.filter(short_name="县乡村振兴局").exists()
    # every department is overseen by somebody
    unattended = Unit.objects.filter(region=county, kind=Unit.Kind.DEPARTMENT, overseen_by__isnull=True)
    assert not unattended.exists(), list(unattended)


def test_every_role_has_a_demo_account(demo_mode):
    demo_load()
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)


def test_passwords_are_printed_and_kept_outside_the_repository(demo_mode, settings, capsys):
    call_command("demo")
    out = capsys.readouterr().out
    path = accounts_file()
    assert path.parent == settings.DATA_DIR
    text = path.read_text(encoding="utf-8")
    for user in User.objects.all():
        assert user.username in out and user.username in text
        password = next(
            line.split("\t")[1] for line in text.splitlines() if line.startswith(user.username + "\t")
        )
        assert user.check_password(password)
        assert password in out
    assert path.stat().st_mode & 0o077 == 0


@pytest.mark.django_db(transaction=True)  # flush runs outside a transaction, as the command does
def test_reset_reloads_with_new_passwords(demo_mode):
    demo_load()
    liupeng = User.objects.get(username="liupeng")
    liupeng.name = "改过的名字"
    liupeng.save()
    old_hash = liupeng.password
    accounts = demo_load(reset=True)
    assert all(account.password for account in accounts)
    liupeng = User.objects.get(username="liupeng")
    assert liupeng.name == "刘鹏"
    assert liupeng.password != old_hash


def test_refused_outside_demo_mode(settings):
    settings.LUOSHI_DEMO = False
    with pytest.raises(ImproperlyConfigured, match="演示模式"):
        demo_load()
    assert not User.objects.exists()


def test_refused_in_production(settings):
    settings.PRODUCTION = True
    settings.LUOSHI_DEMO = True
    with pytest.raises(ImproperlyConfigured, match="生产"):
        demo_load()
    assert not User.objects.exists()


def test_fixed_password_from_environment(demo_mode, monkeypatch):
    monkeypatch.setenv("LUOSHI_DEMO_PASSWORD", "same-for-all-2023")
    demo_load()
    assert all(user.check_password("same-for-all-2023") for user in User.objects.all())
