"""The audit log itself: append-only in the model and in the database, kept for its retention and
purged after it (never before 180 days), and what it captures by itself and what it leaves out."""

from __future__ import annotations

import io
import os
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from luoshi.audit import context
from luoshi.audit.models import Action, AuditEvent, AuditLogImmutable
from luoshi.audit.services import audit_purge, audit_record, purge_cutoff
from luoshi.conftest import client_for
from luoshi.items import services as items
from luoshi.items.models import Item, Milestone
from luoshi.items.services import ItemInput, MilestoneInput
from luoshi.items.tests.factories import ItemFactory
from luoshi.org.models import Membership, Region, Role, Unit
from luoshi.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="DATABASE_URL is not PostgreSQL",
)


def aged(days: int, summary: str = "旧记录") -> AuditEvent:
    """A row recorded `days` ago by the real clock."""
    return AuditEvent.objects.create(
        at=timezone.now() - timedelta(days=days), action=Action.LOGIN, summary=summary
    )


# --- append-only -----------------------------------------------------------------------------------


def test_the_model_refuses_to_change_or_delete_a_row():
    row = audit_record(action=Action.LOGIN, summary="登录成功")
    row.summary = "改过的摘要"
    with pytest.raises(AuditLogImmutable):
        row.save()
    with pytest.raises(AuditLogImmutable):
        row.delete()
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.filter(pk=row.pk).update(summary="改过的摘要")
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.filter(pk=row.pk).delete()
    assert AuditEvent.objects.get(pk=row.pk).summary == "登录成功"


def test_the_database_refuses_an_update_and_the_delete_of_a_row_younger_than_180_days():
    """On SQLite, and on PostgreSQL when DATABASE_URL points to it (CI's second pass)."""
    young, old = aged(179), aged(181)
    with connection.cursor() as cursor:
        for sql, params in (
            ("UPDATE audit_event SET summary = %s WHERE id = %s", ["改过的摘要", young.pk]),
            ("UPDATE audit_event SET summary = %s WHERE id = %s", ["改过的摘要", old.pk]),
            ("DELETE FROM audit_event WHERE id = %s", [young.pk]),
            ("DELETE FROM audit_event", []),
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(sql, params)
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [old.pk])  # past the legal minimum
    assert AuditEvent.objects.filter(pk=young.pk).exists()
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


@on_postgresql
def test_postgresql_refuses_to_truncate_the_log():
    aged(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_event")


# --- retention -------------------------------------------------------------------------------------


def test_purge_deletes_only_the_rows_past_the_retention_and_records_itself(settings):
    today = timezone.localdate()
    rows = {days: aged(days, f"{days}天前") for days in (400, 366, 200, 100)}
    settings.LUOSHI_AUDIT_RETENTION_DAYS = 365
    assert audit_purge(as_of=today) == 2
    assert set(
        AuditEvent.objects.filter(pk__in=[r.pk for r in rows.values()]).values_list("summary", flat=True)
    ) == {
        "200天前",
        "100天前",
    }
    settings.LUOSHI_AUDIT_RETENTION_DAYS = 180
    assert audit_purge(as_of=today) == 1
    assert AuditEvent.objects.filter(pk=rows[100].pk).exists()
    purged = AuditEvent.objects.filter(action=Action.PURGED).latest("id")
    assert "删除" in purged.summary and "1 条" in purged.summary and "保存期 180 天" in purged.summary


def test_purge_never_deletes_a_row_younger_than_180_days():
    with pytest.raises(ValueError, match="至少保存 180 天"):
        purge_cutoff(date(2024, 1, 1), days=90)
    young = aged(30)
    # A date in the future (a wrong clock, a wrong --as-of): the database refuses, nothing goes.
    with pytest.raises(DatabaseError):
        audit_purge(as_of=timezone.localdate() + timedelta(days=400))
    assert AuditEvent.objects.filter(pk=young.pk).exists()


def test_the_purge_command_and_the_daily_job(capsys):
    from huey.contrib.djhuey import HUEY

    from luoshi.audit.tasks import purge_audit_log_daily

    old = aged(500)
    call_command("audit", "purge", "--as-of", timezone.localdate().isoformat())
    assert "已删除" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    purged = AuditEvent.objects.filter(action=Action.PURGED).latest("id")
    assert purged.actor_name == "命令行：luoshi audit purge"
    assert purge_audit_log_daily.task_class in HUEY._registry._periodic_tasks
    purge_audit_log_daily.call_local()
    assert AuditEvent.objects.filter(action=Action.PURGED, actor_name="系统（每日清理审计日志）").exists()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_everything_but_the_audit_log():
    kept = audit_record(action=Action.SYSTEM, summary="清空前的记录")
    Region.objects.create(name="测试县", code="999999", level=Region.Level.COUNTY)
    call_command("flush", interactive=False, verbosity=0)
    assert not Region.objects.exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()


@pytest.mark.slow
def test_a_retention_below_the_legal_minimum_refuses_to_start(tmp_path):
    from luoshi.core.tests.test_settings import SETUP, run_python

    result = run_python(SETUP, tmp_path, LUOSHI_ENV="development", LUOSHI_AUDIT_RETENTION_DAYS="90")
    assert result.returncode != 0
    assert (
        "ImproperlyConfigured" in result.stderr
        and "LUOSHI_AUDIT_RETENTION_DAYS 不能小于 180" in result.stderr
    )
    longer = run_python(SETUP, tmp_path, LUOSHI_ENV="development", LUOSHI_AUDIT_RETENTION_DAYS="730")
    assert longer.returncode == 0, longer.stderr


# --- what is captured ------------------------------------------------------------------------------


def test_a_seat_moved_to_another_role_is_a_revocation_and_a_grant(fagaiju_reporter):
    seat = fagaiju_reporter.memberships.get()
    seat.role = Role.UNIT_HEAD
    seat.save()
    revoked, granted = AuditEvent.objects.filter(
        object_type="org.Membership", object_id=str(seat.pk)
    ).order_by("id")
    assert revoked.action == Action.ROLE_REVOKED and revoked.summary.endswith("县发改局 · 单位填报员")
    assert granted.action == Action.ROLE_GRANTED and granted.summary.endswith("县发改局 · 单位负责人")
    assert granted.changes == {"role": ["单位填报员", "单位负责人"]}


def test_a_group_given_to_a_user_is_a_grant(fagaiju_reporter):
    group = Group.objects.create(name="日历维护")
    fagaiju_reporter.groups.add(group)
    grant = AuditEvent.objects.filter(action=Action.ROLE_GRANTED, object_type="org.User").latest("id")
    assert grant.changes == {"groups": [None, "日历维护"]}
    assert "周静（fgj-reporter）" in grant.summary


def test_links_added_and_removed_show_before_and_after(fagaiju, zhashui):
    item = ItemFactory(region=zhashui, lead_unit=fagaiju, title="园区道路")
    finance = Unit.objects.get(region=zhashui, short_name="县财政局")
    water = Unit.objects.get(region=zhashui, short_name="县水利局")
    item.support_units.set([finance])
    item.support_units.set([water])
    rows = AuditEvent.objects.filter(object_type="items.Item", object_id=str(item.pk), action=Action.CHANGED)
    assert [row.changes["support_units"] for row in rows.order_by("id")] == [
        [None, "县财政局"],
        ["县财政局", None],
        [None, "县水利局"],
    ]


def test_a_save_that_changes_nothing_writes_nothing(fagaiju):
    before = AuditEvent.objects.count()
    fagaiju.save()
    assert AuditEvent.objects.count() == before


def test_an_import_is_one_row_not_one_per_item(supervisor, zhashui, fagaiju):
    rows = [
        ItemInput(
            title=f"导入事项{n}",
            year=2023,
            lead_unit=fagaiju,
            deadline=date(2023, 12, 31),
            milestones=[MilestoneInput(name="开工", due=date(2023, 9, 1))],
        )
        for n in range(30)
    ]
    before = AuditEvent.objects.count()
    items.items_import(actor=supervisor, region=zhashui, rows=rows, assign=False, as_of=date(2023, 7, 25))
    assert Item.objects.filter(title__startswith="导入事项").count() == 30
    assert Milestone.objects.filter(item__title__startswith="导入事项").count() == 30
    written = AuditEvent.objects.order_by("id")[before:]
    assert [(row.action, row.actor_username, row.region_name) for row in written] == [
        (Action.IMPORTED, "duchaban", "柞水县")
    ]
    assert "新增 30 项" in written[0].summary


def test_quiet_operations_and_commands_name_themselves(zhashui):
    before = AuditEvent.objects.count()
    with context.quiet():
        Unit.objects.create(region=zhashui, name="测试局", short_name="测试局", kind=Unit.Kind.DEPARTMENT)
    assert AuditEvent.objects.count() == before
    with context.acting("命令行：luoshi import items"):
        unit = Unit.objects.create(region=zhashui, name="测试二局", short_name="测试二局", kind="department")
    row = AuditEvent.objects.get(object_type="org.Unit", object_id=str(unit.pk))
    assert (row.action, row.actor_name, row.actor_id, row.region_name) == (
        Action.CREATED,
        "命令行：luoshi import items",
        None,
        "柞水县",
    )


# --- the admin -------------------------------------------------------------------------------------


def test_the_admin_shows_the_log_read_only_to_the_superuser_and_to_nobody_else(county_admin):
    superuser = UserFactory(username="anquan", name="安全管理员", is_superuser=True, is_staff=True)
    row = audit_record(action=Action.LOGIN, summary="登录成功")
    client = client_for(superuser)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    change = client.get(f"/admin/audit/auditevent/{row.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=row.pk).exists()
    assert client_for(county_admin).get("/admin/audit/auditevent/").status_code == 403
    assert not Membership.objects.filter(user=county_admin, role=Role.AUDITOR).exists()


def test_a_lockout_lifted_by_hand_is_a_row_and_one_that_expires_is_not(fagaiju_reporter, settings):
    from axes.models import AccessAttempt
    from django.test import Client

    for _ in range(settings.LUOSHI_LOGIN_FAILURE_LIMIT):
        Client().post("/login/", {"username": "fgj-reporter", "password": "wrong"}, REMOTE_ADDR="10.0.6.1")
    attempt = AccessAttempt.objects.get(username="fgj-reporter")
    superuser = UserFactory(username="anquan", name="安全管理员", is_superuser=True, is_staff=True)
    response = client_for(superuser).post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    unlocked = AuditEvent.objects.filter(object_type="axes.AccessAttempt").latest("id")
    assert unlocked.summary == "解除登录锁定：账户“fgj-reporter”，地址 10.0.6.1"
    assert (unlocked.actor_username, unlocked.region_name) == ("anquan", "柞水县")

    for _ in range(settings.LUOSHI_LOGIN_FAILURE_LIMIT):
        Client().post("/login/", {"username": "fgj-reporter", "password": "wrong"}, REMOTE_ADDR="10.0.6.2")
    with context.acting("命令行：luoshi axes_reset_username"):
        call_command("axes_reset_username", "fgj-reporter", stdout=io.StringIO())
    by_command = AuditEvent.objects.filter(object_type="axes.AccessAttempt").latest("id")
    assert by_command.actor_name == "命令行：luoshi axes_reset_username" and "10.0.6.2" in by_command.summary
    before = AuditEvent.objects.filter(object_type="axes.AccessAttempt").count()
    AccessAttempt.objects.create(username="x", ip_address="10.0.6.3", failures_since_start=1)
    AccessAttempt.objects.all().delete()  # as django-axes cleans expired attempts: not a row
    assert AuditEvent.objects.filter(object_type="axes.AccessAttempt").count() == before
